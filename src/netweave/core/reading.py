"""How a table's columns are read: each column's field, how sure, and why; the mode answers.

:func:`read_columns` looks at a header row and the answers under it and says, for every
column, what it is read as (:data:`~netweave.core.columns.TARGETS`), how sure it is and why,
with a few sample answers; and for the mode column, how each distinct answer is read. It
decides in this order:

1. the organizer's :class:`~netweave.core.columns.ColumnMapping`, which always wins;
2. the header: a known phrasing (:data:`~netweave.core.columns.ALIASES`) or a form tool's
   own column (:data:`~netweave.core.columns.FORM_COLUMNS`);
3. the header's key words (:func:`~netweave.core.columns.keyword_target`), kept only when
   the answers fit: a "mode" column whose answers read as live or async, an "email" column
   of addresses;
4. the answers alone, for a column the header says nothing about: addresses, live/async
   answers, time zones; a column about meeting people whose answers name other
   registrants holds requests.

The result is what the command line prints before planning and what the web import shows
in its mapping step; :meth:`ColumnReading.mapping` is the reading as a mapping to remember.

Examples
--------
>>> reading = read_columns(
...     ["Timestamp", "Email Address", "Your name", "Will you join live or asynchronously?"],
...     [(2, ["2026/03/01 10:00", "ana@x.org", "Ana", "Live on the day (Zoom)"]),
...      (3, ["2026/03/01 11:00", "bo@x.org", "Bo", "Asynchronously"])],
... )
>>> [(c.header, c.target) for c in reading.columns]  # doctest: +NORMALIZE_WHITESPACE
[('Timestamp', 'submitted'), ('Email Address', 'email'), ('Your name', 'name'),
 ('Will you join live or asynchronously?', 'mode')]
>>> [(m.answer, m.mode) for m in reading.modes]
[('Live on the day (Zoom)', 'live'), ('Asynchronously', 'async')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netweave.core.available import parse_available
from netweave.core.columns import (
    EXTRA,
    FIELDS,
    NAME_PARTS,
    REQUIRED,
    SKIP,
    SUBMITTED,
    ColumnMapping,
    _norm_header,
    header_target,
    keyword_target,
)
from netweave.core.issues import CellError, Issue
from netweave.core.modes import Mode, read_mode
from netweave.core.zones import read_zone

__all__ = [
    "ColumnGuess",
    "ColumnReading",
    "Layout",
    "ModeAnswer",
    "name_key",
    "read_columns",
    "split_names",
]

Rows = Sequence[tuple[int, Sequence[str]]]

#: answers looked at per column to judge what it holds: enough to be sure, bounded for
#: files of 50,000 rows
SAMPLE_ROWS = 500
#: sample answers shown per column
SAMPLES = 3
_SAMPLE_CHARS = 60
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# what a form's respondent column holds when the form did not ask people to sign in
_NOBODY = frozenset({"", "anonymous", "anonym", "anonyme", "n/a"})
# header words of a column about meeting people, whose answers may name registrants
_MEETING = re.compile(r"\b(meet|connect|talk|chat|introduc\w*|speak|people|who|whom)\b")
# how strongly each source claims a column: when two claim one field, the stronger wins
_MAPPED, _HEADER, _RESPONDENT, _WORDS, _ANSWERS = 4, 3, 2, 1, 0


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each field sits in a row: field -> column index, the columns kept as profile
    text, the submission-time column if there is one, and the columns of a name asked in
    parts (first, then last) when there is no name column."""

    headers: tuple[str, ...]
    fields: dict[str, int]
    extras: tuple[int, ...]
    submitted: int | None = None
    name_parts: tuple[int, ...] = ()

    def has(self, name: str) -> bool:
        """Whether rows give ``name``: its own column, or for the name, its parts."""
        return name in self.fields or (name == "name" and bool(self.name_parts))


