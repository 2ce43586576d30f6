"""Deadlines that are true: each person's timeline (page and "matches are ready" email) lists
every form's own closing time, the earliest first, and drops what is past."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netweave.web.common.timezones import zone
from netweave.web.events.models import Event
from netweave.web.intros.domain.intros import update_intro
from netweave.web.intros.models import IntroSettings
from netweave.web.intros.queries.answers import form_state
from netweave.web.intros.queries.deadlines import format_moment, window_closes_at
from netweave.web.intros.queries.partners import Match
from netweave.web.intros.queries.timeline import timeline_for
from netweave.web.mail.due import send_due
from tests.web.factories import EventFactory, RegistrationFactory
from tests.web.intros.test_intros_async_event import ZONES, async_event, person

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def pair(writer_tz: str, subject_tz: str, days: int, start: dt.datetime):
    event = EventFactory(fully_async=True, starts_at=start, status=Event.Status.PUBLISHED)
    IntroSettings.objects.create(event=event, answer_window_days=days)
    writer = RegistrationFactory(event=event, member__timezone=writer_tz)
    subject = RegistrationFactory(event=event, member__timezone=subject_tz)
    return writer, subject


ZONE = st.sampled_from([*ZONES, "Pacific/Honolulu", "Asia/Kolkata", "America/Sao_Paulo"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    writer_tz=ZONE,
    subject_tzs=st.lists(ZONE, min_size=1, max_size=3),
    days=st.integers(min_value=1, max_value=7),
    hour=st.integers(min_value=0, max_value=23),
    seen_after=st.floats(min_value=0, max_value=1),
)
def test_no_form_closes_before_the_time_its_writer_was_shown(
    writer_tz, subject_tzs, days, hour, seen_after
):
    start = START.replace(hour=hour)
    with transaction.atomic():
        writer, subject = pair(writer_tz, subject_tzs[0], days, start)
        subjects = [subject] + [
            RegistrationFactory(event=writer.event, member__timezone=tz) for tz in subject_tzs[1:]
        ]
        matches = [Match(s, True, False, True) for s in subjects]
        # the writer looks at some moment within the window
        last = max(window_closes_at(s) for s in subjects)
        now = start + (last - start) * seen_after
        shown = [s for s in timeline_for(writer, now, matches) if s.kind == "form"]
        assert [s.at for s in shown] == sorted(s.at for s in shown)
        for step in shown:
            # open until the very moment shown, closed from then on
            assert form_state(step.partner, writer_tz, step.at - SECOND).open
            assert not form_state(step.partner, writer_tz, step.at).open
        # every form still open at that moment is on the timeline
        open_now = {s.pk for s in subjects if form_state(s, writer_tz, now).open}
        assert open_now <= {s.partner.pk for s in shown}
        # each example's rows are undone: the test database is shared by all examples
        transaction.set_rollback(True)


def test_timeline_forms_earliest_first_in_the_writers_zone(run):
    event = async_event(START, run)
    tokyo = person(event, "Asia/Tokyo")
    steps = timeline_for(tokyo, START)
    forms = [s for s in steps if s.kind == "form"]
    assert len(forms) == 2
    assert forms[0].at <= forms[1].at
    assert [s.at for s in forms] == sorted(window_closes_at(s.partner) for s in forms)
    # Tokyo's morning comes first: the digest may arrive before a partner's form closes
    assert [s.at for s in steps if s.kind == "digest"] == [window_closes_at(tokyo)]
    assert [s.at for s in steps] == sorted(s.at for s in steps)


def test_timeline_drops_past_steps(run):
    event = async_event(START, run)
    tokyo = person(event, "Asia/Tokyo")
    first = timeline_for(tokyo, START)[0]
    later = timeline_for(tokyo, first.at)
    assert first not in later
    assert all(s.at > first.at for s in later)


def test_timeline_shows_the_intro_due_before_the_window(run):
    event = async_event(START + dt.timedelta(days=2), run)
    tokyo = person(event, "Asia/Tokyo")
    (intro, *_) = timeline_for(tokyo, START)
    assert (intro.kind, intro.done) == ("intro", False)
    update_intro(tokyo, text="Hello from Tokyo", link="")
    assert timeline_for(tokyo, START)[0].done


def test_matches_ready_email_gives_every_form_closing_in_own_zone(run):
    event = async_event(START, run)
    send_due(START)
    tokyo = person(event, "Asia/Tokyo")
    (message,) = [m for m in mail.outbox if m.to == [tokyo.member.email]]
    forms = [s for s in timeline_for(tokyo, START) if s.kind == "form"]
    for step in forms:
        assert format_moment(step.at, "Asia/Tokyo") in message.body
        assert step.partner.member.name in message.body
    assert f"the first form closes on {format_moment(forms[0].at, 'Asia/Tokyo')}" in message.body


def test_personal_page_shows_the_timeline(client, run):
    # the page reads the clock: the window opened an hour ago and lasts days
    event = async_event(timezone.now() - dt.timedelta(hours=1), run)
    tokyo = person(event, "Asia/Tokyo")
    page = client.get(reverse("portal:mine", args=[tokyo.token])).content.decode()
    assert "Your timeline" in page
    steps = timeline_for(tokyo)
    assert sorted(s.kind for s in steps) == ["digest", "form", "form"]
    for step in steps:
        assert step.text[1:] in page
        assert f"{step.at.astimezone(zone('Asia/Tokyo')):%H:%M}" in page
