"""upper_bound: an LP bound that no plan can beat, valid for all pairs, tight when it can be."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.core.affinity import Affinity
from netweave.core.bounds import _settled, _solve_lp, scan_partners, upper_bound
from netweave.core.round_spec import InfeasibleError
from netweave.core.rounds import plan_rounds


def random_affinity(n: int, seed: int, *, forbid: float = 0.0, shift: float = 0.0) -> Affinity:
    """Symmetric uniform scores in [shift, 1 + shift); each pair forbidden with prob. ``forbid``."""
    rng = np.random.default_rng(seed)
    s = rng.random((n, n), dtype=np.float32) + np.float32(shift)
    s = (s + s.T) / 2
    np.fill_diagonal(s, 0)
    forbidden = frozenset(
        (i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < forbid
    )
    return Affinity(tuple(f"p{i}@x.org" for i in range(n)), s, forbidden=forbidden)


def best_matching_value(aff: Affinity) -> float:
    """The exact best one-round total (networkx blossom over allowed positive pairs)."""
    g = nx.Graph()
    for i, j in itertools.combinations(range(aff.n), 2):
        if aff.allowed(i, j) and aff.scores[i, j] > 0:
            g.add_edge(i, j, weight=float(aff.scores[i, j]))
    return sum(g[a][b]["weight"] for a, b in nx.max_weight_matching(g))


def best_b_matching_value(aff: Affinity, cap: int) -> float:
    """Brute force: the best set of allowed pairs with everyone in at most ``cap`` of them."""
    pairs = [
        (i, j)
        for i, j in itertools.combinations(range(aff.n), 2)
        if aff.allowed(i, j) and aff.scores[i, j] > 0
    ]
    best = 0.0
    for mask in range(1 << len(pairs)):
        chosen = [p for k, p in enumerate(pairs) if mask >> k & 1]
        degree = np.bincount(np.array(chosen, dtype=int).ravel(), minlength=aff.n)
        if degree.max(initial=0) <= cap:
            best = max(best, sum(float(aff.scores[p]) for p in chosen))
    return best


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 12), seed=st.integers(0, 10_000), forbid=st.sampled_from([0.0, 0.3]))
def test_upper_bound_is_at_least_the_best_single_round(n: int, seed: int, forbid: float) -> None:
    aff = random_affinity(n, seed, forbid=forbid, shift=-0.3)
    bound = upper_bound(aff, [1] * n, candidates=2)
    assert bound.value >= best_matching_value(aff) - 1e-6


@pytest.mark.parametrize("seed", range(5))
def test_upper_bound_is_at_least_the_best_two_rounds(seed: int) -> None:
    aff = random_affinity(6, seed, forbid=0.2)
    assert upper_bound(aff, [2] * 6, candidates=1).value >= best_b_matching_value(aff, 2) - 1e-6


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 12), rounds=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_upper_bound_is_at_least_what_plan_rounds_achieves(n: int, rounds: int, seed: int) -> None:
    aff = random_affinity(n, seed, forbid=0.1)
    try:
        plan = plan_rounds(aff, ["live"] * n, rounds, seed=seed)
    except InfeasibleError:
        return
    bound = upper_bound(aff, [rounds] * n, trio_slots=3 * rounds, candidates=3)
    assert bound.value >= plan.total - 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_upper_bound_from_few_candidates_equals_bound_from_all_pairs(seed: int) -> None:
    aff = random_affinity(40, seed, forbid=0.1)
    sparse = upper_bound(aff, [3] * 40, trio_slots=9, candidates=3)
    full = upper_bound(aff, [3] * 40, trio_slots=9, candidates=39)
    assert sparse.value == pytest.approx(full.value, rel=1e-5)


def test_upper_bound_correction_is_zero_when_candidates_cover_every_pair() -> None:
    bound = upper_bound(random_affinity(15, 1), [2] * 15, candidates=14)
    assert bound.correction == 0.0
    assert bound.value == pytest.approx(bound.candidate_value, rel=1e-9)


def test_upper_bound_counts_what_lies_outside_the_candidates() -> None:
    # person 0's only partner is 1, but everyone's single candidate is someone else
    s = np.zeros((4, 4), dtype=np.float32)
    s[0, 1] = s[1, 0] = 1.0
    s[2, 3] = s[3, 2] = 5.0
    s[1, 2] = s[2, 1] = 2.0
    aff = Affinity(("a", "b", "c", "d"), s)
    assert upper_bound(aff, [1, 1, 1, 1], candidates=1).value == pytest.approx(6.0)


def test_upper_bound_never_counts_a_forbidden_pair() -> None:
    s = np.array([[0, 5, 1], [5, 0, 1], [1, 1, 0]], dtype=np.float32)
    aff = Affinity(("a", "b", "c"), s, forbidden=frozenset({(0, 1)}))
    assert upper_bound(aff, [1, 1, 1]).value == pytest.approx(1.0)


def test_upper_bound_never_counts_an_excluded_pair() -> None:
    s = np.array([[0, 5, 1], [5, 0, 1], [1, 1, 0]], dtype=np.float32)
    aff = Affinity(("a", "b", "c"), s)
    assert upper_bound(aff, [1, 1, 1], exclude=[(1, 0)]).value == pytest.approx(1.0)


def test_upper_bound_with_modes_never_counts_two_async_people() -> None:
    s = np.array([[0, 5, 1], [5, 0, 1], [1, 1, 0]], dtype=np.float32)
    aff = Affinity(("a", "b", "c"), s)
    bound = upper_bound(aff, [1, 1, 1], modes=["async", "async", "live"])
    assert bound.value == pytest.approx(1.0)


def test_upper_bound_ignores_negative_scores() -> None:
    s = np.full((4, 4), -1.0, dtype=np.float32)
    np.fill_diagonal(s, 0)
    assert upper_bound(Affinity(("a", "b", "c", "d"), s), [2] * 4).value == 0.0


def test_upper_bound_trio_slots_let_a_triangle_count_fully() -> None:
    s = np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0]], dtype=np.float32)
    aff = Affinity(("a", "b", "c"), s)
    assert upper_bound(aff, [1, 1, 1]).value == pytest.approx(3.0)
    assert upper_bound(aff, [1, 1, 1], trio_slots=3).value == pytest.approx(6.0)


def test_upper_bound_people_with_zero_capacity_add_nothing() -> None:
    s = np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0]], dtype=np.float32)
    aff = Affinity(("a", "b", "c"), s)
    assert upper_bound(aff, [0, 1, 1], trio_slots=3).value == pytest.approx(2.0)


def test_upper_bound_rejects_capacities_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="one entry per person"):
        upper_bound(random_affinity(4, 0), [1, 1])


def test_upper_bound_reports_status_and_time() -> None:
    bound = upper_bound(random_affinity(30, 2), [3] * 30)
    assert bound.status == "optimal"
    assert bound.seconds > 0


def test_scan_partners_keeps_requested_pairs_outside_the_top_k() -> None:
    s = np.array([[0, 9, 1], [9, 0, 8], [1, 8, 0]], dtype=np.float32)
    aff = Affinity(("a", "b", "c"), s, requests=frozenset({(0, 2)}))
    scan = scan_partners(aff, 1)
    assert (0, 2) in set(zip(scan.lo.tolist(), scan.hi.tolist(), strict=True))


def test_scan_partners_counts_allowed_partners() -> None:
    aff = random_affinity(5, 0)
    aff = Affinity(aff.ids, aff.scores, forbidden=frozenset({(0, 1), (0, 2)}))
    assert scan_partners(aff, 2).count.tolist() == [2, 3, 3, 4, 4]


def test_scan_partners_top_scores_are_sorted_best_first() -> None:
    scan = scan_partners(random_affinity(20, 3), 3, top=4)
    assert np.all(np.diff(scan.top, axis=1) <= 0)


def test_solve_lp_interior_point_duals_bound_the_simplex_optimum() -> None:
    aff = random_affinity(40, 3)
    scan = scan_partners(aff, 8)
    caps, on = np.full(aff.n, 3.0), np.ones(aff.n, bool)
    lo, hi, s = scan.lo, scan.hi, scan.score
    simplex = _solve_lp(aff.n, lo, hi, s, caps, on, 0, interior=False)
    interior = _solve_lp(aff.n, lo, hi, s, caps, on, 0, interior=True)
    y = interior[0]
    dual_value = float(caps @ y + np.maximum(s - y[lo] - y[hi], 0).sum())
    assert interior[3] == simplex[3] == "optimal"
    assert dual_value >= simplex[2] - 1e-9
    assert dual_value == pytest.approx(simplex[2], rel=1e-6)


def test_settled_when_the_sparse_pairs_to_add_price_below_the_tolerance() -> None:
    graph = sp.csr_matrix(np.array([[0, 3, 0], [3, 0, 0], [0, 0, 0]], dtype=np.float32))
    aff = Affinity(("a", "b", "c"), None, graph=graph, ceiling=np.array([3.0, 3.0, 1.0]))
    y, wanted = np.array([1.0, 1.0, 0.0]), np.array([1])  # pair (0, 1): excess 3 - 2 = 1
    assert _settled(aff, y, 100.0, wanted, 2.0)
    assert not _settled(aff, y, 100.0, wanted, 0.5)


def test_settled_never_on_dense_scores_while_the_correction_is_large() -> None:
    aff = random_affinity(4, 1)
    assert not _settled(aff, np.full(4, 10.0), 100.0, np.array([1]), 2.0)
    assert _settled(aff, np.full(4, 10.0), 1.0, np.array([1]), 2.0)
