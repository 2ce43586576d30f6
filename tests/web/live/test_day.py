"""One truth for the day: the personal page shows what the live console last decided, and
after the event what really happened (netweave.web.live.queries.day)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.events.models import Registration
from netweave.web.followup.queries.held import meetings_held
from netweave.web.live.domain.checkin import add_walk_in, set_attendance
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.state import end_event, live_state, start_groups, start_round
from netweave.web.live.queries.day import day_for
from netweave.web.matching.queries.schedule import planned_schedule, schedule_for
from tests.web.factories import AttendanceFactory, published_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event():
    """The example plan published (8 live, then 1 async). Round 1: a trio (0, 1, 2), pairs
    (3, 4) and (5, 6), 7 watches 8's intro; round 2: (0, 3), (1, 4), (2, 5), 7 with the
    host, 6 watches 8's intro. Everyone live is checked in."""
    regs, _ = published_example()
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)
    return regs[0].event, regs


def _mine(client, registration: Registration) -> str:
    response = client.get(reverse("portal:mine", args=[registration.token]))
    assert response.status_code == 200
    return response.content.decode()


def _round(page: str, number: int) -> str:
    """The part of the personal page about round ``number``."""
    start = page.index(f'id="round-{number}"')
    end = page.find('<section class="card', start)
    return page[start:] if end < 0 else page[start:end]


def _live(client, registration: Registration) -> str:
    return client.get(reverse("portal:live", args=[registration.token])).content.decode()


def _replanned_without_6(event, regs) -> Registration:
    """6 is absent, Zed walks in, round 1 is re-planned: 5 meets Zed."""
    set_attendance(regs[6], "absent")
    zed = add_walk_in(event, "Zed Walker", "zed@example.org")
    replan_next_round(event, 1)
    return zed


def test_schedule_for_is_the_days_answer_of_the_live_app(live_event):
    _, regs = live_event

    assert schedule_for(regs[0]) == day_for(regs[0])


def test_day_before_anything_happened_is_the_published_plan(live_event):
    _, regs = live_event

    assert day_for(regs[3]) == planned_schedule(regs[3])


def test_mine_after_a_live_replan_shows_the_new_partner_not_the_absent_one(client, live_event):
    event, regs = live_event
    _replanned_without_6(event, regs)

    round_1 = _round(_mine(client, regs[5]), 1)

    assert ("Zed Walker" in round_1, regs[6].member.name in round_1) == (True, False)


def test_mine_after_a_live_replan_says_it_was_replanned(client, live_event):
    event, regs = live_event
    _replanned_without_6(event, regs)

    assert "Re-planned on the day" in _round(_mine(client, regs[5]), 1)


def test_mine_and_the_live_page_agree_once_the_replanned_round_runs(client, live_event):
    event, regs = live_event
    _replanned_without_6(event, regs)
    start_round(event, 1, live_state(event).version)

    mine, live = _round(_mine(client, regs[5]), 1), _live(client, regs[5])

    assert ("Zed Walker" in mine, "Zed Walker" in live) == (True, True)


def test_mine_of_the_walk_in_shows_their_replanned_partner(client, live_event):
    event, regs = live_event
    zed = _replanned_without_6(event, regs)

    assert regs[5].member.name in _round(_mine(client, zed), 1)


def test_mine_after_the_event_shows_a_held_round_without_the_absent_partner(client, live_event):
    event, regs = live_event
    set_attendance(regs[4], "absent")
    start_round(event, 1, live_state(event).version)
    end_event(event, live_state(event).version)

    round_1 = _round(_mine(client, regs[3]), 1)

    assert (regs[4].member.name in round_1, "No meeting for you in this round" in round_1) == (
        False,
        True,
    )


def test_mine_after_the_event_says_a_round_never_run_did_not_take_place(client, live_event):
    event, regs = live_event
    start_round(event, 1, live_state(event).version)
    end_event(event, live_state(event).version)

    round_2 = _round(_mine(client, regs[0]), 2)

    assert ("did not take place" in round_2, regs[3].member.name in round_2) == (True, False)


def test_mine_after_the_event_says_whom_you_met(client, live_event):
    event, regs = live_event
    start_round(event, 1, live_state(event).version)
    end_event(event, live_state(event).version)

    assert "Whom you met, and why" in _mine(client, regs[0])


def test_day_of_a_held_round_is_marked_held_with_its_room(live_event):
    event, regs = live_event
    start_round(event, 1, live_state(event).version)

    slot = day_for(regs[3]).slots[0]

    partners = [p.pk for p in slot.partners]

    assert (slot.status, slot.room, partners) == ("held", "Room 02", [regs[4].pk])


def test_day_of_a_round_replanned_after_a_held_one_uses_the_replan(live_event):
    event, regs = live_event
    start_round(event, 1, live_state(event).version)
    set_attendance(regs[3], "absent")
    replan_next_round(event, 2)

    day = day_for(regs[0])

    assert (day.slots[1].status, regs[3].pk in [p.pk for p in day.slots[1].partners]) == (
        "replanned",
        False,
    )


def test_day_group_once_held_leaves_out_an_absent_member(live_event):
    event, regs = live_event
    set_attendance(regs[6], "absent")
    start_groups(event, live_state(event).version)

    members = [p.pk for p in day_for(regs[5]).group.members]

    assert (regs[6].pk in members, regs[7].pk in members) == (False, True)


def test_day_group_of_an_attached_async_member_stays_the_planned_one(live_event):
    event, regs = live_event
    start_groups(event, live_state(event).version)

    group = day_for(regs[8]).group

    assert (group.remote, group.theme) == (True, "mentoring")


def test_mine_after_an_event_ended_without_starting_a_replanned_round_shows_the_replan(
    client, live_event
):
    # the host re-planned, ran the rounds from Zoom's files alone and pressed End: follow-up
    # takes the rounds as decided, and the page agrees with it
    event, regs = live_event
    _replanned_without_6(event, regs)
    end_event(event, live_state(event).version)
    event.refresh_from_db()
    meetings_held(event)

    round_1 = _round(_mine(client, regs[5]), 1)

    assert ("Zed Walker" in round_1, regs[6].member.name in round_1) == (True, False)
