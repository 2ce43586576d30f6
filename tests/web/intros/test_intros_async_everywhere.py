"""A fully async event is async everywhere: its form, its invite, its overview, its tabs,
its wording, and when it is over."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from netweave.core.fully_async import all_async
from netweave.web.events.domain import FullyAsyncModeError, registration_counts, switch_mode
from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import event_ends_at
from netweave.web.followup.queries.held import event_is_over
from netweave.web.intros.models import IntroSettings
from netweave.web.intros.queries.deadlines import window_closes_at
from netweave.web.matching.domain.storage import save_plan
from tests.web.factories import (
    EventFactory,
    RegistrationFactory,
    example_plan,
    example_registrations,
)
from tests.web.intros.test_intros_async_event import ZONES, async_event
from tests.web.portal.test_portal_register import _answers, _url

pytestmark = pytest.mark.django_db

START = dt.datetime(2031, 3, 12, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def open_event() -> Event:
    return EventFactory(starts_at=START, fully_async=True, groups_enabled=True)


def test_public_form_has_no_live_option_nor_rounds_of_minutes(client, open_event):
    page = client.get(_url(open_event)).content.decode()
    assert 'name="mode"' not in page
    assert "Live, at the event time" not in page
    assert "rounds of" not in page
    assert "round of" not in page
    assert "Everyone takes part asynchronously" in page


def test_public_form_shows_the_window_end(client, open_event):
    page = client.get(_url(open_event)).content.decode()
    assert "Opens" in page
    assert event_ends_at(open_event).isoformat() in page


def test_registration_is_async_even_when_live_is_posted(client, open_event):
    client.post(_url(open_event), _answers(mode="live"))
    assert Registration.objects.get(event=open_event).mode == Registration.Mode.ASYNC


def test_invite_spans_the_window_not_a_slot(client, open_event, mailoutbox):
    client.post(_url(open_event), _answers())
    (invite,) = [a for a in mailoutbox[0].attachments if a.mimetype == "text/calendar"]
    (entry,) = icalendar.Calendar.from_ical(invite.content).walk("VEVENT")
    days = IntroSettings(event=open_event).answer_window_days
    assert entry.decoded("dtstart") == START
    assert entry.decoded("dtend") >= START + dt.timedelta(days=days)
    body = mailoutbox[0].body
    assert "How: live" not in body
    assert "in your own time" in body


def test_event_ends_when_its_last_window_closes(run):
    event = async_event(START, run)
    last = max(window_closes_at(r) for r in event.registrations.select_related("member"))
    assert event_ends_at(event) == last


def test_event_not_over_mid_window(run):
    event = async_event(START, run)
    event.status = Event.Status.PUBLISHED
    event.save()
    assert not event_is_over(event, START + dt.timedelta(hours=1))
    assert not event_is_over(event, event_ends_at(event) - dt.timedelta(seconds=1))
    assert event_is_over(event, event_ends_at(event))


def test_overview_shows_the_window_and_no_live_tab(orga_client, community):
    event = EventFactory(community=community, starts_at=START, fully_async=True)
    page = orga_client.get(reverse("orga:event", args=[event.pk])).content.decode()
    assert "the last window closes" in page
    assert "rounds of" not in page
    assert "round of" not in page
    assert reverse("orga:live", kwargs={"event_pk": event.pk}) not in page


def test_live_event_keeps_its_live_tab(orga_client, community):
    event = EventFactory(community=community, starts_at=START)
    page = orga_client.get(reverse("orga:event", args=[event.pk])).content.decode()
    assert reverse("orga:live", kwargs={"event_pk": event.pk}) in page


def test_switch_mode_refused_in_a_fully_async_event(open_event):
    registration = RegistrationFactory(event=open_event)
    with pytest.raises(FullyAsyncModeError):
        switch_mode(registration)


def test_registrations_table_offers_no_make_live(orga_client, community):
    event = EventFactory(community=community, starts_at=START, fully_async=True)
    RegistrationFactory(event=event, mode=Registration.Mode.LIVE)
    page = orga_client.get(reverse("orga:registrations", args=[event.pk])).content.decode()
    assert "Make live" not in page
    assert "Make async" not in page


def test_counts_everyone_async_in_a_fully_async_event(open_event):
    RegistrationFactory.create_batch(2, event=open_event, mode=Registration.Mode.LIVE)
    counts = registration_counts(open_event)
    assert (counts["live"], counts["async_"]) == (0, 2)


def test_personal_page_has_no_group_time_nor_live_mode(client, run):
    event = async_event(START, run)
    registration = event.registrations.select_related("member").get(member__timezone=ZONES[0])
    page = client.get(reverse("portal:mine", args=[registration.token])).content.decode()
    assert "Your small group ·" in page
    assert "Your small group · <time" not in page
    assert "· live" not in page


def test_live_console_of_a_fully_async_event_sends_to_the_async_tab(orga_client, community):
    event = EventFactory(community=community, starts_at=START, fully_async=True)
    response = orga_client.get(reverse("orga:live", kwargs={"event_pk": event.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("orga:intros", kwargs={"event_pk": event.pk})


def test_plan_downloads_of_a_fully_async_event_have_no_zoom_nor_run_sheet(orga_client, community):
    event = EventFactory(community=community, rounds=2, fully_async=True)
    version = save_plan(event, all_async(example_plan(example_registrations(event))), note="x")
    page = orga_client.get(reverse("orga:plan", args=[version.event_id])).content.decode()
    assert "Downloads for version" in page
    assert "Rooms for Zoom" not in page
    assert "Run sheet" not in page
