"""Fully asynchronous events: everyone gets matches, watches intros and answers within a
window, with reminders; each digest goes out when the window closes in that person's zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from netweave.web.common.timezones import zone
from netweave.web.events.models import Event, Registration
from netweave.web.intros.domain.answers import save_answers
from netweave.web.intros.domain.intros import update_intro
from netweave.web.intros.errors import AnswersClosedError
from netweave.web.intros.models import Answers, Digest, IntroSettings, Post
from netweave.web.intros.queries.deadlines import digest_due_at, window_closes_at
from netweave.web.intros.queries.groups import group_members, group_of
from netweave.web.intros.queries.meetings import partners_of
from netweave.web.intros.queries.participants import is_async_participant
from netweave.web.mail.due import send_due
from netweave.web.matching.domain import plan_from_version, publish_plan, request_plan
from netweave.web.matching.models import PlanVersion
from tests.web.factories import EventFactory, RegistrationFactory, mp4_bytes

pytestmark = pytest.mark.django_db

ZONES = [
    "Australia/Sydney",
    "America/New_York",
    "Europe/London",
    "Asia/Tokyo",
    "Europe/Berlin",
    "America/Los_Angeles",
]


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "intros": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def async_event(starts_at: dt.datetime, run) -> Event:
    """Six people in six zones (some registered as live: it makes no difference), two
    rounds, small groups, a published plan."""
    event = EventFactory(
        fully_async=True,
        starts_at=starts_at,
        rounds=2,
        group_min=3,
        group_max=3,
        status=Event.Status.CLOSED,
        settings={"groups": {"time_limit": 0.05}},  # six people: no need to search long
    )
    for k, tz in enumerate(ZONES):
        mode = Registration.Mode.ASYNC if k % 2 else Registration.Mode.LIVE
        RegistrationFactory(event=event, mode=mode, member__timezone=tz, member__name=f"P{k}")
    with run():
        version = request_plan(event, None)
    version.refresh_from_db()
    assert version.state == PlanVersion.State.READY, version.error
    publish_plan(version)
    return event


@pytest.fixture
def march(run) -> Event:
    """Starts Thursday 5 March 2026, 12:00 UTC; New York springs forward on Sunday 8 March."""
    return async_event(dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC), run)


def person(event: Event, tz: str) -> Registration:
    return Registration.objects.select_related("member", "event").get(
        event=event, member__timezone=tz
    )


# --------------------------------------------------------------------------- the plan


def test_fully_async_plan_meetings_are_async_without_rooms(march):
    plan = plan_from_version(PlanVersion.objects.get(event=march))
    meetings = [m for r in plan.rounds for m in r.meetings]
    assert meetings
    assert all(m.is_async and m.room is None for m in meetings)


def test_fully_async_plan_gives_everyone_a_match_each_round(march):
    assert all(len(partners_of(r)) == 2 for r in march.registrations.all())


def test_fully_async_plan_puts_everyone_in_a_small_group(march):
    assert all(group_of(r) is not None for r in march.registrations.all())


def test_fully_async_plan_is_published(march):
    assert PlanVersion.objects.get(event=march).published_at is not None


def test_fully_async_everyone_is_an_async_participant(march):
    assert all(is_async_participant(r) for r in march.registrations.all())


# --------------------------------------------------------------------------- the window


def test_window_closes_in_new_york_morning_after_daylight_saving_start(march):
    closes = window_closes_at(person(march, "America/New_York"))
    assert closes == dt.datetime(2026, 3, 8, 13, tzinfo=dt.UTC)  # 09:00 EDT


def test_window_closes_next_sydney_morning_when_three_days_end_in_its_evening(march):
    closes = window_closes_at(person(march, "Australia/Sydney"))
    assert closes == dt.datetime(2026, 3, 8, 22, tzinfo=dt.UTC)  # Monday 9 March, 09:00 AEDT


def test_window_length_is_configurable(march):
    IntroSettings.objects.create(event=march, answer_window_days=1)
    closes = window_closes_at(person(march, "Europe/London"))
    assert closes == dt.datetime(2026, 3, 7, 9, tzinfo=dt.UTC)


def test_digest_due_when_the_window_closes(march):
    london = person(march, "Europe/London")
    assert digest_due_at(london) == window_closes_at(london)


def test_answers_refused_before_the_window_opens(march):
    author = person(march, "Europe/London")
    subject = partners_of(author)[0]
    with pytest.raises(AnswersClosedError, match="open on"):
        save_answers(author, subject, ["Hi"], now=march.starts_at - dt.timedelta(hours=1))


def test_answers_refused_after_the_window_closed(march):
    author = person(march, "Europe/London")
    subject = partners_of(author)[0]
    late = window_closes_at(subject) + dt.timedelta(minutes=1)
    with pytest.raises(AnswersClosedError, match="closed on"):
        save_answers(author, subject, ["Hi"], now=late)


def test_answers_accepted_within_the_window(march):
    author = person(march, "Europe/London")
    subject = partners_of(author)[0]
    save_answers(author, subject, ["Hi"], now=march.starts_at + dt.timedelta(days=1))
    assert Answers.objects.filter(author=author, subject=subject).exists()


# --------------------------------------------------------------------------- reminders


def test_intro_reminder_two_days_before_to_people_without_an_intro(march):
    london = person(march, "Europe/London")
    update_intro(london, text="Hello from London", link="")
    send_due(march.starts_at - dt.timedelta(days=1))
    assert len(mail.outbox) == 5
    assert london.member.email not in {m.to[0] for m in mail.outbox}


def test_open_reminder_lists_matches_and_deadline(march):
    send_due(march.starts_at)
    london = person(march, "Europe/London")
    (message,) = [m for m in mail.outbox if m.to == [london.member.email]]
    partner = partners_of(london)[0]
    assert partner.member.name in message.body
    assert "Monday 9 March, 09:00" in message.body


def test_open_reminder_sent_once(march):
    send_due(march.starts_at)
    send_due(march.starts_at + dt.timedelta(hours=1))
    assert len(mail.outbox) == len(ZONES)


def test_closing_reminder_only_to_people_with_forms_missing(march):
    london = person(march, "Europe/London")
    within = march.starts_at + dt.timedelta(hours=2)
    for partner in partners_of(london):
        save_answers(london, partner, ["Hello"], now=within)
    send_due(march.starts_at)
    mail.outbox.clear()
    send_due(dt.datetime(2026, 3, 8, 0, tzinfo=dt.UTC))  # within a day of the first close
    assert mail.outbox
    assert london.member.email not in {m.to[0] for m in mail.outbox}


# --------------------------------------------------------------------------- small groups


def test_group_page_shows_everyone_and_their_intros(client, march):
    london = person(march, "Europe/London")
    mates = group_members(group_of(london))
    update_intro(mates[-1], text="Intro of the last mate", link="")
    page = client.get(reverse("portal:intro_group", args=[london.token])).content.decode()
    assert all(m.member.name in page for m in mates)
    assert "Intro of the last mate" in page


@pytest.mark.parametrize(("mine", "theirs", "shown"), [(False, True, False), (True, True, True)])
def test_group_page_email_only_when_both_agreed(client, march, mine, theirs, shown):
    london = person(march, "Europe/London")
    mate = next(m for m in group_members(group_of(london)) if m.pk != london.pk)
    Registration.objects.filter(pk=london.pk).update(consent_share_email=mine)
    Registration.objects.filter(pk=mate.pk).update(consent_share_email=theirs)
    page = client.get(reverse("portal:intro_group", args=[london.token])).content.decode()
    assert (mate.member.email in page) is shown


def test_group_page_message_thread(client, march):
    london = person(march, "Europe/London")
    url = reverse("portal:intro_group", args=[london.token])
    client.post(url, {"text": "Hello group, how about onboarding?"})
    assert "how about onboarding?" in client.get(url).content.decode()
    assert Post.objects.get().author == london


def test_group_page_message_time_in_the_readers_zone(client, march):
    london = person(march, "Europe/London")
    client.post(reverse("portal:intro_group", args=[london.token]), {"text": "Hello"})
    message = Post.objects.get()
    mate = next(m for m in group_members(group_of(london)) if m.pk != london.pk)
    page = client.get(reverse("portal:intro_group", args=[mate.token])).content.decode()
    local = timezone.localtime(message.created, zone(mate.member.timezone))
    assert f"{local:%H:%M} {local:%Z}" in page


def test_group_page_empty_message_refused(client, march):
    london = person(march, "Europe/London")
    client.post(reverse("portal:intro_group", args=[london.token]), {"text": "  "})
    assert not Post.objects.exists()


def test_group_page_without_a_group_404(client):
    lonely = RegistrationFactory()
    assert client.get(reverse("portal:intro_group", args=[lonely.token])).status_code == 404


# --------------------------------------------------------------------------- end to end


def test_fully_async_flow_from_plan_to_digests(client, run):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    event = async_event(start, run)
    people = list(event.registrations.select_related("member", "event"))
    # intros: a video for one, written lines for the others
    video = SimpleUploadedFile("me.mp4", mp4_bytes(60.0))
    client.post(reverse("portal:intro_upload", args=[people[0].token]), {"video": video})
    for p in people[1:]:
        client.post(reverse("portal:intro", args=[p.token]), {"text": f"I am {p.member.name}"})
    # everyone watches each match's intro and answers, saving as they type
    for p in people:
        for partner in partners_of(p):
            page = client.get(reverse("portal:intro_partner", args=[p.token, partner.pk]))
            assert page.status_code == 200
            client.post(
                reverse("portal:intro_answer", args=[p.token, partner.pk]),
                {"q0": f"{p.member.name} says hi", "q1": "Onboarding"},
                HTTP_HX_REQUEST="true",
            )
    assert Answers.objects.count() == 2 * len(people)
    # the window opens: everyone hears about their matches; nobody gets a digest yet
    send_due(timezone.now())
    assert {m.subject for m in mail.outbox} == {f"Your matches for {event.title} are ready"}
    # each digest goes out when that person's window closes, in their own zone
    closes = sorted((window_closes_at(p), p) for p in people)
    first_close, first = closes[0]
    mail.outbox.clear()
    send_due(first_close - dt.timedelta(minutes=1))
    assert mail.outbox == []
    send_due(first_close)
    assert first.member.email in {m.to[0] for m in mail.outbox if "wrote for you" in m.subject}
    send_due(closes[-1][0])
    send_due(closes[-1][0] + dt.timedelta(hours=1))
    digests = [m for m in mail.outbox if "wrote for you" in m.subject]
    assert sorted(m.to[0] for m in digests) == sorted(p.member.email for p in people)
    assert Digest.objects.filter(sent_at__isnull=False).count() == len(people)
    # the digest page shows what the partners wrote
    page = client.get(reverse("portal:intro_digest", args=[first.token])).content.decode()
    partner = partners_of(first)[0]
    assert f"{partner.member.name} says hi" in page


def test_fully_async_plan_swap_keeps_meetings_async(march):
    from netweave.web.matching.domain import PlanError, swap_people

    version = PlanVersion.objects.get(event=march)
    first, *others = version.meetings.filter(round=1)
    swapped = None
    for other in others:  # the first swap that repeats no meeting of round 2
        a, b = first.seats.first().registration, other.seats.first().registration
        try:
            swapped = swap_people(version, 1, a, b, None)
            break
        except PlanError:
            continue
    plan = plan_from_version(swapped)
    assert all(m.is_async and m.room is None for r in plan.rounds for m in r.meetings)
