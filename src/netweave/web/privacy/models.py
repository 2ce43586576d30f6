"""What survives the retention purge of an event (counts only, nothing about a person), and
the confirmations that download or erase a person's data."""

from __future__ import annotations

from django.db import models

from netweave.web.common.onetime import EmailedSecret
from netweave.web.community.models import Member
from netweave.web.events.models import Event


class PurgeRecord(models.Model):
    """The anonymous aggregates of an event, kept when its personal data was removed."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="purge_record")
    #: e.g. {"registrations": 40, "live": 35, "async": 5, "held_meetings": 60, ...}
    counts = models.JSONField(default=dict)
    purged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"purge record of {self.event}"


class PrivacyConfirmation(EmailedSecret):
    """A download or an erasure asked for from a personal page, waiting for the inbox.

    A personal link can be forwarded; the member's notes and the button that erases them
    must not travel with it. So the page only emails a short-lived, single-use link to the
    member's address, and that link does it.
    """

    class Action(models.TextChoices):
        DOWNLOAD = "download", "Download my data"
        DELETE = "delete", "Delete my data"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.action} for {self.member} ({self.state})"
