"""Background work: thin tasks that take ids and call one domain verb each.

Queued after the transaction that asked for them commits; whatever was deleted meanwhile is
skipped (there is nobody left to write to).
"""

from __future__ import annotations

from django_tasks import task

from netweave.web.events.models import Registration
from netweave.web.intros import domain
from netweave.web.intros.models import Nudge


@task()
def send_nudge_task(nudge_id: int) -> None:
    nudge = (
        Nudge.objects.select_related(
            "author__member", "author__event__community", "subject__member", "subject__event"
        )
        .filter(pk=nudge_id)
        .first()
    )
    if nudge is not None:
        domain.send_nudge_email(nudge)


@task()
def send_intro_request_task(registration_id: int) -> None:
    registration = (
        Registration.objects.select_related("member", "event__community")
        .filter(pk=registration_id)
        .first()
    )
    if registration is not None:
        domain.send_intro_request_email(registration)
