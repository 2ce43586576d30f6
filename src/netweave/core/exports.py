"""Tabular exports of a plan: Zoom pre-assignment CSVs, schedules as CSV, XLSX and Markdown.

Every table has one shape, :class:`Table` (a name, headers, rows of strings), and every writer
takes that shape, so a new export is a function from a plan to a :class:`Table` (the idea of
pretix's ``ListExporter``). :func:`write_plan_outputs` writes the whole set at once and never
leaves a half-written directory behind.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import uuid
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netweave.core.cells import csv_writer, starts_formula
from netweave.core.people import Person
from netweave.core.plan import Group, Meeting, Plan, Round, Unmatched
from netweave.core.rooms import ZOOM_MAX_ROOMS, room_label

__all__ = [
    "SCHEDULE_HEADER",
    "ZOOM_HEADER",
    "ZOOM_MAX_PEOPLE",
    "ZOOM_MAX_ROOMS",
    "Table",
    "schedule_markdown",
    "schedule_table",
    "write_csv",
    "write_plan_outputs",
    "write_xlsx",
    "zoom_groups_table",
    "zoom_round_table",
    "zoom_warnings",
]

#: The header Zoom's breakout-room pre-assignment import expects, exactly.
ZOOM_HEADER = ("Pre-assign Room Name", "Email Address")
#: Zoom pre-assigns at most this many people from one CSV.
ZOOM_MAX_PEOPLE = 1000

SCHEDULE_HEADER = (
    "Round",
    "Room",
    "How",
    "Id",
    "Name",
    "Time zone",
    "Partners",
    "Partner emails",
    "Reasons",
)


@dataclass(frozen=True)
class Table:
    """One export: a file stem, a header row and rows of text, all rows as long as the header.

    Parameters
    ----------
    name : str
        The file stem (``"round-1"``) or sheet name.
    headers : tuple of str
        The column titles.
    rows : tuple of tuple of str
        The cells, as text, each row as long as ``headers``.

    Raises
    ------
    ValueError
        When a row's length differs from the header's.

    Examples
    --------
    >>> t = Table("round-1", ZOOM_HEADER, (("Room 1", "ana@x.org"), ("Room 1", "kofi@x.org")))
    >>> len(t.rows)
    2
    >>> Table("broken", ZOOM_HEADER, (("Room 1",),))
    Traceback (most recent call last):
    ...
    ValueError: broken: row 1 has 1 cells, not 2
    """

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        width = len(self.headers)
        for i, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"{self.name}: row {i} has {len(row)} cells, not {width}")


# --------------------------------------------------------------------------- writers


def _atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    # Write next to the target, then rename: readers see the old file or the new one, never half.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_csv(table: Table, path: str | os.PathLike[str]) -> Path:
    """Write ``table`` as plain CSV: UTF-8 without BOM, ``\\n`` line endings, header first.

    Zoom's import wants exactly this; spreadsheets open it too. A cell that starts like a
    formula (``=``, ``+``, ``-``, ``@``) is written with a leading apostrophe, so it stays
    text (:func:`netweave.core.cells.csv_writer`). The file is replaced atomically.

    Parameters
    ----------
    table : Table
    path : str or PathLike
        The file to write; its folder must exist.

    Returns
    -------
    Path
        The path written.
    """

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv_writer(f, lineterminator="\n")
            writer.writerow(table.headers)
            writer.writerows(table.rows)

    return _atomic_write(Path(path), write)


def write_xlsx(tables: Sequence[Table], path: str | os.PathLike[str]) -> Path:
    """Write ``tables`` as one XLSX workbook, one sheet per table, named after the table.

    Headers are bold and frozen, columns as wide as their contents (within reason). Text
    that starts like a formula (:func:`netweave.core.cells.starts_formula`) is stored as text:
    a name must never become a formula. The file is replaced atomically.

    Parameters
    ----------
    tables : sequence of Table
        One sheet each; titles are made valid for Excel (31 characters, no ``[]:*?/\\``) and
        unique.
    path : str or PathLike
        The file to write; its folder must exist.

    Returns
    -------
    Path
        The path written.
    """
    # openpyxl takes a while to import: only pay for it when an XLSX is written.
    from openpyxl import Workbook  # noqa: PLC0415 - heavy library, loaded when used

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        used: set[str] = set()
        for table in tables:
            _write_sheet(wb.create_sheet(_sheet_title(table.name, used)), table)
        wb.save(tmp)

    return _atomic_write(Path(path), write)


def _sheet_title(name: str, used: set[str]) -> str:
    # Excel forbids []:*?/\ in sheet titles, limits them to 31 characters, and wants them unique.
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet"
    title, k = base, 1
    while title.lower() in used:
        k += 1
        title = f"{base[: 31 - len(str(k)) - 1]}-{k}"
    used.add(title.lower())
    return title


def _write_sheet(ws: Any, table: Table) -> None:
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - heavy library, loaded when used
    from openpyxl.styles import Font  # noqa: PLC0415 - heavy library, loaded when used
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - heavy library, loaded when used

    for col, width in enumerate(_column_widths(table), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in table.headers:
        cell = WriteOnlyCell(ws, value=_xlsx_text(text))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in table.rows:
        ws.append([_xlsx_cell(ws, text) for text in row])


def _column_widths(table: Table, sample: int = 500) -> list[float]:
    widths = [len(h) for h in table.headers]
    for row in table.rows[:sample]:
        widths = [max(w, len(text)) for w, text in zip(widths, row, strict=True)]
    return [min(max(w, 6), 60) + 2 for w in widths]


def _xlsx_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 - heavy library, loaded when used

    # Control characters (from pasted form answers) make openpyxl refuse the whole file.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _xlsx_cell(ws: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - heavy library, loaded when used

    text = _xlsx_text(text)
    if not starts_formula(text):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # openpyxl would store "=..." as a formula; the rest stays text too
    return cell


# --------------------------------------------------------------------------- Zoom


def _round(plan: Plan, number: int) -> Round:
    for rnd in plan.rounds:
        if rnd.number == number:
            return rnd
    known = ", ".join(str(r.number) for r in plan.rounds) or "none"
    raise ValueError(f"the plan has no round {number} (rounds: {known})")


def zoom_round_table(plan: Plan, number: int) -> Table:
    """Zoom's breakout-room pre-assignment for round ``number``: one row per person in a room.

    Async meetings have no room and are left out; a person meeting the host is alone in
    their room (the host joins them there). Rooms are named by
    :func:`netweave.core.rooms.room_label` ("Room 01"), as every page names them.

    Zoom keeps one pre-assignment per meeting, uploaded in its web portal when the meeting
    is scheduled: only one of these tables (round 1's, or the groups') can be used as such.

    Raises
    ------
    ValueError
        When the plan has no such round, or a live meeting has no room.
    """
    rows = []
    for m in _round(plan, number).meetings:
        if m.is_async:
            continue
        if not m.room:
            raise ValueError(f"round {number}: the meeting of {', '.join(m.members)} has no room")
        rows += [(room_label(m.room), pid) for pid in m.members]
    return Table(f"round-{number}", ZOOM_HEADER, tuple(rows))


def zoom_groups_table(plan: Plan) -> Table:
    """Zoom's pre-assignment for the group stage: the live members of each group."""
    rows = tuple((g.room, pid) for g in plan.groups for pid in g.members)
    return Table("groups", ZOOM_HEADER, rows)


