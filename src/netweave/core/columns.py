"""The canonical columns of a registration table, and how a form's headers map onto them.

The canonical table is ``email,name,mode,timezone,location,community,interests,about,
looking_for,requests,avoid`` (:data:`FIELDS`). Real form exports use other headers:
:data:`ALIASES` maps the common ones ("What's your name?" -> ``name``), and a column map
(:func:`load_column_map`) handles the rest. :func:`read_layout` finds where each field sits
in a table from its header row.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from netweave.core.issues import Issue, RegistrationError

__all__ = [
    "ALIASES",
    "EXTRA",
    "FIELDS",
    "REQUIRED",
    "Layout",
    "check_targets",
    "header_target",
    "load_column_map",
    "read_layout",
]

#: the canonical columns, in the canonical order
FIELDS: tuple[str, ...] = (
    "email",
    "name",
    "mode",
    "timezone",
    "location",
    "community",
    "interests",
    "about",
    "looking_for",
    "requests",
    "avoid",
)
#: columns a table cannot do without
REQUIRED: tuple[str, ...] = ("email", "name")
#: a column-map target meaning "keep this column as a free-text profile field"; it lets an
#: organizer demote a column that an alias would otherwise claim (Microsoft Forms exports
#: carry both a respondent "Email" and the question "Your email")
EXTRA = "extra"

_APOSTROPHES = re.compile(r"['’`´]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# words that decorate a form question without changing what it asks for
_FILLER = frozenset({"your", "please", "enter", "the", "address", "optional", "required"})


def _norm_header(text: str) -> str:
    """``"What's your name?"`` -> ``"whats your name"``: the key :data:`ALIASES` uses."""
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).lower())
    return _NON_ALNUM.sub(" ", text).strip()


def _loose_header(text: str) -> str:
    """A second, looser key: no parenthetical hints, no filler words."""
    words = _norm_header(_PARENTHESES.sub(" ", text)).split()
    return " ".join(w for w in words if w not in _FILLER)


_ALIAS_PHRASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email", "e-mail", "email address", "e-mail address", "your email", "your e-mail",
        "your email address", "contact email", "work email", "email of participant",
    ),
    "name": (
        "name", "full name", "your name", "your full name", "what's your name",
        "what is your name", "first and last name", "participant name", "attendee name",
    ),
    "mode": (
        "mode", "how will you join", "how will you participate", "participation",
        "participation mode", "live or async", "live or asynchronous", "attendance mode",
    ),
    "timezone": (
        "timezone", "time zone", "tz", "your time zone", "your timezone",
        "what time zone are you in", "which time zone are you in", "what is your time zone",
    ),
    "location": (
        "location", "where are you based", "where are you located", "city", "country",
        "city country", "based in", "your location",
    ),
    "community": (
        "community", "community name", "your community", "which community do you manage",
        "which community are you part of",
    ),
    "interests": (
        "interests", "topics", "tags", "your interests", "topics of interest",
        "areas of interest", "what are your interests",
    ),
    "about": (
        "about", "about you", "about yourself", "bio", "short bio", "tell us about yourself",
        "introduce yourself",
    ),
    "looking_for": (
        "looking_for", "looking for", "what are you looking for",
        "who would you most like to meet", "who would you like to meet",
    ),
    "requests": (
        "requests", "request", "people you'd like to meet (names or emails)",
        "people you'd like to meet", "people you would like to meet",
        "who do you want to meet by name", "specific people you'd like to meet",
    ),
    "avoid": (
        "avoid", "people to avoid", "anyone you'd prefer not to meet",
        "anyone you would prefer not to meet", "who would you prefer not to meet",
        "do not match me with",
    ),
}  # fmt: skip

#: normalised header text -> canonical field (see :func:`~netweave.core.people.read_people`
#: for the normalisation)
ALIASES: dict[str, str] = {
    _norm_header(phrase): name for name, phrases in _ALIAS_PHRASES.items() for phrase in phrases
}
_LOOSE_ALIASES: dict[str, str] = {
    _loose_header(phrase): name for name, phrases in _ALIAS_PHRASES.items() for phrase in phrases
}


def _alias(header: str) -> str | None:
    """The canonical field a form header stands for, or ``None`` for a column we keep as-is."""
    return ALIASES.get(_norm_header(header)) or _LOOSE_ALIASES.get(_loose_header(header))


def check_targets(columns: Mapping[str, str], file: str, text: str = "") -> list[Issue]:
    """An error for every column-map entry whose target is neither a field nor ``"extra"``;
    ``text`` (the map's TOML) lets an error name its line.

    Examples
    --------
    >>> issues = check_targets({"Mail": "email", "Topic": "topics"}, "map.toml")
    >>> [i.message.split(";")[0] for i in issues]
    ["column 'Topic' maps to 'topics', which is not a field"]
    """
    valid = ", ".join((*FIELDS, EXTRA))
    issues = []
    for source, target in columns.items():
        if target not in FIELDS and target != EXTRA:
            message = (
                f"column {source!r} maps to {target!r}, which is not a field; use one of {valid}"
            )
            line = _toml_line(text, source) if text else None
            issues.append(Issue(message, file, line, code="bad-column-map"))
    return issues


def _toml_line(text: str, key: str) -> int | None:
    """The line where ``key`` is assigned, so the error points at it (tomllib keeps no lines)."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith((f'"{key}"', f"'{key}'", f"{key} ", f"{key}=")):
            return number
    return None


def load_column_map(path: str | Path) -> dict[str, str]:
    """Read a TOML column map: source header -> canonical field.

    Parameters
    ----------
    path
        A TOML file with a ``[columns]`` table, for example::

            [columns]
            "What is your favourite topic?" = "interests"
            "Mail" = "email"

        A target may also be ``"extra"`` to keep a column as a free-text profile field even
        though an alias would claim it.

    Returns
    -------
    dict[str, str]
        The mapping, to pass as ``columns`` to :func:`~netweave.core.people.read_people`.

    Raises
    ------
    RegistrationError
        When the file is not TOML, has no ``[columns]`` table, or maps to an unknown field.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "map.toml"
    ...     _ = path.write_text('[columns]\\n"Mail" = "email"\\n"Topic" = "interests"\\n')
    ...     load_column_map(path)
    {'Mail': 'email', 'Topic': 'interests'}
    """
    label = str(path)
    text = Path(path).read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistrationError(
            [Issue(f"not valid TOML: {exc}", label, code="bad-column-map")]
        ) from None
    table = data.get("columns")
    if not isinstance(table, dict):
        message = 'no [columns] table: write [columns] and then lines like "Mail" = "email"'
        raise RegistrationError([Issue(message, label, code="bad-column-map")])
    not_text = [k for k, v in table.items() if not isinstance(v, str)]
    issues = [
        Issue(f"column {k!r}: the target must be a quoted field name", label, _toml_line(text, k))
        for k in not_text
    ]
    columns = {k: v for k, v in table.items() if isinstance(v, str)}
    issues += check_targets(columns, label, text)
    if issues:
        raise RegistrationError(issues)
    return columns


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each field sits in a row: field -> column index, plus the columns kept as extra."""

    headers: tuple[str, ...]
    fields: dict[str, int]
    extras: tuple[int, ...]


def header_target(header: str, columns: Mapping[str, str]) -> str | None:
    """The field for one header: the explicit map wins (exact text, then normalised), then
    :data:`ALIASES`; ``None`` for a column kept as a free-text profile field.

    Examples
    --------
    >>> header_target("What's your name?", {})
    'name'
    >>> header_target("Email (work, please)", {})
    'email'
    >>> header_target("mail", {"Mail": "email"}), header_target("Shoe size", {})
    ('email', None)
    """
    if header in columns:
        return columns[header]
    key = _norm_header(header)
    for source, target in columns.items():
        if _norm_header(source) == key:
            return target
    return _alias(header)


def read_layout(
    headers: Sequence[str], columns: Mapping[str, str], file: str, line: int = 1
) -> tuple[Layout, list[Issue]]:
    """Where each field sits in a table whose header row (line ``line`` of ``file``) is
    ``headers``, and the problems with it: two columns meaning one field, a required column
    missing (errors), a column-map entry matching no column (a warning).

    Examples
    --------
    >>> layout, issues = read_layout(["Your name", "E-mail", "Shoe size"], {}, "people.csv")
    >>> layout.fields, layout.extras, issues
    ({'name': 0, 'email': 1}, (2,), [])
    >>> _, issues = read_layout(["Name"], {}, "people.csv")
    >>> print(issues[0].message.split(" (")[0])
    missing required column 'email'
    """
    fields: dict[str, int] = {}
    extras: list[int] = []
    issues: list[Issue] = []
    for index, header in enumerate(headers):
        target = header_target(header, columns) if header else None
        if target is None or target == EXTRA:
            extras.append(index)
        elif target in fields:
            first = headers[fields[target]]
            message = (
                f"columns {first!r} and {header!r} both mean {target}: delete one, or map one "
                f'elsewhere with --columns map.toml (e.g. "{header}" = "extra")'
            )
            issues.append(Issue(message, file, line, header, code="duplicate-column"))
        else:
            fields[target] = index
    issues += _missing_columns(headers, fields, file, line)
    issues += _unused_map_entries(headers, columns, file, line)
    return Layout(tuple(headers), fields, tuple(extras)), issues


def _missing_columns(
    headers: Sequence[str], fields: Mapping[str, int], file: str, line: int
) -> list[Issue]:
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
        if name not in fields
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
