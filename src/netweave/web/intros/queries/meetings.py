"""Who meets whom, as this app reads it: the one rule of
:mod:`netweave.web.live.queries.met` (per round, the held meetings where the live app
recorded that round, else the published plan's; nothing for an unrecorded round once the
event is done).

Small groups count, planned and held, for who may watch whose intro (wider than the rule on
purpose: whoever was told they would meet may watch); the partner form and the digest are
for one-on-one partners only.
"""

from __future__ import annotations

from netweave.web.events.models import Event, Registration
from netweave.web.intros.errors import NotPartnerError
from netweave.web.live.queries.met import partners_by_registration, planned_or_held
from netweave.web.matching.domain.planned import meeting_pairs

__all__ = [
    "can_watch",
    "group_mates",
    "meetings_of_event",
    "partners_of",
    "require_partners",
]


def meetings_of_event(event: Event) -> dict[int, list[int]]:
    """registration pk -> one-on-one partner pks, in round order, by the one rule (see the
    module's notes)."""
    return partners_by_registration(event)


def partners_of(registration: Registration) -> list[Registration]:
    """The people ``registration`` meets one-on-one (or in a trio), in round order."""
    ids = meetings_of_event(registration.event).get(registration.pk, [])
    found = Registration.objects.filter(pk__in=ids).select_related("member", "event")
    by_pk = {r.pk: r for r in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def group_mates(registration: Registration) -> set[int]:
    """Registration pks sharing a small group with ``registration`` (planned or held)."""
    groups = planned_or_held(registration.event).get(0, [])
    mates = {pk for members in groups if registration.pk in members for pk in members}
    return mates - {registration.pk}


def can_watch(viewer: Registration, owner: Registration) -> bool:
    """Whether ``viewer`` may see ``owner``'s intro: themselves, anyone they are matched with
    in the published plan or met in reality, and their small group (planned or held)."""
    if viewer.event_id != owner.event_id:
        return False
    if viewer.pk == owner.pk:
        return True
    meetings = planned_or_held(viewer.event).values()
    pair = (min(viewer.pk, owner.pk), max(viewer.pk, owner.pk))
    return pair in set(meeting_pairs(m for ms in meetings for m in ms))


def require_partners(author: Registration, subject: Registration) -> None:
    """The form is for one-on-one partners (what the subject's digest lists)."""
    if author.pk == subject.pk or author.event_id != subject.event_id:
        raise NotPartnerError(author.pk)
    if subject.pk not in meetings_of_event(author.event).get(author.pk, []):
        raise NotPartnerError(author.pk)
