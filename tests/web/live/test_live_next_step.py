"""The console for a busy host: one next step, large and alone; skipping asks first;
check-in first before the event starts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from netweave.web.live.domain.checkin import set_attendance
from netweave.web.live.domain.state import live_state, start_event, start_round
from netweave.web.live.models import HeldMeeting
from tests.web.factories import EventFactory, published_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_event(community):
    event = EventFactory(community=community)
    regs, _ = published_example(event)
    return event, regs


def _console(client, event) -> str:
    response = client.get(reverse("orga:live", kwargs={"event_pk": event.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _go(client, event, **data):
    url = reverse("orga:live_go", kwargs={"event_pk": event.pk})
    return client.post(url, data, follow=True)


def _big_buttons(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r'<button class="big"[^>]*>(.*?)</button>', page, re.S)
    ]


def test_console_before_opening_offers_only_opening(orga_client, live_event):
    event, _ = live_event

    assert _big_buttons(_console(orga_client, event)) == ["Open the event (check-in)"]


def test_console_once_open_offers_only_the_first_round(orga_client, live_event):
    event, _ = live_event
    start_event(event, None)

    assert _big_buttons(_console(orga_client, event)) == ["Start round 1"]


def test_console_during_a_round_offers_only_the_next(orga_client, live_event):
    event, _ = live_event
    start_round(event, 1, None)

    page = _console(orga_client, event)

    assert (_big_buttons(page), page.count('value="start_round"')) == (["Start round 2"], 0)


def test_console_offers_no_later_round_as_a_button(orga_client, live_event):
    event, _ = live_event
    start_event(event, None)

    page = _console(orga_client, event)

    assert (re.search(r"<button[^>]*>\s*Start round 2", page), '<option value="2">' in page) == (
        None,
        True,
    )


def test_console_next_step_is_the_replan_when_an_absent_person_is_placed(orga_client, live_event):
    event, regs = live_event
    start_event(event, None)
    set_attendance(regs[0], "absent")

    page = _console(orga_client, event)

    assert (_big_buttons(page), "Start round 1 as it stands" in page) == (
        ["Re-plan round 1 for who is here"],
        True,
    )


def test_console_next_step_after_the_replan_is_the_round(orga_client, live_event):
    event, regs = live_event
    start_event(event, None)
    for reg in regs[:8]:
        set_attendance(reg, "present")
    set_attendance(regs[0], "absent")
    orga_client.post(reverse("orga:live_replan", kwargs={"event_pk": event.pk, "number": 1}))

    assert _big_buttons(_console(orga_client, event)) == ["Start round 1"]


def test_console_before_the_start_shows_check_in_first(orga_client, live_event):
    event, _ = live_event
    start_event(event, None)

    page = _console(orga_client, event)

    assert page.index('id="check-in"') < min(page.index('id="next"'), page.index('id="messages"'))


def test_console_during_a_round_shows_the_next_round_before_check_in(orga_client, live_event):
    event, _ = live_event
    start_round(event, 1, None)

    page = _console(orga_client, event)

    assert page.index('id="next"') < page.index('id="check-in"')


def test_console_tables_scroll_in_their_own_box(orga_client, live_event):
    event, _ = live_event

    page = _console(orga_client, event)

    assert page.count('<div class="table-scroll">') == page.count("<table")


def test_starting_a_later_round_asks_to_confirm_first(orga_client, live_event):
    event, _ = live_event

    page = _go(orga_client, event, action="start_round", round=2, version=0).content.decode()

    assert ("Start round 2 now?" in page, "skips round 1" in page, live_state(event).round) == (
        True,
        True,
        0,
    )


def test_starting_a_later_round_confirmed_skips_ahead(orga_client, live_event):
    event, _ = live_event

    _go(orga_client, event, action="start_round", round=2, version=0, confirm="1")

    assert (live_state(event).round, HeldMeeting.objects.filter(round=1).exists()) == (2, False)


def test_skipping_to_the_groups_asks_to_confirm_first(orga_client, live_event):
    event, _ = live_event
    start_round(event, 1, None)

    page = _go(orga_client, event, action="start_groups", version=1).content.decode()

    assert ("Start the small groups now?" in page, live_state(event).phase) == (True, "round")


def test_a_stale_confirmation_is_refused(orga_client, live_event):
    event, _ = live_event
    start_event(event, None)

    page = _go(
        orga_client, event, action="start_round", round=2, version=0, confirm="1"
    ).content.decode()

    assert (live_state(event).round, "Someone else moved the event on" in page) == (0, True)


def test_the_next_round_needs_no_confirmation(orga_client, live_event):
    event, _ = live_event
    start_round(event, 1, None)

    _go(orga_client, event, action="start_round", round=2, version=1)

    assert live_state(event).round == 2


def test_console_before_the_first_round_says_how_far_check_in_is(orga_client, live_event):
    event, regs = live_event
    start_event(event, None)
    set_attendance(regs[0], "present")

    assert "1 of 8 checked in so far" in _console(orga_client, event)