def _zoom_tables(plan: Plan) -> list[Table]:
    tables = [zoom_round_table(plan, r.number) for r in plan.rounds]
    if plan.groups:
        tables.append(zoom_groups_table(plan))
    return tables


def zoom_warnings(plan: Plan) -> list[str]:
    """What an organizer must know before importing a Zoom CSV.

    A warning for every CSV above Zoom's limits (:data:`ZOOM_MAX_ROOMS` rooms,
    :data:`ZOOM_MAX_PEOPLE` people), then always the reminder that Zoom keeps only one
    pre-assignment per meeting, set when the meeting is scheduled.
    """
    out = []
    for table in _zoom_tables(plan):
        rooms = len({room for room, _ in table.rows})
        if rooms > ZOOM_MAX_ROOMS:
            out.append(
                f"zoom/{table.name}.csv has {rooms:,} rooms; Zoom pre-assigns at most "
                f"{ZOOM_MAX_ROOMS:,}: split the event over several Zoom meetings"
            )
        if len(table.rows) > ZOOM_MAX_PEOPLE:
            out.append(
                f"zoom/{table.name}.csv lists {len(table.rows):,} people; Zoom pre-assigns at "
                f"most {ZOOM_MAX_PEOPLE:,} from one CSV: split the event over several Zoom "
                "meetings"
            )
    out.append(
        "Zoom keeps one set of pre-assigned rooms per meeting, imported in Zoom's web portal "
        "when the meeting is scheduled (Breakout Room pre-assign, Import from CSV): use one "
        "file, round-1.csv or groups.csv, and run the other rounds by letting participants "
        "choose their room. Pre-assignment only works for people signed in to the Zoom "
        "desktop or mobile app with the email they registered with, not in the web client."
    )
    return out


