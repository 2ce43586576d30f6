"""Sending every participant their schedule: a preview, then one press.

After publishing, the organizer sends each participant (imported or registered) an email with
their personal link, their schedule in their own time zone, the event's join information and
the calendar invite. Sending again after a new version is published emails only those whose
schedule changed (:mod:`netweave.web.matching.queries.recipients`).

Each email is keyed by registration and plan version in the outbox
(:func:`~netweave.web.mail.domain.send_email_once`), so a retried task, or a second press
while the first is still running, sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction

from netweave.web.events.invites import invite_context, send_once_with_invite
from netweave.web.events.models import Event, Registration
from netweave.web.mail.domain import render_email
from netweave.web.mail.models import OutboxMessage

# the module, not its task (see request.py): tasks.py imports this module
from netweave.web.matching import tasks
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.versions import lock_event
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.recipients import (
    SCHEDULE_KIND,
    schedule_key,
    schedule_recipients,
)
from netweave.web.matching.queries.schedule import published_plan, schedule_for

__all__ = ["EmailPreview", "deliver_schedules", "preview_schedule_email", "send_schedules"]


@dataclass(frozen=True, slots=True)
class EmailPreview:
    """One participant's schedule email, as it would be sent."""

    to: str
    subject: str
    body: str


def preview_schedule_email(registration: Registration) -> EmailPreview | None:
    """``registration``'s schedule email, rendered but not sent; None before publishing."""
    schedule = schedule_for(registration)
    if schedule is None:
        return None
    member = registration.member
    context = invite_context(registration, schedule=schedule, update=False)
    subject, body = render_email(SCHEDULE_KIND, context, tz=member.timezone)
    return EmailPreview(to=member.email, subject=subject, body=body)


def send_schedules(event: Event, *, number: int) -> int:
    """Queue the schedule emails of published version ``number``; how many will go.

    Refuses (:class:`PlanError`) when ``number`` is no longer the published version (someone
    published another since the organizer's page was made) or when nobody needs one.
    """
    with transaction.atomic():
        event = lock_event(event)
        plan = published_plan(event)
        if plan is None or plan.number != number:
            raise PlanError(
                "The published plan changed since this page was shown: review the preview "
                "again, then send."
            )
        recipients = schedule_recipients(event)
        count = len(recipients.everyone) if recipients else 0
        if not count:
            raise PlanError("Everyone already has their schedule from this version.")
        transaction.on_commit(partial(tasks.send_schedules_task.enqueue, plan.pk))
    return count


def deliver_schedules(plan: PlanVersion) -> int:
    """Email everyone who needs the schedule of ``plan``; how many emails went.

    The task runs this. A version no longer published sends nothing (a newer one's sending
    is what counts); each email is claimed by its key, so running this twice sends once.
    """
    event = plan.event
    current = published_plan(event)
    if current is None or current.pk != plan.pk:
        return 0
    recipients = schedule_recipients(event)
    if recipients is None:
        return 0
    updates = {r.pk for r in recipients.updates}
    sent = 0
    for registration in recipients.everyone:
        message = send_schedule(registration, plan, update=registration.pk in updates)
        sent += message is not None and message.state == OutboxMessage.State.SENT
    return sent


def send_schedule(
    registration: Registration, plan: PlanVersion, *, update: bool = False
) -> OutboxMessage | None:
    """``registration``'s schedule from ``plan``, at most once; None when it went already."""
    return send_once_with_invite(
        registration,
        SCHEDULE_KIND,
        schedule_key(registration, plan),
        schedule=schedule_for(registration, plan),
        update=update,
    )
