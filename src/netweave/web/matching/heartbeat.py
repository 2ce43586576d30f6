"""Noticing a plan whose worker died: a running version beats, a silent one has stopped.

A ``netweave worker`` killed mid-plan (a deploy, the out-of-memory killer, a reboot) leaves
its version RUNNING, and a RUNNING version refuses every new "Generate". So the planner
writes a heartbeat to its row every :data:`BEAT_EVERY` while it works (a thread, since one
step of a big plan can take longer than that without reporting progress), and a RUNNING
version silent for more than :data:`STALE_AFTER` is marked FAILED, saying when it stopped,
the next time anyone looks: the organizer's plan page, its progress box, or a new request.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from types import TracebackType

from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from netweave.web.common.timezones import zone
from netweave.web.events.models import Event
from netweave.web.matching.models import PlanVersion

__all__ = ["BEAT_EVERY", "QUEUED_STALE_AFTER", "STALE_AFTER", "Heartbeat", "beat", "settle_stale"]

log = logging.getLogger(__name__)
State = PlanVersion.State

#: how often a running planner says it is alive
BEAT_EVERY = dt.timedelta(seconds=10)
#: a running version silent this long has lost its worker
STALE_AFTER = dt.timedelta(seconds=60)
#: a queued version nobody picked up this long: no worker is running
QUEUED_STALE_AFTER = dt.timedelta(minutes=30)


def beat(pk: int) -> None:
    """Record that the planner of version ``pk`` is alive (only while it is RUNNING: a
    version already settled as stopped stays so)."""
    PlanVersion.objects.filter(pk=pk, state=State.RUNNING).update(heartbeat=timezone.now())


class Heartbeat:
    """``with Heartbeat(pk):`` beats for version ``pk`` every :data:`BEAT_EVERY` until the
    block ends, from a daemon thread that dies with the process (which is the point)."""

    def __init__(self, pk: int, every: dt.timedelta = BEAT_EVERY) -> None:
        self.pk, self.every = pk, every.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"plan-{pk}-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    beat(self.pk)
                except DatabaseError as exc:  # a busy database: the next beat will do
                    log.debug("heartbeat of plan version %s failed: %s", self.pk, exc)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self) -> Heartbeat:
        beat(self.pk)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        # bounded: a beat waiting for a row lock must never hold up the planner's caller
        self._thread.join(timeout=self.every)


def _clock(moment: dt.datetime, tz: str) -> str:
    here = zone(tz)
    return f"{moment.astimezone(here):%H:%M} ({here.key})"


def stopped_message(last_sign: dt.datetime, tz: str) -> str:
    """What the organizer reads about a version whose planner died."""
    return (
        f"The planner stopped unexpectedly at {_clock(last_sign, tz)}, probably because the "
        "background worker was stopped or restarted. Nothing else changed: generate again."
    )


NO_WORKER = (
    "No background worker started this plan within 30 minutes: check that `netweave worker` "
    "is running, then generate again."
)


def settle_stale(event: Event, now: dt.datetime | None = None) -> int:
    """Mark ``event``'s versions whose planner died (or that no worker ever took) FAILED,
    with a message saying why; how many there were."""
    now = now or timezone.now()
    silent = Q(heartbeat__lt=now - STALE_AFTER) | Q(
        heartbeat__isnull=True, created__lt=now - STALE_AFTER
    )
    running = PlanVersion.objects.filter(silent, event=event, state=State.RUNNING)
    settled = 0
    for pk, heartbeat, created in running.values_list("pk", "heartbeat", "created"):
        message = stopped_message(heartbeat or created, event.timezone)
        # state=RUNNING again: a planner that finished meanwhile keeps its result
        settled += PlanVersion.objects.filter(pk=pk, state=State.RUNNING).update(
            state=State.FAILED, error=message
        )
    settled += PlanVersion.objects.filter(
        event=event, state=State.QUEUED, created__lt=now - QUEUED_STALE_AFTER
    ).update(state=State.FAILED, error=NO_WORKER)
    return settled
