"""plan_event: the whole curation, checked by the rules any plan must keep."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.core import planner
from netweave.core.affinity import build_affinity
from netweave.core.availability import attendance
from netweave.core.check import check_plan
from netweave.core.config import EventConfig
from netweave.core.people import Person
from netweave.core.plan import Plan
from netweave.core.planner import HOST_REASON, PlanningInput, describe_meeting, plan_event
from netweave.core.round_spec import InfeasibleError
from netweave.core.scoring import forbid, rule_forbidden
from netweave.synth import synthetic_rows


def community(n: int, seed: int = 0, async_share: float = 0.15) -> list[Person]:
    rng = random.Random(seed)
    rows = synthetic_rows(n, seed)
    emails = [r["email"] for r in rows]
    people = []
    for r in rows:
        avoid = (rng.choice(emails),) if rng.random() < 0.1 else ()
        people.append(
            Person(
                id=r["email"],
                email=r["email"],
                name=r["name"],
                mode="async" if rng.random() < async_share else "live",
                timezone=r["timezone"],
                location=r["location"],
                community=r["community"],
                interests=tuple(r["interests"].split(";")),
                about=r["about"],
                looking_for=r["looking_for"],
                avoid=tuple(a for a in avoid if a != r["email"]),
            )
        )
    return people


def violations(plan: Plan, people: list[Person], config: EventConfig) -> list[str]:
    live = sum(1 for p in people if p.mode == "live")
    sizes = (min(config.group_min, live), config.group_max)
    return [str(v) for v in check_plan(plan, people, group_size=sizes)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(12, 40), seed=st.integers(0, 1000), rounds=st.integers(1, 4))
def test_plan_event_any_community_keeps_every_rule(n, seed, rounds):
    people = community(n, seed)
    config = EventConfig(rounds=rounds, seed=seed, group_iterations=3, group_min=3)
    # these sizes are always feasible: a refusal here would be a bug too
    plan = plan_event(PlanningInput(people), config)
    assert violations(plan, people, config) == []


def test_plan_event_everyone_live_has_a_meeting_every_round():
    people = community(30, seed=3, async_share=0)
    plan = plan_event(PlanningInput(people), EventConfig(rounds=3, group_iterations=2))
    placed = [{m for mt in r.meetings for m in mt.members} for r in plan.rounds]
    assert all(len(p) == 30 for p in placed)


def test_plan_event_same_seed_same_plan():
    people = community(40, seed=5)
    # the time limits are safety caps: lifted so a busy machine cannot change the plan
    config = EventConfig(
        rounds=3, seed=9, group_iterations=5, exact_time_limit=600, group_time_limit=600
    )
    first = plan_event(PlanningInput(people), config)
    second = plan_event(PlanningInput(people), config)
    assert (first.rounds, first.groups) == (second.rounds, second.groups)


def test_plan_event_async_meetings_have_no_room():
    people = community(30, seed=2, async_share=0.3)
    plan = plan_event(PlanningInput(people), EventConfig(rounds=2, group_iterations=1))
    rooms = {m.room for r in plan.rounds for m in r.meetings if m.is_async}
    assert rooms == {None}


def test_plan_event_pinned_meeting_kept_and_flagged():
    people = community(20, seed=1, async_share=0)
    pin = (people[0].id, people[1].id)
    data = PlanningInput(people, pinned_rounds={2: [pin]}, groups=False)
    plan = plan_event(data, EventConfig(rounds=2))
    kept = [m for m in plan.rounds[1].meetings if set(m.members) == set(pin)]
    assert [m.pinned for m in kept] == [True]


def test_plan_event_forbidden_pair_never_meets():
    people = community(12, seed=4, async_share=0)
    pair = (people[0].id, people[1].id)
    plan = plan_event(PlanningInput(people, forbidden=[pair]), EventConfig(rounds=5))
    met = {frozenset(p) for r in plan.rounds for m in r.meetings for p in m.pairs()}
    assert frozenset(pair) not in met


def test_plan_event_history_pairs_do_not_meet_again():
    people = community(16, seed=6, async_share=0)
    first = plan_event(PlanningInput(people, groups=False), EventConfig(rounds=3))
    history = [p for r in first.rounds for m in r.meetings for p in m.pairs()]
    second = plan_event(PlanningInput(people, history, groups=False), EventConfig(rounds=3))
    again = {p for r in second.rounds for m in r.meetings for p in m.pairs()}
    assert again.isdisjoint(history)


def test_plan_event_metrics_report_quality_against_the_bound():
    people = community(40, seed=8)
    plan = plan_event(PlanningInput(people), EventConfig(rounds=3, group_iterations=2))
    assert 95.0 <= plan.metrics["quality_pct"] <= 100.0 + 1e-6


def test_plan_event_bound_beside_the_rounds_matches_the_bound_alone():
    # the bound runs in a thread beside the rounds: the same value as computed on its own
    people = community(40, seed=8)
    config = EventConfig(rounds=3, group_iterations=2)
    plan = plan_event(PlanningInput(people, groups=False), config)
    aff = build_affinity(people)
    aff = forbid(aff, rule_forbidden(people, config))
    modes = [p.mode for p in people]
    attends = attendance([p.available for p in people], modes, config.rounds)
    alone = planner._rounds_bound(aff, modes, config, attends)
    assert plan.metrics["upper_bound"] == pytest.approx(alone, abs=1e-4)  # shown to 4 places
    assert plan.metrics["seconds"]["total"] >= plan.metrics["seconds"]["rounds"]


def test_plan_event_bound_error_reaches_the_caller(monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object) -> float:
        raise RuntimeError("the LP broke")

    monkeypatch.setattr(planner, "_rounds_bound", broken)
    with pytest.raises(RuntimeError, match="the LP broke"):
        plan_event(PlanningInput(community(12, seed=2), groups=False), EventConfig(rounds=2))


def test_plan_event_too_many_rounds_refused():
    people = community(4, seed=1, async_share=0)
    with pytest.raises(InfeasibleError):
        plan_event(PlanningInput(people, groups=False), EventConfig(rounds=6))


def test_plan_event_meeting_reasons_say_why():
    people = community(20, seed=2, async_share=0)
    plan = plan_event(PlanningInput(people, groups=False), EventConfig(rounds=1))
    assert all(m.reasons for m in plan.rounds[0].meetings)


def test_plan_event_newcomer_boost_counts_the_favoured_and_shows_real_scores():
    from netweave.core.affinity import build_affinity

    people = community(24, seed=7, async_share=0)
    boost = [0.5 if k < 6 else 0.0 for k in range(24)]
    data = PlanningInput(people, groups=False, newcomer_boost=boost)
    plan = plan_event(data, EventConfig(rounds=2))
    aff = build_affinity(people)
    meetings = [m for r in plan.rounds for m in r.meetings]
    real = [describe_meeting(aff, [aff.index(p) for p in m.members], m.room) for m in meetings]
    assert plan.metrics["favoured_newcomers"] == 6
    assert [m.score for m in meetings] == [m.score for m in real]


def test_plan_event_without_boost_reports_no_favoured_newcomers():
    plan = plan_event(PlanningInput(community(12, seed=2), groups=False), EventConfig(rounds=1))
    assert "favoured_newcomers" not in plan.metrics


def test_describe_meeting_alone_meets_the_host():
    from netweave.core.affinity import build_affinity

    people = community(4, seed=1, async_share=0)
    meeting = describe_meeting(build_affinity(people), [0], "Room 3")
    assert (meeting.members, meeting.reasons) == ((people[0].id,), (HOST_REASON,))