@dataclass(frozen=True, slots=True)
class ColumnGuess:
    """How one column is read.

    ``target`` is a field, ``"extra"`` (kept as profile text), ``"submitted"`` or
    ``"skip"``; ``confidence`` runs from 0 to 1 (1 for the organizer's own mapping);
    ``why`` says in words what decided it; ``samples`` are a few distinct answers.
    """

    index: int
    header: str
    target: str
    confidence: float
    why: str
    samples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModeAnswer:
    """One distinct answer in the mode column, how it is read, and the lines that gave it."""

    answer: str
    mode: Mode
    how: str
    clear: bool
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ColumnReading:
    """Every column's reading, the mode answers' readings, and the problems with the header
    row (two columns for one field, a required field missing, a mapping entry that matches
    no column)."""

    columns: tuple[ColumnGuess, ...]
    modes: tuple[ModeAnswer, ...] = ()
    issues: tuple[Issue, ...] = ()
    mode_overrides: Mapping[str, Mode] | None = None

    def layout(self) -> Layout:
        """The reading as positions: what the row parser needs."""
        fields = {c.target: c.index for c in self.columns if c.target in FIELDS}
        extras = tuple(c.index for c in self.columns if c.target == EXTRA)
        submitted = next((c.index for c in self.columns if c.target == SUBMITTED), None)
        parts = tuple(c.index for part in NAME_PARTS for c in self.columns if c.target == part)
        headers = tuple(c.header for c in self.columns)
        return Layout(headers, fields, extras, submitted, () if "name" in fields else parts)

    def mapping(self) -> ColumnMapping:
        """Every named column's target as a :class:`~netweave.core.columns.ColumnMapping`:
        what to remember so that next year's file is read the same way."""
        columns = {c.header: c.target for c in self.columns if c.header}
        return ColumnMapping(columns, dict(self.mode_overrides or {}))


def name_key(name: str) -> str:
    """Case-, accent- and spacing-insensitive key for a person's name.

    Examples
    --------
    >>> name_key(" José  LIMA")
    'jose lima'
    """
    if name.isascii():  # the common case, and 10x faster than decomposing
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


_LIST_SPLIT = re.compile(r"[;\n\r]+")
_COMMA_SPLIT = re.compile(r",|\band\b|&")


