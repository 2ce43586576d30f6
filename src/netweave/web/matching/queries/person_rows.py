"""A plan version by person: each participant's partners per round, then their group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from netweave.web.matching.models import GroupSeat, PlanVersion, Seat
from netweave.web.matching.queries.cards import Seated, seated_by

__all__ = ["PersonRow", "person_rows"]


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
        if all(p.is_async for p in people):  # a fully async event: they watch each other
            return f"you and {' and '.join(p.name for p in others)} watch each other's intros"
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
    where = seated_by(seats, "meeting_id", "meeting__round", "meeting__room", "meeting__is_async")
    for (_, number, room, is_async), people in where.items():
        for me in people:
            pid = me.email.lower()
            row = rows.setdefault(pid, PersonRow(pid, me.name))
            row.name, row.manages, row.is_async = me.name, me.manages, me.is_async
            row.cells[number] = _meeting_text(room, is_async, me, people)


def _fill_groups(rows: dict[str, PersonRow], version: PlanVersion) -> None:
    seats = GroupSeat.objects.filter(group__plan=version).order_by("group_id", "position")
    where = seated_by(seats, "group_id", "group__room", "group__theme", "remote")
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
