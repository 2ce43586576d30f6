"""People who submitted a form more than once: the latest submission wins, and the import says so.

Forms let a person send their answers again to correct them, so a second row with the same
email is a correction, not an error: :func:`latest_submissions` keeps, per email, the row with
the latest submission time (a "Timestamp", "Submitted at" or "Completion time" column), or
the last row when there is none, and warns with every line involved. Submission times come in
the spellings of the tools and their locales (:func:`parse_submitted`); a file's day/month
order is told by its own dates.

Examples
--------
>>> kept, warnings = latest_submissions(
...     [("ana@x.org", 2, "2026/03/02 09:00"), ("bo@x.org", 3, ""),
...      ("ana@x.org", 4, "2026/03/01 10:00")],
...     "form.csv",
... )
>>> kept
[0, 1]
>>> print(warnings[0].message)
ana@x.org submitted twice, on lines 2 and 4: line 2 is used, the latest by its submission time
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from netweave.core.issues import Issue

__all__ = ["day_first", "latest_submissions", "parse_submitted"]

_NUMERIC = re.compile(
    r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([ap]\.?m\.?)?)?",
    re.IGNORECASE,
)
_TIMES = {1: "once", 2: "twice"}


def day_first(values: Sequence[str]) -> bool:
    """Whether the file writes dates day first (``31/12/2026``): a first part above 12 says so,
    a second part above 12 says not; US order (Google Forms' default) when nothing tells.

    Examples
    --------
    >>> day_first(["3/1/2026 10:00", "25/1/2026 10:00"]), day_first(["3/1/2026"])
    (True, False)
    """
    for value in values:
        match = _NUMERIC.match(value.strip())
        if match and len(match.group(1)) < 3:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return False


def parse_submitted(value: str, dayfirst: bool = False) -> datetime | None:
    """A submission time as a naive datetime, or ``None`` when it cannot be read.

    Examples
    --------
    >>> parse_submitted("2026-03-01T10:00:00Z"), parse_submitted("3/1/26 2:05:00 PM")
    (datetime.datetime(2026, 3, 1, 10, 0), datetime.datetime(2026, 3, 1, 14, 5))
    >>> parse_submitted("01/03/2026 10:00", dayfirst=True), parse_submitted("soon")
    (datetime.datetime(2026, 3, 1, 10, 0), None)
    """
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        pass
    match = _NUMERIC.match(text)
    if not match:
        return None
    a, b, c, hour, minute, second, half = match.groups()
    if len(a) >= 3:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        year = int(c) + (2000 if len(c) <= 2 else 0)
    hours = int(hour or 0)
    if half:  # 12 AM is midnight, 12 PM noon
        hours = hours % 12 + (12 if half.lower().startswith("p") else 0)
    try:
        return datetime(year, month, day, hours, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def latest_submissions(
    entries: Sequence[tuple[str | None, int, str]], file: str, column: str | None = None
) -> tuple[list[int], list[Issue]]:
    """Which rows to keep when some people submitted more than once.

    Parameters
    ----------
    entries
        ``(key, line, submitted)`` per row in file order: the key is the lower-cased email
        (``None`` for a row without a usable one, always kept), ``submitted`` the raw
        submission time ("" without such a column).
    file, column
        Where, for the warnings.

    Returns
    -------
    tuple[list[int], list[Issue]]
        The indices of the rows to keep, in file order, and a warning per person who
        submitted more than once, naming every line and the one used.

    Examples
    --------
    Without submission times, the last row wins:

    >>> latest_submissions([("a@x.org", 2, ""), ("a@x.org", 5, "")], "f.csv")[0]
    [1]
    """
    dayfirst = day_first([s for _, _, s in entries if s])
    groups: dict[str, list[int]] = {}
    for index, (key, _, _) in enumerate(entries):
        if key is not None:
            groups.setdefault(key, []).append(index)
    dropped: set[int] = set()
    issues: list[Issue] = []
    for key, indices in groups.items():
        if len(indices) < 2:
            continue
        times = {i: parse_submitted(entries[i][2], dayfirst) for i in indices}
        timed = all(times[i] is not None for i in indices)
        best = max(indices, key=lambda i: (times[i] or datetime.min, i) if timed else (i,))
        dropped.update(i for i in indices if i != best)
        message = _message(key, [entries[i][1] for i in indices], entries[best][1], timed)
        issues.append(
            Issue(message, file, entries[best][1], column, "warning", "duplicate-submission")
        )
    kept = [i for i in range(len(entries)) if i not in dropped]
    return kept, issues


def _message(key: str, lines: Sequence[int], used: int, timed: bool) -> str:
    times = _TIMES.get(len(lines), f"{len(lines)} times")
    shown = ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"
    why = "the latest by its submission time" if timed else "the last in the file"
    return f"{key} submitted {times}, on lines {shown}: line {used} is used, {why}"