def split_names(value: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The people one answer names: split on semicolons and line breaks, and a part that is
    not itself a known name or email split again on commas and "and" (a form's tick-box
    list, or "Ana Lima, Kofi Mensah").

    Examples
    --------
    >>> split_names("Ana Lima, Kofi Mensah; bo@x.org")
    ['Ana Lima', 'Kofi Mensah', 'bo@x.org']
    >>> split_names("Lima, Ana", known=frozenset({"lima, ana"}))
    ['Lima, Ana']
    """
    names: list[str] = []
    for part in (p.strip() for p in _LIST_SPLIT.split(value)):
        if not part:
            continue
        if "@" in part or name_key(part) in known or not _COMMA_SPLIT.search(part):
            names.append(part)
        else:
            names += [p.strip() for p in _COMMA_SPLIT.split(part) if p.strip()]
    return names


# --------------------------------------------------------------------------- answers


def _column(rows: Rows, index: int) -> list[str]:
    return [cells[index].strip() if index < len(cells) else "" for _, cells in rows]


def _share(values: Sequence[str], test: object) -> float:
    """Share of the non-blank values for which ``test`` holds (0 when all are blank)."""
    given = [v for v in values if v]
    return sum(bool(test(v)) for v in given) / len(given) if given else 0.0  # type: ignore[operator]


def _is_zone(value: str) -> bool:
    if len(value) > 60:
        return False
    try:
        read_zone(value)
    except CellError:
        return False
    return True


def _is_mode(value: str) -> bool:
    return read_mode(value).clear


def _is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def _is_rounds(value: str) -> bool:
    try:
        parse_available(value)
    except CellError:
        return False
    return True


_FITS = {"email": _is_email, "mode": _is_mode, "timezone": _is_zone, "available": _is_rounds}


def _samples(values: Sequence[str]) -> tuple[str, ...]:
    found = dict.fromkeys(v for v in values if v)
    cut = (v if len(v) <= _SAMPLE_CHARS else v[: _SAMPLE_CHARS - 1] + "…" for v in found)
    return tuple(cut)[:SAMPLES]


# --------------------------------------------------------------------------- claims


@dataclass(slots=True)
class _Claim:
    index: int
    header: str
    target: str
    strength: int
    confidence: float
    why: str
    values: list[str]


def _first_claim(index: int, header: str, values: list[str], mapping: ColumnMapping) -> _Claim:
    """What the mapping, the header or its key words say about one column."""

    def claim(target: str, strength: int, confidence: float, why: str) -> _Claim:
        return _Claim(index, header, target, strength, confidence, why, values)

    if (mapped := _mapped(header, mapping.columns)) is not None:
        return claim(mapped, _MAPPED, 1.0, "your column map")
    if target := header_target(header, {}):
        if target in (SUBMITTED, SKIP):
            return claim(target, _HEADER, 0.95, "a form tool's own column")
        return claim(target, _HEADER, 0.95, "the header says so")
    target = keyword_target(header)
    if target is None:
        return claim(EXTRA, _ANSWERS, 0.5, "no field's words in the header")
    fits = _FITS.get(target)
    if fits is None or not any(values):
        return claim(target, _WORDS, 0.7, "words in the header")
    share = _share(values, fits)
    if share >= 0.5:
        return claim(target, _WORDS, 0.7 + 0.25 * share, "words in the header, and the answers fit")
    why = f"the header suggests {target}, but the answers do not read as one"
    return claim(EXTRA, _ANSWERS, 0.5, why)


def _mapped(header: str, columns: Mapping[str, str]) -> str | None:
    """The target the mapping gives ``header`` (exact text, then normalised), or ``None``."""
    if header in columns:
        return columns[header]
    key = _norm_header(header)
    return next((t for source, t in columns.items() if _norm_header(source) == key), None)


def _respondent(claims: Sequence[_Claim]) -> None:
    """Microsoft Forms puts the signed-in respondent's "Email" and "Name" after "ID",
    "Start time" and "Completion time": they give way to a question asking the same."""
    keys = [_norm_header(c.header) for c in claims[:3]]
    if keys != ["id", "start time", "completion time"]:
        return
    for claim in claims[3:5]:
        if claim.strength == _HEADER and _norm_header(claim.header) in {"email", "name"}:
            claim.strength = _RESPONDENT
            claim.why = "the form's signed-in respondent"


def _settle(claims: list[_Claim], file: str, line: int) -> list[Issue]:
    """One column per field: the strongest claim wins, an empty or "anonymous" column gives
    way; two equally strong header claims are an error, as the organizer must choose."""
    issues: list[Issue] = []
    for target in (*FIELDS, *NAME_PARTS, SUBMITTED):
        rivals = [c for c in claims if c.target == target]
        if len(rivals) < 2:
            continue
        ranked = sorted(rivals, key=lambda c: (-c.strength, _empty(c), c.index))
        best = ranked[0]
        for other in ranked[1:]:
            tie = (other.strength, _empty(other)) == (best.strength, _empty(best))
            if tie and best.strength >= _HEADER and target != SUBMITTED:
                message = (
                    f"columns {best.header!r} and {other.header!r} both mean {target}: delete "
                    f"one, or map one elsewhere with --columns map.toml (e.g. "
                    f'"{other.header}" = "extra")'
                )
                issues.append(Issue(message, file, line, other.header, code="duplicate-column"))
            nobody = _empty(other)
            other.target = SKIP if nobody else EXTRA
            other.confidence = 0.6
            other.why = (
                f"{'empty or anonymous' if nobody else 'kept'}: {best.header!r} is the {target}"
            )
    return issues


def _empty(claim: _Claim) -> bool:
    return all(v.lower() in _NOBODY for v in claim.values)


def _by_answers(claims: list[_Claim]) -> None:
    """Columns the header says nothing about, read by their answers."""
    taken = {c.target for c in claims}
    for claim in claims:
        if claim.target != EXTRA or claim.strength > _ANSWERS or not any(claim.values):
            continue
        for target, need in (("email", 0.8), ("mode", 0.6), ("timezone", 0.8)):
            share = _share(claim.values, _FITS[target])
            if target not in taken and share >= need:
                claim.target, claim.confidence = target, round(0.8 * share, 2)
                claim.why = f"the answers read as {'live/async' if target == 'mode' else target}"
                taken.add(target)
                break


def _requests(claims: list[_Claim], rows: Rows) -> None:
    """A column about meeting people whose answers mostly name registrants holds requests."""
    if any(c.target == "requests" and c.strength >= _HEADER for c in claims):
        return
    fields = {c.target: c.index for c in claims}
    emails = {v.lower() for v in _column(rows, fields["email"])} if "email" in fields else set()
    known = frozenset(emails) | frozenset(name_key(v) for v in _names(rows, fields))
    if not known:
        return
    for claim in claims:
        about_meeting = claim.target in {"looking_for", "requests"} or (
            claim.target == EXTRA and _MEETING.search(_norm_header(claim.header))
        )
        if not about_meeting or claim.strength >= _MAPPED or not any(claim.values):
            continue
        share = _share(claim.values, lambda v: _names_someone(v, known))
        if share >= 0.5:
            claim.target, claim.confidence = "requests", round(0.6 + 0.35 * share, 2)
            claim.why = "the answers name other registrants"
            return


def _names(rows: Rows, fields: Mapping[str, int]) -> list[str]:
    """Each row's name: its name column, else its first and last name joined."""
    if "name" in fields:
        return _column(rows, fields["name"])
    parts = [_column(rows, fields[p]) for p in NAME_PARTS if p in fields]
    return [" ".join(v for v in row if v) for row in zip(*parts, strict=True)] if parts else []


def _parts_give_way(claims: list[_Claim]) -> None:
    """With a name column of its own, a table's first/last name columns are not needed."""
    name = next((c for c in claims if c.target == "name"), None)
    for claim in claims:
        if name is not None and claim.target in NAME_PARTS:
            claim.target, claim.confidence = SKIP, 0.6
            claim.why = f"not needed: {name.header!r} is the name"


def _names_someone(value: str, known: frozenset[str]) -> bool:
    return any(
        name_key(n) in known or n.lower() in known or _embedded(n, known)
        for n in split_names(value, known)
    )


def _embedded(text: str, known: frozenset[str]) -> bool:
    return "@" in text and any(w.strip("<>()[],;").lower() in known for w in text.split())


# --------------------------------------------------------------------------- read_columns


def read_columns(
    headers: Sequence[str],
    rows: Rows,
    mapping: ColumnMapping | Mapping[str, str] | None = None,
    *,
    file: str = "",
    line: int = 1,
) -> ColumnReading:
    """How each column of a table is read, how sure that is, and why.

    Parameters
    ----------
    headers
        The header row, stripped.
    rows
        ``(line, cells)`` for the rows under it; only the first :data:`SAMPLE_ROWS` are
        looked at to judge a column, all of them for the mode answers.
    mapping
        The organizer's mapping (or a plain header -> target dict); it always wins.
    file, line
        Where the header row is, for the issues.

    Returns
    -------
    ColumnReading
        A :class:`ColumnGuess` per column in file order, a :class:`ModeAnswer` per distinct
        mode answer in order of first appearance, and the header row's issues.

    Examples
    --------
    A column the header says nothing about, whose answers are addresses, holds the emails;
    one about meeting whose answers name registrants holds requests:

    >>> reading = read_columns(
    ...     ["Who are you?", "Contact", "Anyone to meet?"],
    ...     [(2, ["Ana Lima", "ana@x.org", "Bo Chen"]), (3, ["Bo Chen", "bo@x.org", ""])],
    ...     {"Who are you?": "name"},
    ... )
    >>> [(c.target, c.why) for c in reading.columns]  # doctest: +NORMALIZE_WHITESPACE
    [('name', 'your column map'), ('email', 'the answers read as email'),
     ('requests', 'the answers name other registrants')]
    """
    if not isinstance(mapping, ColumnMapping):
        mapping = ColumnMapping(dict(mapping or {}))
    sample = rows[:SAMPLE_ROWS]
    claims = [
        _first_claim(i, h, _column(sample, i), mapping) if h else _blank_header(i, sample)
        for i, h in enumerate(headers)
    ]
    _respondent(claims)
    issues = _settle(claims, file, line)
    _by_answers(claims)
    _requests(claims, sample)
    issues += _settle(claims, file, line)
    _parts_give_way(claims)
    columns = tuple(
        ColumnGuess(c.index, c.header, c.target, round(c.confidence, 2), c.why, _samples(c.values))
        for c in claims
    )
    reading = ColumnReading(columns, (), (), mapping.modes)
    layout = reading.layout()
    fields = layout.fields
    issues += _missing_columns(headers, layout, file, line)
    issues += _unused_map_entries(headers, mapping.columns, file, line)
    modes = _mode_answers(rows, fields["mode"], mapping.modes) if "mode" in fields else ()
    return ColumnReading(columns, modes, tuple(issues), mapping.modes)


def _blank_header(index: int, sample: Rows) -> _Claim:
    values = _column(sample, index)
    return _Claim(index, "", EXTRA, _ANSWERS, 0.5, "no header", values)


def _mode_answers(rows: Rows, index: int, overrides: Mapping[str, Mode]) -> tuple[ModeAnswer, ...]:
    lines: dict[str, list[int]] = {}
    for line, cells in rows:
        answer = cells[index].strip() if index < len(cells) else ""
        lines.setdefault(answer, []).append(line)
    readings = {a: read_mode(a, dict(overrides)) for a in lines}
    return tuple(
        ModeAnswer(a, r.mode, r.how, r.clear, tuple(lines[a])) for a, r in readings.items()
    )


def _missing_columns(headers: Sequence[str], layout: Layout, file: str, line: int) -> list[Issue]:
    found = ", ".join(repr(h) for h in headers if h) or "none"
    return [
        Issue(
            f"missing required column {name!r} (found: {found}); if one of these holds it, "
            f'say so in a column map and pass --columns map.toml: [columns] "Header" = "{name}"',
            file,
            line,
            code="missing-column",
        )
        for name in REQUIRED
        if not layout.has(name)
    ]


def _unused_map_entries(
    headers: Sequence[str], columns: Mapping[str, str], file: str, line: int
) -> list[Issue]:
    # A map entry that matches nothing is almost always a typo in the header text.
    present = {_norm_header(h) for h in headers}
    return [
        Issue(
            f"the column map names {source!r} but the table has no such column",
            file,
            line,
            level="warning",
            code="unused-column-map",
        )
        for source in columns
        if _norm_header(source) not in present
    ]
