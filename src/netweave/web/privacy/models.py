"""What survives the retention purge of an event: counts only, nothing about a person."""

from __future__ import annotations

from django.db import models

from netweave.web.events.models import Event


class PurgeRecord(models.Model):
    """The anonymous aggregates of an event, kept when its personal data was removed."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="purge_record")
    #: e.g. {"registrations": 40, "live": 35, "async": 5, "held_meetings": 60, ...}
    counts = models.JSONField(default=dict)
    purged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"purge record of {self.event}"
