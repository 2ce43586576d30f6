"""Events and the registrations of members in them."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from netweave.web.common.onetime import EmailedSecret
from netweave.web.community.models import Community, Member


def default_reminder_hours() -> list[int]:
    """Reminders a day and an hour before the event (see :mod:`netweave.web.events.meeting`)."""
    return [24, 1]


def new_token() -> str:
    """An unguessable participant link token (192 bits)."""
    return secrets.token_urlsafe(24)


class RoomMode(models.TextChoices):
    """How participants reach their room each round (docs/organizer-guide.md, "Running the
    rounds in Zoom")."""

    ZOOM_CHOOSE = "zoom_choose", "Zoom: participants choose their room"
    ZOOM_HOST = "zoom_host", "Zoom: the host assigns the rooms"
    LINKS = "links", "A link per meeting (no breakout rooms)"


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Registration open"
        CLOSED = "closed", "Registration closed"
        PLANNED = "planned", "Planned"
        PUBLISHED = "published", "Published"
        LIVE = "live", "Live"
        DONE = "done", "Done"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField(help_text="Start of the live event")
    timezone = models.CharField(max_length=64, default="UTC", help_text="The organizers' zone")
    rounds = models.PositiveSmallIntegerField(default=4)
    minutes_per_round = models.PositiveSmallIntegerField(default=8)
    groups_enabled = models.BooleanField("small groups at the end", default=True)
    group_min = models.PositiveSmallIntegerField(default=4)
    group_max = models.PositiveSmallIntegerField(default=6)
    group_minutes = models.PositiveSmallIntegerField(default=20)
    registration_opens = models.DateTimeField(null=True, blank=True)
    registration_closes = models.DateTimeField(null=True, blank=True)
    #: everyone takes part asynchronously (see the async issue)
    fully_async = models.BooleanField(default=False)
    #: async people whose intro is missing by then get live partners instead; empty: a day
    #: before the start (``events.timeline.intro_deadline``)
    intro_deadline = models.DateTimeField(null=True, blank=True)
    #: a live person watches at most one async intro in every this many rounds (0: no cap)
    watch_every = models.PositiveSmallIntegerField(default=3)
    #: how people reach their room each round; blank: chosen from the rounds
    #: (``events.rooms.room_mode``, the one reader)
    room_mode = models.CharField(
        "how people reach their room", max_length=12, choices=RoomMode.choices, blank=True
    )
    #: with ``RoomMode.LINKS``: the URL of a meeting's room (``events.rooms``)
    room_link_template = models.CharField("room link template", max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    #: the video meeting everyone joins (any platform); shown only to registered people,
    #: through :func:`netweave.web.events.meeting.join_info`
    meeting_url = models.URLField("join link", max_length=500, blank=True)
    meeting_id = models.CharField("meeting ID", max_length=100, blank=True)
    meeting_passcode = models.CharField("passcode", max_length=100, blank=True)
    #: hours before the start at which reminders go, e.g. ``[24, 1]``; empty: no reminders
    reminder_hours = models.JSONField(default=default_reminder_hours, blank=True)
    #: the organizers' rules (the core's ``[rules]``; ``matching.domain.inputs.event_config``
    #: is the one reader): colleagues never meet one-on-one, first-timers meet a veteran
    apart_same_organization = models.BooleanField("keep colleagues apart", default=True)
    first_timers_meet_veterans = models.BooleanField(
        "every first-timer meets a veteran", default=True
    )
    #: optional: everyone with a kind of community meets someone of another kind
    across_community_kinds = models.BooleanField(
        "everyone meets another kind of community", default=False
    )
    #: at most this many of one person's meetings come from others' one-way requests
    request_cap = models.PositiveSmallIntegerField("request cap", null=True, blank=True)
    #: participants may see who is coming and say "would love to meet" or "no thanks"
    #: (``events.wishes``); closed when a plan is generated
    wishes_open = models.BooleanField("“would love to meet” / “no thanks” open", default=False)
    #: overrides of the core's EventConfig (weights, fairness, ...), as in event.toml
    settings = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="event_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def registration_is_open(self) -> bool:
        now = timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.registration_opens and now < self.registration_opens:
            return False
        return not (self.registration_closes and now >= self.registration_closes)


class Registration(models.Model):
    class Mode(models.TextChoices):
        LIVE = "live", "Live"
        ASYNC = "async", "Asynchronous"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="registrations")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.LIVE)
    looking_for = models.TextField(blank=True)
    #: what the person typed (names or emails), kept for the organizers' review
    requests_text = models.TextField(blank=True)
    avoid_text = models.TextField(blank=True)
    #: resolved people, within the same event's community
    requests = models.ManyToManyField(Member, related_name="requested_by", blank=True)
    avoid = models.ManyToManyField(Member, related_name="avoided_by", blank=True)
    consent_share_email = models.BooleanField("share my email with people I meet", default=False)
    #: the rounds (from 1) this person can attend; empty: every round (the core's ``available``)
    available = models.JSONField(default=list, blank=True)
    #: first time at one of the community's events; None: from their history
    #: (``events.history.first_timers``), unless an organizer or an imported table set it
    first_time = models.BooleanField(null=True, blank=True)
    #: a team member who hosts: not matched, fills the odd seat of a round instead of a
    #: trio (``core.hosts``); their page shows where they are needed
    is_host = models.BooleanField("team member who hosts", default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="registration_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.event}"


class RegistrationRequest(EmailedSecret):
    """Answers sent through the public form for an address that is already known here.

    Whoever typed the address may not own it, so nothing of the member changes, and they
    take part in no plan, until the owner confirms from their inbox (``events.registering``).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registration_requests")
    email = models.EmailField()
    #: the submitted answers: ``events.answers.RegistrationData`` without the email
    answers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.email} @ {self.event} ({self.state})"

    @property
    def name(self) -> str:
        """The name typed into the form (not necessarily the member's)."""
        return str(self.answers.get("name", "")) if isinstance(self.answers, dict) else ""


class Wish(models.Model):
    """A participant's private wish about another registrant of the same event: "would
    love to meet" (planned like a request) or "no thanks" (planned like an avoid).

    A "no thanks" is never shown to anyone but the person who made it, organizers included:
    they see counts only (``events.wishes``, the one module that reads these rows).
    """

    class Kind(models.TextChoices):
        LOVE = "love", "Would love to meet"
        NO = "no", "No thanks"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="wishes")
    target = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registration", "target"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "target"], name="wish_unique_target")
        ]

    def __str__(self) -> str:
        # never the kind, nor who: a row printed in a log or the admin must not tell
        return f"wish {self.pk}"
