"""Sending digests (each at most once, under a row lock) and ticking "followed up" in one."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from netweave.web.events.models import Registration
from netweave.web.intros.domain.sending import MAX_ATTEMPTS, active_events, attempts_after, link_for
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import Digest, FollowUp, IntroSettings
from netweave.web.intros.queries.deadlines import digest_due_at
from netweave.web.intros.queries.digests import DigestEntry, digest_entries
from netweave.web.intros.queries.meetings import meetings_of_event
from netweave.web.intros.queries.participants import digest_recipients
from netweave.web.intros.queries.settings import intro_settings
from netweave.web.mail.domain import send_email
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "locked_digest",
    "mark_followed_up",
    "send_digest",
    "send_due_digests",
]


def locked_digest(registration: Registration) -> Digest:
    """The registration's digest row, created if need be, locked until the transaction ends
    (inside ``transaction.atomic``). Answer saves take the same lock as the sending."""
    Digest.objects.get_or_create(registration=registration)
    return Digest.objects.select_for_update().get(registration=registration)


def send_digest(
    registration: Registration,
    now: dt.datetime | None = None,
    limits: IntroSettings | None = None,
) -> bool:
    """Send ``registration``'s digest unless it went out already; whether it was sent now.

    The digest row is locked and ``sent_at`` written in the same transaction as the
    sending, so two ``send-due`` runs at once send it once. A mail server failure leaves it
    unsent (and recorded in the outbox) for the next run, up to :data:`MAX_ATTEMPTS`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        digest = locked_digest(registration)
        if digest.sent_at is not None or digest.attempts >= MAX_ATTEMPTS:
            return False
        entries = digest_entries(registration)
        record = _send_digest_email(registration, entries)
        digest.attempts = attempts_after(record, digest.attempts)
        digest.due_at = digest_due_at(registration, limits)
        if record.state == OutboxMessage.State.SENT:
            digest.sent_at, digest.error = now, ""
        else:
            digest.error = record.error[:500]
        digest.save()
    return digest.sent_at is not None


def _send_digest_email(registration: Registration, entries: list[DigestEntry]) -> OutboxMessage:
    member, event = registration.member, registration.event
    return send_email(
        member.email,
        "digest",
        {
            "member": member,
            "event": event,
            "entries": entries,
            "answered": sum(1 for e in entries if e.answered),
            "link": link_for("portal:intro_digest", registration),
        },
        tz=member.timezone,
        community=event.community,
        kind="digest",
    )


def send_due_digests(now: dt.datetime) -> int:
    """Send every digest that is due at ``now`` (registered with ``netweave send-due``)."""
    sent = 0
    for event in active_events(now).select_related("community"):
        partners = meetings_of_event(event)
        if not partners:  # no published plan, nothing held
            continue
        limits = intro_settings(event)
        done = set(
            Digest.objects.filter(registration__event=event)
            .filter(Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS))
            .values_list("registration_id", flat=True)
        )
        for registration in digest_recipients(event):
            if registration.pk in done or not partners.get(registration.pk):
                continue
            if digest_due_at(registration, limits) <= now:
                sent += send_digest(registration, now, limits)
    return sent


def mark_followed_up(owner: Registration, partner: Registration, done: bool = True) -> bool:
    """Tick (or untick) "followed up" for ``partner`` in ``owner``'s digest."""
    if partner.pk not in meetings_of_event(owner.event).get(owner.pk, []):
        raise NotPartnerError(owner.pk)
    with transaction.atomic():
        if done:
            FollowUp.objects.get_or_create(
                owner=owner, partner=partner, defaults={"done_at": timezone.now()}
            )
        else:
            FollowUp.objects.filter(owner=owner, partner=partner).delete()
    return done
