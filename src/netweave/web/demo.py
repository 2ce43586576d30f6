"""The demo: an organizer, the "STEM Community Managers" community and one open event with
the 60 members of the bundled example registered. Loading it twice changes nothing.

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
from netweave.web.community.domain import import_members
from netweave.web.community.models import Community, Member
from netweave.web.events.models import Event, Registration

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
    )


def _consent_for_demo(community: Community, event: Event, roster: Roster) -> None:
    emails = [p.id for p in roster.people]
    Member.objects.filter(community=community, email__in=emails).update(listed=True)
    Registration.objects.filter(event=event, member__email__in=emails).update(
        consent_share_email=True
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
        import_members(community, roster, event=event)
        _consent_for_demo(community, event, roster)
    return DemoInfo(
        username=USERNAME,
        password=password,
        community=community,
        event=event,
        members=community.members.count(),
        registrations=event.registrations.count(),
    )
