"""A plan version's meetings and groups as the board's cards (two queries each, any size)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netweave.web.matching.models import Group, GroupSeat, Meeting, PlanVersion, Seat

__all__ = [
    "Card",
    "GroupCard",
    "Seated",
    "group_card",
    "group_cards",
    "meeting_card",
    "round_cards",
    "seated_by",
]


@dataclass(frozen=True)
class Seated:
    """A person on a card: what an organizer needs to judge a pairing at a glance."""

    registration_pk: int
    email: str
    name: str
    manages: str
    location: str
    is_async: bool


#: what a card shows of a person, read as plain values: model instances for every seat made
#: a 1,000-person board several times slower
_SEATED = (
    "registration_id",
    "registration__member__email",
    "registration__member__name",
    "registration__member__manages",
    "registration__member__location",
    "registration__mode",
    "registration__event__fully_async",
)


def _seated(row: Sequence[Any]) -> Seated:
    # in a fully async event everyone takes part asynchronously, whatever they chose when
    # registering (the rule of ``intros.queries.participants``): a card built from the mode
    # alone had a "live" watcher with nobody to watch, or nobody at all, and dropped a name
    *fields, mode, fully_async = row
    return Seated(*fields, is_async=fully_async or mode == "async")


def seated_by(seats: Any, *owner: str) -> dict[Any, list[Seated]]:
    """``owner`` value(s) -> the people seated there, in seat order (one query)."""
    out: dict[Any, list[Seated]] = defaultdict(list)
    width = len(owner)
    for row in seats.values_list(*owner, *_SEATED):
        key = row[0] if width == 1 else row[:width]
        out[key].append(_seated(row[width:]))
    return out


@dataclass(frozen=True)
class Card:
    """A meeting of one round, as a card on the board."""

    pk: int
    round: int
    room: str | None
    is_async: bool
    score: float
    reasons: tuple[str, ...]
    pinned: bool
    people: tuple[Seated, ...]

    @property
    def is_trio(self) -> bool:
        return len(self.people) == 3

    @property
    def with_host(self) -> bool:
        return len(self.people) == 1 and not self.is_async

    @property
    def mutual(self) -> bool:
        """An async meeting of async people only (a fully async event): each watches the
        other's intro and answers their form; there is no one watcher."""
        return self.is_async and all(p.is_async for p in self.people)

    @property
    def watcher(self) -> Seated | None:
        """In an async meeting, the live person who watches the async person's intro."""
        return next((p for p in self.people if not p.is_async), None) if self.is_async else None

    @property
    def watched(self) -> Seated | None:
        return next((p for p in self.people if p.is_async), None) if self.is_async else None


def _cards(meetings: Any, seats: Any) -> list[Card]:
    people = seated_by(seats.order_by("meeting_id", "position"), "meeting_id")
    rows = meetings.order_by("round", "id").values_list(
        "pk", "round", "room", "is_async", "score", "reasons", "pinned"
    )
    cards = [
        Card(pk, n, room, is_async, score, tuple(reasons), pinned, tuple(people[pk]))
        for pk, n, room, is_async, score, reasons, pinned in rows
    ]
    return sorted(cards, key=lambda c: (c.round, c.is_async))


def round_cards(version: PlanVersion, number: int | None = None) -> list[Card]:
    """The meetings of round ``number`` (all rounds when None), live rooms first (2 queries)."""
    where: dict[str, Any] = {"plan": version}
    if number is not None:
        where["round"] = number
    seats = Seat.objects.filter(**{f"meeting__{k}": v for k, v in where.items()})
    return _cards(Meeting.objects.filter(**where), seats)


def meeting_card(meeting: Meeting) -> Card:
    """One meeting's card, fresh from the database (after a pin, say)."""
    return _cards(Meeting.objects.filter(pk=meeting.pk), Seat.objects.filter(meeting=meeting))[0]


@dataclass(frozen=True)
class GroupCard:
    pk: int
    room: str
    theme: str
    score: float
    reasons: tuple[str, ...]
    pinned: bool
    members: tuple[Seated, ...]
    remote: tuple[Seated, ...]


def _group_cards(groups: Any, seats: Any) -> list[GroupCard]:
    people = seated_by(seats.order_by("group_id", "position"), "group_id", "remote")
    rows = groups.order_by("id").values_list("pk", "room", "theme", "score", "reasons", "pinned")
    return [
        GroupCard(
            pk=pk,
            room=room,
            theme=theme,
            score=score,
            reasons=tuple(reasons),
            pinned=pinned,
            members=tuple(people[pk, False]),
            remote=tuple(people[pk, True]),
        )
        for pk, room, theme, score, reasons, pinned in rows
    ]


def group_cards(version: PlanVersion) -> list[GroupCard]:
    """The small groups of ``version`` (2 queries)."""
    seats = GroupSeat.objects.filter(group__plan=version)
    return _group_cards(Group.objects.filter(plan=version), seats)


def group_card(group: Group) -> GroupCard:
    seats = GroupSeat.objects.filter(group=group)
    return _group_cards(Group.objects.filter(pk=group.pk), seats)[0]
