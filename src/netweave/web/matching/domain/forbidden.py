"""Pairs the organizers forbade: recorded, undone, and read for the planner and the checks."""

from __future__ import annotations

from django.db import transaction

from netweave.web.events.models import Event, Registration
from netweave.web.matching.domain.errors import PlanError
from netweave.web.matching.domain.inputs import core_id
from netweave.web.matching.models import ForbiddenPair

__all__ = ["forbid_pair", "forbidden_ids", "forbidden_pairs", "unforbid_pair"]


def forbidden_pairs(event: Event) -> list[ForbiddenPair]:
    """The organizers' forbidden pairs, with both registrations' members loaded."""
    return list(
        ForbiddenPair.objects.filter(event=event)
        .select_related("a__member", "b__member")
        .order_by("created", "pk")
    )


def forbidden_ids(event: Event) -> list[tuple[str, str]]:
    """The forbidden pairs as core ids (one query)."""
    rows = ForbiddenPair.objects.filter(event=event).values_list(
        "a__member__email", "b__member__email"
    )
    return [(core_id(a), core_id(b)) for a, b in rows]


def forbid_pair(event: Event, a: Registration, b: Registration) -> ForbiddenPair:
    """Record that ``a`` and ``b`` must not be paired in ``event`` (applies from the next
    plan; the current one shows the pair as a violation until re-planned). Idempotent."""
    if a.pk == b.pk:
        raise PlanError("Choose two different people.")
    if a.event_id != event.pk or b.event_id != event.pk:
        raise PlanError("Both people must be registered for this event.")
    first, second = (a, b) if a.pk < b.pk else (b, a)  # one row per pair, whichever order
    with transaction.atomic():
        pair, _ = ForbiddenPair.objects.get_or_create(event=event, a=first, b=second)
    return pair


def unforbid_pair(pair: ForbiddenPair) -> None:
    """Allow a forbidden pair again (the undo of :func:`forbid_pair`)."""
    pair.delete()
