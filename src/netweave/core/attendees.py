"""Who is here, from a participant list pasted from Zoom (or typed, or exported).

:func:`parse_attendees` reads a list in whatever shape it comes (one name per line, a CSV
report, "Ana Lima (Host, me)", ...), and :func:`match_attendees` finds the registrations it
names (rapidfuzz). Text only: this module loads no numpy, so the web layer may import it
where pages are made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netweave.core.names import APOSTROPHES, bare_name, name_key

__all__ = [
    "MAX_LINE",
    "MAX_LINES",
    "Attendee",
    "AttendeeMatch",
    "match_attendees",
    "parse_attendees",
]

#: a pasted list is read up to this many lines, each up to this many characters: a wrong
#: paste (a whole book) must not hold the page up
MAX_LINES, MAX_LINE = 5_000, 500
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BULLET = re.compile(r"^\s*(?:[-*•·>]+|\d{1,4}[.):])\s+")
_PARENS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
#: what Zoom (and people) put in parentheses after a name, which is not a name
_ROLE_WORDS = {
    "host", "co-host", "cohost", "co host", "me", "guest", "moderator", "panelist",
    "attendee", "organizer", "organiser", "speaker", "interpreter", "external", "you",
}  # fmt: skip
_PRONOUN = re.compile(r"^\s*(?:she|he|they|ze|xe|any|it)(?:\s*/\s*\w+)+\s*$", re.IGNORECASE)
#: cells of a CSV row that are not names: times, dates, durations, yes/no
_NOT_A_NAME = re.compile(
    r"^(?:[\d\s:/.,+-]*(?:am|pm)?|yes|no|true|false|guest|host|co-host|n/?a|-)$", re.IGNORECASE
)


@dataclass(frozen=True)
class Attendee:
    """One person in a pasted list: the text as it was, names it may go by, an email."""

    text: str
    names: tuple[str, ...] = ()
    email: str = ""


def parse_attendees(text: str) -> list[Attendee]:
    """Read a participant list in any shape; never raises.

    Understands one name or email per line, several separated by commas or semicolons,
    ``Name <email>``, Zoom's participant panel ("Ana Lima (Host, me)") and Zoom's CSV
    reports (a header with a *name* column; report lines above it are skipped). The same
    person listed twice (rejoined) comes once.

    Examples
    --------
    >>> [a.names for a in parse_attendees("Ana Lima (Host, me)\\nKofi Mensah, Bo Carter")]
    [('Ana Lima',), ('Kofi Mensah',), ('Bo Carter',)]
    >>> parse_attendees("Name (Original Name),User Email,Join Time\\n"
    ...                 "Kofi (Kofi Mensah),kofi@x.org,10:02")[0]
    Attendee(text='Kofi (Kofi Mensah),kofi@x.org,10:02', names=('Kofi', 'Kofi Mensah'), email='kofi@x.org')
    """  # noqa: E501
    lines = _lines(text)
    header_at, columns = _header(lines)
    found: list[Attendee] = []
    for k, line in enumerate(lines):
        if header_at is not None and k <= header_at:
            continue
        found += _from_row(line, columns) if columns else _from_line(line)
    return _unique(found)


def _lines(text: str) -> list[str]:
    text = (text or "").replace("\x00", "").lstrip("\ufeff")
    lines = [line.strip()[:MAX_LINE] for line in text.splitlines()[:MAX_LINES]]
    return [line for line in lines if line]


def _split(line: str, delimiters: str) -> list[str]:
    """Split on ``delimiters`` outside quotes and brackets: "Ana (Host, me), Kofi" is two."""
    cells, current, depth, quoted = [], [], 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
            continue
        if not quoted:
            depth += (ch in "([<") - (ch in ")]>")
            depth = max(depth, 0)
            if depth == 0 and ch in delimiters:
                cells.append("".join(current).strip())
                current = []
                continue
        current.append(ch)
    cells.append("".join(current).strip())
    return cells


def _cells(line: str, delimiters: str = "") -> list[str]:
    """A line's cells: split on tabs when it has any, else on ``delimiters`` (by default
    whichever of comma and semicolon it has more of, as in a CSV file)."""
    if "\t" in line:
        return [c.strip().strip('"') for c in line.split("\t")]
    return _split(line, delimiters or (";" if line.count(";") > line.count(",") else ","))


_NAME_HEADER = re.compile(r"\bname\b", re.IGNORECASE)
_EMAIL_HEADER = re.compile(r"\be-?mail\b", re.IGNORECASE)
_OTHER_HEADER = re.compile(r"\b(join|leave|duration|time|guest|attended|role)\b", re.IGNORECASE)


def _header(lines: list[str]) -> tuple[int | None, dict[str, list[int]]]:
    """The last line that names a *name* column, and where the name and email columns are."""
    for k in range(len(lines) - 1, -1, -1):
        cells = _cells(lines[k])
        if len(cells) < 2 or any("@" in c for c in cells):
            continue
        names = [i for i, c in enumerate(cells) if _NAME_HEADER.search(c)]
        emails = [i for i, c in enumerate(cells) if _EMAIL_HEADER.search(c)]
        if names and (emails or any(_OTHER_HEADER.search(c) for c in cells)):
            first = [i for i in names if "first" in cells[i].lower()]
            last = [i for i in names if "last" in cells[i].lower()]
            whole = [i for i in names if i not in first and i not in last]
            name_cols = whole[:1] or [*first[:1], *last[:1]]
            return k, {"name": name_cols, "email": emails[:1]}
    return None, {}


def _from_row(line: str, columns: dict[str, list[int]]) -> list[Attendee]:
    cells = _cells(line)

    def cell(i: int) -> str:
        return cells[i] if i < len(cells) else ""

    raw = " ".join(cell(i) for i in columns["name"]).strip()
    email = next((m.group(0) for i in columns["email"] if (m := _EMAIL.search(cell(i)))), "")
    names = _names(raw)
    return [Attendee(line, names, email.lower())] if names or email else []


def _from_line(line: str) -> list[Attendee]:
    line = _BULLET.sub("", line)
    cells = [c for c in _cells(line, ",;") if c]
    emails = [c for c in cells if _EMAIL.fullmatch(c.strip("<> "))]
    names = [
        c for c in cells if c not in emails and not _NOT_A_NAME.match(c) and not _PRONOUN.match(c)
    ]
    if len(cells) > 1 and len(names) == 1 and len(emails) <= 1:
        # one row of a table without its header: a name, maybe an email, times and such
        email = emails[0].strip("<> ").lower() if emails else ""
        return [Attendee(line, _names(names[0]), email)] if _names(names[0]) or email else []
    return [a for c in (*names, *emails) if (a := _one(c))]


def _one(text: str) -> Attendee | None:
    """``Ana Lima``, ``ana@x.org``, ``Ana Lima <ana@x.org>``, ``Ana (Host)``..."""
    found = _EMAIL.search(text)
    email = found.group(0).lower() if found else ""
    rest = _EMAIL.sub(" ", text).replace("<", " ").replace(">", " ")
    names = _names(rest)
    return Attendee(text, names, email) if names or email else None


def _names(text: str) -> tuple[str, ...]:
    """The name, and a second one in parentheses when it is one (Zoom's "original name"),
    spelt as pasted but without pronouns and device names ("Liam O'Brien (he/him) - iPhone"
    is "Liam O'Brien")."""
    text = bare_name(text)
    extra = []
    for match in _PARENS.finditer(text):
        inside = (match.group(1) or match.group(2) or "").strip()
        words = {w.strip().lower() for w in inside.split(",")}
        if inside and not words <= _ROLE_WORDS and not _PRONOUN.match(inside):
            extra.append(inside)
    main = _PARENS.sub(" ", text)
    names = [_clean(bare_name(n)) for n in (main, *extra)]
    return tuple(dict.fromkeys(n for n in names if n))


#: quotes around a name, never the apostrophes inside one ("O'Brien")
_QUOTES = re.compile(r"[\"“”]+")


def _clean(name: str) -> str:
    name = _EMAIL.sub(" ", name)
    name = _QUOTES.sub("", name)
    name = " ".join(name.replace("_", " ").split()).strip(" -–—|:,;." + APOSTROPHES)
    return name if any(ch.isalpha() for ch in name) else ""


def _unique(found: list[Attendee]) -> list[Attendee]:
    seen: set[tuple[str, str]] = set()
    out = []
    for a in found:
        key = (a.email, name_key(a.names[0]) if a.names else "")
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


@dataclass(frozen=True)
class AttendeeMatch:
    """Whom a pasted attendee is: ``index`` when sure, else ``suggestions`` (best first)."""

    attendee: Attendee
    index: int | None
    score: float
    suggestions: tuple[int, ...] = ()


def _name_score(query: str, name: str) -> float:
    """How well ``query`` names ``name`` (0-100): typos and swapped words via rapidfuzz;
    initials and short forms ("Kofi M", "Ana") as prefixes of the name's words."""
    from rapidfuzz import fuzz  # noqa: PLC0415 - imported when a list is matched, not when the core loads

    if not query or not name:
        return 0.0
    if query == name:
        return 100.0
    score = float(fuzz.token_sort_ratio(query, name))
    q, words = query.split(), name.split()
    if _prefixes(q, words):
        score = max(score, 92.0 if len(q) > 1 else 80.0)
    return score


def _prefixes(query: list[str], words: list[str]) -> bool:
    """Every query word starts a different word of the name, in order."""
    k = 0
    for q in query:
        while k < len(words) and not words[k].startswith(q):
            k += 1
        if k == len(words):
            return False
        k += 1
    return True


def match_attendees(
    attendees: Sequence[Attendee],
    names: Sequence[str],
    emails: Sequence[str],
    *,
    sure: float = 90.0,
    maybe: float = 60.0,
) -> list[AttendeeMatch]:
    """Match pasted attendees to people ``0..n-1`` (``names[i]``, ``emails[i]``).

    An equal email (any case) or an equal name (by :func:`~netweave.core.names.name_key`:
    case, accents, apostrophes, pronouns and devices ignored) is sure. Else
    the best fuzzy name is sure when it scores at least ``sure`` and clearly beats the
    runner-up (by 5 points); people scoring at least ``maybe`` are suggestions. An email
    nobody registered with is tried as a name too ("ana.lima@gmail.com" -> "ana lima").

    Examples
    --------
    >>> people = ["Ana Lima", "Kofi Mensah", "Ana Souza"]
    >>> mails = ["ana@x.org", "kofi@x.org", "souza@x.org"]
    >>> [(m.index, m.suggestions) for m in match_attendees(
    ...     parse_attendees("KOFI@x.org\\nKofi M\\nAna\\nZed"), people, mails)]
    [(1, ()), (1, ()), (None, (0, 2)), (None, ())]
    """
    by_email = {e.strip().lower(): i for i, e in enumerate(emails) if e}
    normed = [name_key(n) for n in names]
    exact: dict[str, list[int]] = {}
    for i, n in enumerate(normed):
        exact.setdefault(n, []).append(i)
    return [_match_one(a, normed, by_email, exact, sure, maybe) for a in attendees]


def _match_one(
    a: Attendee,
    normed: list[str],
    by_email: Mapping[str, int],
    exact: Mapping[str, list[int]],
    sure: float,
    maybe: float,
) -> AttendeeMatch:
    if a.email in by_email:
        return AttendeeMatch(a, by_email[a.email], 100.0)
    queries = [name_key(n) for n in a.names]
    if a.email:
        queries.append(name_key(a.email.split("@")[0].replace(".", " ")))
    queries = [q for q in dict.fromkeys(queries) if q]
    for q in queries:
        if len(exact.get(q, ())) == 1:
            return AttendeeMatch(a, exact[q][0], 100.0)
    best: dict[int, float] = {}
    for q in queries:
        for i, name in enumerate(normed):
            s = _name_score(q, name)
            if s >= maybe and s > best.get(i, 0.0):
                best[i] = s
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return AttendeeMatch(a, None, 0.0)
    top, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= sure and score - runner_up >= 5:
        return AttendeeMatch(a, top, score)
    return AttendeeMatch(a, None, score, tuple(i for i, _ in ranked[:3]))
