"""The live run of an event, and what really happened (separate from the plan)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from netweave.web.events.models import Event, Registration


class LiveState(models.Model):
    """Where the event is right now. One row per event; changed only under a row lock."""

    class Phase(models.TextChoices):
        WAITING = "waiting", "Not started"
        ROUND = "round", "One-on-one round"
        GROUPS = "groups", "Small groups"
        ENDED = "ended", "Ended"

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="live")
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.WAITING)
    #: the round running now (1-based); 0 before the first
    round = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    broadcast = models.TextField(blank=True)
    #: shown to participants at every change (captions, cameras optional, ...)
    accessibility_note = models.TextField(
        blank=True,
        default="Turn on captions in Zoom if they help you; cameras are optional.",
    )
    #: bumped at every change so pages can poll cheaply for "anything new?"
    version = models.PositiveIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)


class Attendance(models.Model):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", "Not checked in"
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.UNKNOWN)
    #: joined without registering beforehand
    walk_in = models.BooleanField(default=False)
    changed = models.DateTimeField(auto_now=True)


class HeldMeeting(models.Model):
    """A meeting that really happened (or, after an event without a live record, the
    published plan's meeting taken as happened). Follow-up and history read these."""

    class Source(models.TextChoices):
        PLAN = "plan", "As planned"
        REPLAN = "replan", "Re-planned live"
        GROUP = "group", "Small group"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="held_meetings")
    #: 1-based round; 0 for the small-group stage
    round = models.PositiveSmallIntegerField()
    room = models.CharField(max_length=40, null=True, blank=True)
    is_async = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    #: a small group's theme (round 0); blank for one-on-one meetings
    theme = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PLAN)
    members = models.ManyToManyField(Registration, through="HeldSeat", related_name="held")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "round", "id"]


class HeldSeat(models.Model):
    meeting = models.ForeignKey(HeldMeeting, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="held_seats"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "registration"], name="held_seat_unique")
        ]


class Replan(models.Model):
    """A round re-planned on the day for the people there, before it starts. The newest one
    of a round is what the round uses; older ones stay as a record of what the host saw.

    Meetings are kept as JSON (``room``, ``members`` as registration pks in the core's
    order, ``is_async``, ``score``, ``reasons``) because a re-plan is read whole and never
    queried by person until the round starts; then it becomes HeldMeeting rows.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="replans")
    round = models.PositiveSmallIntegerField()
    meetings = models.JSONField(default=list)
    #: what changed against the round as it stood before (names, for the organizer)
    changes = models.JSONField(default=dict)
    #: how many people were checked in when it was made
    present = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "round", "-id"]
