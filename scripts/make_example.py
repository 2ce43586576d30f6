"""Regenerate the bundled example community: ``make example``.

The example is synthetic (see ``netweave.synth``); it is committed so that ``make demo`` and
the documentation show the same people, and regenerated only when the generator changes.
"""

from __future__ import annotations

import argparse

from netweave.synth import write_synthetic_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=60, help="number of members")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", default="src/netweave/examples/community.csv")
    args = parser.parse_args()
    path = write_synthetic_csv(args.output, args.n, args.seed)
    print(f"wrote {args.n} members to {path}")


if __name__ == "__main__":
    main()