# --------------------------------------------------------------------------- schedules


@dataclass(frozen=True)
class _Who:
    names: dict[str, str]
    emails: dict[str, str]
    zones: dict[str, str]

    def name(self, pid: str) -> str:
        return self.names.get(pid, pid)

    def email(self, pid: str) -> str:
        return self.emails.get(pid, pid)


def _who(plan: Plan, people: Sequence[Person]) -> _Who:
    # The plan names people the table may lack (e.g. removed since planning); `people` wins.
    names = {p.id: p.name for p in plan.participants}
    names.update((p.id, p.name) for p in people)
    return _Who(
        names=names,
        emails={p.id: p.email for p in people},
        zones={p.id: p.timezone for p in people},
    )


def _how(m: Meeting, pid: str, async_ids: set[str]) -> str:
    if m.is_async:
        if pid in async_ids:
            return "async: your intro is watched and your form answered"
        return "async: watch intro and fill in form"
    if len(m.members) == 1:
        return "live, with the host"
    return "live, trio" if len(m.members) == 3 else "live"


def _async_ids(plan: Plan, people: Sequence[Person]) -> set[str]:
    modes = {p.id: p.mode for p in plan.participants}
    modes.update((p.id, p.mode) for p in people)
    return {pid for pid, mode in modes.items() if mode == "async"}


def schedule_table(plan: Plan, people: Sequence[Person], tz: str | None = None) -> Table:
    """Who meets whom, where and why: a row per person per round, then a row per group member.

    Parameters
    ----------
    plan : Plan
    people : sequence of Person
        For names, emails and time zones (the plan's own names are the fallback).
    tz : str, optional
        An IANA time zone to show in the ``Time zone`` column for everyone (e.g. the event's
        own) instead of each person's own zone.

    Returns
    -------
    Table
        Named ``"schedule"``, with :data:`SCHEDULE_HEADER`. Rows are in round order, then by
        name; the group rows have ``"groups"`` as their round. People without a meeting in a
        round appear only when the plan lists them as unmatched, with the reason.

    Raises
    ------
    ValueError
        When ``tz`` is not a known IANA time zone.
    """
    if tz is not None:
        _check_zone(tz)
    who = _who(plan, people)
    rows = [*_round_rows(plan, who, _async_ids(plan, people)), *_group_rows(plan, who)]
    if tz is not None:
        rows = [(*row[:5], tz, *row[6:]) for row in rows]
    return Table("schedule", SCHEDULE_HEADER, tuple(rows))


def _check_zone(tz: str) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {tz!r} (use an IANA name like 'Europe/Berlin')"
        ) from exc


def _row(
    who: _Who,
    rnd: str,
    room: str,
    how: str,
    pid: str,
    others: Sequence[str],
    reasons: Sequence[str],
) -> tuple[str, ...]:
    return (
        rnd,
        room,
        how,
        pid,
        who.name(pid),
        who.zones.get(pid, ""),
        "; ".join(who.name(o) for o in others),
        "; ".join(who.email(o) for o in others),
        "; ".join(reasons),
    )


def _round_rows(plan: Plan, who: _Who, async_ids: set[str]) -> Iterator[tuple[str, ...]]:
    missing: dict[int, list[Unmatched]] = defaultdict(list)
    for u in plan.unmatched:
        missing[u.round].append(u)
    for rnd in sorted(plan.rounds, key=lambda r: r.number):
        n = str(rnd.number)
        rows = [row for m in rnd.meetings for row in _meeting_rows(who, n, m, async_ids)]
        rows += [
            _row(who, n, "", f"no meeting: {u.why}", u.id, (), ()) for u in missing[rnd.number]
        ]
        yield from sorted(rows, key=lambda row: (row[4].casefold(), row[3]))


