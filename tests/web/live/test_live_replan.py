"""Re-planning the next round on the day, and what the host takes to Zoom."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.live.domain.checkin import add_walk_in, set_attendance
from netweave.web.live.domain.errors import LiveError
from netweave.web.live.domain.replan import replan_next_round
from netweave.web.live.domain.state import start_round
from netweave.web.live.models import LiveState, Replan
from netweave.web.live.queries.exports import round_chat_text, round_zoom_csv
from tests.web.factories import (
    AttendanceFactory,
    ForbiddenPairFactory,
    HeldMeetingFactory,
    published_example,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event():
    """8 live people (all checked in) and 1 async, the example plan published."""
    regs, _ = published_example()
    for reg in regs[:8]:
        AttendanceFactory(registration=reg)
    return regs[0].event, regs


def _member_sets(replan: Replan) -> set[frozenset[int]]:
    return {frozenset(m["members"]) for m in replan.meetings}


def test_replan_with_everyone_here_keeps_the_round(live_event):
    event, _ = live_event

    made = replan_next_round(event, 1)

    assert (made.changes["kept"], made.changes["new"], made.changes["dissolved"]) == (4, [], [])


def test_replan_keeps_rooms_of_kept_meetings(live_event):
    event, regs = live_event

    made = replan_next_round(event, 1)

    rooms = {frozenset(m["members"]): m["room"] for m in made.meetings}
    assert rooms[frozenset({regs[3].pk, regs[4].pk})] == "Room 2"


def test_replan_pairs_the_partner_of_an_absent_with_a_walk_in(live_event):
    event, regs = live_event
    set_attendance(regs[6], "absent")
    walk_in = add_walk_in(event, "Zed Walker", "zed@example.org")

    made = replan_next_round(event, 1)

    assert frozenset({regs[5].pk, walk_in.pk}) in _member_sets(made)


def test_replan_names_what_changed(live_event):
    event, regs = live_event
    set_attendance(regs[6], "absent")
    add_walk_in(event, "Zed Walker", "zed@example.org")

    made = replan_next_round(event, 1)

    assert made.changes["dissolved"] == [[regs[5].member.name, regs[6].member.name]]


def test_replan_gives_new_meetings_a_free_room(live_event):
    event, regs = live_event
    set_attendance(regs[6], "absent")
    walk_in = add_walk_in(event, "Zed Walker", "zed@example.org")

    made = replan_next_round(event, 1)

    new = next(m for m in made.meetings if walk_in.pk in m["members"])
    assert new["room"] not in {"Room 1", "Room 2"}


def test_replan_leaves_out_people_not_checked_in(live_event):
    event, regs = live_event
    set_attendance(regs[4], "unknown")

    made = replan_next_round(event, 1)

    assert all(regs[4].pk not in m["members"] for m in made.meetings)


def test_replan_never_repeats_a_pair_that_met_today(live_event):
    event, regs = live_event
    HeldMeetingFactory(event=event, round=1, seats=[regs[0], regs[3]])

    made = replan_next_round(event, 2)

    assert frozenset({regs[0].pk, regs[3].pk}) not in _member_sets(made)


def test_replan_respects_a_forbidden_pair(live_event):
    event, regs = live_event
    ForbiddenPairFactory(event=event, a=regs[0], b=regs[3])

    made = replan_next_round(event, 2)

    assert all(not {regs[0].pk, regs[3].pk} <= set(m["members"]) for m in made.meetings)


def test_replan_builds_on_the_previous_replan(live_event):
    event, regs = live_event
    set_attendance(regs[6], "absent")
    replan_next_round(event, 1)

    again = replan_next_round(event, 1)

    assert (again.changes["new"], again.changes["dissolved"]) == ([], [])


def test_replan_with_too_few_checked_in_stores_nothing(live_event):
    event, regs = live_event
    for reg in regs[1:8]:
        set_attendance(reg, "absent")

    with pytest.raises(LiveError, match="Fewer than two"):
        replan_next_round(event, 1)

    assert not Replan.objects.filter(event=event).exists()


def test_replan_of_a_started_round_is_refused(live_event):
    event, _ = live_event
    start_round(event, 1, 0)

    with pytest.raises(LiveError, match="already started"):
        replan_next_round(event, 1)


def test_failed_replan_leaves_the_running_round(live_event):
    event, regs = live_event
    state = start_round(event, 1, 0)
    for reg in regs[1:8]:
        set_attendance(reg, "absent")

    with pytest.raises(LiveError):
        replan_next_round(event, 2)

    assert LiveState.objects.get(event=event).version == state.version


def test_round_zoom_csv_follows_the_replan(live_event):
    event, regs = live_event
    set_attendance(regs[6], "absent")
    replan_next_round(event, 1)

    content = round_zoom_csv(event, 1).decode()

    assert regs[6].member.email not in content


def test_round_chat_text_lists_rooms_by_name(live_event):
    event, regs = live_event

    text = round_chat_text(event, 1)

    assert f"Round 1: Room 02 - {regs[3].member.name} & {regs[4].member.name}" in text.splitlines()


def test_round_chat_text_tells_who_watches_an_intro(live_event):
    event, regs = live_event

    text = round_chat_text(event, 1)

    assert f"{regs[7].member.name} - watch {regs[8].member.name}'s intro" in text


def test_replan_view_reports_what_changed(orga_client, live_event, organizer):
    event, regs = live_event
    event.community.organizers.add(organizer)
    set_attendance(regs[6], "absent")
    url = reverse("orga:live_replan", kwargs={"event_pk": event.pk, "number": 1})

    page = orga_client.post(url, follow=True).content.decode()

    assert f"No longer: {regs[5].member.name}, {regs[6].member.name}" in page


def test_replan_view_failure_says_nothing_changed(orga_client, live_event, organizer):
    event, regs = live_event
    event.community.organizers.add(organizer)
    for reg in regs[1:8]:
        set_attendance(reg, "absent")
    url = reverse("orga:live_replan", kwargs={"event_pk": event.pk, "number": 1})

    page = orga_client.post(url, follow=True).content.decode()

    assert "Nothing changed: Fewer than two live people" in page


def test_round_zoom_download_is_a_csv(orga_client, live_event, organizer):
    event, _ = live_event
    event.community.organizers.add(organizer)
    url = reverse("orga:live_round_zoom", kwargs={"event_pk": event.pk, "number": 1})

    response = orga_client.get(url)

    assert response.content.startswith(b"Pre-assign Room Name,Email Address")


def test_round_zoom_download_of_unknown_round_is_404(orga_client, live_event, organizer):
    event, _ = live_event
    event.community.organizers.add(organizer)
    url = reverse("orga:live_round_zoom", kwargs={"event_pk": event.pk, "number": 7})

    assert orga_client.get(url).status_code == 404


def test_groups_zoom_download_leaves_out_the_absent(orga_client, live_event, organizer):
    event, regs = live_event
    event.community.organizers.add(organizer)
    set_attendance(regs[1], "absent")
    url = reverse("orga:live_groups_zoom", kwargs={"event_pk": event.pk})

    content = orga_client.get(url).content.decode()

    assert (regs[0].member.email in content, regs[1].member.email in content) == (True, False)
