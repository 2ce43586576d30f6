"""Delivering the schedule emails of a published version: what the sending task runs.

Each email is keyed by registration and plan version in the outbox
(:func:`~netweave.web.mail.domain.send_email_once`), so a retried task, or a second press
while the first is still running, sends nothing twice. The press that queues this is
:func:`netweave.web.matching.domain.sending.send_schedules`.
"""

from __future__ import annotations

from netweave.web.events.invites import send_once_with_invite
from netweave.web.events.models import Registration
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.recipients import (
    SCHEDULE_KIND,
    schedule_key,
    schedule_recipients,
)
from netweave.web.matching.queries.schedule import planned_schedule, published_plan

__all__ = ["deliver_schedules", "send_schedule"]


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
        schedule=planned_schedule(registration, plan),
        update=update,
    )
