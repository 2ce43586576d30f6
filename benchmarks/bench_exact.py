"""How far is the heuristic from the optimum, and the LP bound from the integer optimum?

Usage: ``python benchmarks/bench_exact.py [--sizes 20 40 60 80] [--rounds 4] [--time-limit 60]``.
See README.md. For each community, the whole ``plan_event`` (heuristic rounds, then the
integer program of ``netweave.core.exact``) and, on the same scores, the integer program
once more without the fairness floor, against which the LP bound is measured.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

from netweave.core.affinity import build_affinity
from netweave.core.config import EventConfig
from netweave.core.exact import solve_rounds
from netweave.core.people import Person, read_people
from netweave.core.planner import PlanningInput, plan_event
from netweave.core.rounds import plan_rounds
from netweave.synth import write_synthetic_csv


def _communities(sizes: list[int], folder: Path, odd: list[int]) -> list[tuple[str, list[Person]]]:
    example = Path(str(files("netweave") / "examples" / "community.csv"))
    out = [("example community.csv", read_people(example).people)]
    for n in sizes:
        out.append(
            (f"generated {n}", read_people(write_synthetic_csv(folder / f"c{n}.csv", n, n)).people)
        )
    for n in odd:
        people = read_people(write_synthetic_csv(folder / f"o{n}.csv", n, n)).people
        live = [replace(p, mode="live") for p in people]
        out.append((f"generated {n}, all live (a trio a round)", live))
    return out


def _measure(name: str, people: list[Person], rounds: int, limit: float) -> dict:
    config = EventConfig(rounds=rounds, exact_time_limit=limit, exact_nodes=10_000_000)
    started = time.perf_counter()
    m = plan_event(PlanningInput(people, groups=False), config).metrics
    seconds = time.perf_counter() - started
    # the same scores again, without the fairness floor: the LP bound has none either
    aff = build_affinity(people, config.weights)
    modes = [p.mode for p in people]
    heuristic = plan_rounds(aff, modes, rounds)
    raw = solve_rounds(aff, modes, rounds, heuristic, keep_fairness=False, time_limit=limit)
    return {
        "name": name,
        "n": len(people),
        "heuristic": m["heuristic_total"],
        "best": m["total_score"],
        "bound": m["optimum_bound"],
        "claim": m["optimality"],
        "raw_best": raw.value,
        "raw_bound": raw.bound,
        "lp": m["upper_bound"],
        "exact_s": m["seconds"].get("exact", 0.0),
        "rounds_s": m["seconds"]["rounds"],
        "seconds": seconds,
    }


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.2f}"


def _range(low: float, high: float, digits: int = 3) -> str:
    low, high = (round(v, digits) + 0.0 for v in (low, high))  # + 0.0: no "-0.000"
    if low == high:
        return f"{high:.{digits}f}"
    return f"{low:.{digits}f}-{high:.{digits}f}"


def _print_table(rows: list[dict], rounds: int) -> None:
    print(f"\nRounds: {rounds}. Totals are sums of pair scores; the optimum keeps the heuristic's")
    print("tiers and worst-off share; 'no floor' drops the share, like the LP bound.\n")
    print(
        "| community | people | heuristic | optimum | proven | heuristic % of optimum "
        "| optimum, no floor | LP bound | LP gap % | exact s | heuristic s |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        # unproven optima are a range: the best plan found .. the proven bound
        optimum = _range(r["best"], r["bound"])
        share = _range(100 * r["heuristic"] / r["bound"], 100 * r["heuristic"] / r["best"], 2)
        raw = _range(r["raw_best"], r["raw_bound"])
        gap = _range(
            100 * (r["lp"] - r["raw_bound"]) / r["raw_bound"],
            100 * (r["lp"] - r["raw_best"]) / r["raw_best"],
            3,
        )
        print(
            f"| {r['name']} | {r['n']} | {r['heuristic']:.3f} | {optimum} | {r['claim']} "
            f"| {share} | {raw} | {r['lp']:.3f} | {gap} | {r['exact_s']:.2f} "
            f"| {r['rounds_s']:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 60, 80])
    parser.add_argument("--odd", type=int, nargs="*", default=[41], help="all-live odd sizes")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [
            _measure(name, people, args.rounds, args.time_limit)
            for name, people in _communities(args.sizes, Path(folder), args.odd)
        ]
    _print_table(rows, args.rounds)


if __name__ == "__main__":
    main()