def _meeting_rows(who: _Who, n: str, m: Meeting, async_ids: set[str]) -> list[tuple[str, ...]]:
    room = m.room or ""
    return [
        _row(who, n, room, _how(m, pid, async_ids), pid, _others(m.members, pid), m.reasons)
        for pid in m.members
    ]


def _others(members: Sequence[str], pid: str) -> tuple[str, ...]:
    return tuple(o for o in members if o != pid)


def _group_rows(plan: Plan, who: _Who) -> Iterator[tuple[str, ...]]:
    for g in plan.groups:
        how = f"group: {g.theme}" if g.theme else "group"
        everyone = (*g.members, *g.remote)
        for pid in g.members:
            yield _row(who, "groups", g.room, how, pid, _others(everyone, pid), g.reasons)
        for pid in g.remote:
            remote_how = f"{how} (remote, async)"
            yield _row(who, "groups", g.room, remote_how, pid, _others(everyone, pid), g.reasons)


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>])")
_MD_LEADING = re.compile(r"^([#+\-]|\d+[.)])")


def _md(text: str) -> str:
    # User text goes inside one list item or heading: keep it on one line and stop it from
    # opening emphasis, links, tables, HTML, headings or lists.
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LEADING.sub(r"\\\1", text)


def _partner(who: _Who, pid: str) -> str:
    return f"{_md(who.name(pid))} ({_md(who.email(pid))})"


def _because(reasons: Sequence[str]) -> str:
    return f" — {_md('; '.join(reasons))}" if reasons else ""


def _meeting_line(who: _Who, n: int, m: Meeting, pid: str, async_ids: set[str]) -> str:
    others = _others(m.members, pid)
    if m.is_async and pid in async_ids:
        names = " and ".join(_md(who.name(o)) for o in others)
        return f"- Round {n}: {names} watches your intro and answers your form{_because(m.reasons)}"
    if m.is_async:
        names = " and ".join(f"{_md(who.name(o))}'s" for o in others)
        return (
            f"- Round {n}: watch {names} intro video and fill in their form (async)"
            f"{_because(m.reasons)}"
        )
    room = _md(m.room or "no room")
    if not others:
        return f"- Round {n}, {room}: you meet the host"
    partners = " and ".join(_partner(who, o) for o in others)
    return f"- Round {n}, {room}: {partners}{_because(m.reasons)}"


def _group_line(who: _Who, g: Group, pid: str) -> str:
    title = f"{_md(g.room)} ({_md(g.theme)})" if g.theme else _md(g.room)
    names = [_md(who.name(o)) for o in _others(g.members, pid)]
    names += [f"{_md(who.name(o))} (async)" for o in _others(g.remote, pid)]
    remotely = ", remotely" if pid in g.remote else ""
    return f"- Groups: {title}{remotely}: {', '.join(names) or 'nobody else'}"


def _unmatched_line(u: Unmatched) -> str:
    why = f" ({_md(u.why)})" if u.why else ""
    return (
        f"- Round {u.round}: no meeting this round{why}" if u.round else f"- Groups: no group{why}"
    )


def _lines_by_person(plan: Plan, who: _Who, async_ids: set[str]) -> dict[str, list[str]]:
    # Each line carries when it happens; the group stage comes after every round.
    dated: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for rnd in plan.rounds:
        for m in rnd.meetings:
            for pid in m.members:
                dated[pid].append((rnd.number, _meeting_line(who, rnd.number, m, pid, async_ids)))
    for u in plan.unmatched:
        dated[u.id].append((u.round or math.inf, _unmatched_line(u)))
    for g in plan.groups:
        for pid in (*g.members, *g.remote):
            dated[pid].append((math.inf, _group_line(who, g, pid)))
    return {
        pid: [line for _, line in sorted(items, key=lambda x: x[0])] for pid, items in dated.items()
    }


