"""Background work: tasks take primary keys and call one domain function each.

They run after the transaction that queued them has committed (see
:func:`~netweave.web.matching.domain.request.request_plan`), in a ``netweave worker`` process or
inline with the immediate backend (tests, the demo); both must work. This module imports only
the verbs it runs, never the modules that queue it.
"""

from __future__ import annotations

from django_tasks import task

from netweave.web.matching.domain.delivery import deliver_schedules
from netweave.web.matching.domain.generate import generate_plan
from netweave.web.matching.models import PlanVersion


@task()
def generate_plan_task(version_pk: int) -> str:
    """Plan the queued version ``version_pk``; returns its final state."""
    version = PlanVersion.objects.select_related("event", "parent").filter(pk=version_pk).first()
    if version is None:  # deleted (with its event) while waiting in the queue
        return "missing"
    return generate_plan(version).state


@task()
def send_schedules_task(plan_pk: int) -> int:
    """Email everyone who needs the schedule of published version ``plan_pk``; how many went.
    Safe to run again: every email is keyed in the outbox and goes once."""
    plan = PlanVersion.objects.select_related("event").filter(pk=plan_pk).first()
    if plan is None:
        return 0
    return deliver_schedules(plan)
