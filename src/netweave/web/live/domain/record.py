"""The record of what really happened: when a round starts, its meetings (minus people marked
absent) become :class:`~netweave.web.live.models.HeldMeeting` rows. Follow-up and next year's
history read those (through the one rule of :mod:`netweave.web.live.queries.met`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from netweave.core.plan import Meeting as CoreMeeting
from netweave.web.events.models import Event
from netweave.web.live.domain.roster import Roster
from netweave.web.live.models import HeldMeeting, HeldSeat

__all__ = ["meeting_pairs", "record_round"]


def record_round(
    event: Event,
    number: int,
    meetings: Sequence[CoreMeeting],
    source: str,
    roster: Roster,
    absent: set[str],
) -> None:
    """Store what happens in round ``number``: each meeting with the people there. A pair
    whose partner is absent did not meet, so it is not recorded; a host meeting is."""
    rows = []
    for m in meetings:
        members = [p for p in m.members if p in roster.pk and p not in absent]
        if len(members) >= 2 or (len(m.members) == 1 and members):
            rows.append((m, members))
    created = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=number,
            room=m.room,
            is_async=m.is_async,
            reasons=list(m.reasons),
            source=source,
        )
        for m, _ in rows
    )
    HeldSeat.objects.bulk_create(
        HeldSeat(meeting=held, registration_id=roster.pk[p], position=i)
        for held, (_, members) in zip(created, rows, strict=True)
        for i, p in enumerate(members)
    )


def meeting_pairs(members: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Every pair among ``members``, each as sorted ids."""
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            yield (a, b) if a < b else (b, a)
