"""Every event feeds the community's history; the next plan avoids (or penalises) repeats
and favours members who have made few connections."""

from __future__ import annotations

import datetime as dt

import pytest

from netweave.core.people import Person
from netweave.web.events.models import Event, Registration
from netweave.web.followup.queries.held import meetings_held
from netweave.web.matching.domain import (
    community_history,
    connection_boost,
    event_people,
    plan_from_version,
    plan_violations,
    publish_plan,
    request_plan,
)
from netweave.web.matching.models import PlanVersion
from tests.web.factories import EventFactory, HeldMeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _generated(event: Event, run) -> PlanVersion:
    with run(execute=True):
        version = request_plan(event, None)
    version.refresh_from_db()
    assert version.state == "ready", version.error
    return version


def _pair(a: Registration, b: Registration) -> tuple[str, str]:
    x, y = a.member.email.lower(), b.member.email.lower()
    return (x, y) if x < y else (y, x)


def _next_event(earlier: Event, **fields: object) -> Event:
    return EventFactory(
        community=earlier.community,
        starts_at=earlier.starts_at + dt.timedelta(days=365),
        status=Event.Status.CLOSED,
        **fields,
    )


def _again(event: Event, earlier: list[Registration]) -> list[Registration]:
    return [RegistrationFactory(event=event, member=r.member) for r in earlier]


def test_community_history_reads_what_really_happened():
    earlier = EventFactory(status=Event.Status.DONE)
    a, b = RegistrationFactory.create_batch(2, event=earlier)
    HeldMeetingFactory(event=earlier, seats=[a, b])
    assert community_history(_next_event(earlier)) == [_pair(a, b)]


def test_community_history_ignores_groups():
    earlier = EventFactory(status=Event.Status.DONE)
    a, b = RegistrationFactory.create_batch(2, event=earlier)
    HeldMeetingFactory(event=earlier, round=0, seats=[a, b])
    assert community_history(_next_event(earlier)) == []


def test_community_history_ignores_later_events():
    later = EventFactory(status=Event.Status.DONE)
    a, b = RegistrationFactory.create_batch(2, event=later)
    HeldMeetingFactory(event=later, seats=[a, b])
    earlier = EventFactory(
        community=later.community, starts_at=later.starts_at - dt.timedelta(days=30)
    )
    assert community_history(earlier) == []


def test_community_history_record_wins_over_the_plan(run):
    earlier = EventFactory(rounds=1, groups_enabled=False, status=Event.Status.CLOSED)
    regs = RegistrationFactory.create_batch(4, event=earlier)
    publish_plan(_generated(earlier, run))
    # on the day, the host paired the first two and the last two, whatever the plan said
    HeldMeetingFactory(event=earlier, seats=regs[:2])
    HeldMeetingFactory(event=earlier, seats=regs[2:])
    history = community_history(_next_event(earlier))
    assert history == sorted([_pair(*regs[:2]), _pair(*regs[2:])])


def test_next_plan_has_no_pair_from_earlier_event(run):
    earlier = EventFactory(rounds=2, group_min=3, group_max=5, status=Event.Status.CLOSED)
    regs = RegistrationFactory.create_batch(10, event=earlier)
    publish_plan(_generated(earlier, run))
    Event.objects.filter(pk=earlier.pk).update(status=Event.Status.DONE)
    meetings_held(Event.objects.get(pk=earlier.pk))  # the plan becomes the record
    met = set(community_history(_next_event(earlier)))
    later = _next_event(earlier, rounds=2, group_min=3, group_max=5)
    _again(later, regs)
    plan = plan_from_version(_generated(later, run))
    pairs = {pair for r in plan.rounds for m in r.meetings for pair in m.pairs()}
    assert (len(met) >= 10, pairs & met) == (True, set())


def _everyone_met(people: int = 4) -> tuple[Event, list[Registration]]:
    earlier = EventFactory(status=Event.Status.DONE)
    regs = RegistrationFactory.create_batch(people, event=earlier)
    for k, a in enumerate(regs):
        for b in regs[k + 1 :]:
            HeldMeetingFactory(event=earlier, seats=[a, b])
    return earlier, regs


def test_next_plan_exclude_mode_refuses_when_only_repeats_are_left(run):
    earlier, regs = _everyone_met()
    later = _next_event(earlier, rounds=1, groups_enabled=False)
    _again(later, regs)
    with run(execute=True):
        version = request_plan(later, None)
    version.refresh_from_db()
    assert version.state == "failed"


def test_next_plan_penalise_mode_allows_repeats(run):
    earlier, regs = _everyone_met()
    later = _next_event(
        earlier, rounds=1, groups_enabled=False, settings={"history": {"mode": "penalise"}}
    )
    _again(later, regs)
    version = _generated(later, run)
    assert plan_violations(later, plan_from_version(version)) == []


def test_connection_boost_favours_newcomers():
    people = [Person(e, e, e) for e in ("a", "b", "c", "new")]
    assert connection_boost(people, [("a", "b"), ("a", "c")]) == [0.0, 0.0, 0.0, 0.5]


def test_connection_boost_none_without_history():
    people = [Person(e, e, e) for e in ("a", "b")]
    assert connection_boost(people, []) is None


def test_connection_boost_none_when_nobody_is_behind():
    people = [Person(e, e, e) for e in ("a", "b")]
    assert connection_boost(people, [("a", "b")]) is None


def test_next_plan_favours_newcomers_and_keeps_the_rules(run):
    earlier, regs = _everyone_met(4)
    later = _next_event(earlier, rounds=2, group_min=3, group_max=4)
    _again(later, regs)
    RegistrationFactory.create_batch(4, event=later)
    version = _generated(later, run)
    plan = plan_from_version(version)
    assert (version.metrics["favoured_newcomers"], plan_violations(later, plan)) == (4, [])


def test_next_plan_favouring_newcomers_reports_real_scores(run):
    from netweave.core.affinity import build_affinity
    from netweave.core.planner import describe_meeting

    earlier, regs = _everyone_met(4)
    later = _next_event(earlier, rounds=2, groups_enabled=False)
    _again(later, regs)
    RegistrationFactory.create_batch(4, event=later)
    meetings = [m for r in plan_from_version(_generated(later, run)).rounds for m in r.meetings]
    aff = build_affinity(event_people(later), history=community_history(later))
    real = [describe_meeting(aff, [aff.index(p) for p in m.members], m.room) for m in meetings]
    assert [m.score for m in meetings] == pytest.approx([m.score for m in real])
