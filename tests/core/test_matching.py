"""max_weight_matching: blossom up to 600 nodes, a repaired cycle cover beyond."""

from __future__ import annotations

import numpy as np
import pytest

from netweave.core import matching as matching_module
from netweave.core.matching import max_weight_matching


def test_max_weight_matching_small_graph_is_exact() -> None:
    # a 4-cycle with one heavy chord: the best matching is two opposite sides, not the chord
    u, v = np.array([0, 1, 2, 3, 0]), np.array([1, 2, 3, 0, 2])
    w = np.array([2.0, 2.5, 2.0, 2.5, 4.0])
    assert max_weight_matching(4, u, v, w).tolist() == [1, 3]


def test_max_weight_matching_no_edges_is_empty() -> None:
    empty = np.zeros(0, np.int64)
    assert max_weight_matching(5, empty, empty, np.zeros(0)).tolist() == []


@pytest.mark.parametrize("seed", range(3))
def test_max_weight_matching_cycle_cover_is_close_to_blossom(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(seed)
    n, m = 400, 3000
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = u != v
    key = np.unique(np.minimum(u[keep], v[keep]) * n + np.maximum(u[keep], v[keep]))
    u, v, w = key // n, key % n, 1 + rng.random(len(key))
    exact = w[max_weight_matching(n, u, v, w)].sum()
    monkeypatch.setattr(matching_module, "_EXACT_NODES", 0)
    chosen = max_weight_matching(n, u, v, w)
    assert len(set(u[chosen]) | set(v[chosen])) == 2 * len(chosen)
    assert w[chosen].sum() >= 0.995 * exact
