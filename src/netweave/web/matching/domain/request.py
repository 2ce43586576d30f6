"""Asking for a plan: a QUEUED version, planned in the background by
:func:`~netweave.web.matching.domain.generate.generate_plan` once the request has committed."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from netweave.web.events.models import Event
from netweave.web.events.wishes import close_wishes

# the module, not its task: tasks.py imports generate.py, whose package imports this module, so
# when a worker loads tasks.py first its task is not defined yet while this module loads
from netweave.web.matching import tasks
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.versions import (
    lock_event,
    new_version,
    refuse_if_changed,
    require_ready,
)
from netweave.web.matching.heartbeat import settle_stale
from netweave.web.matching.models import PlanVersion

__all__ = ["replan", "request_plan"]

User = AbstractBaseUser
State = PlanVersion.State


def request_plan(
    event: Event,
    user: User | None,
    *,
    parent: PlanVersion | None = None,
    note: str = "Generated",
    seen: int | None = None,
) -> PlanVersion:
    """Queue a new version of ``event``'s plan; :func:`.generate.generate_plan` fills it in the
    background.

    Pins of ``parent`` are kept; "would love to meet" / "no thanks" closes (the plan
    is made from the wishes said so far). Refuses (:class:`PlanError`) while another version of the
    event is still being planned: two runs at once would only race each other.
    """
    with transaction.atomic():
        event = lock_event(event)
        settle_stale(event)  # a version whose worker died must not block this one
        refuse_if_changed(event, seen)
        busy = PlanVersion.objects.filter(event=event, state__in=[State.QUEUED, State.RUNNING])
        if busy.exists():
            raise PlanError(
                f"Version {busy.first().number} is still being planned; wait for it to finish."
            )
        version = new_version(event, note=note, user=user, parent=parent, state=State.QUEUED)
        # the plan is made from the wishes said so far: later ones would count for nothing
        close_wishes(event)
        # after commit, so that a worker (or the inline backend) finds the row
        transaction.on_commit(partial(tasks.generate_plan_task.enqueue, version.pk))
    return version


def replan(version: PlanVersion, user: User | None, *, seen: int | None = None) -> PlanVersion:
    """Queue a new plan that keeps every pinned meeting and group of ``version`` and plans
    everything else afresh (with today's registrations and forbidden pairs)."""
    require_ready(version, "re-planned")
    return request_plan(
        version.event,
        user,
        parent=version,
        note=f"Re-planned everything not pinned in version {version.number}",
        seen=seen,
    )
