"""The benchmarks' set-up scripts still run against the code as it is.

A benchmark is run by hand, so nothing else notices when a refactor moves a function its
set-up script calls (``import_members(..., event=...)`` became ``import_roster`` and three
benchmarks stopped at their first step). These tests run each script on a handful of people
in a temporary data folder; they time nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _serve  # noqa: E402 - benchmarks/ is not a package
import bench_live  # noqa: E402
import bench_plan  # noqa: E402
import bench_serving  # noqa: E402


@pytest.fixture
def bench_env(tmp_path: Path) -> dict[str, str]:
    env = bench_live._environment(tmp_path)
    env.pop("DATABASE_URL", None)  # SQLite in the temporary folder, never a real server
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    return env


def test_bench_live_setup_and_host_run_on_a_small_event(bench_env, tmp_path):
    tokens = _serve.run_django(bench_live._SETUP, bench_env, "12", str(tmp_path)).split()
    assert len(tokens) == 12
    timings = json.loads(_serve.run_django(bench_live._HOST, bench_env, "1"))
    assert len(timings["next_round"]) == 4  # rounds 2 to 5 of the five
    assert len(timings["replan"]) == 4


def test_bench_serving_setup_runs_on_a_small_event(tmp_path):
    env = bench_serving._environment(tmp_path, None)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    lines = _serve.run_django(bench_serving._SETUP, env, "10").split()
    version, tokens = int(lines[0]), lines[1:]
    assert version >= 1
    assert len(tokens) == 10


@pytest.mark.parametrize("method", ["netweave", "greedy", "networkx"])
def test_bench_plan_reads_a_sparse_affinity_like_a_dense_one(monkeypatch, method):
    from netweave.core import affinity as affinity_module

    dense = bench_plan.run_one(80, method, 3, networkx_max=40)
    monkeypatch.setattr(affinity_module, "SPARSE_ABOVE", 79)
    sparse = bench_plan.run_one(80, method, 3, networkx_max=40)
    assert 0 < sparse["worst_share"] <= 1
    assert sparse["pct_bound"] == pytest.approx(dense["pct_bound"], abs=2.0)
