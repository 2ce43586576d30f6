"""The demo: an organizer, the "STEM Community Managers" community, one open event with the
60 members of the bundled example registered, last year's forum (done: planned, held, with
feedback, so the follow-up insight and the history have something to show, and this year's
plan avoids its pairs), and a fully asynchronous exchange mid-window (sample intros, answers
and group messages). Loading it twice changes nothing.

The organizer signs in as ``organizer`` with a password generated on the first run and kept
in ``<data dir>/demo-password.txt`` (readable only by its owner). Every run sets the account's
password to what that file says, so deleting the file gives a fresh password next time.

The example's people are synthetic, so the demo lets them all appear in the member list and
share their email with their partners: that shows every part of the participant pages.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from netweave.core.people import Roster, read_people
from netweave.web.community.models import Community, Member
from netweave.web.events.domain import set_event_status
from netweave.web.events.imports import import_roster
from netweave.web.events.models import Event, Registration
from netweave.web.followup.domain import MeetingAnswer, give_meeting_feedback, meetings_held
from netweave.web.intros.domain.answers import save_answers
from netweave.web.intros.domain.intros import update_intro
from netweave.web.intros.domain.threads import post_group_message, post_to_pair
from netweave.web.intros.models import Answers
from netweave.web.intros.queries.groups import group_of
from netweave.web.intros.queries.meetings import partners_of
from netweave.web.matching.domain import generate_plan, publish_plan, request_plan

__all__ = ["DemoInfo", "demo_password", "load_demo"]

USERNAME = "organizer"
PASSWORD_FILE = "demo-password.txt"
COMMUNITY_SLUG = "stem-cm"
COMMUNITY_NAME = "STEM Community Managers"
EVENT_TITLE = "Annual Networking Forum"


@dataclass(frozen=True, slots=True)
class DemoInfo:
    """What the demo loaded, and where to go next."""

    username: str
    password: str
    community: Community
    event: Event
    members: int
    registrations: int

    @property
    def dashboard_url(self) -> str:
        return settings.BASE_URL + reverse("orga:dashboard")

    @property
    def registration_url(self) -> str:
        slugs = [self.community.slug, self.event.slug]
        return settings.BASE_URL + reverse("portal:register", args=slugs)


def demo_password(data_dir: Path) -> str:
    """The demo organizer's password: read from the data dir, or made and saved there once."""
    path = data_dir / PASSWORD_FILE
    if path.is_file() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    data_dir.mkdir(parents=True, exist_ok=True)
    # created owner-only from the start, not chmod-ed after: no moment when others can read it
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password + "\n")
    return password


def _example_roster() -> Roster:
    with resources.as_file(resources.files("netweave") / "examples" / "community.csv") as path:
        return read_people(path)


def _organizer(password: str) -> AbstractUser:
    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"email": "organizer@example.org"}
    )
    user.set_password(password)
    user.save()
    return user


def _community(user: AbstractUser) -> Community:
    community, _ = Community.objects.get_or_create(
        slug=COMMUNITY_SLUG,
        defaults={
            "name": COMMUNITY_NAME,
            "description": "A community of practice for people who run STEM communities.",
        },
    )
    community.organizers.add(user)
    return community


def _event(community: Community) -> Event:
    """The demo event; an existing one is kept as the organizer left it (dates included)."""
    existing = community.events.filter(slug__regex=r"^forum-\d{4}$").order_by("-starts_at").first()
    if existing is not None:
        return existing
    day = (timezone.now() + dt.timedelta(days=7)).date()
    starts_at = dt.datetime.combine(day, dt.time(16, 0), tzinfo=dt.UTC)
    return Event.objects.create(
        community=community,
        title=EVENT_TITLE,
        slug=f"forum-{starts_at.year}",
        description="Four short one-on-one rounds with people picked for you, then small groups.",
        starts_at=starts_at,
        timezone="UTC",
        rounds=4,
        minutes_per_round=8,
        groups_enabled=True,
        group_min=4,
        group_max=6,
        status=Event.Status.OPEN,
        # a made-up meeting, so the demo shows the join information where people see it
        meeting_url=f"https://meet.jit.si/netweave-demo-forum-{starts_at.year}",
    )


def _consent_for_demo(community: Community, event: Event, roster: Roster) -> None:
    emails = [p.id for p in roster.people]
    Member.objects.filter(community=community, email__in=emails).update(listed=True)
    Registration.objects.filter(event=event, member__email__in=emails).update(
        consent_share_email=True
    )


