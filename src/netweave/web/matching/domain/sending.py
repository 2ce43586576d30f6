"""Sending every participant their schedule: a preview, then one press.

After publishing, the organizer sends each participant (imported or registered) an email with
their personal link, their schedule in their own time zone, the event's join information and
the calendar invite. Sending again after a new version is published emails only those whose
schedule changed (:mod:`netweave.web.matching.queries.recipients`).

This module holds the preview and the press, which queues the task; what the task runs is
:mod:`.delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction

from netweave.web.events.invites import invite_context
from netweave.web.events.models import Event, Registration
from netweave.web.mail.domain import render_email

# the module, not its task, as request.py does (tasks.py loads the domain package)
from netweave.web.matching import tasks
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.versions import lock_event
from netweave.web.matching.queries.recipients import SCHEDULE_KIND, schedule_recipients
from netweave.web.matching.queries.schedule import published_plan, schedule_for

__all__ = ["EmailPreview", "preview_schedule_email", "send_schedules"]


@dataclass(frozen=True, slots=True)
class EmailPreview:
    """One participant's schedule email, as it would be sent."""

    to: str
    subject: str
    body: str


def preview_schedule_email(
    registration: Registration, *, update: bool = False
) -> EmailPreview | None:
    """``registration``'s schedule email (an ``update`` after a change, or their first),
    rendered but not sent; None before publishing."""
    schedule = schedule_for(registration)
    if schedule is None:
        return None
    member = registration.member
    context = invite_context(registration, schedule=schedule, update=update)
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
