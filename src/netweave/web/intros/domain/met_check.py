"""'Did you meet?': some days after each digest (``IntroSettings.met_check_days``), one email
asks its reader whom of their partners they followed up with; each partner is one press on
their page (:func:`answer_met_check`), or "none of them" (:func:`decline_met_check`).

The answer is the "followed up" tick of the digest (:class:`~netweave.web.intros.models.
FollowUp`): the follow-up app counts a connection only where one of the two confirmed it.
The email is a :class:`~netweave.web.intros.models.Reminder` of kind ``met`` (sent at most
once, under its row lock); its ``answered_at`` says the person answered, for the figures
"asked" and "answered".
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.domain.digests import mark_followed_up
from netweave.web.intros.domain.reminders import send_reminder_once
from netweave.web.intros.domain.sending import MAX_ATTEMPTS, link_for
from netweave.web.intros.models import Digest, Reminder
from netweave.web.intros.queries.meetings import partners_of
from netweave.web.intros.queries.settings import intro_settings

__all__ = [
    "LOOK_BACK",
    "answer_met_check",
    "decline_met_check",
    "send_due_met_checks",
]

#: events this far back are still asked (a digest late in a long window, plus the days)
LOOK_BACK = dt.timedelta(days=90)


def _stamp_answered(registration: Registration) -> None:
    Reminder.objects.filter(
        registration=registration, kind=Reminder.Kind.MET, answered_at__isnull=True
    ).update(answered_at=timezone.now())


def answer_met_check(owner: Registration, partner: Registration, done: bool = True) -> bool:
    """``owner`` says they followed up with ``partner`` (or takes it back)."""
    with transaction.atomic():
        mark_followed_up(owner, partner, done)
        _stamp_answered(owner)
    return done


def decline_met_check(registration: Registration) -> None:
    """``registration`` followed up with none of their partners (an answer too)."""
    _stamp_answered(registration)


def _context(registration: Registration) -> dict | None:
    partners = partners_of(registration)
    if not partners:
        return None
    page = link_for("portal:intro_met", registration)
    return {
        "partners": [(p, f"{page}#partner-{p.pk}") for p in partners],
        "link": page,
    }


def send_due_met_checks(now: dt.datetime) -> int:
    """Ask everyone whose digest went out ``met_check_days`` ago (registered with
    ``netweave send-due``); 0 days means the event does not ask."""
    sent = 0
    events = Event.objects.filter(starts_at__lte=now, starts_at__gte=now - LOOK_BACK)
    for event in events.exclude(status=Event.Status.DRAFT).select_related("community"):
        days = intro_settings(event).met_check_days
        if not days:
            continue
        finished = Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS)
        done = set(
            Reminder.objects.filter(
                finished, registration__event=event, kind=Reminder.Kind.MET
            ).values_list("registration_id", flat=True)
        )
        digests = Digest.objects.filter(
            registration__event=event, sent_at__lte=now - dt.timedelta(days=days)
        ).select_related("registration__member", "registration__event__community")
        for digest in digests:
            registration = digest.registration
            if registration.pk in done:
                continue
            context = _context(registration)
            if context is not None:
                sent += send_reminder_once(registration, Reminder.Kind.MET, context, now)
    return sent
