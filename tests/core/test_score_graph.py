"""Sparse scores: the candidate graph built in blocks, exact scores on demand, the sparse bound
and the fairness exchanges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import netweave.core.affinity as affinity_module
from netweave.core.affinity import AffinitySpec, build_affinities, build_affinity
from netweave.core.bounds import upper_bound
from netweave.core.config import EventConfig, Weights
from netweave.core.fair_swaps import SwapState, lift_worst_off
from netweave.core.graph_scan import _by_row, ceiling_excess
from netweave.core.people import Person
from netweave.core.planner import PlanningInput, plan_event
from netweave.core.rounds import plan_rounds
from netweave.core.score_graph import top_per_row
from tests.core.test_planner import community, violations

NO_LISTS = Weights(request=0.0, mutual_request=0.0, must_meet=0.0)


def sparse_and_dense(people: list[Person], weights: Weights = NO_LISTS, keep: int = 20):
    spec = [AffinitySpec(weights)]
    dense = build_affinities(people, spec, sparse=False)[0]
    sparse = build_affinities(people, spec, sparse=True, keep=keep)[0]
    return dense, sparse


def test_top_per_row_equals_a_full_sort():
    rng = np.random.default_rng(3)
    block = rng.random((40, 900))
    rows, cols = top_per_row(block, 7)
    for r in range(40):
        assert set(cols[rows == r].tolist()) == set(np.argsort(-block[r])[:7].tolist())


def test_top_per_row_never_picks_minus_infinity():
    block = np.array([[1.0, -np.inf, 2.0], [-np.inf, -np.inf, 0.5]])
    rows, cols = top_per_row(block, 2)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 2), (0, 0), (1, 2)]


def test_sparse_graph_holds_each_persons_dense_top_k():
    dense, sparse = sparse_and_dense(community(300, seed=4), keep=20)
    scores = dense.scores.astype(np.float64)
    np.fill_diagonal(scores, -np.inf)
    graph = sparse.graph.toarray()
    for i in range(dense.n):
        top = np.sort(scores[i])[::-1][:20]
        mine = np.sort(graph[i][graph[i] != 0])[::-1][:20]
        np.testing.assert_allclose(mine, top, atol=1e-5)


def test_sparse_graph_scores_equal_the_dense_matrix():
    dense, sparse = sparse_and_dense(community(200, seed=1), weights=Weights())
    coo = sparse.graph.tocoo()
    np.testing.assert_allclose(coo.data, dense.scores[coo.row, coo.col], atol=1e-5)


def test_sparse_scorer_equals_the_dense_matrix_off_the_graph():
    dense, sparse = sparse_and_dense(community(200, seed=2), weights=Weights())
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, 200, 3000), rng.integers(0, 200, 3000)
    np.testing.assert_allclose(sparse.pair_scores(i, j), dense.scores[i, j], atol=1e-5)


def test_sparse_pair_outside_the_graph_is_below_both_ceilings():
    dense, sparse = sparse_and_dense(community(250, seed=5), keep=10)
    outside = sparse.graph.toarray() == 0
    np.fill_diagonal(outside, False)
    ceiling = np.minimum(sparse.ceiling[:, None], sparse.ceiling[None, :])
    assert (dense.scores[outside] <= ceiling[outside] + 1e-5).all()


def test_sparse_graph_keeps_every_requested_pair():
    people = community(120, seed=7)
    # far apart in every way: no profile score would put these two in each other's top 5
    people[0] = Person("z@x.org", "z@x.org", "Zed", requests=(people[1].id,))
    aff = build_affinities(people, [AffinitySpec()], sparse=True, keep=5)[0]
    dense = build_affinity(people)
    assert aff.graph[0, 1] == pytest.approx(dense.score(0, 1), abs=1e-5)
    assert aff.graph[0, 1] >= Weights().request


def test_sparse_bound_is_valid_and_close_to_the_dense_one():
    dense, sparse = sparse_and_dense(community(300, seed=8), weights=Weights())
    caps = np.full(300, 4)
    exact = upper_bound(dense, caps).value
    loose = upper_bound(sparse, caps).value
    assert exact - 1e-6 <= loose <= exact * 1.01


def test_ceiling_excess_equals_the_sum_over_all_pairs():
    rng = np.random.default_rng(11)
    n = 60
    ceiling, y = rng.random(n) * 3, rng.random(n)
    active, asyn = rng.random(n) < 0.9, rng.random(n) < 0.3
    want = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            if active[i] and active[j] and not (asyn[i] and asyn[j]):
                want += max(min(ceiling[i], ceiling[j]) - y[i] - y[j], 0.0)
    assert ceiling_excess(ceiling, y, active, asyn) == pytest.approx(want)


def test_sparse_rounds_match_the_dense_quality():
    dense, sparse = sparse_and_dense(community(400, seed=3), weights=Weights())
    modes = ["live"] * 400
    a, b = plan_rounds(dense, modes, 4), plan_rounds(sparse, modes, 4)
    assert b.total >= 0.999 * a.total


def test_plan_event_sparse_at_the_threshold_keeps_every_rule(monkeypatch):
    people = community(150, seed=9)
    monkeypatch.setattr(affinity_module, "SPARSE_ABOVE", 149)
    config = EventConfig(rounds=4, group_iterations=2, exact_up_to=0)
    plan = plan_event(PlanningInput(people), config)
    assert violations(plan, people, config) == []
    assert plan.metrics["total_score"] <= plan.metrics["upper_bound"]


def test_lift_worst_off_never_lowers_the_worst_share_and_keeps_the_budget():
    aff = build_affinity(community(300, seed=6))
    modes = ["live"] * 300
    before = plan_rounds(aff, modes, 4, fairness=0)
    after = plan_rounds(aff, modes, 4, fairness=1)
    assert after.shares.min() >= before.shares.min()
    assert after.total >= 0.99 * before.total


def test_lift_worst_off_respects_the_budget():
    s = np.array([[0, 4, 3, 0], [4, 0, 0, 0], [3, 0, 0, 4], [0, 0, 4, 0]], float)

    def state() -> SwapState:
        # Ana (0) met Bo (1), Cy (2) met Dee (3): Dee's best is Cy, Bo's is Ana
        return SwapState(
            rounds=[[(0, 1), (2, 3)]],
            score=lambda i, j: s[i, j],
            partners=[{1}, {0}, {3}, {2}],
            forbidden_of=[set() for _ in range(4)],
            asyn=np.zeros(4, bool),
            achieved=np.array([4.0, 4, 4, 4]),
            best=np.array([4.0, 4, 4, 4]),
            candidates=[np.array([1, 2, 3])] * 4,
            fixed=lambda m: False,
        )

    # every share is already 1: nothing to lift, whatever the budget
    assert lift_worst_off(state(), budget=100.0) == (0, 0.0)


def test_sparse_bound_with_a_short_graph_stays_near_the_dense_bound():
    # each person keeps only 8 partners: the pairs outside the graph must not inflate the bound
    people = community(300, seed=4)
    modes = [p.mode for p in people]
    (sparse,) = build_affinities(people, [AffinitySpec()], sparse=True, keep=8)
    (dense,) = build_affinities(people, [AffinitySpec()], sparse=False)
    caps = np.full(len(people), 4)
    dense_bound = upper_bound(dense, caps, modes=modes).value
    sparse_bound = upper_bound(sparse, caps, modes=modes).value
    assert dense_bound - 1e-6 <= sparse_bound <= 1.01 * dense_bound


@given(st.lists(st.tuples(st.integers(0, 70_000), st.integers(0, 3)), min_size=1, max_size=80))
def test_by_row_orders_as_a_lexsort_of_row_key_and_position(entries) -> None:
    rows = np.array([r for r, _ in entries])
    key = np.array([float(k) for _, k in entries])  # few values: many ties to keep in place
    expected = np.lexsort((np.arange(len(key)), key, rows))
    assert np.array_equal(_by_row(rows, key), expected)
