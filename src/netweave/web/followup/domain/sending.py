"""The follow-up's email, at most once per registration: the summary (sent by a task).
Reminders before the event carry the schedule and are the matching app's
(:mod:`netweave.web.matching.domain.reminders`).

A delivery row is claimed before sending, so two senders at once send one email; a send that
failed gives the claim up for the next run.
"""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction

from netweave.web.events.models import Registration
from netweave.web.events.partners import CONSENT_SENTENCE
from netweave.web.followup.models import Delivery
from netweave.web.followup.queries.summary import (
    Conversation,
    absolute_url,
    summary_for,
    summary_url,
)
from netweave.web.mail.domain import UNSUBSCRIBED, send_email
from netweave.web.mail.models import OutboxMessage

__all__ = ["send_summary"]


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
        "consent_sentence": CONSENT_SENTENCE,
    }
    return send_email(
        member.email,
        "summary",
        context,
        tz=member.timezone,
        community=event.community,
        kind="summary",
    )
