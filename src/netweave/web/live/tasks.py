"""Background work of the live run: thin tasks that take ids and call the verb they run.

Queued by :mod:`netweave.web.live.domain.checkin`; this module imports only the verb it runs.
A registration deleted between enqueueing and running is skipped: nobody is left to write to.
"""

from __future__ import annotations

from django_tasks import task

from netweave.web.events.models import Registration
from netweave.web.live.domain.welcome import send_walk_in_welcome


@task()
def send_walk_in_welcome_task(registration_id: int) -> None:
    registration = (
        Registration.objects.select_related("member", "event__community")
        .filter(pk=registration_id)
        .first()
    )
    if registration is not None:
        send_walk_in_welcome(registration)
