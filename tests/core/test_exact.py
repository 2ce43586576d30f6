"""solve_rounds: the rounds as an integer program, checked against brute force."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from netweave.core.affinity import Affinity
from netweave.core.exact import solve_rounds as _solve_rounds
from netweave.core.exact_model import RoundsModel, rounds_problem
from netweave.core.rounds import RoundsResult, plan_rounds


def solve_rounds(*args, **kwargs):
    """The solve with a cap no test reaches: results depend on the problem, never on time."""
    return _solve_rounds(*args, **{"time_limit": 600.0, **kwargs})


def random_affinity(n: int, seed: int, **pairs: frozenset) -> Affinity:
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 10, size=(n, n)).astype(np.float32)
    s = np.triu(s, 1)
    return Affinity(tuple(f"p{i}" for i in range(n)), s + s.T, **pairs)


# --------------------------------------------------------------------------- brute force


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def round_options(aff, modes, state, per_round, odd, host_limit):
    """Every way to fill one round: each live person has one meeting, or (at most one person
    a round) none; yields the meetings and how many are alone."""
    used, in_trio, hosts, left = state
    live = [i for i, m in enumerate(modes) if m == "live"]
    remote = [i for i, m in enumerate(modes) if m == "async"]

    def ok(a, b):
        return aff.allowed(a, b) and _pair(a, b) not in used

    def rec(free, room, trio, host, acc, alone=0):
        if not free:
            yield acc, alone
            return
        p, rest = free[0], free[1:]
        if alone == 0:
            yield from rec(rest, room, trio, host, acc, 1)
        for q in rest:
            if ok(p, q):
                yield from rec([x for x in rest if x != q], room, trio, host, [*acc, (p, q)], alone)
        for a in remote:
            if room[a] > 0 and left[a] > 0 and ok(p, a):
                more = dict(room)
                more[a] -= 1
                yield from rec(rest, more, trio, host, [*acc, (p, a)], alone)
        if odd == "trio" and not trio and p not in in_trio:
            for k, q in enumerate(rest):
                for r in rest[k + 1 :]:
                    if {q, r} & in_trio or not (ok(p, q) and ok(p, r) and ok(q, r)):
                        continue
                    others = [x for x in rest if x not in (q, r)]
                    yield from rec(others, room, True, host, [*acc, (p, q, r)], alone)
        if odd == "host" and not host and hosts[p] < host_limit:
            yield from rec(rest, room, trio, True, [*acc, (p,)], alone)

    yield from rec(live, dict.fromkeys(remote, per_round), False, False, [])


def brute_force(aff, modes, rounds, *, odd="trio", async_matches=None, pinned=None, floor=None):
    """The best (strong requests met, -alone, one-way requests met, total) of all plans whose
    shares reach ``floor``: the heuristic's tiers, then the total."""
    prob = rounds_problem(aff, modes, rounds, async_matches, odd, pinned or {}, None)
    matches = rounds if async_matches is None else async_matches
    per_round = math.ceil(matches / rounds)
    best = None

    def walk(r, state, plan, alone):
        nonlocal best
        used, in_trio, hosts, left = state
        if r == rounds:
            fig = prob.figures(plan)
            if floor is not None and fig.shares.min() < floor - 1e-9:
                return
            open_slots = sum(left.values())
            key = (fig.strong, -alone - open_slots, fig.one_way, round(fig.value, 6))
            if best is None or key > best:
                best = key
            return
        if pinned and r + 1 in pinned:
            options = [(list(pinned[r + 1]), 0)]
        else:
            options = round_options(aff, modes, state, per_round, odd, host_limit=1)
        for meetings, lonely in options:
            u, t, h, lf = set(used), set(in_trio), Counter(hosts), dict(left)
            for m in meetings:
                for k, a in enumerate(m):
                    for b in m[k + 1 :]:
                        u.add(_pair(a, b))
                if len(m) == 3:
                    t |= set(m)
                if len(m) == 1:
                    h[m[0]] += 1
                for p in m:
                    if p in lf:
                        lf[p] -= 1
            walk(r + 1, (u, t, h, lf), [*plan, meetings], alone + lonely)

    remote = {i: matches for i, m in enumerate(modes) if m == "async"}
    walk(0, (set(), set(), Counter(), remote), [], 0)
    return best


