"""Saving the organizers' async settings."""

from __future__ import annotations

from django.db import transaction

from netweave.web.events.models import Event
from netweave.web.intros.models import IntroSettings

__all__ = [
    "update_intro_settings",
]


def update_intro_settings(event: Event, **values: object) -> IntroSettings:
    """Save the organizers' async settings for ``event`` (fields of :class:`IntroSettings`)."""
    with transaction.atomic():
        row, _ = IntroSettings.objects.select_for_update().get_or_create(event=event)
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
    return row
