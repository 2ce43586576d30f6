"""What the organizer pages show of a plan version, read with a fixed number of queries.

Reading only: every change goes through :mod:`netweave.web.matching.domain`. Each function
loads rows in bulk (a query or two, whatever the size of the event) and returns plain
dataclasses the templates can render without touching the database again.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from netweave.web.events.models import Event
from netweave.web.matching.models import Group, GroupSeat, Meeting, PlanVersion, Seat

__all__ = [
    "Card",
    "GroupCard",
    "PersonRow",
    "Quality",
    "RunSheet",
    "Seated",
    "group_card",
    "group_cards",
    "meeting_card",
    "person_rows",
    "quality",
    "round_cards",
    "run_sheet",
    "versions_of",
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
)


def _seated(row: Sequence[Any]) -> Seated:
    *fields, mode = row
    return Seated(*fields, is_async=mode == "async")


def _people(seats: Any, *owner: str) -> dict[Any, list[Seated]]:
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
    def watcher(self) -> Seated | None:
        """In an async meeting, the live person who watches the async person's intro."""
        return next((p for p in self.people if not p.is_async), None) if self.is_async else None

    @property
    def watched(self) -> Seated | None:
        return next((p for p in self.people if p.is_async), None) if self.is_async else None


def _cards(meetings: Any, seats: Any) -> list[Card]:
    people = _people(seats.order_by("meeting_id", "position"), "meeting_id")
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
    people = _people(seats.order_by("group_id", "position"), "group_id", "remote")
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


def versions_of(event: Event) -> list[PlanVersion]:
    """Every version of the event's plan, newest first, without the bulky JSON fields."""
    return list(
        PlanVersion.objects.filter(event=event)
        .select_related("created_by")
        .defer("metrics", "unmatched", "participants")
        .order_by("-number")
    )


# --- by person ------------------------------------------------------------------------------


@dataclass
class PersonRow:
    """One participant's plan: a cell per round (room and partners), then their group."""

    id: str
    name: str
    manages: str = ""
    is_async: bool = False
    cells: dict[int, str] = field(default_factory=dict)
    group: str = ""
    #: the cells in round order, "—" for a round without a meeting
    columns: list[str] = field(default_factory=list)


def _meeting_text(room: str | None, is_async: bool, me: Seated, people: Sequence[Seated]) -> str:
    others = [p for p in people if p.registration_pk != me.registration_pk]
    if is_async:
        if me.is_async:
            return f"{' and '.join(p.name for p in others)} watches your intro (async)"
        return f"watches {' and '.join(p.name for p in others)}'s intro (async)"
    if not others:
        return f"{room}: meets the host"
    trio = " (trio)" if len(others) == 2 else ""
    return f"{room}: {' and '.join(p.name for p in others)}{trio}"


def _rows_from_snapshot(version: PlanVersion) -> dict[str, PersonRow]:
    rows = {}
    for pid, name, mode in version.participants:
        rows[pid] = PersonRow(pid, name, is_async=mode == "async")
    return rows


def _fill_meetings(rows: dict[str, PersonRow], version: PlanVersion) -> None:
    seats = Seat.objects.filter(meeting__plan=version).order_by("meeting_id", "position")
    where = _people(seats, "meeting_id", "meeting__round", "meeting__room", "meeting__is_async")
    for (_, number, room, is_async), people in where.items():
        for me in people:
            pid = me.email.lower()
            row = rows.setdefault(pid, PersonRow(pid, me.name))
            row.name, row.manages, row.is_async = me.name, me.manages, me.is_async
            row.cells[number] = _meeting_text(room, is_async, me, people)


def _fill_groups(rows: dict[str, PersonRow], version: PlanVersion) -> None:
    seats = GroupSeat.objects.filter(group__plan=version).order_by("group_id", "position")
    where = _people(seats, "group_id", "group__room", "group__theme", "remote")
    for (_, room, theme, remote), people in where.items():
        label = f"{room} ({theme})" if theme else room
        for me in people:
            pid = me.email.lower()
            row = rows.setdefault(pid, PersonRow(pid, me.name))
            row.group = label + (" — remotely" if remote else "")


def person_rows(version: PlanVersion) -> list[PersonRow]:
    """Everyone in ``version``, by name, with their partners in each round (2 queries)."""
    rows = _rows_from_snapshot(version)
    _fill_meetings(rows, version)
    _fill_groups(rows, version)
    for u in version.unmatched:
        row = rows.get(str(u.get("id", "")))
        if row is not None and u.get("round") and u["round"] not in row.cells:
            row.cells[u["round"]] = f"no meeting: {u.get('why', '')}"
    for row in rows.values():
        row.columns = [row.cells.get(n, "—") for n in version.round_numbers]
    return sorted(rows.values(), key=lambda r: (r.name.casefold(), r.id))


# --- quality --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    help: str
    tone: str = ""  # "", "ok", "warn" or "bad": the stat box's colour


@dataclass(frozen=True)
class UnmetRequest:
    asker: str
    asked: str
    why: str


@dataclass(frozen=True)
class Quality:
    stats: tuple[Stat, ...]
    unmet: tuple[UnmetRequest, ...]
    edited_by_hand: bool


def _of(met: Any, total: Any) -> tuple[str, str]:
    if not total:
        return "none asked", ""
    return f"{met or 0} of {total}", "ok" if met == total else "warn"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f} %"