def plan_key(result: RoundsResult, aff, modes, rounds, **kw):
    """A plan's (strong requests met, -alone, one-way requests met, total)."""
    odd, pinned = kw.get("odd", "trio"), kw.get("pinned") or {}
    prob = rounds_problem(aff, modes, rounds, kw.get("async_matches"), odd, pinned, None)
    fig = prob.figures(result.rounds)
    return (fig.strong, -len(result.unmatched), fig.one_way, round(fig.value, 6))


CASES = [
    # (people, modes, rounds, odd)
    (6, ["live"] * 6, 3, "trio"),
    (7, ["live"] * 7, 2, "trio"),
    (7, ["live"] * 7, 2, "host"),
    (6, ["live"] * 5 + ["async"], 2, "trio"),
    (7, ["live"] * 5 + ["async"] * 2, 2, "host"),
]


@pytest.mark.parametrize(("n", "modes", "rounds", "odd"), CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_solve_rounds_equals_the_brute_force_optimum(n, modes, rounds, odd, seed):
    aff = random_affinity(n, seed, requests=frozenset({(0, 1), (2, 4)}))
    heuristic = plan_rounds(aff, modes, rounds, odd=odd)
    exact = solve_rounds(aff, modes, rounds, heuristic, odd=odd, keep_fairness=False)
    assert exact.claim == "optimal"
    assert plan_key(exact.result, aff, modes, rounds, odd=odd) == brute_force(
        aff, modes, rounds, odd=odd
    )
    assert exact.value == pytest.approx(exact.bound, rel=1e-6)
    assert plan_key(exact.result, aff, modes, rounds, odd=odd) >= plan_key(
        heuristic, aff, modes, rounds, odd=odd
    )


@pytest.mark.parametrize(("n", "modes", "rounds", "odd"), CASES[:3])
def test_solve_rounds_keeps_the_heuristics_fairness(n, modes, rounds, odd):
    aff = random_affinity(n, 5)
    heuristic = plan_rounds(aff, modes, rounds, odd=odd)
    exact = solve_rounds(aff, modes, rounds, heuristic, odd=odd)
    floor = float(heuristic.shares.min())
    assert exact.result.shares.min() >= floor - 1e-9
    expected = brute_force(aff, modes, rounds, odd=odd, floor=floor)
    assert plan_key(exact.result, aff, modes, rounds, odd=odd) == expected
    assert exact.claim == "optimal"


def test_solve_rounds_keeps_pins_and_never_pairs_forbidden_people():
    forbidden = frozenset({(0, 1), (2, 3), (1, 5)})
    aff = random_affinity(6, 3, forbidden=forbidden)
    modes, pinned = ["live"] * 6, {2: [(0, 2), (1, 3), (4, 5)]}
    heuristic = plan_rounds(aff, modes, 3, pinned=pinned)
    exact = solve_rounds(aff, modes, 3, heuristic, pinned=pinned, keep_fairness=False)
    rounds = exact.result.rounds
    assert set(pinned[2]) <= set(rounds[1])
    met = [p for r in rounds for m in r for p in ((m[0], m[1]),) if len(m) == 2]
    assert not forbidden & set(met)
    assert len(met) == len(set(met))
    assert plan_key(exact.result, aff, modes, 3, pinned=pinned) == brute_force(
        aff, modes, 3, pinned=pinned
    )


def test_solve_rounds_odd_count_has_one_trio_a_round_nobody_twice():
    aff = random_affinity(9, 8)
    modes = ["live"] * 9
    exact = solve_rounds(aff, modes, 2, plan_rounds(aff, modes, 2), keep_fairness=False)
    trios = [m for r in exact.result.rounds for m in r if len(m) == 3]
    assert [sum(len(m) == 3 for m in r) for r in exact.result.rounds] == [1, 1]
    assert len({p for t in trios for p in t}) == 6
    assert exact.result.unmatched == ()


def test_solve_rounds_odd_count_with_a_host_meets_the_host_once_each():
    aff = random_affinity(5, 2)
    modes = ["live"] * 5
    heuristic = plan_rounds(aff, modes, 3, odd="host")
    exact = solve_rounds(aff, modes, 3, heuristic, odd="host", keep_fairness=False)
    hosts = [m[0] for r in exact.result.rounds for m in r if len(m) == 1]
    assert len(hosts) == 3
    assert len(set(hosts)) == 3


# --------------------------------------------------------------------------- the same problem


def synthetic(n: int, seed: int = 0) -> tuple[Affinity, list[str]]:
    from netweave.core.affinity import build_affinity
    from netweave.core.people import Person
    from netweave.synth import synthetic_rows

    rows = synthetic_rows(n, seed)
    people = [
        Person(
            id=r["email"],
            email=r["email"],
            name=r["name"],
            mode=r["mode"],
            timezone=r["timezone"],
            location=r["location"],
            community=r["community"],
            interests=tuple(r["interests"].split(";")),
            about=r["about"],
            looking_for=r["looking_for"],
        )
        for r in rows
    ]
    return build_affinity(people), [p.mode for p in people]


MODEL_CASES = [
    # (people, rounds, odd, async matches, boost)
    (13, 3, "trio", None, None),
    (13, 3, "host", None, None),
    (20, 4, "trio", 2, None),
    (21, 3, "trio", 5, [0.5] * 5 + [0.0] * 16),
]


@pytest.mark.parametrize(("n", "rounds", "odd", "matches", "boost"), MODEL_CASES)
def test_heuristic_plan_is_a_point_of_the_integer_program(n, rounds, odd, matches, boost):
    aff, modes = synthetic(n, seed=n)
    plan = plan_rounds(aff, modes, rounds, odd=odd, async_matches=matches, boost=boost)
    prob = rounds_problem(aff, modes, rounds, matches, odd, {}, boost)
    fig = prob.figures(plan.rounds)
    model = RoundsModel(prob, fig.host, bool(plan.unmatched))
    x = model.vector_of(plan.rounds, plan.unmatched)
    a, lb, ub = model.matrix()
    ax = a @ x
    assert (ax >= lb - 1e-9).all()
    assert (ax <= ub + 1e-9).all()
    assert (x >= model.lb).all()
    assert (x <= model.ub).all()
    assert model.objective @ x == pytest.approx(fig.value)
    assert fig.total == pytest.approx(plan.total)
    # the shares the fairness floor uses are the heuristic's own
    np.testing.assert_allclose(fig.shares, plan.shares, rtol=1e-5)


def test_solve_rounds_meets_a_request_a_plan_missed():
    s = np.array([[0, 5, 1, 1], [5, 0, 1, 1], [1, 1, 0, 5], [1, 1, 5, 0]], np.float32)
    aff = Affinity(("a", "b", "c", "d"), s, requests=frozenset({(0, 2)}))
    modes = ["live"] * 4
    poor = RoundsResult(
        rounds=(((0, 1), (2, 3)),),
        unmatched=(),
        unmet_requests=((0, 2, "no room in any round: better pairs"),),
        shares=np.ones(4),
        total=10.0,
    )
    exact = solve_rounds(aff, modes, 1, poor, keep_fairness=False)
    assert exact.improved
    assert exact.tiers["one_way"] == 1
    assert exact.result.rounds == (((0, 2), (1, 3)),)
    assert exact.result.unmet_requests == ()
    assert exact.result.total == 2.0
    assert exact.claim == "optimal"


def test_solve_rounds_optimises_the_favoured_total_and_reports_the_real_one():
    s = np.array([[0, 0, 4, 1], [0, 0, 3.5, 1], [4, 3.5, 0, 0], [1, 1, 0, 0]], np.float32)
    aff = Affinity(("ana", "new", "xu", "yan"), s)
    boost = [0, 0.5, 0, 0]
    plain = plan_rounds(aff, ["live"] * 4, 1)  # ana meets xu: best for the real total
    exact = solve_rounds(aff, ["live"] * 4, 1, plain, boost=boost, keep_fairness=False)
    assert exact.result.rounds == (((0, 3), (1, 2)),)
    assert exact.value == pytest.approx(3.5 * 1.25 + 1)
    assert exact.result.total == pytest.approx(4.5)


def test_solve_rounds_node_limit_stops_at_the_same_place_with_the_proven_gap():
    aff, modes = synthetic(20, seed=20)
    plan = plan_rounds(aff, modes, 4)
    runs = [solve_rounds(aff, modes, 4, plan, node_limit=0) for _ in range(2)]
    first = runs[0]
    assert first.status == "node limit"
    assert not first.improved
    assert first.bound == first.lp_bound > first.value == first.heuristic
    assert first.claim == f"within {100 * first.gap:.2f} % of the optimum (node limit)"
    assert runs[1].claim == first.claim
    assert runs[1].result.rounds == plan.rounds


def test_solve_rounds_with_room_to_search_proves_optimality_and_keeps_the_better_plan():
    aff, modes = synthetic(20, seed=20)
    plan = plan_rounds(aff, modes, 4)
    exact = solve_rounds(aff, modes, 4, plan, node_limit=500)
    assert exact.claim == "optimal"
    assert exact.improved
    assert exact.value > exact.heuristic
    assert exact.result.total > plan.total
    assert exact.result.shares.min() >= plan.shares.min() - 1e-9
    assert exact.bound <= exact.lp_bound + 1e-9


def test_exact_metrics_say_what_is_proven():
    aff, modes = synthetic(20, seed=20)
    plan = plan_rounds(aff, modes, 4)
    m = solve_rounds(aff, modes, 4, plan, node_limit=0).metrics()
    assert m["optimality"].startswith("within ")
    assert m["optimality"].endswith("(node limit)")
    assert m["optimality_status"] == "node limit"
    assert m["exact_improved"] is False
    assert m["optimality_gap_pct"] == pytest.approx(
        100 * (m["optimum_bound"] - plan.total) / m["optimum_bound"], abs=1e-3
    )
    assert m["rounds_lp_bound"] == m["optimum_bound"]


# --------------------------------------------------------------------------- in plan_event


def small_community(n: int, seed: int = 0) -> list:
    from netweave.core.people import Person
    from netweave.synth import synthetic_rows

    return [
        Person(
            id=r["email"],
            email=r["email"],
            name=r["name"],
            mode=r["mode"],
            timezone=r["timezone"],
            community=r["community"],
            interests=tuple(r["interests"].split(";")),
        )
        for r in synthetic_rows(n, seed)
    ]


def test_plan_event_proves_small_events_and_keeps_every_rule():
    from netweave.core.check import check_plan
    from netweave.core.config import EventConfig
    from netweave.core.planner import PlanningInput, plan_event

    people = small_community(24, seed=4)
    config = EventConfig(rounds=3, exact_time_limit=600.0)
    plan = plan_event(PlanningInput(people, groups=False), config)
    m = plan.metrics
    assert m["optimality"] == "optimal"
    assert m["total_score"] >= m["heuristic_total"]
    assert m["optimum_bound"] <= m["upper_bound"] + 1e-6
    assert "exact" in m["seconds"]
    assert check_plan(plan, people) == []


def test_plan_event_above_exact_up_to_has_no_proof():
    from netweave.core.config import EventConfig
    from netweave.core.planner import PlanningInput, plan_event

    people = small_community(24, seed=4)
    plan = plan_event(PlanningInput(people, groups=False), EventConfig(rounds=3, exact_up_to=23))
    assert "optimality" not in plan.metrics
    assert "exact" not in plan.metrics["seconds"]


@pytest.mark.parametrize(
    ("odd", "pinned"),
    [("trio", {1: [(0,), (1, 2), (3, 4)]}), ("host", {1: [(0, 1, 2), (3, 4)]})],
)
def test_solve_rounds_keeps_a_pinned_meeting_of_the_other_kind(odd, pinned):
    aff = random_affinity(5, 6)
    modes = ["live"] * 5
    heuristic = plan_rounds(aff, modes, 2, odd=odd, pinned=pinned)
    exact = solve_rounds(aff, modes, 2, heuristic, odd=odd, pinned=pinned, keep_fairness=False)
    assert exact.result.rounds[0] == tuple(sorted(pinned[1]))
    assert exact.claim == "optimal"
    expected = brute_force(aff, modes, 2, odd=odd, pinned=pinned)
    assert plan_key(exact.result, aff, modes, 2, odd=odd, pinned=pinned) == expected
