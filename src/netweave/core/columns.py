"""The canonical columns of a registration table, and how a form's headers map onto them.

The canonical table is ``email,name,mode,timezone,location,community,interests,about,
looking_for,requests,avoid,offers,seeks,available,organization,first_time,
community_kind``
(:data:`FIELDS`). Real form exports use other headers: :data:`ALIASES` maps the common ones
("What's your name?" -> ``name``), and a column map (:func:`load_column_map`) handles the
rest. Headers no alias knows are read by their key words (:func:`keyword_target`: "Will you
join live or asynchronously?" is about the mode), and a form tool's own bookkeeping columns
(:data:`FORM_COLUMNS`: "Timestamp", "Submission ID") are recognised, so they neither end up
on a profile nor get in the way.
:mod:`netweave.core.reading` puts this together with what the answers look like.

A :class:`ColumnMapping` says how to read a file: header -> target, and how to read the
mode answers; it is what ``--columns map.toml`` holds and what the web app remembers per
community, as TOML or a plain dict.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netweave.core.issues import Issue, RegistrationError
from netweave.core.modes import Mode

__all__ = [
    "ALIASES",
    "EXTRA",
    "FIELDS",
    "FIRST_NAME",
    "FORM_COLUMNS",
    "LAST_NAME",
    "NAME_PARTS",
    "REQUIRED",
    "SKIP",
    "SUBMITTED",
    "TARGETS",
    "TARGET_LABELS",
    "ColumnMapping",
    "check_targets",
    "header_target",
    "keyword_target",
    "load_column_map",
    "load_mapping",
    "parse_mapping",
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
    "offers",
    "seeks",
    "available",
    "organization",
    "first_time",
    "community_kind",
)
#: columns a table cannot do without
REQUIRED: tuple[str, ...] = ("email", "name")
#: a column-map target meaning "keep this column as a free-text profile field"; it lets an
#: organizer demote a column that an alias would otherwise claim (Microsoft Forms exports
#: carry both a respondent "Email" and the question "Your email")
EXTRA = "extra"
#: a target for the time a form was submitted: it orders repeated submissions of one person
SUBMITTED = "submitted"
#: a target for a column that is not kept at all (a form tool's response id, start time)
SKIP = "skip"
#: targets for a name asked in two parts (Typeform's contact block, many sign-up sheets):
#: joined, first then last, into the name when the table has no name column of its own
FIRST_NAME, LAST_NAME = "first_name", "last_name"
NAME_PARTS: tuple[str, ...] = (FIRST_NAME, LAST_NAME)
#: every target a column can be read as, in the order a select offers them
TARGETS: tuple[str, ...] = (*FIELDS, *NAME_PARTS, EXTRA, SUBMITTED, SKIP)
#: what each target means, in the words of a table or a select
TARGET_LABELS: dict[str, str] = {
    "email": "email (the person's id)",
    "name": "name",
    "mode": "live or async",
    "timezone": "time zone",
    "location": "location",
    "community": "community they manage",
    "interests": "interests (a list)",
    "about": "about them",
    "looking_for": "whom they are looking for",
    "requests": "people they ask to meet (names or emails)",
    "avoid": "people they do not want to meet",
    "offers": "topics they can help with (a list)",
    "seeks": "topics they look for help with (a list)",
    "available": "rounds they can attend (1-2, 2-4, 1,3; empty = all)",
    "organization": "their organization (colleagues do not meet one-on-one)",
    "first_time": "first time at the event (yes/no)",
    "community_kind": "kind of community they manage (open source, research lab...)",
    FIRST_NAME: "first name (joined with the last name)",
    LAST_NAME: "last name (joined after the first name)",
    EXTRA: "kept as profile text",
    SUBMITTED: "submission time (the latest submission wins)",
    SKIP: "not kept",
}

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
    FIRST_NAME: ("first name", "given name", "forename", "first", "your first name"),
    LAST_NAME: (
        "last name", "surname", "family name", "last", "your last name", "your surname",
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
    "offers": (
        "offers", "offer", "i can help with", "what can you help with", "can help with",
        "what can you offer", "help i can offer", "expertise to share",
    ),
    "seeks": (
        "seeks", "seek", "i need help with", "what do you need help with", "need help with",
        "what are you looking for help with", "looking for help with", "help wanted",
    ),
    "available": (
        "available", "availability", "rounds", "available rounds", "which rounds can you attend",
        "rounds you can attend",
    ),
    "organization": (
        "organization", "organisation", "company", "employer", "organization name",
        "organisation name", "your organization", "your organisation", "where do you work",
    ),
    "first_time": (
        "first_time", "first time", "first-time", "is this your first time",
        "first time attending", "is this your first event", "newcomer",
    ),
    "community_kind": (
        "community_kind", "community kind", "kind of community", "type of community",
        "community type", "what kind of community do you manage",
        "what type of community do you manage",
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


#: the columns form tools add themselves (normalised header -> target): Google Forms'
#: "Timestamp", Microsoft Forms' "ID", "Start time", "Completion time", "Last modified time",
#: Typeform's "#", "Submitted At", "Start Date (UTC)", "Network ID", Tally's "Submission ID",
#: "Respondent ID", "Submitted at"
FORM_COLUMNS: dict[str, str] = {
    **dict.fromkeys(
        ("timestamp", "submitted at", "submitted", "submit date", "submit date utc",
         "completion time", "submission time", "date submitted", "submitted on",
         "response date", "end date", "end time"),
        SUBMITTED,
    ),
    **dict.fromkeys(
        ("id", "submission id", "response id", "respondent id", "response type",
         "start time", "start date", "start date utc", "stage date", "stage date utc",
         "network id", "token", "last modified time", "respondent", "ip address",
         "response url", "user agent"),
        SKIP,
    ),
}  # fmt: skip


def _alias(header: str) -> str | None:
    """The target a form header stands for, or ``None`` for a column we keep as-is."""
    if header.strip() == "#":  # Typeform's row number: no words, so no normalised key
        return SKIP
    key = _norm_header(header)
    return ALIASES.get(key) or FORM_COLUMNS.get(key) or _LOOSE_ALIASES.get(_loose_header(header))


#: (field, phrases one of which the header must contain, phrases it must not contain);
#: the first rule that fits decides, so the narrow ones come first
_KEYWORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("first_time", ("first time", "first event", "attended before", "been before",
                    "new to"), ()),
    ("community_kind", ("kind of community", "type of community", "community type",
                        "community kind", "sort of community"), ()),
    ("available", ("which rounds", "what rounds", "rounds can", "availability",
                   "available for"), ()),
    ("seeks", ("need help", "help with", "looking for help", "seeking help", "want help",
               "like help"),
     ("can help", "could help", "you help", "help others", "can offer", "offer")),
    ("offers", ("can help", "could help", "you help", "help others", "can offer",
                "you offer", "offer help", "expertise"), ()),
    ("organization", ("organization", "organisation", "company", "employer",
                      "institution", "work for"), ("size", "community")),
    ("avoid", ("avoid", "prefer not", "rather not", "not to meet", "not meet", "dont match",
               "do not match", "not be matched", "not want to meet", "dont want to meet"), ()),
    ("requests", ("in particular", "specific people", "specific person", "by name",
                  "anyone specific", "someone specific", "particular people", "names of",
                  "specifically", "name them", "names or emails"), ()),
    ("timezone", ("time zone", "timezone", "tz", "utc offset", "utc", "gmt"), ()),
    ("mode", ("live", "async", "asynchronous", "asynchronously", "synchronous",
              "synchronously", "in person", "join", "attend", "attendance", "participate",
              "participation", "format", "mode"),
     ("when", "since", "how long", "why", "which events", "how often")),
    ("looking_for", ("looking for", "hope to", "hoping to", "like to get", "want to get",
                     "get out of", "like to meet", "want to meet", "like to connect",
                     "want to connect", "who would you", "whom would you", "kind of people"),
     ()),
    ("email", ("email", "e mail", "mail"),
     ("newsletter", "updates", "receive", "subscribe", "may we", "can we", "ok to")),
    ("community", ("community", "communitys", "communities", "network you", "group you"),
     ("size",)),
    ("name", ("name",), ("organisation", "organization", "company", "group", "project",
                         "event", "team", "institution", "employer", "user", "nick",
                         "pronoun", "first", "last", "sur", "family", "given")),
    ("location", ("where", "based", "city", "country", "location", "located", "region",
                  "town"), ()),
    ("interests", ("topic", "topics", "interests", "interested", "interest", "areas",
                   "tags", "themes", "subjects", "keywords"), ()),
    ("about", ("about", "bio", "introduce", "tell us", "yourself", "background",
               "describe"), ()),
)  # fmt: skip


def keyword_target(header: str) -> str | None:
    """The field a header's key words point at, or ``None``: a guess that
    :func:`~netweave.core.reading.read_columns` checks against the answers.

    Examples
    --------
    >>> keyword_target("Will you join live or asynchronously?")
    'mode'
    >>> keyword_target("Anyone you'd like to meet in particular?")
    'requests'
    >>> keyword_target("What's your community's name?"), keyword_target("Shoe size")
    ('community', None)
    """
    text = f" {_norm_header(header)} "
    for target, wanted, unwanted in _KEYWORDS:
        if any(f" {w} " in text for w in wanted) and not any(f" {u} " in text for u in unwanted):
            return target
    return None


def check_targets(columns: Mapping[str, str], file: str, text: str = "") -> list[Issue]:
    """An error for every column-map entry whose target is neither a field nor ``"extra"``;
    ``text`` (the map's TOML) lets an error name its line.

    Examples
    --------
    >>> issues = check_targets({"Mail": "email", "Topic": "topics"}, "map.toml")
    >>> [i.message.split(";")[0] for i in issues]
    ["column 'Topic' maps to 'topics', which is not a field"]
    """
    valid = ", ".join(TARGETS)
    issues = []
    for source, target in columns.items():
        if target not in TARGETS:
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


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """How to read a file: header -> target (:data:`TARGETS`), and answer -> mode.

    Headers are matched exactly, then after normalising (case and punctuation do not
    matter); mode answers by their words (:func:`~netweave.core.modes.mode_words`). The
    mapping overrides what aliases, key words and answers suggest. It round-trips through
    :meth:`to_dict` and :meth:`to_toml`, so the web app can remember one per community.

    Examples
    --------
    >>> mapping = ColumnMapping({"Mail": "email"}, {"Not sure yet": "async"})
    >>> print(mapping.to_toml())
    [columns]
    "Mail" = "email"
    <BLANKLINE>
    [modes]
    "Not sure yet" = "async"
    <BLANKLINE>
    >>> ColumnMapping.from_dict(mapping.to_dict()) == mapping
    True
    """

    columns: dict[str, str] = field(default_factory=dict)
    modes: dict[str, Mode] = field(default_factory=dict)

    def to_dict(self) -> dict[str, dict[str, str]]:
        """``{"columns": {...}, "modes": {...}}``: JSON- and TOML-ready."""
        return {"columns": dict(self.columns), "modes": dict(self.modes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object], label: str = "<column map>") -> ColumnMapping:
        """The mapping in ``data`` (as :meth:`to_dict` writes it, or parsed TOML).

        Raises
        ------
        RegistrationError
            For a target that is not in :data:`TARGETS` or a mode that is not live/async.
        """
        return _mapping_from(data, label, "")

    def for_headers(self, headers: Iterable[str]) -> ColumnMapping:
        """Only the entries for ``headers`` (matched as :meth:`to_dict`'s keys are: exactly,
        then normalised), with every mode reading: a mapping remembered from last year's
        file, as the starting guess for this year's.

        Examples
        --------
        >>> last_year = ColumnMapping({"Mail": "email", "Shoe size": "skip"}, {"Maybe": "async"})
        >>> last_year.for_headers(["mail", "Name"])
        ColumnMapping(columns={'Mail': 'email'}, modes={'Maybe': 'async'})
        """
        keys = {_norm_header(h) for h in headers}
        columns = {k: v for k, v in self.columns.items() if _norm_header(k) in keys}
        return ColumnMapping(columns, dict(self.modes))

    def updated(self, newer: ColumnMapping, limit: int = 200) -> ColumnMapping:
        """These entries with ``newer``'s over them, at most ``limit`` of each kind (the
        newest kept): what to remember after an import.

        Examples
        --------
        >>> old = ColumnMapping({"Mail": "email", "Topic": "interests"})
        >>> old.updated(ColumnMapping({"Topic": "extra"}, {"Maybe": "async"}))
        ColumnMapping(columns={'Mail': 'email', 'Topic': 'extra'}, modes={'Maybe': 'async'})
        """

        def merge(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
            items = [(k, v) for k, v in old.items() if k not in new] + list(new.items())
            return dict(items[-limit:])

        return ColumnMapping(
            merge(self.columns, newer.columns),
            merge(self.modes, newer.modes),  # type: ignore[arg-type]
        )

    def to_toml(self) -> str:
        """The mapping as a TOML column map, readable by :func:`load_mapping`."""
        lines = ["[columns]", *(f"{_quoted(k)} = {_quoted(v)}" for k, v in self.columns.items())]
        if self.modes:
            lines += [
                "",
                "[modes]",
                *(f"{_quoted(k)} = {_quoted(v)}" for k, v in self.modes.items()),
            ]
        return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's for these characters."""
    return json.dumps(text, ensure_ascii=False)


