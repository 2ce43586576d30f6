"""The live state's transitions: open, rounds, groups, end; one transition per press."""

from __future__ import annotations

import datetime as dt

import pytest

from netweave.web.events.models import Event
from netweave.web.live.domain.checkin import add_walk_in
from netweave.web.live.domain.errors import LiveError, StaleStateError
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.state import (
    end_event,
    live_state,
    next_round,
    set_messages,
    start_event,
    start_groups,
    start_round,
)
from netweave.web.live.models import HeldMeeting, LiveState
from tests.web.factories import (
    AttendanceFactory,
    EventFactory,
    PlanVersionFactory,
    RegistrationFactory,
    published_example,
)

pytestmark = pytest.mark.django_db

Phase = LiveState.Phase


@pytest.fixture
def live_event():
    """An event with 8 live people and 1 async, and the example plan published."""
    regs, _ = published_example()
    return regs[0].event, regs


def _state(event: Event) -> LiveState:
    return LiveState.objects.get(event=event)


def _held(event: Event, number: int) -> list[tuple[str, ...]]:
    return [
        tuple(s.registration.member.name for s in m.seats.all())
        for m in HeldMeeting.objects.filter(event=event, round=number).prefetch_related(
            "seats__registration__member"
        )
    ]


def test_start_event_marks_the_event_live(live_event):
    event, _ = live_event

    start_event(event, 0)

    assert Event.objects.get(pk=event.pk).status == Event.Status.LIVE


def test_start_event_keeps_waiting_for_the_first_round(live_event):
    event, _ = live_event

    state = start_event(event, 0)

    assert (state.phase, state.round, state.version) == (Phase.WAITING, 0, 1)


def test_start_event_without_published_plan_is_refused():
    event = EventFactory()
    PlanVersionFactory(event=event)

    with pytest.raises(LiveError, match="Publish a plan"):
        start_event(event, 0)


def test_start_round_records_the_planned_meetings(live_event):
    event, _ = live_event

    start_round(event, 1, 0)

    assert (
        sorted(HeldMeeting.objects.filter(event=event).values_list("source", flat=True))
        == ["plan"] * 4
    )


def test_start_round_leaves_out_people_marked_absent(live_event):
    event, regs = live_event
    AttendanceFactory(registration=regs[5], status="absent")

    start_round(event, 1, 0)

    assert all(regs[5].member.name not in m for m in _held(event, 1))


def test_start_round_keeps_a_trio_missing_one_as_a_pair(live_event):
    event, regs = live_event
    AttendanceFactory(registration=regs[2], status="absent")

    start_round(event, 1, 0)

    assert (regs[0].member.name, regs[1].member.name) in _held(event, 1)


def test_start_round_runs_the_latest_replan(live_event):
    event, regs = live_event
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)
    replan_next_round(event, 1)

    start_round(event, 1, 0)

    assert set(HeldMeeting.objects.filter(event=event).values_list("source", flat=True)) == {
        "replan"
    }


def test_start_round_sets_the_countdown_to_the_round_length(live_event):
    event, _ = live_event

    state = start_round(event, 1, 0)

    assert state.ends_at - state.started_at == dt.timedelta(minutes=event.minutes_per_round)


def test_start_round_twice_is_refused(live_event):
    event, _ = live_event
    state = start_round(event, 1, 0)

    with pytest.raises(LiveError, match="already been run"):
        start_round(event, 1, state.version)


def test_start_round_unknown_round_changes_nothing(live_event):
    event, _ = live_event

    with pytest.raises(LiveError, match="no round 9"):
        start_round(event, 9, 0)

    assert live_state(event).version == 0


def test_next_round_walks_rounds_then_groups_then_end(live_event):
    event, _ = live_event
    phases = []
    for _ in range(4):
        state = next_round(event, live_state(event).version)
        phases.append((state.phase, state.round))

    assert phases == [
        (Phase.ROUND, 1),
        (Phase.ROUND, 2),
        (Phase.GROUPS, 2),
        (Phase.ENDED, 2),
    ]


def test_next_round_pressed_twice_moves_once(live_event):
    event, _ = live_event
    seen = live_state(event).version
    next_round(event, seen)

    with pytest.raises(StaleStateError):
        next_round(event, seen)

    assert (_state(event).round, HeldMeeting.objects.filter(round=2).count()) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_next_round_from_two_threads_moves_once():
    """Real row locks: on PostgreSQL (``make test-postgres``). SQLite's in-memory test
    database answers "table is locked" instead of waiting, so there the sequential test
    above stands in for this one."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("needs a database server's row locks (run make test-postgres)")
    regs, _ = published_example()
    event = regs[0].event
    seen = live_state(event).version
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def press() -> None:
        try:
            barrier.wait()
            next_round(Event.objects.get(pk=event.pk), seen)
            outcomes.append("moved")
        except StaleStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["moved", "refused"]


def test_start_groups_records_groups_as_round_zero(live_event):
    event, _ = live_event

    start_groups(event, 0)

    groups = HeldMeeting.objects.filter(event=event, round=0)
    assert sorted(groups.values_list("theme", "source")) == [
        ("mentoring", "group"),
        ("onboarding", "group"),
    ]


def test_start_groups_seats_a_walk_in(live_event):
    event, _ = live_event
    walk_in = add_walk_in(event, "Zed Walker", "zed@example.org")

    start_groups(event, 0)

    assert any(walk_in.member.name in g for g in _held(event, 0))


def test_start_groups_leaves_async_members_out_of_the_room(live_event):
    event, regs = live_event

    start_groups(event, 0)

    assert all(regs[8].member.name not in g for g in _held(event, 0))


def test_start_groups_without_groups_is_refused(live_event):
    event, _ = live_event
    Event.objects.filter(pk=event.pk).update(groups_enabled=False)
    event.refresh_from_db()

    with pytest.raises(LiveError, match="no small groups"):
        start_groups(event, 0)


def test_next_round_without_groups_ends_after_the_last_round(live_event):
    event, _ = live_event
    Event.objects.filter(pk=event.pk).update(groups_enabled=False)
    event.refresh_from_db()
    start_round(event, 2, 0)

    state = next_round(event, 1)

    assert state.phase == Phase.ENDED


def test_end_event_marks_the_event_done(live_event):
    event, _ = live_event

    end_event(event, 0)

    assert Event.objects.get(pk=event.pk).status == Event.Status.DONE


def test_end_event_stops_the_countdown(live_event):
    event, _ = live_event
    state = start_round(event, 1, 0)

    state = end_event(event, state.version)

    assert (state.phase, state.ends_at) == (Phase.ENDED, None)


def test_start_round_after_the_end_is_refused(live_event):
    event, _ = live_event
    state = end_event(event, 0)

    with pytest.raises(LiveError, match="ended"):
        start_round(event, 1, state.version)


def test_set_messages_tells_open_pages_something_changed(live_event):
    event, _ = live_event

    state = set_messages(event, "  Back in 5  ", "Captions are on")

    assert (state.broadcast, state.accessibility_note, state.version) == (
        "Back in 5",
        "Captions are on",
        1,
    )


def test_held_meetings_name_only_people_of_the_event(live_event):
    event, _ = live_event
    RegistrationFactory()  # another event's registration

    start_round(event, 1, 0)

    seats = HeldMeeting.objects.filter(event=event).values_list(
        "seats__registration__event_id", flat=True
    )
    assert set(seats) == {event.pk}
