"""Plan versions (the core's result, stored as rows) and the organizers' constraints."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from netweave.web.events.models import Event, Registration


class PlanVersion(models.Model):
    """One result of planning an event; at most one per event is published."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    #: the running planner's last sign of life (see :mod:`netweave.web.matching.heartbeat`)
    heartbeat = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    #: what made this version ("Generated", "Swapped Ana and Kofi in round 2", ...)
    note = models.CharField(max_length=300, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    #: unmatched people and why, as in plan.json
    unmatched = models.JSONField(default=list, blank=True)
    #: who was planned for, as ``[id, name, mode]`` in the plan's order: a snapshot, because
    #: registrations change after planning and a stored plan must read back exactly as made
    participants = models.JSONField(default=list, blank=True)
    #: the plan's round numbers, so that a round without meetings survives the round trip
    round_numbers = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="plan_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.event} plan v{self.number}"


class Meeting(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="meetings")
    round = models.PositiveSmallIntegerField()
    #: None for an async meeting (the live person watches the async person's intro)
    room = models.CharField(max_length=40, null=True, blank=True)
    is_async = models.BooleanField(default=False)
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False)
    members = models.ManyToManyField(Registration, through="Seat", related_name="meetings")

    class Meta:
        ordering = ["plan", "round", "is_async", "id"]


class Seat(models.Model):
    """A registration's place in a meeting; ``position`` keeps the core's member order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="seats")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position"]


class Group(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="groups")
    room = models.CharField(max_length=40)
    theme = models.CharField(max_length=200, blank=True)
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False)
    members = models.ManyToManyField(Registration, through="GroupSeat", related_name="groups")

    class Meta:
        ordering = ["plan", "id"]


class GroupSeat(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="group_seats"
    )
    #: an async member attached to the group (sees the group page, not the live room)
    remote = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "remote", "position"]


class ForbiddenPair(models.Model):
    """Organizer knowledge: these two must not be paired in this event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="forbidden_pairs")
    a = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "a", "b"], name="forbidden_unique_pair")
        ]
