"""Background work of this app: the retention purge, for a scheduler that queues tasks, and
the emails that confirm a download or an erasure."""

from __future__ import annotations

from django_tasks import task

from netweave.web.privacy.domain import purge_expired, send_confirmation
from netweave.web.privacy.models import PrivacyConfirmation


@task()
def purge_task(dry_run: bool = False) -> dict[str, int]:
    """Run the retention purge; returns how many events and outbox messages it touched."""
    report = purge_expired(dry_run=dry_run)
    return {"events": len(report.events), "outbox_messages": report.outbox_messages}


@task()
def send_confirmation_task(confirmation_id: int) -> None:
    """The member's single-use download or erasure link; its secret is made here, right
    before the email, so it is never in the queue."""
    row = PrivacyConfirmation.objects.select_related("member__community").filter(pk=confirmation_id)
    if (found := row.first()) is not None:
        send_confirmation(found)
