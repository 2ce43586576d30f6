"""The one rule of who met whom (netweave.web.live.queries.met): held rounds win, other
rounds count with their newest re-plan, else the published plan, until the event is done."""

from __future__ import annotations

import datetime as dt

import pytest

from netweave.web.events.models import Event, Registration
from netweave.web.live.domain.checkin import add_walk_in
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.state import start_round
from netweave.web.live.queries.met import (
    history_pairs,
    met_pairs,
    partners_met,
    planned_or_held,
)
from netweave.web.matching.domain import inputs
from netweave.web.matching.domain.inputs import community_history, core_id
from tests.web.factories import (
    AttendanceFactory,
    EventFactory,
    HeldMeetingFactory,
    MeetingFactory,
    PlanVersionFactory,
    RegistrationFactory,
    published_example,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
    """8 live people and 1 async (regs[8]), the example plan published: round 1 is
    (0, 1, 2), (3, 4), (5, 6), async (7, 8); round 2 is (0, 3), (1, 4), (2, 5), the host
    with 7, async (6, 8); groups 0-3 (8 remote) and 4-7."""
    regs, _ = published_example()
    return regs[0].event, regs


def _pair(a: Registration, b: Registration) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def _done(event: Event) -> Event:
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DONE)
    return Event.objects.get(pk=event.pk)


def test_met_pairs_without_a_record_are_the_published_plan(planned):
    event, r = planned
    assert {_pair(r[0], r[1]), _pair(r[3], r[4]), _pair(r[0], r[3])} <= met_pairs(event)


def test_met_pairs_trio_gives_three_pairs_and_host_meeting_none(planned):
    _, r = planned
    assert (partners_met(r[2])[:2], partners_met(r[7])) == ([r[0].pk, r[1].pk], [r[8].pk])


def test_met_pairs_held_round_wins_over_its_plan(planned):
    event, r = planned
    HeldMeetingFactory(event=event, round=1, seats=[r[0], r[5]])
    met = met_pairs(event)
    # round 1 is what was held; round 2, still to come, is the plan's
    assert (_pair(r[0], r[5]) in met, _pair(r[0], r[1]) in met, _pair(r[0], r[3]) in met) == (
        True,
        False,
        True,
    )


def test_met_pairs_unrecorded_round_did_not_happen_once_done(planned):
    event, r = planned
    HeldMeetingFactory(event=event, round=1, seats=[r[0], r[1]])
    assert met_pairs(_done(event)) == {_pair(r[0], r[1])}


def test_met_pairs_groups_held_alone_make_a_record(planned):
    event, r = planned
    HeldMeetingFactory(event=event, round=0, seats=[r[0], r[5]])
    assert met_pairs(_done(event)) == set()


def test_met_pairs_done_event_without_a_record_keeps_its_plan(planned):
    event, r = planned
    assert _pair(r[2], r[5]) in met_pairs(_done(event))


def test_met_pairs_leave_out_people_marked_absent_when_the_round_starts(planned):
    event, r = planned
    AttendanceFactory(registration=r[5], status="absent")
    start_round(event, 1, 0)
    met = met_pairs(event)
    assert (_pair(r[5], r[6]) in met, _pair(r[3], r[4]) in met) == (False, True)


def test_met_pairs_check_in_alone_leaves_the_plan_as_it_is(planned):
    event, r = planned
    AttendanceFactory(registration=r[5], status="absent")
    assert _pair(r[5], r[6]) in met_pairs(event)


def test_met_pairs_async_meetings_count_planned_and_held(planned):
    event, r = planned
    before = _pair(r[7], r[8]) in met_pairs(event)
    start_round(event, 1, 0)
    assert (before, _pair(r[7], r[8]) in met_pairs(_done(event))) == (True, True)


def test_met_pairs_groups_only_when_asked(planned):
    event, r = planned
    only_group = _pair(r[5], r[7])
    assert (only_group in met_pairs(event), only_group in met_pairs(event, groups=True)) == (
        False,
        True,
    )


def test_met_pairs_read_the_newest_published_plan_only():
    event = EventFactory(rounds=1)
    old = PlanVersionFactory(event=event, published_at=event.starts_at - dt.timedelta(days=2))
    new = PlanVersionFactory(event=event, published_at=event.starts_at - dt.timedelta(days=1))
    x, y, z = RegistrationFactory.create_batch(3, event=event)
    MeetingFactory(plan=old, seats=[x, y])
    MeetingFactory(plan=new, seats=[x, z])
    assert met_pairs(event) == {_pair(x, z)}


def test_planned_or_held_has_both(planned):
    event, r = planned
    HeldMeetingFactory(event=event, round=1, seats=[r[0], r[5]])
    round_1 = planned_or_held(event)[1]
    assert ([r[0].pk, r[5].pk] in round_1, [r[3].pk, r[4].pk] in round_1) == (True, True)


def _next_year(event: Event) -> Event:
    return EventFactory(
        community=event.community, starts_at=event.starts_at + dt.timedelta(days=365)
    )


def _ids(a: Registration, b: Registration) -> tuple[str, str]:
    x, y = core_id(a.member.email), core_id(b.member.email)
    return (x, y) if x < y else (y, x)


def test_community_history_reads_the_rule_registered_by_live(planned):
    event, r = planned
    HeldMeetingFactory(event=event, round=1, seats=[r[0], r[5]])
    later = _next_year(event)
    history = community_history(later)
    assert (history, _ids(r[0], r[5]) in history, _ids(r[0], r[1]) in history) == (
        history_pairs([event]),
        True,
        False,
    )


def test_community_history_without_a_source_reads_published_plans(planned, monkeypatch):
    event, r = planned
    HeldMeetingFactory(event=event, round=1, seats=[r[0], r[5]])
    monkeypatch.setattr(inputs, "_history_source", [])
    history = community_history(_next_year(event))
    assert (_ids(r[0], r[5]) in history, _ids(r[0], r[1]) in history) == (False, True)


def _replanned_without_6(event: Event, regs: list[Registration]) -> Registration:
    """Everyone live checked in but 6; Zed walks in; round 1 is re-planned (5 meets Zed)."""
    for reg in regs[:8]:
        AttendanceFactory(registration=reg, status="absent" if reg == regs[6] else "present")
    zed = add_walk_in(event, "Zed Walker", "zed@example.org")
    replan_next_round(event, 1)
    return zed


def test_met_pairs_of_a_replanned_round_not_started_are_the_replan(planned):
    event, r = planned
    zed = _replanned_without_6(event, r)

    pairs = met_pairs(event)

    assert (_pair(r[5], zed) in pairs, _pair(r[5], r[6]) in pairs) == (True, False)


def test_met_pairs_of_a_replanned_round_once_held_are_the_record(planned):
    event, r = planned
    zed = _replanned_without_6(event, r)
    HeldMeetingFactory(event=event, round=1, seats=[r[5], r[0]])

    pairs = met_pairs(event)

    assert (_pair(r[5], r[0]) in pairs, _pair(r[5], zed) in pairs) == (True, False)


def test_met_pairs_of_a_replanned_round_a_done_event_never_ran_count_for_nobody(planned):
    event, r = planned
    zed = _replanned_without_6(event, r)
    HeldMeetingFactory(event=event, round=2, seats=[r[0], r[3]])

    assert _pair(r[5], zed) not in met_pairs(_done(event))


def test_planned_or_held_includes_a_replanned_partner(planned):
    event, r = planned
    zed = _replanned_without_6(event, r)

    assert any({r[5].pk, zed.pk} <= set(m) for m in planned_or_held(event)[1])
