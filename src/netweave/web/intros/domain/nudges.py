"""Organizers nudge participants: for an intro, or for the partner forms they still owe.

Each verb writes what was asked in one transaction and queues the email as a task after it
commits; the task sends it with :mod:`netweave.web.intros.domain.reminders`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from netweave.web.events.models import Event, Registration

# the module, not its names: the tasks import the email senders of this package, so whichever
# of the two is imported first, this binding works
from netweave.web.intros import tasks
from netweave.web.intros.domain.intros import locked_intro
from netweave.web.intros.models import Intro, Nudge
from netweave.web.intros.queries.answers import form_state
from netweave.web.intros.queries.deadlines import async_timing
from netweave.web.intros.queries.organizer import form_statuses

__all__ = [
    "nudge_authors",
    "request_intro",
]


#: an organizer's nudge is not repeated to the same person sooner than this
NUDGE_PAUSE = dt.timedelta(hours=1)


def request_intro(registration: Registration) -> Intro:
    """An organizer asks ``registration`` (live or async) for an intro: their page shows the
    intro section from now on, and they get an email with the link."""
    with transaction.atomic():
        intro = locked_intro(registration)
        intro.requested_at = timezone.now()
        intro.save()
        transaction.on_commit(partial(tasks.send_intro_request_task.enqueue, registration.pk))
    return intro


def nudge_authors(
    event: Event, pairs: Iterable[tuple[int, int]] | None = None, now: dt.datetime | None = None
) -> int:
    """Remind authors of missing forms by email: the ``(author pk, subject pk)`` pairs given,
    or every missing form that is due (its round has started). Someone nudged within the last
    hour is skipped. Returns how many reminders were queued; none before the forms open (the
    event's start)."""
    now = now or timezone.now()
    if not async_timing(event, now).forms_open:
        return 0
    missing = {
        (f.author.pk, f.subject.pk): f
        for f in form_statuses(event, now)
        if not f.filled and f.open and f.is_due(now)
    }
    wanted = missing.keys() if pairs is None else [p for p in pairs if p in missing]
    queued = []
    with transaction.atomic():
        for key in wanted:
            status = missing[key]
            if status.nudged_at and now - status.nudged_at < NUDGE_PAUSE:
                continue
            if not form_state(status.subject, status.author.member.timezone, now).open:
                continue
            queued.append(
                Nudge.objects.create(author=status.author, subject=status.subject, sent_at=now)
            )
        for nudge in queued:
            transaction.on_commit(partial(tasks.send_nudge_task.enqueue, nudge.pk))
    return len(queued)
