"""Reminder emails: the ones due at a time (record your intro; in fully async events "your
matches are ready" and "the window closes tomorrow"), each sent at most once, and the ones
organizers ask for (a nudge, an intro request), sent by tasks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from netweave.web.events.links import personal_url
from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import intro_deadline
from netweave.web.intros.domain.sending import MAX_ATTEMPTS, active_events, attempts_after, link_for
from netweave.web.intros.models import Nudge, Reminder
from netweave.web.intros.queries.answers import form_state
from netweave.web.intros.queries.deadlines import form_closes_at, format_moment
from netweave.web.intros.queries.intros import duration_text, intro_of
from netweave.web.intros.queries.participants import digest_recipients
from netweave.web.intros.queries.partners import Match, matches_of
from netweave.web.intros.queries.settings import intro_settings
from netweave.web.intros.queries.timeline import timeline_for
from netweave.web.mail.domain import send_email
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "send_due_reminders",
    "send_intro_request_email",
    "send_nudge_email",
    "send_reminder_once",
]


#: the intro reminder goes this long before the event; the closing one before the window ends
INTRO_REMINDER_BEFORE = dt.timedelta(days=2)
CLOSING_REMINDER_BEFORE = dt.timedelta(hours=24)


def send_reminder_once(
    registration: Registration, kind: str, context: dict, now: dt.datetime
) -> bool:
    """Send one reminder at most once (row lock + ``sent_at`` in the sending transaction)."""
    with transaction.atomic():
        Reminder.objects.get_or_create(registration=registration, kind=kind)
        row = Reminder.objects.select_for_update().get(registration=registration, kind=kind)
        if row.sent_at is not None or row.attempts >= MAX_ATTEMPTS:
            return False
        member, event = registration.member, registration.event
        record = send_email(
            member.email,
            f"reminder_async_{kind}",
            {"member": member, "event": event, **context},
            tz=member.timezone,
            community=event.community,
            kind=f"reminder-{kind}",
        )
        row.attempts = attempts_after(record, row.attempts)
        if record.state == OutboxMessage.State.SENT:
            row.sent_at = now
        row.save()
    return row.sent_at is not None


def _intro_reminder(registration: Registration, now: dt.datetime) -> dict | None:
    """Async participants without an intro, from two days before the event (or a day
    before the intro deadline, if earlier) until the deadline."""
    event = registration.event
    due = intro_deadline(event)
    if not min(event.starts_at - INTRO_REMINDER_BEFORE, due - CLOSING_REMINDER_BEFORE) <= now < due:
        return None
    if event.status in (Event.Status.DRAFT, Event.Status.DONE):
        return None
    intro = intro_of(registration)
    if intro is not None and intro.has_content:
        return None
    return {
        "link": link_for("portal:intro", registration),
        "starts": format_moment(event.starts_at, registration.member.timezone),
        "due": format_moment(due, registration.member.timezone),
        "max_minutes": duration_text(intro_settings(event).max_video_seconds),
    }


def _open_reminder(
    registration: Registration, now: dt.datetime, matches: list[Match]
) -> dict | None:
    """Fully async: when the window opens, each participant's matches and their timeline
    (the page's, one owner): every form's own closing time, earliest first."""
    steps = timeline_for(registration, now, matches)
    if not matches or now < registration.event.starts_at or not steps:
        return None
    tz = registration.member.timezone
    return {
        "matches": matches,
        "link": personal_url(registration),
        "timeline": [s.line(tz) for s in steps],
        "first_close": next((format_moment(s.at, tz) for s in steps if s.kind == "form"), ""),
    }


def _closing_reminder(
    registration: Registration, now: dt.datetime, matches: list[Match]
) -> dict | None:
    """Fully async: a day before the first open form's window closes, the forms missing."""
    missing = [m for m in matches if m.owes_form and not m.answered]
    closes = [form_closes_at(m.partner) for m in missing]
    future = [c for c in closes if c > now]
    if not future or now < min(future) - CLOSING_REMINDER_BEFORE:
        return None
    tz = registration.member.timezone
    return {
        "missing": missing,
        "link": personal_url(registration),
        "closes": format_moment(min(future), tz),
    }


def send_due_reminders(now: dt.datetime) -> int:
    """Send the reminders due at ``now``: record your intro (async participants, two days
    before), and in fully async events "your matches are ready" and "the window closes
    tomorrow" (registered with ``netweave send-due``)."""
    sent = 0
    for event in active_events(now, ahead=INTRO_REMINDER_BEFORE).select_related("community"):
        finished = Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS)
        done = set(
            Reminder.objects.filter(finished, registration__event=event).values_list(
                "registration_id", "kind"
            )
        )
        for registration in digest_recipients(event):
            for kind, context in _reminders_due(registration, now, done):
                sent += send_reminder_once(registration, kind, context, now)
    return sent


def _reminders_due(
    registration: Registration, now: dt.datetime, done: set[tuple[int, str]]
) -> list[tuple[str, dict]]:
    due: list[tuple[str, dict]] = []
    kinds = Reminder.Kind
    if (registration.pk, kinds.INTRO) not in done:
        context = _intro_reminder(registration, now)
        if context is not None:
            due.append((kinds.INTRO, context))
    if not registration.event.fully_async or now < registration.event.starts_at:
        return due
    if {(registration.pk, kinds.OPEN), (registration.pk, kinds.CLOSING)} <= done:
        return due
    matches = matches_of(registration)
    for kind, make in ((kinds.OPEN, _open_reminder), (kinds.CLOSING, _closing_reminder)):
        if (registration.pk, kind) not in done:
            context = make(registration, now, matches)
            if context is not None:
                due.append((kind, context))
    return due


def send_nudge_email(nudge: Nudge) -> OutboxMessage:
    author, subject = nudge.author, nudge.subject
    member, event = author.member, author.event
    state = form_state(subject, member.timezone)
    return send_email(
        member.email,
        "nudge",
        {
            "member": member,
            "event": event,
            "subject_name": subject.member.name,
            "closes": format_moment(state.closes_at, member.timezone) if state.closes_at else "",
            "link": link_for("portal:intro_partner", author, partner_pk=subject.pk),
        },
        tz=member.timezone,
        community=event.community,
        kind="nudge",
    )


def send_intro_request_email(registration: Registration) -> OutboxMessage:
    member, event = registration.member, registration.event
    limits = intro_settings(event)
    return send_email(
        member.email,
        "nudge_intro",
        {
            "member": member,
            "event": event,
            "link": link_for("portal:intro", registration),
            "max_minutes": duration_text(limits.max_video_seconds),
        },
        tz=member.timezone,
        community=event.community,
        kind="intro-request",
    )
