"""The outbox: every email netweave sends, as the organizer can see it.

A message is QUEUED while it is being sent, then SENT or FAILED (with the error). A message
with a ``key`` exists once: the sender claims the key before sending (see
:func:`netweave.web.mail.domain.send_email_once`), so a retried task never sends twice.
"""

from __future__ import annotations

from django.db import models

from netweave.web.community.models import Community


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    #: what kind of email ("registration", "link", "plan", ...), for filtering
    kind = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.SENT)
    error = models.TextField(blank=True)
    #: what makes this message unique, e.g. ``schedule-e3-r17-v2``; None for one-offs
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to}"
