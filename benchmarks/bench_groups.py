"""Small groups against the best known MDGPLIB values, and the old search as a baseline.

Usage::

    python benchmarks/bench_groups.py --mdgplib /path/to/mdgplib [--best best-known.tsv]
    python benchmarks/bench_groups.py --generated          # no files: generated instances
    python benchmarks/bench_groups.py --sparse 50000       # time and memory, sparse scores
    python benchmarks/bench_groups.py --synthetic 60 1000  # the planner's own scores

MDGPLIB (Gallego, Laguna, Martí & Duarte 2013; Martí et al.'s optsicom collection) is not in
this repository: see benchmarks/README.md for where it is published. An instance file starts
with ``n G ss|ds`` and the lower and upper size of each group, then one ``i j d`` line per
pair. The best known values come from a TSV with ``instance`` and ``best_known`` columns
(default: the first ``*.tsv`` in the folder); only instances listed there are run.

For every instance the table shows netweave's search (a fixed number of generations, so the
same seed gives the same groups; with ``--cap`` also the targets' wall-clock caps, which on a
shared machine cut runs short), its share of the best known value and CPU seconds, and the
same for the iterated local search netweave used before (400 rounds, its default, and as many
rounds as fit in the new search's wall time). Generated instances of the same two
families (RanReal: uniform weights in [0, 100); Geo: Euclidean distances of random points in
2-10 dimensions) have no best known value: the ratio there is against the old search.

``--synthetic N...`` runs ``plan_groups`` as the planner does (synthetic communities from
``netweave.synth``, the group weights, live people, the default budget) against the old
search on the same scores.

``--sparse N`` times the sparse engine on a random graph of ``N`` people with about 40
neighbours each (groups of 4-6, 200 forbidden pairs, the planner's default budget), and
reports its peak memory above what the graph itself took (sampled every 20 ms).
"""

from __future__ import annotations

import os

# one core per run, as the targets say (and as on a shared 2-core machine)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _old_group_search import old_search  # noqa: E402

from netweave.core.config import EventConfig  # noqa: E402
from netweave.core.group_search import search_groups  # noqa: E402
from netweave.core.groups import group_sizes  # noqa: E402

#: MDGPLIB's equal-size shapes: people -> groups
SHAPES = {120: 10, 240: 12, 480: 20}


@dataclass(frozen=True)
class Instance:
    name: str
    weights: np.ndarray
    sizes: list[int]
    best: float | None


def read_instance(path: Path) -> tuple[np.ndarray, list[int]]:
    """Weights and group sizes of an MDGPLIB file (``ds`` files: the lower bounds' mean)."""
    with path.open() as f:
        head = f.readline().split()
        if len(head) < 3:
            raise SystemExit(f"{path}, line 1: expected 'n G ss|ds bounds...', got {head!r}")
        n, n_groups = int(head[0]), int(head[1])
        bounds = [int(x) for x in head[3 : 3 + 2 * n_groups]]
        data = np.loadtxt(f, ndmin=2)
    if bounds[0::2] != bounds[1::2]:
        raise SystemExit(f"{path}: only equal lower and upper sizes ('ss') are supported")
    w = np.zeros((n, n))
    i, j = data[:, 0].astype(int), data[:, 1].astype(int)
    w[i, j] = w[j, i] = data[:, 2]
    return w, bounds[0::2]


def read_best(path: Path) -> dict[str, float]:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows or "instance" not in rows[0] or "best_known" not in rows[0]:
        raise SystemExit(f"{path}: expected a TSV with 'instance' and 'best_known' columns")
    return {r["instance"]: float(r["best_known"]) for r in rows}


def mdgplib(folder: Path, best_path: Path | None) -> list[Instance]:
    if best_path is None:
        found = sorted(folder.glob("*.tsv"))
        if not found:
            raise SystemExit(f"{folder}: no *.tsv of best known values; give --best")
        best_path = found[0]
    best = read_best(best_path)
    out = []
    for name, value in best.items():
        path = folder / f"{name}.txt"
        if not path.exists():
            print(f"skipped {name}: no {path}", file=sys.stderr)
            continue
        w, sizes = read_instance(path)
        out.append(Instance(name, w, sizes, value))
    return out


