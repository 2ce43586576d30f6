"""A plan's versions: numbered per event under the event's lock, never edited once made (pins
excepted), and refused when the organizer's page showed an older one.

Every verb that writes a version locks the event (:func:`lock_event`), checks the version its
request was made from (:func:`refuse_if_changed`) and numbers the new one (:func:`new_version`)
inside one ``transaction.atomic()``: "nothing that can't be undone".
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max

from netweave.web.events.models import Event
from netweave.web.matching.domain.errors import PlanConflictError, PlanError
from netweave.web.matching.models import PlanVersion

__all__ = ["lock_event", "new_version", "refuse_if_changed", "require_ready"]

User = AbstractBaseUser
State = PlanVersion.State


def refuse_if_changed(event: Event, seen: int | None) -> None:
    """Refuse a change made from a page that showed the plan up to version ``seen`` when a
    newer version now exists: acting anyway would silently drop the other organizer's work.

    Call it inside the transaction that holds the event's lock, so that two organizers
    cannot both pass it. Failed runs changed nothing and do not count. ``seen=None`` (the
    CLI, the demo, the live day) skips the check.
    """
    if seen is None:
        return
    newest = (
        PlanVersion.objects.filter(event=event)
        .exclude(state=State.FAILED)
        .aggregate(n=Max("number"))["n"]
        or 0
    )
    if newest > seen:
        raise PlanConflictError(
            f"Someone else changed the plan (now version {newest}): review it and try again."
        )


def lock_event(event: Event) -> Event:
    """``event`` re-read with its row locked until the transaction ends."""
    # Serialises version numbering and publishing per event (a no-op lock on SQLite, whose
    # IMMEDIATE transactions already serialise writers).
    return Event.objects.select_for_update().get(pk=event.pk)


def new_version(
    event: Event, *, note: str, user: User | None, parent: PlanVersion | None, state: str
) -> PlanVersion:
    """The event's next version, numbered after every earlier one (hold the event's lock)."""
    last = PlanVersion.objects.filter(event=event).aggregate(n=Max("number"))["n"] or 0
    return PlanVersion.objects.create(
        event=event,
        number=last + 1,
        parent=parent,
        state=state,
        note=note[:300],
        created_by=user if user is not None and user.is_authenticated else None,
    )


def require_ready(version: PlanVersion, doing: str) -> None:
    """Refuse (:class:`PlanError`) to act on a version that is not a finished plan."""
    if version.state != State.READY:
        raise PlanError(
            f"Version {version.number} is {version.get_state_display().lower()}; only a "
            f"finished plan can be {doing}."
        )
