"""Reminders before the event, with the participant's schedule and the join information.

Each event says when they go (``Event.reminder_hours``, a day and an hour before unless the
organizer changes it); ``netweave send-due`` sends what is due (:func:`send_due_reminders`).
Every reminder is keyed by registration and slot in the outbox, so it goes once however often
cron runs; when the sender was down and several slots are past, only the latest goes.
"""

from __future__ import annotations

import datetime as dt

from netweave.web.common.timezones import zone
from netweave.web.events.invites import send_once_with_invite
from netweave.web.events.models import Event, Registration
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.queries.schedule import schedule_for

__all__ = [
    "DAYTIME_LEAD",
    "DAY_ENDS",
    "DAY_STARTS",
    "due_reminder",
    "reminder_at",
    "reminder_key",
    "send_due_reminders",
    "send_reminder",
]

#: local hours a reminder sent well ahead may arrive: 08:00 up to 21:00
DAY_STARTS, DAY_ENDS = 8, 21
#: reminders at least this long before the start move into the recipient's daytime; shorter
#: ones ("in an hour") go on time, and only to people joining live, who need the link then
DAYTIME_LEAD = 12
_REMINDED = (
    Event.Status.OPEN,
    Event.Status.CLOSED,
    Event.Status.PLANNED,
    Event.Status.PUBLISHED,
)


def reminder_at(event: Event, tz: str, hours: int) -> dt.datetime:
    """When the reminder ``hours`` before ``event`` goes to someone in ``tz``.

    A reminder of :data:`DAYTIME_LEAD` hours or more moves into their daytime (08:00-21:00
    local) so that it never arrives at night: before 08:00 it moves on to 08:00 (still well
    before the event), after 21:00 back to 20:00. Wall-clock arithmetic in the zone keeps it
    right across daylight-saving changes.
    """
    moment = event.starts_at - dt.timedelta(hours=hours)
    if hours < DAYTIME_LEAD:
        return moment
    local = moment.astimezone(zone(tz))
    if local.hour < DAY_STARTS:
        local = local.replace(hour=DAY_STARTS, minute=0, second=0, microsecond=0)
    elif local.hour >= DAY_ENDS:
        local = local.replace(hour=DAY_ENDS - 1, minute=0, second=0, microsecond=0)
    return local.astimezone(dt.UTC)


def reminder_key(registration: Registration, hours: int) -> str:
    """The outbox key of one reminder slot: each goes once."""
    return f"reminder-e{registration.event_id}-r{registration.pk}-h{hours}"


def due_reminder(registration: Registration, now: dt.datetime) -> int | None:
    """The reminder slot (hours before) due for ``registration`` at ``now``, if any.

    The latest slot whose time has passed: when two are past (the sender was down), the
    earlier one is stale. None once the event has started, and for a slot that passed before
    the person registered (their confirmation, with the invite, is fresh).
    """
    event = registration.event
    if event.fully_async or now >= event.starts_at:
        return None
    live = registration.mode == Registration.Mode.LIVE
    tz = registration.member.timezone
    for hours in sorted(event.reminder_hours or ()):
        if hours < DAYTIME_LEAD and not live:
            continue
        due = reminder_at(event, tz, hours)
        if due <= now:
            return hours if registration.created < due else None
    return None


def send_due_reminders(now: dt.datetime) -> int:
    """Send every reminder due at ``now``; how many went. Registered with ``send-due``."""
    # a fully asynchronous event has no live start to remind of: the async app reminds
    # its participants of their answer window instead
    events = Event.objects.filter(
        status__in=_REMINDED,
        fully_async=False,
        starts_at__gt=now,
        # the longest lead the event form allows (two weeks), and a day of daytime shift
        starts_at__lte=now + dt.timedelta(days=15),
    ).exclude(reminder_hours=[])
    regs = (
        Registration.objects.filter(event__in=events)
        .select_related("member", "event__community")
        .order_by("pk")
    )
    sent = 0
    for registration in regs:
        hours = due_reminder(registration, now)
        if hours is not None:
            message = send_reminder(registration, hours)
            sent += message is not None and message.state == OutboxMessage.State.SENT
    return sent


def send_reminder(registration: Registration, hours: int) -> OutboxMessage | None:
    """The reminder of slot ``hours``, with the schedule (once published), the join
    information and the calendar invite; None when it went already."""
    return send_once_with_invite(
        registration,
        "reminder",
        reminder_key(registration, hours),
        schedule=schedule_for(registration),
    )