def _sizes(sizes: Mapping[str, int]) -> str:
    if not sizes:
        return "no groups"
    return ", ".join(f"{n} × {size}" for size, n in sorted(sizes.items(), key=lambda x: int(x[0])))


def _optimality(m: Mapping[str, Any]) -> Stat:
    """The rounds' proof: small events are also solved exactly (an integer program)."""
    claim = m.get("optimality")
    if claim:
        help_text = (
            "The rounds were also solved exactly (an integer program): no plan that meets as "
            "many requests and is at least as fair scores more than the optimum."
        )
        if m.get("exact_improved"):
            help_text += " It found a better plan than the first one, and this is it."
        close = claim == "optimal" or claim.startswith("within 0.1 %")
        return Stat("Optimality", claim, help_text, "ok" if close else "")
    if m.get("edited_by_hand"):
        return Stat("Optimality", "—", "Not proven after a change by hand; re-plan to see it.")
    return Stat("Optimality", "—", "Proven for small events only (exact_up_to in the settings).")


def quality(version: PlanVersion) -> Quality:
    """The quality panel of ``version``, from the metrics the planner recorded."""
    m = version.metrics or {}
    mutual, mutual_tone = _of(m.get("mutual_requests_met"), m.get("mutual_requests"))
    one_way, one_way_tone = _of(m.get("one_way_requests_met"), m.get("one_way_requests"))
    pct = m.get("quality_pct")
    stats = (
        Stat(
            "Mutual requests met", mutual, "Pairs who both asked to meet each other.", mutual_tone
        ),
        Stat("One-way requests met", one_way, "Somebody asked to meet somebody.", one_way_tone),
        Stat(
            "Worst-off share",
            _pct(m.get("worst_off_share")),
            "The person who did least well got this share of the best they could have had "
            "(their own top partners); 100 % = everyone got their best."
            if m.get("worst_off_share") is not None
            else "Not recomputed after a change by hand; re-plan to see it.",
        ),
        Stat("Trios", str(m.get("trios", 0)), "Meetings of three: at most one per round."),
        Stat(
            "Unmatched",
            str(m.get("unmatched", len(version.unmatched))),
            "Times somebody has no partner in a round (each reason is in the list by person).",
            "ok" if not m.get("unmatched") else "warn",
        ),
        Stat(
            "Quality",
            "—" if pct is None else f"{float(pct):.1f} %",
            "Total match score as a share of a proven upper bound: no plan can score more "
            "than 100 %.",
        ),
        _optimality(m),
        Stat("Group sizes", _sizes(m.get("group_sizes") or {}), "Number of groups × size."),
    )
    names = {pid: name for pid, name, _ in version.participants}
    unmet = tuple(
        UnmetRequest(names.get(u["asker"], u["asker"]), names.get(u["asked"], u["asked"]), u["why"])
        for u in m.get("unmet_requests") or ()
    )
    return Quality(stats, unmet, bool(m.get("edited_by_hand")))


# --- run sheet ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRound:
    number: int
    starts: dt.datetime
    ends: dt.datetime
    rooms: tuple[Card, ...]
    remote: tuple[Card, ...]
    say: tuple[str, ...]


@dataclass(frozen=True)
class RunSheet:
    zone: str
    rounds: tuple[RunRound, ...]
    groups: tuple[GroupCard, ...]
    groups_start: dt.datetime
    groups_end: dt.datetime
    groups_say: tuple[str, ...]


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _round_script(event: Event, number: int, total: int, cards: Sequence[Card]) -> tuple[str, ...]:
    say = [
        f"Round {number} of {total} starts now. Zoom moves you into your breakout room; you "
        f"have {event.minutes_per_round} minutes.",
        "Take a minute each to say who you are and what you are looking for, then talk "
        "about what you have in common: the plan page lists why you were matched.",
    ]
    for c in cards:
        if c.with_host:
            say.append(f"You (the host) join {c.people[0].name} in {c.room}.")
        elif c.is_trio:
            say.append(f"{c.room} is a trio ({', '.join(p.name for p in c.people)}).")
    say.append("One minute before the end: “One minute left: swap contact details if you want.”")
    return tuple(say)


def run_sheet(version: PlanVersion) -> RunSheet:
    """The host's run sheet: each round's times in the event's zone, rooms and what to say.

    Rounds are taken to follow each other from the event's start without breaks; the groups
    come right after the last round.
    """
    event = version.event
    zone = _zone(event.timezone)
    start = timezone.localtime(event.starts_at, zone)
    step = dt.timedelta(minutes=event.minutes_per_round)
    cards = round_cards(version)
    numbers = version.round_numbers or sorted({c.round for c in cards})
    rounds = []
    for k, n in enumerate(numbers):
        mine = [c for c in cards if c.round == n]
        live = tuple(c for c in mine if not c.is_async)
        say = _round_script(event, n, len(numbers), live)
        begins = start + k * step
        rounds.append(
            RunRound(n, begins, begins + step, live, tuple(c for c in mine if c.is_async), say)
        )
    groups_start = start + len(numbers) * step
    groups_say = (
        f"Last part: small groups for {event.group_minutes} minutes. Each group has a theme; "
        "start with a round of names and one thing you would like to learn from the others.",
    )
    return RunSheet(
        zone=event.timezone,
        rounds=tuple(rounds),
        groups=tuple(group_cards(version)),
        groups_start=groups_start,
        groups_end=groups_start + dt.timedelta(minutes=event.group_minutes),
        groups_say=groups_say,
    )
