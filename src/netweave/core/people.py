"""Reading and validating registration tables into immutable :class:`Person` records.

An import runs in three steps, each its own module, so that the web app can stop between
them and show the organizer how their file is read:

1. :func:`~netweave.core.tables.read_table`: the file's rows as text, with line numbers;
2. :func:`~netweave.core.reading.read_columns`: what each column holds, by its header and
   its answers, overridden by the organizer's :class:`~netweave.core.columns.ColumnMapping`;
3. :func:`apply_mapping`: the rows read into :class:`Person` records, here.

:func:`read_people` does all three. Columns that are no field are kept as free-text profile
fields (:attr:`Person.extra`), never rejected. Reading never stops at the first problem: every
error in the file is raised together (:class:`~netweave.core.issues.RegistrationError`),
because an organizer fixing a spreadsheet wants the whole list at once. What does not make
the table unusable is a warning on the :class:`Roster`: a request naming nobody, a second
submission by one person (the latest wins), a mode answer or a time zone that needed reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process, utils

from netweave.core.available import parse_available
from netweave.core.cells import control_character, formula_problem
from netweave.core.columns import REQUIRED, ColumnMapping, check_targets
from netweave.core.issues import CellError, Issue, RegistrationError
from netweave.core.modes import Mode, ModeReading
from netweave.core.reading import ColumnReading, Layout, name_key, read_columns, split_names
from netweave.core.submissions import latest_submissions
from netweave.core.tables import Table, read_rows, read_table
from netweave.core.zones import read_zone

__all__ = [
    "Mode",
    "Person",
    "Roster",
    "apply_mapping",
    "organization_key",
    "read_history",
    "read_people",
    "same_organization",
]


@dataclass(frozen=True, slots=True)
class Person:
    """One registrant. ``id`` is the lower-cased email and the key everywhere else."""

    id: str
    email: str
    name: str
    mode: Mode = "live"
    timezone: str = "UTC"
    location: str = ""
    community: str = ""
    interests: tuple[str, ...] = ()
    about: str = ""
    looking_for: str = ""
    #: ids of the people this person asked to meet (resolved from emails or names)
    requests: tuple[str, ...] = ()
    #: ids of the people this person does not want to meet
    avoid: tuple[str, ...] = ()
    #: columns we do not know, kept as free-text profile fields, in file order
    extra: tuple[tuple[str, str], ...] = ()
    #: line of the source file this person came from (1 = header), 0 when not from a file
    line: int = 0
    #: topics this person can help others with, lower-cased
    offers: tuple[str, ...] = ()
    #: topics this person looks for help with, lower-cased
    seeks: tuple[str, ...] = ()
    #: the rounds (from 1) this person can attend; empty = every round
    available: tuple[int, ...] = ()
    #: where they work; people of one organization do not meet one-on-one (a rule)
    organization: str = ""
    #: first time at the event (a "first-timer"); everyone else is a veteran
    first_time: bool = False
    #: the kind of community they manage ("open source", "research lab"), for the optional
    #: rule that everyone meets someone of another kind
    community_kind: str = ""

    @property
    def is_async(self) -> bool:
        return self.mode == "async"


def organization_key(p: Person) -> str:
    """The organization compared: case, spacing and a trailing dot do not matter.

    >>> organization_key(Person("a", "a", "A", organization=" ACME  Inc. "))
    'acme inc'
    """
    return " ".join(p.organization.casefold().split()).rstrip(".")


def same_organization(a: Person, b: Person) -> bool:
    """Whether two people work at one organization (both gave one, and it is the same).

    Examples
    --------
    >>> ana = Person("a", "a", "Ana", organization="Mensah Lab")
    >>> bo = Person("b", "b", "Bo", organization="mensah lab ")
    >>> same_organization(ana, bo), same_organization(ana, Person("c", "c", "Cy"))
    (True, False)
    """
    key = organization_key(a)
    return bool(key) and key == organization_key(b)


@dataclass(frozen=True, slots=True)
class Roster:
    """The people read from a table, in file order, the warnings about it, and how its
    columns were read (``None`` when the roster was not read from a file)."""

    people: tuple[Person, ...]
    warnings: tuple[Issue, ...] = field(default=())
    columns: ColumnReading | None = None

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}


# --------------------------------------------------------------------------- values


def _parse_email(value: str) -> str:
    if not value:
        raise CellError("missing email", "bad-email")
    local, _, domain = value.partition("@")
    if any(c.isspace() for c in value):
        reason = "it contains a space"
    elif value.count("@") != 1 or not local:
        reason = "it needs exactly one @ with a name before it"
    elif "." not in domain or not all(domain.split(".")):
        reason = "the part after @ needs a dot, like example.org"
    elif formula := formula_problem(value):
        reason = f"{formula}: ask the person for the address they really use"
    else:
        return value
    raise CellError(f"malformed email {value!r}: {reason}", "bad-email")


def _parse_name(value: str) -> str:
    if not value:
        raise CellError("empty name: every registrant needs a name", "empty-name")
    return " ".join(value.split())


# a tick-box answer ("Onboarding, Mentoring, Events") is a list, as are lines and semicolons
_TAG_SPLIT = re.compile(r"[;,\n\r]+")


def _split_interests(value: str) -> tuple[str, ...]:
    tags = (" ".join(tag.lower().split()) for tag in _TAG_SPLIT.split(value))
    return tuple(dict.fromkeys(t for t in tags if t))


_YES = frozenset({"yes", "y", "yeah", "yep", "ja", "oui", "si", "sí", "true", "1", "x", "first"})
_NO = frozenset({"no", "n", "nope", "nein", "non", "false", "0", "not", "returning", "veteran"})


def _parse_yes_no(value: str) -> bool:
    """A yes/no answer, read by its first word ("Yes, my first!", "No - third time"); an
    empty one is no. Raises :class:`CellError` for an answer that is neither."""
    words = re.findall(r"[\w']+", value.lower())
    if not words:
        return False
    if words[0] in _YES or words[:2] == ["first", "time"]:
        return True
    if words[0] in _NO:
        return False
    raise CellError(f"first_time {value!r} is neither yes nor no: write yes or no", "bad-yes-no")


# --------------------------------------------------------------------------- rows


@dataclass(slots=True)
class _Draft:
    """A parsed row; requests and avoid still hold the raw answers.

    Rows with errors are kept too (``valid=False``, bad values ``None``), with their issues,
    so that a later submission by the same person can replace them.
    """

    values: dict[str, object]
    requests: str
    avoid: str
    line: int
    valid: bool
    submitted: str = ""
    issues: list[Issue] = field(default_factory=list)
    #: the time-zone answer and how it was read, when that needs a warning
    zone_note: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    layout: Layout
    modes: Mapping[str, ModeReading]
    file: str


def _cell(cells: Sequence[str], layout: Layout, name: str) -> str:
    index = layout.fields.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _name_cell(cells: Sequence[str], layout: Layout) -> str:
    """The name: its column, or the first and last name joined (``"Ana" "Lima"``)."""
    if "name" in layout.fields or not layout.name_parts:
        return _cell(cells, layout, "name")
    return " ".join(
        cells[i].strip() for i in layout.name_parts if _has(cells, i) and cells[i].strip()
    )


def _parse_row(cells: list[str], line: int, ctx: _Context) -> _Draft:
    layout, file = ctx.layout, ctx.file
    issues = _control_issues(cells, line, layout.headers, file)

    def checked(name: str, parse: Callable[[str], object], value: str | None = None) -> object:
        try:
            return parse(_cell(cells, layout, name) if value is None else value)
        except CellError as exc:
            index = layout.fields.get(name)
            if index is None and name == "name" and layout.name_parts:
                index = layout.name_parts[0]
            column = layout.headers[index] if index is not None else name
            issues.append(Issue(str(exc), file, line, column, code=exc.code))
            return None

    location = _cell(cells, layout, "location")
    zone = checked("timezone", lambda v: read_zone(v, location))
    mode = ctx.modes.get(_cell(cells, layout, "mode"))
    values: dict[str, object] = {
        "email": checked("email", _parse_email) if "email" in layout.fields else None,
        "name": checked("name", _parse_name, _name_cell(cells, layout))
        if layout.has("name")
        else None,
        "mode": mode.mode if mode else "live",
        "timezone": zone.zone if zone else None,  # type: ignore[attr-defined]
        "interests": _split_interests(_cell(cells, layout, "interests")),
        "extra": _extras(cells, layout),
        "location": location,
        **{k: _cell(cells, layout, k) for k in ("community", "about", "looking_for")},
        "offers": _split_interests(_cell(cells, layout, "offers")),
        "seeks": _split_interests(_cell(cells, layout, "seeks")),
        "available": checked("available", parse_available),
        "organization": " ".join(_cell(cells, layout, "organization").split()),
        "first_time": checked("first_time", _parse_yes_no),
        "community_kind": " ".join(_cell(cells, layout, "community_kind").split()),
    }
    valid = not issues and all(layout.has(name) for name in REQUIRED)
    issues += _overflow(cells, line, layout, file)
    submitted = cells[layout.submitted].strip() if _has(cells, layout.submitted) else ""
    draft = _Draft(
        values,
        _cell(cells, layout, "requests"),
        _cell(cells, layout, "avoid"),
        line,
        valid,
        submitted,
        issues,
    )
    if zone and zone.note:  # type: ignore[attr-defined]
        draft.zone_note = (_cell(cells, layout, "timezone"), zone.note)  # type: ignore[attr-defined]
    return draft


def _has(cells: Sequence[str], index: int | None) -> bool:
    return index is not None and index < len(cells)


def _control_issues(
    cells: Sequence[str], line: int, headers: Sequence[str], file: str
) -> list[Issue]:
    # NUL and the other control characters have no place in a cell (PostgreSQL refuses NUL);
    # one search per row, and a look at each cell only when it finds one
    if control_character("".join(cells)) is None:
        return []
    issues = []
    for index, cell in enumerate(cells):
        if what := control_character(cell):
            header = headers[index] if index < len(headers) else ""
            message = (
                f"the cell holds {what}, which has no place in text: delete it (it comes from "
                "a damaged export or from copying out of another program)"
            )
            column = header or f"column {index + 1}"
            issues.append(Issue(message, file, line, column, code="control-character"))
    return issues


def _extras(cells: Sequence[str], layout: Layout) -> tuple[tuple[str, str], ...]:
    # a short row (trailing empty cells left out by the exporter) has nothing in the rest
    pairs = (
        (layout.headers[i] or f"column {i + 1}", cells[i].strip())
        for i in layout.extras
        if i < len(cells)
    )
    return tuple((header, value) for header, value in pairs if value)


def _overflow(cells: Sequence[str], line: int, layout: Layout, file: str) -> list[Issue]:
    # More values than headers usually means an unquoted delimiter inside a value.
    surplus = [c for c in cells[len(layout.headers) :] if c.strip()]
    if not surplus:
        return []
    message = (
        f"{len(surplus)} value(s) past the last column were ignored ({surplus[0]!r}...): "
        "is there an unquoted comma or semicolon in this row?"
    )
    return [Issue(message, file, line, level="warning", code="extra-values")]


# --------------------------------------------------------------------------- answers read


def _or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _lines_text(lines: Sequence[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    more = f" and {len(lines) - limit} more" if len(lines) > limit else ""
    return f"line{'s' if len(lines) > 1 else ''} {shown}{more}"


def _mode_warnings(reading: ColumnReading, kept: set[int], file: str) -> list[Issue]:
    """One warning per unclear mode answer, with the lines that gave it."""
    layout = reading.layout()
    column = layout.headers[layout.fields["mode"]] if "mode" in layout.fields else "mode"
    issues = []
    for answer in reading.modes:
        lines = [n for n in answer.lines if n in kept]
        if answer.clear or not lines:
            continue
        message = (
            f"mode answer {answer.answer!r} ({_lines_text(lines)}) is unclear: {answer.how}; "
            f'say how to read it in the column map: [modes] "{answer.answer}" = "async"'
        )
        issues.append(Issue(message, file, lines[0], column, "warning", "unclear-mode"))
    return issues


def _zone_warnings(drafts: Sequence[_Draft], column: str, file: str) -> list[Issue]:
    """One warning per time-zone answer that was not an IANA name, with its lines."""
    found: dict[tuple[str, str], list[int]] = {}
    for draft in drafts:
        if draft.zone_note:
            found.setdefault(draft.zone_note, []).append(draft.line)
    return [
        Issue(
            f"{note} ({_lines_text(lines)})", file, lines[0], column, "warning", "timezone-reading"
        )
        for (_, note), lines in found.items()
    ]


# --------------------------------------------------------------------------- requests

#: fuzzy "did you mean" lookups per file; the summary only shows a few examples anyway, and
#: a file with thousands of unknown names must not take minutes to read
_FUZZY_BUDGET = 20
_EMBEDDED_EMAIL = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


class _Resolver:
    """Turns the names and emails people typed into registrant ids.

    Exact lookups go through dicts; fuzzy "did you mean" searches run only for misses and
    at most :data:`_FUZZY_BUDGET` times per file.
    """

    def __init__(self, drafts: Sequence[_Draft], file: str, headers: Mapping[str, str]) -> None:
        self.file = file
        self.headers = headers
        emails = [str(d.values["email"]) for d in drafts]
        names = [str(d.values["name"]) for d in drafts]
        self.ids = {e.lower() for e in emails}
        self.by_name: dict[str, list[str]] = {}
        self.by_word: dict[str, list[str]] = {}
        for name, email in zip(names, emails, strict=True):
            key = name_key(name)
            self.by_name.setdefault(key, []).append(email.lower())
            for word in set(key.split()):
                self.by_word.setdefault(word, []).append(name)
        # processed once here rather than on every lookup: thousands of choices add up
        self.choices = {"names": names, "emails": emails}
        self.processed = {k: [utils.default_process(c) for c in v] for k, v in self.choices.items()}
        self.known = frozenset(self.ids | self.by_name.keys())
        self.budget = _FUZZY_BUDGET
        self.suggested: dict[str, list[str]] = {}

    def resolve(self, draft: _Draft, kind: str) -> tuple[tuple[str, ...], list[Issue]]:
        owner = str(draft.values["email"]).lower()
        ids: list[str] = []
        issues: list[Issue] = []
        for entry in split_names(getattr(draft, kind), self.known):
            found, issue = self._one(entry, kind, draft.line)
            if issue:
                issues.append(issue)
            elif found == owner:
                message = f"{entry!r} in {kind} is this person themself; dropped"
                issues.append(self._warn(message, draft.line, kind, "self-reference"))
            elif found:
                ids.append(found)
        return tuple(dict.fromkeys(ids)), issues

    def _one(self, entry: str, kind: str, line: int) -> tuple[str | None, Issue | None]:
        email = _EMBEDDED_EMAIL.search(entry) if "@" in entry else None
        if email and email.group().lower() in self.ids:
            return email.group().lower(), None
        ids = [] if email else self.by_name.get(name_key(entry), [])
        if len(ids) == 1:
            return ids[0], None
        if ids:
            shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
            message = (
                f"{entry!r} in {kind} matches {len(ids)} registrants ({shown}): "
                "write their email instead; dropped"
            )
            return None, self._warn(message, line, kind, "ambiguous-name")
        hint = _or_list(self._suggest(entry, "emails" if email else "names"))
        advice = f": did you mean {hint}?" if hint else ""
        message = f"{entry!r} in {kind} matches no registrant{advice}"
        code = "unknown-request" if kind == "requests" else "unknown-avoid"
        return None, self._warn(message, line, kind, code)

    def _suggest(self, entry: str, kind: Literal["names", "emails"], limit: int = 3) -> list[str]:
        key = name_key(entry)
        if key not in self.suggested and self.budget > 0:
            self.budget -= 1
            # QRatio catches typos ("Jon Smith") at a twentieth of WRatio's cost; the word
            # index catches partial names ("Smith" -> "Jane Smith") that QRatio scores low.
            hits = process.extract(
                utils.default_process(entry),
                self.processed[kind],
                scorer=fuzz.QRatio,
                limit=limit,
                score_cutoff=80,
            )
            fuzzy = [self.choices[kind][i] for _, _, i in hits]
            partial = self.by_word.get(key, []) if kind == "names" else []
            self.suggested[key] = list(dict.fromkeys(fuzzy + partial))[:limit]
        return self.suggested.get(key, [])

    def _warn(self, message: str, line: int, kind: str, code: str) -> Issue:
        column = self.headers.get(kind, kind)
        return Issue(message, self.file, line, column, level="warning", code=code)


def _people(
    drafts: Sequence[_Draft], file: str, headers: Mapping[str, str]
) -> tuple[tuple[Person, ...], list[Issue]]:
    resolver = _Resolver(drafts, file, headers)
    people: list[Person] = []
    issues: list[Issue] = []
    for draft in drafts:
        requests, request_issues = resolver.resolve(draft, "requests")
        avoid, avoid_issues = resolver.resolve(draft, "avoid")
        issues += request_issues + avoid_issues
        email = str(draft.values["email"])
        people.append(
            Person(
                id=email.lower(), requests=requests, avoid=avoid, line=draft.line, **draft.values
            )
        )
    return tuple(people), issues


# --------------------------------------------------------------------------- read_people


def _by_line(issues: Iterable[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: i.line or 0)


def _as_mapping(columns: ColumnMapping | Mapping[str, str] | None) -> ColumnMapping:
    return columns if isinstance(columns, ColumnMapping) else ColumnMapping(dict(columns or {}))


def apply_mapping(table: Table, mapping: ColumnMapping | Mapping[str, str] | None = None) -> Roster:
    """Read a table's rows into people, with its columns read as ``mapping`` says.

    Parameters
    ----------
    table
        From :func:`~netweave.core.tables.read_table`.
    mapping
        The organizer's mapping (for instance :meth:`ColumnReading.mapping
        <netweave.core.reading.ColumnReading.mapping>` with one column changed); columns it
        does not name are read as :func:`~netweave.core.reading.read_columns` guesses.

    Returns
    -------
    Roster
        Every person in file order (one per email: the latest submission), the warnings,
        and the column reading used.

    Raises
    ------
    RegistrationError
        With every error in the rows that are used, sorted by line; nothing partial.

    Examples
    --------
    >>> table = Table(
    ...     ("Mail", "Name", "Format"),
    ...     ((2, ["ana@x.org", "Ana", "Not sure yet"]), (3, ["bo@x.org", "Bo", "live"])),
    ...     "form.csv",
    ... )
    >>> mapping = ColumnMapping({"Format": "mode"}, {"Not sure yet": "async"})
    >>> [(p.id, p.mode) for p in apply_mapping(table, mapping).people]
    [('ana@x.org', 'async'), ('bo@x.org', 'live')]
    """
    mapping = _as_mapping(mapping)
    file = table.file
    reading = read_columns(table.header, table.rows, mapping, file=file, line=table.header_line)
    layout = reading.layout()
    issues = list(reading.issues)
    issues += _control_issues(table.raw_header or table.header, table.header_line, (), file)
    modes = {m.answer: ModeReading(m.mode, m.how, m.clear) for m in reading.modes}
    ctx = _Context(layout, modes, file)
    drafts = [_parse_row(cells, line, ctx) for line, cells in table.rows]
    headers = {name: layout.headers[index] for name, index in layout.fields.items()}
    keys = [(_key(d), d.line, d.submitted) for d in drafts]
    kept, duplicates = latest_submissions(keys, file, headers.get("email", "email"))
    drafts = [drafts[i] for i in kept]
    issues += [i for d in drafts for i in d.issues] + duplicates
    if errors := [i for i in issues if i.level == "error"]:
        raise RegistrationError(_by_line(errors))
    valid = [d for d in drafts if d.valid]
    people, resolve_issues = _people(valid, file, headers)
    issues += _mode_warnings(reading, {d.line for d in valid}, file)
    issues += _zone_warnings(valid, headers.get("timezone", "timezone"), file)
    return Roster(people, tuple(_by_line(issues + resolve_issues)), reading)


def _key(draft: _Draft) -> str | None:
    email = draft.values["email"]
    return None if email is None else str(email).lower()


def read_people(
    path: str | Path,
    columns: ColumnMapping | Mapping[str, str] | None = None,
    *,
    label: str | None = None,
) -> Roster:
    """Read and validate a registration table (CSV, TSV or XLSX) into a :class:`Roster`.

    Parameters
    ----------
    path
        ``.csv``/``.tsv``/``.txt`` (UTF-8, with or without BOM; comma, semicolon or tab
        delimited, guessed from the header) or ``.xlsx`` (first sheet).
    columns
        A :class:`~netweave.core.columns.ColumnMapping`, or a plain source header -> target
        dict (see :func:`~netweave.core.columns.load_column_map`). It overrides what the
        headers and answers suggest.
    label
        The file name used in issues; defaults to ``path`` as given.

    Returns
    -------
    Roster
        Every person in file order, the warnings (unresolved requests, repeated
        submissions, unclear mode answers, time zones read from a city ...) and how the
        columns were read (:attr:`Roster.columns`).

    Raises
    ------
    RegistrationError
        With every error in the file, sorted by line; nothing partial is returned.

    Notes
    -----
    Headers are matched after lower-casing, dropping apostrophes and turning runs of other
    non-alphanumerics into single spaces: ``"What's your name?"`` becomes ``"whats your
    name"``; see :mod:`netweave.core.reading` for how headers and answers decide a column.
    Requests and avoid entries are resolved to ids once all rows are read; names are
    matched ignoring case, accents and spacing. Reading is linear in the rows (10,000 rows
    take well under a second).

    Examples
    --------
    A form export with its own headers, a tick-box list and a request by name:

    >>> import tempfile
    >>> table = (
    ...     "Your name,Email Address,Topics,Anyone you'd like to meet in particular?\\n"
    ...     'Ana Lima,Ana@Example.org,"Mentoring, Events",Kofi Mensah\\n'
    ...     "Kofi Mensah,kofi@example.org,events,\\n"
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "registrations.csv"
    ...     _ = path.write_text(table, encoding="utf-8")
    ...     roster = read_people(path, label="registrations.csv")
    >>> ana = roster.people[0]
    >>> ana.id, ana.interests, ana.requests
    ('ana@example.org', ('mentoring', 'events'), ('kofi@example.org',))
    """
    file = str(path) if label is None else label
    mapping = _as_mapping(columns)
    if bad := _check_mapping(mapping):
        raise RegistrationError(bad)
    return apply_mapping(read_table(path, file, mapping.columns), mapping)


def _check_mapping(mapping: ColumnMapping) -> list[Issue]:
    return check_targets(mapping.columns, "<column map>")


# --------------------------------------------------------------------------- history


def read_history(path: str | Path) -> list[tuple[str, str]]:
    """Read the pairs of people who met before: rows ``a,b`` of emails.

    Parameters
    ----------
    path
        A CSV (or XLSX) file; a first row without any ``@`` is taken as a header. Columns
        after the first two (a year, a note) are ignored.

    Returns
    -------
    list[tuple[str, str]]
        Lower-cased email pairs in file order.

    Raises
    ------
    RegistrationError
        Listing every malformed row with its line number.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "history.csv"
    ...     _ = path.write_text("a,b,year\\nAna@x.org,kofi@x.org,2024\\n", encoding="utf-8")
    ...     read_history(path)
    [('ana@x.org', 'kofi@x.org')]
    """
    label = str(path)
    pairs: list[tuple[str, str]] = []
    issues: list[Issue] = []
    rows = [r for r in read_rows(Path(path), label) if any(c.strip() for c in r[1])]
    if rows and not any("@" in c for c in rows[0][1]):
        rows = rows[1:]
    for line, cells in rows:
        issues += _control_issues(cells, line, (), label)
        pair, problem = _history_pair(cells)
        if problem:
            issues.append(Issue(problem, label, line, code="bad-history"))
        elif pair:
            pairs.append(pair)
    if issues:
        raise RegistrationError(issues)
    return pairs


def _history_pair(cells: Sequence[str]) -> tuple[tuple[str, str] | None, str | None]:
    values = [c.strip() for c in cells[:2]]
    if len(values) < 2 or not all(values):
        return None, "a history row needs two emails: a,b"
    try:
        a, b = (_parse_email(v).lower() for v in values)
    except CellError as exc:
        return None, str(exc)
    if a == b:
        return None, f"{a} is paired with themself"
    return (a, b), None
