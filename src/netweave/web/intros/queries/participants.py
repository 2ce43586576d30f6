"""Who takes part asynchronously: the one rule, for one registration and for an event (everyone
in a fully async event, else those who chose async when registering); they get a digest."""

from __future__ import annotations

from django.db.models import QuerySet

from netweave.web.events.models import Event, Registration

__all__ = [
    "digest_recipients",
    "is_async_participant",
]


def is_async_participant(registration: Registration) -> bool:
    """Whether ``registration`` takes part asynchronously (everyone does in a fully async
    event, whatever they chose when registering)."""
    return registration.event.fully_async or registration.mode == Registration.Mode.ASYNC


def digest_recipients(event: Event) -> QuerySet[Registration]:
    """Who gets a digest: the async participants (everyone in a fully async event)."""
    found = Registration.objects.filter(event=event).select_related("member", "event__community")
    return found if event.fully_async else found.filter(mode=Registration.Mode.ASYNC)
