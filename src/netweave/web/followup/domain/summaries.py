"""The organizers send the summaries: one task per participant who met someone, queued after
the transaction commits; the task sends with
:func:`~netweave.web.followup.domain.sending.send_summary`, which tasks import (never this
module)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction

from netweave.web.events.models import Event, Registration

# the module, not its names: the tasks import the senders of this package, so whichever of the
# two is imported first, this binding works
from netweave.web.followup import tasks
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.models import Delivery
from netweave.web.followup.queries.held import event_is_over, meetings_happened

__all__ = [
    "SummariesQueued",
    "send_summaries",
]


@dataclass(frozen=True, slots=True)
class SummariesQueued:
    queued: int
    already_sent: int


def send_summaries(event: Event) -> SummariesQueued:
    """Queue a summary for everyone who met someone at ``event`` (in a meeting that
    happened: an async pairing whose intro was never watched and answered is none) and has
    none yet.

    Safe to press twice: each registration's summary is claimed once
    (:func:`~netweave.web.followup.domain.sending.send_summary`).
    """
    if not event_is_over(event):
        raise FollowupError("Summaries go out after the event: mark the event as done first.")
    happened = meetings_happened(event)
    took_part = Registration.objects.filter(event=event, held_seats__meeting__in=happened)
    took_part = took_part.distinct()
    sent = set(
        Delivery.objects.filter(registration__event=event, kind=Delivery.Kind.SUMMARY).values_list(
            "registration_id", flat=True
        )
    )
    todo = [pk for pk in took_part.values_list("pk", flat=True) if pk not in sent]
    for pk in todo:
        transaction.on_commit(partial(tasks.send_summary_task.enqueue, pk))
    return SummariesQueued(queued=len(todo), already_sent=len(sent))
