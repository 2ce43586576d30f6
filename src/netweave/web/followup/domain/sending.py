"""The follow-up's emails, each at most once per registration: the summary (sent by a task)
and the reminder with the calendar invite (sent by ``netweave send-due``).

A delivery row is claimed before sending, so two senders at once send one email; a send that
failed gives the claim up for the next run.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import IntegrityError, transaction

from netweave.web.common.timezones import zone
from netweave.web.events.invites import send_with_invite
from netweave.web.events.models import Event, Registration
from netweave.web.followup.models import Delivery
from netweave.web.followup.queries.summary import (
    Conversation,
    absolute_url,
    summary_for,
    summary_url,
)
from netweave.web.mail.domain import UNSUBSCRIBED, send_email
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "DAY_ENDS",
    "DAY_STARTS",
    "REMINDER_LEAD",
    "reminder_at",
    "send_due_reminders",
    "send_reminder",
    "send_summary",
]


#: the reminder goes this long before the event, moved into the recipient's daytime
REMINDER_LEAD = dt.timedelta(hours=24)
#: local hours a reminder may arrive: 08:00 up to 21:00
DAY_STARTS, DAY_ENDS = 8, 21
#: events whose reminders may be due now: the lead plus the most a reminder moves earlier
_REMINDER_HORIZON = REMINDER_LEAD + dt.timedelta(hours=24 - DAY_ENDS + 1)
_REMINDED = (
    Event.Status.OPEN,
    Event.Status.CLOSED,
    Event.Status.PLANNED,
    Event.Status.PUBLISHED,
)


def _claim(registration: Registration, kind: str) -> Delivery | None:
    """The delivery row that entitles this sender to send; None when another has it."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(registration=registration, kind=kind)
    except IntegrityError:
        return None


def _send_claimed(delivery: Delivery, send: partial[OutboxMessage]) -> OutboxMessage | None:
    """Send with the claim held. When sending failed (not: was held back because the person
    unsubscribed) the claim is given up, so the next run tries again."""
    try:
        message = send()
    except Exception:
        delivery.delete()
        raise
    if message.state == OutboxMessage.State.FAILED and message.error != UNSUBSCRIBED:
        delivery.delete()
        return message
    delivery.message = message
    delivery.save(update_fields=["message"])
    return message


def send_summary(registration: Registration) -> OutboxMessage | None:
    """Email ``registration`` their summary, at most once; None when it was sent already."""
    delivery = _claim(registration, Delivery.Kind.SUMMARY)
    if delivery is None:
        return None
    return _send_claimed(delivery, partial(_summary_email, registration))


def _summary_email(registration: Registration) -> OutboxMessage:
    member, event = registration.member, registration.event
    summary = summary_for(registration)

    def with_link(talk: Conversation) -> tuple[Conversation, str]:
        return talk, absolute_url("portal:feedback_meeting", registration.token, talk.meeting_pk)

    context = {
        "member": member,
        "event": event,
        "summary": summary,
        "link": summary_url(registration),
        "talks": [with_link(t) for t in summary.conversations],
        "group": with_link(summary.group) if summary.group else None,
        "event_feedback_link": absolute_url("portal:feedback_event", registration.token),
    }
    return send_email(
        member.email,
        "summary",
        context,
        tz=member.timezone,
        community=event.community,
        kind="summary",
    )


def reminder_at(event: Event, tz: str) -> dt.datetime:
    """When the reminder for ``event`` goes to someone in ``tz``: :data:`REMINDER_LEAD`
    before the start, moved into their daytime (08:00-21:00 local) so that it never
    arrives at night: a night-time moment before 08:00 moves on to 08:00 (still well before
    the event), one after 21:00 back to 20:00. Wall-clock arithmetic in the zone keeps it
    right across daylight-saving changes."""
    local = (event.starts_at - REMINDER_LEAD).astimezone(zone(tz))
    if local.hour < DAY_STARTS:
        local = local.replace(hour=DAY_STARTS, minute=0, second=0, microsecond=0)
    elif local.hour >= DAY_ENDS:
        local = local.replace(hour=DAY_ENDS - 1, minute=0, second=0, microsecond=0)
    return local.astimezone(dt.UTC)


def send_due_reminders(now: dt.datetime) -> int:
    """Send every reminder due at ``now``; how many went. Registered with ``send-due``.

    A registration gets at most one reminder (claimed before sending), none once the event
    has started, and none when it registered after its reminder time (its confirmation,
    with the invite, is fresh).
    """
    # a fully asynchronous event has no live start to remind of: the async app reminds
    # its participants of their answer window instead
    events = Event.objects.filter(
        status__in=_REMINDED,
        fully_async=False,
        starts_at__gt=now,
        starts_at__lte=now + _REMINDER_HORIZON,
    )
    regs = (
        Registration.objects.filter(event__in=events)
        .exclude(followup_deliveries__kind=Delivery.Kind.REMINDER)
        .select_related("member", "event__community")
        .order_by("pk")
    )
    sent = 0
    for registration in regs:
        due = reminder_at(registration.event, registration.member.timezone)
        if due <= now and registration.created < due:
            message = send_reminder(registration)
            sent += message is not None and message.state == OutboxMessage.State.SENT
    return sent


def send_reminder(registration: Registration) -> OutboxMessage | None:
    """The reminder with the calendar invite, at most once; None when it went already."""
    delivery = _claim(registration, Delivery.Kind.REMINDER)
    if delivery is None:
        return None
    return _send_claimed(delivery, partial(_reminder_email, registration))


def _reminder_email(registration: Registration) -> OutboxMessage:
    return send_with_invite(registration, "reminder")
