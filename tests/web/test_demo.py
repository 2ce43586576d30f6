"""The demo loader: the example community, one open event, an organizer; twice is once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from netweave.web.community.models import Community, Member
from netweave.web.demo import load_demo
from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import event_ends_at
from netweave.web.intros.models import Answers, Intro, Post

pytestmark = pytest.mark.django_db


def test_load_demo_registers_the_60_example_members(tmp_path: Path):
    info = load_demo(tmp_path)

    assert (info.members, info.registrations) == (60, 60)


def test_load_demo_event_settings(tmp_path: Path):
    event = load_demo(tmp_path).event

    assert (event.rounds, event.minutes_per_round, event.group_min, event.group_max) == (4, 8, 4, 6)
    assert event.registration_is_open
    assert (event.starts_at.hour, event.starts_at.minute, event.slug) == (
        16,
        0,
        f"forum-{event.starts_at.year}",
    )


def test_load_demo_keeps_async_members_from_the_file(tmp_path: Path):
    info = load_demo(tmp_path)

    assert info.event.registrations.filter(mode=Registration.Mode.ASYNC).exists()


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Community, Event, Member, Registration))


def test_load_demo_twice_adds_nothing(tmp_path: Path):
    first = load_demo(tmp_path)
    counts = _counts()
    second = load_demo(tmp_path)

    assert (second.community, second.event, _counts()) == (first.community, first.event, counts)


def test_load_demo_registers_the_example_in_the_open_event(tmp_path: Path):
    info = load_demo(tmp_path)
    assert (Member.objects.count(), info.event.registrations.count()) == (60, 60)


def test_load_demo_has_a_finished_event_with_meetings_held(tmp_path: Path):
    from netweave.web.live.models import HeldMeeting

    load_demo(tmp_path)
    done = Event.objects.get(status=Event.Status.DONE)
    assert HeldMeeting.objects.filter(event=done).exists()


def test_load_demo_has_a_fully_async_event_mid_window(tmp_path: Path):
    load_demo(tmp_path)
    event = Event.objects.get(fully_async=True)
    assert event.status == Event.Status.PUBLISHED
    assert event.starts_at <= timezone.now() < event_ends_at(event)


def test_load_demo_async_exchange_has_intros_answers_and_a_thread(tmp_path: Path):
    load_demo(tmp_path)
    event = Event.objects.get(fully_async=True)
    people = event.registrations.count()
    assert Intro.objects.filter(registration__event=event).exclude(text="").count() == people
    filled = [a for a in Answers.objects.filter(subject__event=event) if a.is_filled]
    assert filled
    assert Post.objects.filter(group__plan__event=event).exists()
    assert Post.objects.filter(pair_low__event=event).exists()


def test_load_demo_async_page_shows_what_a_match_wrote(client, tmp_path: Path):
    load_demo(tmp_path)
    event = Event.objects.get(fully_async=True)
    answer = next(a for a in Answers.objects.filter(subject__event=event) if a.is_filled)
    url = reverse("portal:intro_partner", args=[answer.author.token, answer.subject.pk])
    page = client.get(url).content.decode()
    assert "rang a bell" in page
    assert answer.subject.member.name.split()[0] in page


def test_load_demo_password_kept_in_data_dir(tmp_path: Path):
    first = load_demo(tmp_path)
    second = load_demo(tmp_path)

    assert second.password == first.password
    assert (tmp_path / "demo-password.txt").read_text().strip() == first.password


def test_load_demo_password_file_private(tmp_path: Path):
    load_demo(tmp_path)

    assert (tmp_path / "demo-password.txt").stat().st_mode & 0o077 == 0


def test_load_demo_organizer_can_sign_in(tmp_path: Path):
    info = load_demo(tmp_path)

    user = authenticate(username="organizer", password=info.password)

    assert user is not None
    assert info.community.organizers.filter(pk=user.pk).exists()


def test_load_demo_prints_working_registration_link(client, tmp_path: Path, settings):
    info = load_demo(tmp_path)

    response = client.get(info.registration_url.removeprefix(settings.BASE_URL))

    assert response.status_code == 200
    assert "Annual Networking Forum" in response.content.decode()