def _mapping_from(data: Mapping[str, object], label: str, text: str) -> ColumnMapping:
    table = data.get("columns", {})
    modes = data.get("modes", {})
    if not isinstance(table, dict) or not isinstance(modes, dict):
        message = 'no [columns] table: write [columns] and then lines like "Mail" = "email"'
        raise RegistrationError([Issue(message, label, code="bad-column-map")])
    issues = [
        Issue(f"column {k!r}: the target must be a quoted field name", label, _toml_line(text, k))
        for k, v in table.items()
        if not isinstance(v, str)
    ]
    columns = {k: v for k, v in table.items() if isinstance(v, str)}
    issues += check_targets(columns, label, text)
    issues += [
        Issue(
            f'mode answer {k!r} maps to {v!r}: use "live" or "async"',
            label,
            _toml_line(text, k) if text else None,
            code="bad-column-map",
        )
        for k, v in modes.items()
        if v not in ("live", "async")
    ]
    if issues:
        raise RegistrationError(issues)
    return ColumnMapping(columns, dict(modes))


def parse_mapping(text: str, label: str = "<column map>") -> ColumnMapping:
    """Read a TOML column map from ``text`` (see :func:`load_mapping`).

    Examples
    --------
    >>> parse_mapping('[columns]\\n"Mail" = "email"\\n[modes]\\n"Maybe" = "async"\\n')
    ColumnMapping(columns={'Mail': 'email'}, modes={'Maybe': 'async'})
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistrationError(
            [Issue(f"not valid TOML: {exc}", label, code="bad-column-map")]
        ) from None
    if not isinstance(data.get("columns"), dict) and "modes" not in data:
        message = 'no [columns] table: write [columns] and then lines like "Mail" = "email"'
        raise RegistrationError([Issue(message, label, code="bad-column-map")])
    return _mapping_from(data, label, text)


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a TOML column map file: ``[columns]`` header -> target, ``[modes]`` answer -> mode.

    Parameters
    ----------
    path
        A TOML file, for example::

            [columns]
            "What is your favourite topic?" = "interests"
            "Mail" = "email"
            "Your email" = "extra"      # kept as profile text, though it looks like an email
            "Start time" = "skip"       # not kept at all
            "Sent" = "submitted"        # when the form was sent: the latest one wins

            [modes]
            "Not sure yet" = "async"

    Returns
    -------
    ColumnMapping

    Raises
    ------
    RegistrationError
        When the file is not TOML, has neither table, or maps to an unknown target, with
        the line of each bad entry.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "map.toml"
    ...     _ = path.write_text('[columns]\\n"Mail" = "email"\\n')
    ...     load_mapping(path)
    ColumnMapping(columns={'Mail': 'email'}, modes={})
    """
    return parse_mapping(Path(path).read_text(encoding="utf-8-sig"), str(path))


def load_column_map(path: str | Path) -> dict[str, str]:
    """Read a TOML column map's ``[columns]`` table: source header -> target.

    The older half of :func:`load_mapping`, kept for callers that pass a plain dict as
    ``columns`` to :func:`~netweave.core.people.read_people`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "map.toml"
    ...     _ = path.write_text('[columns]\\n"Mail" = "email"\\n"Topic" = "interests"\\n')
    ...     load_column_map(path)
    {'Mail': 'email', 'Topic': 'interests'}
    """
    return load_mapping(path).columns


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