def schedule_markdown(plan: Plan, people: Sequence[Person]) -> str:
    """A readable schedule: one section per person (sorted by name), one line per round.

    Everyone in ``people`` or in the plan gets a section. Live meetings name the room, the
    partners with their emails and the reasons; async meetings say who watches whose intro;
    the last line names the person's group. Text from registrations is escaped so that it
    cannot change the document's structure.

    Returns
    -------
    str
        Markdown, starting with ``# Schedule`` and ending with a newline.
    """
    who = _who(plan, people)
    lines = _lines_by_person(plan, who, _async_ids(plan, people))
    ids = list(dict.fromkeys([*(p.id for p in people), *(p.id for p in plan.participants)]))
    ids.sort(key=lambda pid: (who.name(pid).casefold(), pid))
    shared = {name for name, count in Counter(who.name(pid) for pid in ids).items() if count > 1}
    out = ["# Schedule"]
    for pid in ids:
        heading = _md(who.name(pid))
        if who.name(pid) in shared:  # two people of the same name: tell them apart
            heading += f" ({_md(who.email(pid))})"
        out += ["", f"## {heading}", "", *(lines.get(pid) or ["- No meetings planned"])]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- everything at once


def _write_all(plan: Plan, people: Sequence[Person], outdir: Path, xlsx: bool) -> list[str]:
    # Returns the files written, relative to ``outdir``, in the order they are reported.
    (outdir / "zoom").mkdir()
    written = ["plan.json"]
    (outdir / "plan.json").write_text(plan.to_json(), encoding="utf-8")
    for table in _zoom_tables(plan):
        written.append(f"zoom/{table.name}.csv")
        write_csv(table, outdir / written[-1])
    schedule = schedule_table(plan, people)
    write_csv(schedule, outdir / "schedule.csv")
    written.append("schedule.csv")
    if xlsx:  # openpyxl needs ~2 s for 1,000 people: only when asked
        sheets = _schedule_sheets(schedule, with_groups=bool(plan.groups))
        write_xlsx(sheets, outdir / "schedule.xlsx")
        written.append("schedule.xlsx")
    (outdir / "schedule.md").write_text(schedule_markdown(plan, people), encoding="utf-8")
    return [*written, "schedule.md"]


def _schedule_sheets(schedule: Table, *, with_groups: bool) -> list[Table]:
    rounds = tuple(row for row in schedule.rows if row[0] != "groups")
    sheets = [Table("rounds", schedule.headers, rounds)]
    if with_groups:
        groups = tuple(row for row in schedule.rows if row[0] == "groups")
        sheets.append(Table("groups", schedule.headers, groups))
    return sheets


def _move_into_place(staging: Path, outdir: Path, files: Sequence[str]) -> None:
    if not outdir.exists():
        staging.rename(outdir)  # one atomic step: the directory appears complete
        return
    for rel in files:
        (outdir / rel).parent.mkdir(exist_ok=True)
        os.replace(staging / rel, outdir / rel)
    # A CSV left from an earlier plan with more rounds would be imported into Zoom by mistake.
    zoom = outdir / "zoom"
    for old in [*zoom.glob("round-*.csv"), zoom / "groups.csv"]:
        if f"zoom/{old.name}" not in files:
            old.unlink(missing_ok=True)


def write_plan_outputs(
    plan: Plan, people: Sequence[Person], outdir: str | os.PathLike[str], *, xlsx: bool = True
) -> list[Path]:
    """Write every output of a plan into ``outdir``, all or nothing.

    Writes ``plan.json``, ``zoom/round-<n>.csv`` for each round, ``zoom/groups.csv`` (when
    the plan has groups), ``schedule.csv``, ``schedule.xlsx`` (with ``xlsx``; sheets
    ``rounds`` and, with groups, ``groups``) and ``schedule.md``.

    Everything is written into a temporary directory next to ``outdir`` first and moved into
    place only when complete, so a failure leaves ``outdir`` as it was. When ``outdir``
    already exists, files of the same names are replaced, other files are kept, and Zoom CSVs
    of rounds this plan does not have are removed.

    Returns
    -------
    list of Path
        The files written, in the order above.

    Raises
    ------
    NotADirectoryError
        When ``outdir`` exists and is not a directory.
    """
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(f"{outdir} exists and is not a directory")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    # Not tempfile.mkdtemp: its 0700 mode would stay on outdir after the rename.
    staging = outdir.with_name(f".{outdir.name}.{uuid.uuid4().hex}.tmp")
    staging.mkdir()
    try:
        files = _write_all(plan, people, staging, xlsx)
        _move_into_place(staging, outdir, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [outdir / rel for rel in files]
