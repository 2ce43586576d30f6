"""Side-by-side: netweave's rounds against random, greedy and networkx blossom.

Usage: ``python benchmarks/bench_plan.py [--sizes 60 1000 10000 50000 100000] [--rounds 6]``;
above ``--baseline-max`` people (10,000) only netweave runs. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from netweave.core.affinity import Affinity, build_affinity
from netweave.core.bounds import upper_bound
from netweave.core.people import read_people
from netweave.synth import write_synthetic_csv

METHODS = ("netweave", "random", "greedy", "networkx")
SPARSE = ("greedy", "networkx")  # above --networkx-max people: on netweave's candidate pairs


def _affinity(n: int, folder: Path) -> tuple[Affinity, list[str]]:
    path = write_synthetic_csv(folder / f"c{n}.csv", n, seed=n)
    people = read_people(path).people
    # the benchmark compares matching methods: everyone live keeps the comparison like for like
    return build_affinity(people), ["live"] * len(people)


def _best_possible(aff: Affinity, rounds: int) -> np.ndarray:
    """Per person, the sum of their ``rounds`` best allowed scores (0 for negative ones)."""
    if aff.sparse:  # the graph holds everyone's best partners: their top is the top overall
        return _best_possible_sparse(aff, rounds)
    s = aff.scores.astype(np.float64, copy=True)
    np.fill_diagonal(s, -np.inf)
    for i, j in aff.forbidden:
        s[i, j] = s[j, i] = -np.inf
    top = -np.sort(-s, axis=1)[:, :rounds]
    return np.where(np.isfinite(top), np.maximum(top, 0), 0).sum(axis=1)


def _best_possible_sparse(aff: Affinity, rounds: int) -> np.ndarray:
    g = aff.graph.tocoo()
    n = aff.n
    forbidden = np.array([i * n + j for i, j in aff.forbidden], dtype=np.int64)
    keys = np.minimum(g.row, g.col).astype(np.int64) * n + np.maximum(g.row, g.col)
    keep = (g.row != g.col) & ~np.isin(keys, forbidden)
    rows, vals = g.row[keep], np.maximum(g.data[keep].astype(np.float64), 0)
    order = np.lexsort((-vals, rows))
    rows, vals = rows[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n))
    rank = np.arange(len(rows)) - starts[rows]
    return np.bincount(rows[rank < rounds], vals[rank < rounds], minlength=n)


def _evaluate(aff: Affinity, rounds_out: list[list[tuple[int, ...]]], rounds: int) -> dict:
    pairs = [
        (a, b)
        for meetings in rounds_out
        for m in meetings
        for k, a in enumerate(m)
        for b in m[k + 1 :]
    ]
    a, b = (np.array(col, dtype=np.intp) for col in zip(*pairs, strict=True))
    s = aff.pair_scores(a, b)
    got = np.bincount(a, s, minlength=aff.n) + np.bincount(b, s, minlength=aff.n)
    total = float(s.sum())
    best = _best_possible(aff, rounds)
    share = np.where(best > 0, got / np.where(best > 0, best, 1), 1.0)
    return {"total": total, "worst_share": float(share.min())}


def _usable(aff: Affinity, used: set[tuple[int, int]], i: int, j: int) -> bool:
    return (min(i, j), max(i, j)) not in used and aff.allowed(i, j)


def _random_rounds(aff: Affinity, rounds: int, seed: int = 0) -> list[list[tuple[int, ...]]]:
    rng = np.random.default_rng(seed)
    used: set[tuple[int, int]] = set()
    out = []
    for _ in range(rounds):
        free = list(rng.permutation(aff.n))
        meetings = []
        while len(free) > 1:
            a = free.pop()
            for k in range(len(free) - 1, -1, -1):
                if _usable(aff, used, a, free[k]):
                    b = free.pop(k)
                    used.add((min(a, b), max(a, b)))
                    meetings.append((a, b))
                    break
        out.append(meetings)
    return out


def _greedy_rounds(aff: Affinity, rounds: int, sparse: bool) -> list[list[tuple[int, ...]]]:
    if sparse:  # all 50M pairs of 10,000 people would not fit as Python tuples
        edges = np.array(aff.candidate_pairs(), dtype=np.intp).reshape(-1, 2)
        iu, ju = edges[:, 0], edges[:, 1]
    else:
        iu, ju = np.triu_indices(aff.n, k=1)
    order = np.argsort(-aff.pair_scores(iu, ju), kind="stable")
    pairs = list(zip(iu[order].tolist(), ju[order].tolist(), strict=True))
    used: set[tuple[int, int]] = set()
    out = []
    for _ in range(rounds):
        busy: set[int] = set()
        meetings = []
        for a, b in pairs:
            if a in busy or b in busy or (a, b) in used or not aff.allowed(a, b):
                continue
            busy.update((a, b))
            used.add((a, b))
            meetings.append((a, b))
        out.append(meetings)
    return out


def _networkx_rounds(aff: Affinity, rounds: int, sparse: bool) -> list[list[tuple[int, ...]]]:
    import networkx as nx

    if sparse:
        edges = aff.candidate_pairs()
    else:
        iu, ju = np.triu_indices(aff.n, k=1)
        edges = list(zip(iu.tolist(), ju.tolist(), strict=True))
    graph = nx.Graph()
    a, b = (np.array(col, dtype=np.intp) for col in zip(*edges, strict=True))
    scores = aff.pair_scores(a, b).tolist()
    graph.add_weighted_edges_from(
        (p, q, s)
        for p, q, s in zip(a.tolist(), b.tolist(), scores, strict=True)
        if aff.allowed(p, q)
    )
    out = []
    for _ in range(rounds):
        matching = nx.max_weight_matching(graph, maxcardinality=True)
        meetings = [tuple(sorted(p)) for p in matching]
        graph.remove_edges_from(meetings)
        out.append(meetings)
    return out


def _netweave_rounds(aff: Affinity, rounds: int) -> list[list[tuple[int, ...]]]:
    from netweave.core.rounds import plan_rounds

    result = plan_rounds(aff, ["live"] * aff.n, rounds)
    return [list(r) for r in result.rounds]


def run_one(n: int, method: str, rounds: int, networkx_max: int) -> dict:
    """One method on one size, in this process; returns the figures as a dict."""
    with tempfile.TemporaryDirectory() as tmp:
        aff, _ = _affinity(n, Path(tmp))
    start = time.perf_counter()
    if method == "netweave":
        out = _netweave_rounds(aff, rounds)
    elif method == "random":
        out = _random_rounds(aff, rounds)
    elif method == "greedy":
        out = _greedy_rounds(aff, rounds, sparse=n > networkx_max)
    else:
        out = _networkx_rounds(aff, rounds, sparse=n > networkx_max)
    seconds = time.perf_counter() - start
    caps = np.full(aff.n, rounds)
    bound = upper_bound(aff, caps, trio_slots=0).value
    figures = _evaluate(aff, out, rounds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    return {
        "n": n,
        "method": method + (" (sparse)" if method in SPARSE and n > networkx_max else ""),
        "pct_bound": 100 * figures["total"] / bound if bound > 0 else 100.0,
        "worst_share": figures["worst_share"],
        "seconds": seconds,
        "per_round": seconds / rounds,
        "peak_mib": peak,
    }


def _subprocess(n: int, method: str, rounds: int, networkx_max: int, limit: float) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--one",
        str(n),
        method,
        "--rounds",
        str(rounds),
        "--networkx-max",
        str(networkx_max),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return {"n": n, "method": method, "skipped": f"over {limit:.0f} s"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _end_to_end(n: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_synthetic_csv(Path(tmp) / "c.csv", n, seed=n)
        exe = Path(sys.executable).with_name("netweave")
        out = str(Path(tmp) / "o")
        cmd = [
            str(exe),
            "plan",
            str(path),
            "--rounds",
            str(rounds),
            "--group-size",
            "4-6",
            "-o",
            out,
        ]
        cmd = ["/usr/bin/time", "-f", "%M", *cmd] if Path("/usr/bin/time").exists() else cmd
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - start
        plan = json.loads((Path(tmp) / "o" / "plan.json").read_text())
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    peak = int(last) / 1024 if last.isdigit() else float("nan")
    return {
        "n": n,
        "rounds": rounds,
        "seconds": seconds,
        "peak_mib": peak,
        "pct_bound": plan["metrics"]["quality_pct"],
        "worst_share": plan["metrics"]["worst_off_share"],
        "stages": plan["metrics"]["seconds"],
        "load": os.getloadavg()[0],
    }


def _print_table(rows: list[dict]) -> None:
    print(
        f"{'people':>7} {'method':<20} {'% bound':>8} {'worst-off':>9} {'seconds':>9} "
        f"{'s/round':>8} {'peak MiB':>9} {'time vs netweave':>17}"
    )
    base = {r["n"]: r for r in rows if r["method"] == "netweave" and "skipped" not in r}
    for r in rows:
        if "skipped" in r:
            print(f"{r['n']:>7} {r['method']:<20} skipped: {r['skipped']}")
            continue
        ref = base.get(r["n"])
        ratio = f"{r['seconds'] / ref['seconds']:.1f}x" if ref and ref["seconds"] > 0 else "-"
        print(
            f"{r['n']:>7} {r['method']:<20} {r['pct_bound']:>8.2f} {r['worst_share']:>9.3f} "
            f"{r['seconds']:>9.2f} {r['per_round']:>8.3f} {r['peak_mib']:>9.0f} {ratio:>17}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 1000])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument(
        "--networkx-max",
        type=int,
        default=500,
        help="above this many people networkx runs on the sparse candidates",
    )
    parser.add_argument("--limit", type=float, default=900, help="seconds per case")
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=10_000,
        help="above this many people only netweave runs (the others take hours or memory)",
    )
    parser.add_argument("--one", nargs=2, metavar=("N", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), args.one[1], args.rounds, args.networkx_max)))
        return
    rows = [
        _subprocess(n, m, args.rounds, args.networkx_max, args.limit)
        if m == "netweave" or n <= args.baseline_max
        else {"n": n, "method": m, "skipped": f"above --baseline-max {args.baseline_max}"}
        for n in args.sizes
        for m in args.methods
    ]
    _print_table(rows)
    print()
    print("Whole `netweave plan` (rounds, bound, groups, all files):")
    for n in args.sizes:
        rounds = 5 if n >= 10_000 else args.rounds
        e = _end_to_end(n, rounds)
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in e["stages"].items() if k != "total")
        print(
            f"  {e['n']:>6} people, {e['rounds']} rounds, groups of 4-6: {e['seconds']:.1f} s, "
            f"peak {e['peak_mib']:.0f} MiB, {e['pct_bound']:.2f} % of the bound, worst-off "
            f"share {e['worst_share']:.3f} ({stages}; load average {e['load']:.1f})"
        )


if __name__ == "__main__":
    main()
