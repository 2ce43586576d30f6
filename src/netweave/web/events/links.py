"""Personal links: a participant's pages have no password, the link's token *is* the key.

Every app that serves a page by token looks it up through :func:`registration_for_token`,
the one place that knows when a link stops working; :func:`personal_url` is the one place
that writes the link out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration, new_token

__all__ = [
    "LinkExpiredError",
    "link_expires_at",
    "personal_url",
    "registration_for_token",
    "revoke_link",
]


class LinkExpiredError(Http404):
    """A personal link of an event long past (``NETWEAVE_LINK_DAYS_AFTER_EVENT``)."""


def link_expires_at(event: Event) -> datetime | None:
    """When personal links of ``event`` stop working; None when they never do."""
    days = settings.NETWEAVE_LINK_DAYS_AFTER_EVENT
    return event.starts_at + timedelta(days=days) if days > 0 else None


def registration_for_token(token: str) -> Registration:
    """The registration whose personal link carries ``token``.

    Raises :class:`~django.http.Http404` for an unknown (or revoked) token, which tells a
    guesser nothing, and :class:`LinkExpiredError` (also a 404) for an expired link.
    """
    registration = (
        Registration.objects.select_related("member", "event__community")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise Http404("No such link.")
    expires = link_expires_at(registration.event)
    if expires is not None and timezone.now() >= expires:
        raise LinkExpiredError("This link has expired.")
    return registration


def revoke_link(registration: Registration) -> Registration:
    """Give ``registration`` a new personal link; the old one answers 404 from now on.

    For a leaked or forwarded link. The participant gets the new one by "send me my link
    again" (or the organizer sends it).
    """
    with transaction.atomic():
        registration.token = new_token()
        registration.save(update_fields=["token", "updated"])
    return registration


def personal_url(registration: Registration) -> str:
    """The absolute address of the participant's page, for emails and calendars."""
    return settings.BASE_URL + reverse("portal:mine", args=[registration.token])