def generated(seeds: int) -> list[Instance]:
    out = []
    for n, n_groups in SHAPES.items():
        for seed in range(1, seeds + 1):
            rng = np.random.default_rng(1000 * n + seed)
            w = np.triu(rng.uniform(0, 100, (n, n)), 1)
            sizes = [n // n_groups] * n_groups
            out.append(Instance(f"ranreal-like n{n} #{seed}", w + w.T, sizes, None))
            points = rng.uniform(0, 10, (n, int(rng.integers(2, 11))))
            d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
            out.append(Instance(f"geo-like n{n} #{seed}", d, sizes, None))
    return out


def score(w: np.ndarray, labels: np.ndarray) -> float:
    return float(np.triu(np.where(labels[:, None] == labels[None, :], w, 0.0), 1).sum())


def generations_for(n: int) -> int:
    """The fixed budget: measured to fit in 20 s (n <= 240) or 60 s (480) of one core."""
    return 300 if n <= 150 else 180 if n <= 300 else 350


def run(inst: Instance, generations: int | None, seed: int, capped: bool) -> dict[str, float]:
    n = len(inst.weights)
    cap = (20.0 if n <= 300 else 60.0) if capped else None
    gens = generations or generations_for(n)
    cpu, wall = time.process_time(), time.perf_counter()
    new = search_groups(inst.weights, inst.sizes, generations=gens, seed=seed, time_limit=cap)
    new_s, new_wall = time.process_time() - cpu, time.perf_counter() - wall
    cpu = time.process_time()
    labels, _ = old_search(inst.weights, inst.sizes, iterations=400, time_limit=600, seed=seed)
    old_s = time.process_time() - cpu
    old = score(inst.weights, labels)
    # the old search given the new one's (wall) time: it plateaus rather than runs short
    labels, rounds = old_search(
        inst.weights, inst.sizes, iterations=None, time_limit=new_wall, seed=seed
    )
    return {
        "new": new.score,
        "new_s": new_s,
        "gens": new.generations,
        "asked": gens,
        "old": old,
        "old_s": old_s,
        "old_long": score(inst.weights, labels),
        "old_rounds": rounds,
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sparse_run(n: int, seed: int) -> None:
    """The sparse engine on a random graph: seconds, peak memory beyond the graph."""
    rng = np.random.default_rng(seed)
    m = n * 20  # about 40 neighbours each, both ways
    i, j = rng.integers(n, size=m), rng.integers(n, size=m)
    keep = i != j
    half = sp.csr_matrix((rng.random(int(keep.sum())), (i[keep], j[keep])), shape=(n, n))
    graph = (half + half.T).tocsr()
    del half, i, j, keep
    forbidden = [(int(a), int(b)) for a, b in rng.integers(n, size=(200, 2)) if a != b]
    before, peak = _rss_mb(), [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _rss_mb())

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    cpu, wall = time.process_time(), time.perf_counter()
    res = search_groups(
        graph,
        group_sizes(n, 4, 6),
        forbidden=forbidden,
        generations=EventConfig().group_iterations,
        seed=seed,
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done.set()
    watcher.join()
    print(
        f"| {n:,} | {graph.nnz / n:.1f} | {res.engine} | {res.generations} | {res.violations} "
        f"| {cpu:.1f} | {wall:.1f} | {max(peak[0], _rss_mb()) - before:.0f} | {before:.0f} |"
    )


def synthetic_run(n: int) -> None:
    """``plan_groups`` with the default budget against the old search, same scores."""
    import tempfile

    from netweave.core.affinity import build_affinity
    from netweave.core.config import GROUP_WEIGHTS
    from netweave.core.groups import generations_for, plan_groups
    from netweave.core.people import read_people
    from netweave.synth import write_synthetic_csv

    with tempfile.TemporaryDirectory() as folder:
        people = read_people(write_synthetic_csv(Path(folder) / "c.csv", n, seed=n)).people
    aff = build_affinity(people, weights=GROUP_WEIGHTS)
    live = [i for i, p in enumerate(people) if p.mode == "live"]
    config = EventConfig()
    cpu, wall = time.process_time(), time.perf_counter()
    gens = generations_for(len(live), config.group_iterations)
    new = plan_groups(aff, live, max_iterations=gens, time_limit=600)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    where = {p: k for k, p in enumerate(live)}
    pairs = [(where[i], where[j]) for i, j in aff.forbidden if i in where and j in where]
    sub = np.asarray(aff.scores[np.ix_(live, live)])
    sizes = group_sizes(len(live))
    old_cpu = time.process_time()
    labels, _ = old_search(sub, sizes, pairs, iterations=400, time_limit=600)
    old_cpu = time.process_time() - old_cpu
    old = _grouped(sub, labels)
    labels, _ = old_search(sub, sizes, pairs, iterations=None, time_limit=wall)
    same = _grouped(sub, labels)
    print(
        f"| {n:,} | {len(live):,} | {new.score:,.1f} | {cpu:.1f} | {100 * old / new.score:.2f} "
        f"| {old_cpu:.1f} | {100 * same / new.score:.2f} |",
        flush=True,
    )


def _grouped(w: np.ndarray, labels: np.ndarray) -> float:
    """Sum within groups, group by group (no n x n temporary)."""
    return sum(
        float(np.triu(w[np.ix_(m, m)].astype(np.float64), 1).sum())
        for m in (np.flatnonzero(labels == g) for g in range(int(labels.max()) + 1))
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--mdgplib", type=Path, help="folder of MDGPLIB instance files")
    parser.add_argument("--best", type=Path, help="TSV of best known values (default: *.tsv)")
    parser.add_argument("--generated", action="store_true", help="also generated instances")
    parser.add_argument("--seeds", type=int, default=1, help="generated ones per family, size")
    parser.add_argument("--generations", type=int, help="override the budget (default by size)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cap", action="store_true", help="wall-clock caps of 20 s (60 s above 300 people)"
    )
    parser.add_argument("--sparse", type=int, nargs="+", metavar="N", help="sparse engine runs")
    parser.add_argument("--synthetic", type=int, nargs="+", metavar="N", help="planner runs")
    args = parser.parse_args()
    if args.synthetic:
        print(
            "| community | live people | netweave | CPU s | old (400) % of netweave | CPU s "
            "| old, same time % |\n|---:|---:|---:|---:|---:|---:|---:|"
        )
        for n in args.synthetic:
            synthetic_run(n)
        return
    if args.sparse:
        print(
            "| people | neighbours | engine | generations | violations | CPU s | wall s "
            "| MB beyond the graph | MB before |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|"
        )
        for n in args.sparse:
            sparse_run(n, args.seed)
        return
    instances = mdgplib(args.mdgplib, args.best) if args.mdgplib else []
    if args.generated or not args.mdgplib:
        instances += generated(args.seeds)
    print(
        "| instance | best known | netweave | ratio % | seconds "
        "| old (400) % | old, same time % |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for inst in instances:
        r = run(inst, args.generations, args.seed, args.cap)
        ref = inst.best if inst.best is not None else r["old"]
        capped = "" if r["gens"] == r["asked"] else f" (cap: {r['gens']} gen.)"
        best = f"{inst.best:,.1f}" if inst.best is not None else "(old 400)"
        print(
            f"| {inst.name} | {best} | {r['new']:,.1f} | {100 * r['new'] / ref:.2f} "
            f"| {r['new_s']:.1f}{capped} | {100 * r['old'] / ref:.2f} "
            f"| {100 * r['old_long'] / ref:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
