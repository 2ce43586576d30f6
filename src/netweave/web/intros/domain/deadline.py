"""The intro deadline: after it, live people are paired only with async people who have an
intro, and each async person without one is told.

The deadline is the organizers' (``Event.intro_deadline``), else a day before the start
(:func:`netweave.web.events.timeline.intro_deadline`). :func:`apply_intro_deadline` re-plans
every round not started yet that sends someone to an intro that does not exist (the live
re-plan, :func:`netweave.web.live.domain.replan.replan_missing_intros`) and emails the async
people without an intro once each. ``netweave send-due`` runs it for every event whose
deadline has passed (:func:`send_due_deadlines`); it is safe to run again and again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import event_ends_at, intro_deadline
from netweave.web.intros.domain.reminders import send_reminder_once
from netweave.web.intros.domain.sending import LOOK_BACK, link_for
from netweave.web.intros.errors import IntroError
from netweave.web.intros.models import Reminder
from netweave.web.intros.queries.deadlines import format_moment
from netweave.web.intros.queries.intros import async_without_intro
from netweave.web.live.domain.replan import replan_missing_intros
from netweave.web.matching.queries.schedule import published_plan

__all__ = ["DeadlineOutcome", "apply_intro_deadline", "send_due_deadlines"]


@dataclass(frozen=True)
class DeadlineOutcome:
    """What applying the deadline did."""

    #: the rounds re-planned so that nobody watches a missing intro
    replanned: tuple[int, ...]
    #: async people without an intro (registration pks), and how many were told just now
    missing: frozenset[int]
    told: int


def apply_intro_deadline(
    event: Event, now: dt.datetime | None = None, user: AbstractBaseUser | None = None
) -> DeadlineOutcome:
    """Apply the intro deadline of ``event`` at ``now`` (see the module).

    Raises :class:`IntroError` before the deadline, and for an event without a published
    plan or a fully asynchronous one (it has no live partners to re-plan).
    """
    now = now or timezone.now()
    due = intro_deadline(event)
    if now < due:
        raise IntroError(
            f"Intros are due {format_moment(due, event.timezone)}: nothing changes before."
        )
    if event.fully_async:
        raise IntroError("A fully asynchronous event has no live partners to re-plan.")
    if published_plan(event) is None:
        raise IntroError("Publish a plan first: the deadline re-plans the published rounds.")
    replanned = tuple(replan_missing_intros(event, user))
    missing = async_without_intro(event)
    told = 0
    people = Registration.objects.filter(pk__in=missing).select_related("member", "event")
    for registration in people.order_by("pk"):
        context = {
            "due": format_moment(due, registration.member.timezone),
            "starts": format_moment(event.starts_at, registration.member.timezone),
            "link": link_for("portal:intro", registration),
        }
        told += send_reminder_once(registration, Reminder.Kind.MISSED, context, now)
    return DeadlineOutcome(replanned, missing, told)


def send_due_deadlines(now: dt.datetime) -> int:
    """Apply the deadline of every published event whose deadline has passed and which is
    not over yet (registered with ``netweave send-due``); the emails sent."""
    sent = 0
    events = Event.objects.filter(
        fully_async=False,
        status__in=(Event.Status.PUBLISHED, Event.Status.LIVE),
        starts_at__gte=now - LOOK_BACK,
    ).select_related("community")
    for event in events:
        over = now >= event_ends_at(event)
        if intro_deadline(event) <= now and not over and published_plan(event) is not None:
            sent += apply_intro_deadline(event, now).told
    return sent
