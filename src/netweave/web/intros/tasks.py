"""Background work: thin tasks that take ids and call one domain verb each.

Queued after the transaction that asked for them commits (by
:mod:`netweave.web.intros.domain.nudges`); whatever was deleted meanwhile is skipped (there is
nobody left to write to). This module imports only the verbs it runs, never the verbs that
queue it.
"""

from __future__ import annotations

from django_tasks import task

from netweave.web.events.models import Registration
from netweave.web.intros.domain.reminders import send_intro_request_email, send_nudge_email
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
        send_nudge_email(nudge)


@task()
def send_intro_request_task(registration_id: int) -> None:
    registration = (
        Registration.objects.select_related("member", "event__community")
        .filter(pk=registration_id)
        .first()
    )
    if registration is not None:
        send_intro_request_email(registration)
