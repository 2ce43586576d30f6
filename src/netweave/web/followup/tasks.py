"""Background work of the follow-up: thin tasks that take ids and call a domain verb.

Queued by :mod:`netweave.web.followup.domain.summaries`; this module imports only the verb it
runs, never the verbs that queue it.

A registration deleted between enqueueing and running is skipped: nobody is left to write to.
"""

from __future__ import annotations

from django_tasks import task

from netweave.web.events.models import Registration
from netweave.web.followup.domain.sending import send_summary


@task()
def send_summary_task(registration_id: int) -> bool:
    """Email one participant their summary; whether this run sent it."""
    registration = (
        Registration.objects.select_related("member", "event__community")
        .filter(pk=registration_id)
        .first()
    )
    return registration is not None and send_summary(registration) is not None