def _past_forum(community: Community, roster: Roster) -> Event:
    """Last year's forum with 4 in 5 of the members: planned, published, held, rated."""
    year = timezone.now().year - 1
    event, created = Event.objects.get_or_create(
        community=community,
        slug=f"forum-{year}-archive",
        defaults={
            "title": f"Networking Forum {year}",
            "description": "Last year's forum.",
            "starts_at": dt.datetime(year, 11, 20, 16, 0, tzinfo=dt.UTC),
            "rounds": 3,
            "status": Event.Status.CLOSED,
        },
    )
    if not created:
        return event
    people = [p for k, p in enumerate(roster.people) if k % 5]
    import_roster(community, Roster(tuple(people)), event=event)
    version = request_plan(event, None, note="Last year's plan")
    version.refresh_from_db()
    if version.state == version.State.QUEUED:  # the task waits for a commit that may not come
        version = generate_plan(version)
    publish_plan(version)
    event.refresh_from_db()
    for status in (Event.Status.LIVE, Event.Status.DONE):
        set_event_status(event, status)
    for k, meeting in enumerate(meetings_held(event).filter(round__gt=0)):
        for seat in meeting.seats.all()[:1]:  # one rating per meeting: enough for the charts
            answer = MeetingAnswer(valuable=3 + k % 3)
            give_meeting_feedback(seat.registration, meeting, answer)
    return event


def _async_exchange(community: Community, roster: Roster) -> Event:
    """A fully asynchronous exchange for every time zone, its window open since yesterday:
    planned and published, with sample intros (text), answers and a group thread, so that a
    visitor opening anyone's page sees what people see mid-window."""
    day = (timezone.now() - dt.timedelta(days=1)).date()
    event, created = Event.objects.get_or_create(
        community=community,
        slug=f"async-exchange-{day.year}",
        defaults={
            "title": "Async Exchange (every time zone)",
            "description": "Record a short intro, watch your matches' intros, answer their "
            "forms in your own time; read their answers when the window closes.",
            "starts_at": dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC),
            "rounds": 3,
            "fully_async": True,
            "group_min": 3,
            "group_max": 4,
            "status": Event.Status.CLOSED,
            # twenty people: a short group search finds good groups, and the demo starts fast
            "settings": {"groups": {"time_limit": 0.5}},
        },
    )
    if created:
        people = [p for k, p in enumerate(roster.people) if k % 3 == 0]
        import_roster(community, Roster(tuple(people)), event=event)
        event.registrations.update(mode=Registration.Mode.ASYNC)
        _seed_exchange(event)
    return event


def _seed_exchange(event: Event) -> None:
    """Plan and publish the exchange, then write what its people would have by now: an intro
    each, answers for every other match, one message in each group's thread."""
    version = request_plan(event, None, note="The exchange's plan")
    version.refresh_from_db()
    if version.state == version.State.QUEUED:  # the task waits for a commit that may not come
        version = generate_plan(version)
    publish_plan(version)
    people = list(event.registrations.select_related("member", "event").order_by("pk"))
    for person in people:
        topics = ", ".join(person.member.interests[:2]) or "our communities"
        update_intro(
            person,
            text=f"Hi, I'm {person.member.name}. {person.member.about or ''} "
            f"Happy to swap notes on {topics}.".replace("  ", " "),
            link="",
        )
    for k, author in enumerate(people):
        for partner in partners_of(author)[k % 2 :: 2]:  # about half the forms: some to do
            save_answers(
                author,
                partner,
                [
                    f"Your intro on {', '.join(partner.member.interests[:1]) or 'your work'} "
                    "rang a bell: we tried the same last year.",
                    "A 20-minute call to compare notes?",
                ],
            )
    # a pair's own thread opens with the first answer: one of them writes back
    first = next(a for a in Answers.objects.filter(subject__event=event).order_by("pk"))
    post_to_pair(first.subject, first.author, "Thank you! Yes, a call next week would be great.")
    seen: set[int] = set()
    for person in people:
        group = group_of(person)
        if group is not None and group.pk not in seen:
            seen.add(group.pk)
            post_group_message(
                person, "Hello group! Which day suits everyone for a short call next week?"
            )


def load_demo(data_dir: Path | None = None) -> DemoInfo:
    """Create (or find) the demo organizer, community and event, and register the example.

    Idempotent: members and registrations are upserted by email, so a second run finds
    everything in place and adds nothing.
    """
    password = demo_password(Path(data_dir or settings.DATA_DIR))
    roster = _example_roster()
    with transaction.atomic():
        user = _organizer(password)
        community = _community(user)
        event = _event(community)
        import_roster(community, roster, event=event)
        _consent_for_demo(community, event, roster)
    # outside the transaction: planning runs as a task once its version row is committed
    _past_forum(community, roster)
    _async_exchange(community, roster)
    return DemoInfo(
        username=USERNAME,
        password=password,
        community=community,
        event=event,
        members=community.members.count(),
        registrations=event.registrations.count(),
    )
