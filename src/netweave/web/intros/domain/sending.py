"""What the emails of async participation share: their links, which events the due senders
look at, and how often a failed email is tried again.

Every email that goes out at a time (digests, reminders) is marked sent in the transaction
that sent it, under a row lock, so ``netweave send-due`` run twice at once still sends each
message once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from netweave.web.events.models import Event, Registration
from netweave.web.mail import domain as mail_domain
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "active_events",
    "attempts_after",
    "link_for",
]


#: after this many failed attempts (mail server refusing) a digest is left for the organizers
MAX_ATTEMPTS = 5
#: events further back than this are no longer looked at by the due senders
LOOK_BACK = dt.timedelta(days=45)


def link_for(name: str, registration: Registration, **kwargs: object) -> str:
    """The absolute address of the participant page ``name`` for ``registration``'s token."""
    return settings.BASE_URL + reverse(name, kwargs={"token": registration.token, **kwargs})


def attempts_after(record: OutboxMessage, before: int) -> int:
    """Attempts after sending ``record``: a failure is tried again at the next run (the
    mail server may be back), unless the recipient turned optional emails off, which no
    retry changes."""
    # looked up softly: the mail app's preference check may not exist in every version
    refused = getattr(mail_domain, "UNSUBSCRIBED", None)
    if record.state != OutboxMessage.State.SENT and refused and record.error == refused:
        return MAX_ATTEMPTS
    return before + 1


def active_events(now: dt.datetime, *, ahead: dt.timedelta = dt.timedelta(0)) -> QuerySet[Event]:
    """Events whose async work may be due: started (or starting within ``ahead``), recently."""
    return Event.objects.filter(starts_at__lte=now + ahead, starts_at__gte=now - LOOK_BACK).exclude(
        status=Event.Status.DRAFT
    )
