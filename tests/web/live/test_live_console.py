"""The live console page: who may see it, what it shows, and its buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.web.live.domain.state import live_state
from netweave.web.live.models import LiveState
from tests.web.factories import (
    AttendanceFactory,
    EventFactory,
    RegistrationFactory,
    published_example,
)

pytestmark = pytest.mark.django_db

NINE_AM_NEW_YORK = dt.datetime(2031, 3, 12, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def live_event(community):
    event = EventFactory(community=community, starts_at=NINE_AM_NEW_YORK, minutes_per_round=8)
    regs, _ = published_example(event)
    return event, regs


def _console(client, event, **query) -> str:
    response = client.get(reverse("orga:live", kwargs={"event_pk": event.pk}), query)
    assert response.status_code == 200
    return response.content.decode()


def _go(client, event, action: str, version: int, **extra):
    url = reverse("orga:live_go", kwargs={"event_pk": event.pk})
    return client.post(url, {"action": action, "version": version, **extra}, follow=True)


def test_console_needs_login(client, live_event):
    event, _ = live_event

    response = client.get(reverse("orga:live", kwargs={"event_pk": event.pk}))

    assert response.status_code == 302


def test_console_of_another_community_is_404(outsider_client, live_event):
    event, _ = live_event

    response = outsider_client.get(reverse("orga:live", kwargs={"event_pk": event.pk}))

    assert response.status_code == 404


def test_console_actions_of_another_community_are_404(outsider_client, live_event):
    event, _ = live_event

    response = _go(outsider_client, event, "next_round", 0)

    assert (response.status_code, live_state(event).version) == (404, 0)


def test_console_without_a_published_plan_says_publish_first(orga_client, community):
    event = EventFactory(community=community)

    assert "Publish a plan first" in _console(orga_client, event)


def test_console_shows_round_times_in_the_event_zone(orga_client, live_event):
    event, _ = live_event

    page = _console(orga_client, event)

    assert ("09:00–09:08" in page, "09:08–09:16" in page) == (True, True)


def test_console_warns_about_an_absent_person_in_the_next_round(orga_client, live_event):
    event, regs = live_event
    AttendanceFactory(registration=regs[3], status="absent")

    page = _console(orga_client, event)

    assert f"Marked absent but placed in round 1: {regs[3].member.name}." in page


def test_console_shows_the_chat_text_of_the_next_round(orga_client, live_event):
    event, regs = live_event

    page = _console(orga_client, event)

    assert f"Round 1: Room 02 - {regs[3].member.name} &amp; {regs[4].member.name}" in page


def test_console_filters_people_by_status(orga_client, live_event):
    event, regs = live_event
    AttendanceFactory(registration=regs[0])

    page = _console(orga_client, event, show="present")

    assert (f"person-{regs[0].pk}" in page, f"person-{regs[1].pk}" in page) == (True, False)


def test_console_lists_only_live_people_for_check_in(orga_client, live_event):
    event, regs = live_event

    page = _console(orga_client, event)

    assert f"person-{regs[8].pk}" not in page


def test_console_queries_do_not_grow_with_people(orga_client, live_event):
    event, _ = live_event
    live_state(event)  # created on first sight: not part of every page
    with CaptureQueriesContext(connection) as few:
        _console(orga_client, event)
    RegistrationFactory.create_batch(30, event=event)

    with CaptureQueriesContext(connection) as many:
        _console(orga_client, event)

    assert len(many) == len(few)


def test_event_pages_have_a_live_tab(orga_client, live_event):
    event, _ = live_event

    page = orga_client.get(reverse("orga:event", kwargs={"event_pk": event.pk})).content.decode()

    assert f'href="/orga/events/{event.pk}/live/"' in page


def test_next_button_starts_the_first_round(orga_client, live_event):
    event, _ = live_event

    page = _go(orga_client, event, "next_round", 0).content.decode()

    assert (live_state(event).round, "Round 1 is running" in page) == (1, True)


def test_stale_button_is_refused_with_a_warning(orga_client, live_event):
    event, _ = live_event
    _go(orga_client, event, "next_round", 0)

    page = _go(orga_client, event, "next_round", 0).content.decode()

    assert (live_state(event).round, "Someone else moved the event on" in page) == (1, True)


def test_start_round_button_needs_a_round(orga_client, live_event):
    event, _ = live_event

    _go(orga_client, event, "start_round", 0)

    assert LiveState.objects.get(event=event).phase == "waiting"


def test_start_round_button_can_skip_ahead_once_confirmed(orga_client, live_event):
    event, _ = live_event

    _go(orga_client, event, "start_round", 0, round=2, confirm="1")

    assert LiveState.objects.get(event=event).round == 2


def test_messages_form_saves_both_messages(orga_client, live_event):
    event, _ = live_event
    url = reverse("orga:live_messages", kwargs={"event_pk": event.pk})

    orga_client.post(url, {"broadcast": "Break!", "accessibility_note": "Captions on"})

    state = LiveState.objects.get(event=event)
    assert (state.broadcast, state.accessibility_note) == ("Break!", "Captions on")


def test_console_escapes_what_people_typed(orga_client, live_event):
    event, regs = live_event
    regs[3].member.name = "<script>alert(1)</script>"
    regs[3].member.save()

    page = _console(orga_client, event)

    assert ("<script>alert" in page, "&lt;script&gt;alert(1)" in page) == (False, True)
