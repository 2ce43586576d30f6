"""Publishing a plan: from now on participants see it."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from netweave.web.events.models import Event
from netweave.web.matching.domain.checks import plan_violations
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.domain.versions import lock_event, refuse_if_changed, require_ready
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.signals import plan_published

__all__ = ["publish_plan"]


def publish_plan(version: PlanVersion, *, seen: int | None = None) -> PlanVersion:
    """Make ``version`` the event's published plan: participants see it from now on.

    Only a READY version that breaks no rule can be published; the previously published
    version is unpublished (it stays in the list, and can be published again). Listeners
    of :data:`~netweave.web.matching.signals.plan_published` run after the commit.
    """
    with transaction.atomic():
        event = lock_event(version.event)
        refuse_if_changed(event, seen)
        version = PlanVersion.objects.select_related("event").get(pk=version.pk)
        require_ready(version, "published")
        problems = plan_violations(event, plan_from_version(version))
        if problems:
            raise PlanError(
                f"Version {version.number} cannot be published: it breaks "
                f"{'a rule' if len(problems) == 1 else f'{len(problems)} rules'}. Swap people, "
                "or re-plan, then publish the new version.",
                [v.message for v in problems],
            )
        PlanVersion.objects.filter(event=event, published_at__isnull=False).exclude(
            pk=version.pk
        ).update(published_at=None)
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
        # on the day (live, done) a re-published plan must not move the event back
        if event.status not in (Event.Status.LIVE, Event.Status.DONE):
            event.status = Event.Status.PUBLISHED
            event.save(update_fields=["status"])
        transaction.on_commit(partial(plan_published.send, sender=PlanVersion, version=version))
    return version
