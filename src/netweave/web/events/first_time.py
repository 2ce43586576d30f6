"""Who comes for the first time: the one reading of a registration's ``first_time``.

An organizer (on the registration, or through an imported ``first_time`` column) may say
it; otherwise the member's history says it: someone registered for an earlier event of the
community is a veteran, everyone else a first-timer.
"""

from __future__ import annotations

from netweave.web.events.models import Event, Registration

__all__ = ["first_timers", "is_first_time"]


def _returning(event: Event) -> set[int]:
    """Member pks registered for an earlier event of ``event``'s community (one query)."""
    earlier = Registration.objects.filter(
        event__community_id=event.community_id, event__starts_at__lt=event.starts_at
    ).exclude(event_id=event.pk)
    return set(earlier.values_list("member_id", flat=True).distinct())


def first_timers(event: Event) -> set[int]:
    """Registration pks of ``event``'s first-timers (two queries)."""
    returning = _returning(event)
    rows = Registration.objects.filter(event=event).values_list("pk", "member_id", "first_time")
    return {
        pk
        for pk, member_id, said in rows
        if (said if said is not None else member_id not in returning)
    }


def is_first_time(registration: Registration) -> bool:
    """Whether ``registration`` is a first-timer (see the module)."""
    if registration.first_time is not None:
        return registration.first_time
    return registration.member_id not in _returning(registration.event)
