"""Background work of this app: the retention purge, for a scheduler that queues tasks."""

from __future__ import annotations

from django_tasks import task

from netweave.web.privacy.domain import purge_expired


@task()
def purge_task(dry_run: bool = False) -> dict[str, int]:
    """Run the retention purge; returns how many events and outbox messages it touched."""
    report = purge_expired(dry_run=dry_run)
    return {"events": len(report.events), "outbox_messages": report.outbox_messages}
