"""Problems found in input files, with their place, and a summary a person can read.

Readers (:func:`~netweave.core.people.read_people`, :func:`~netweave.core.columns.load_column_map`,
:func:`~netweave.core.people.read_history`) never stop at the first problem: they collect
every :class:`Issue` and raise them together in a :class:`RegistrationError`, because an
organizer fixing a spreadsheet wants the whole list at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["CellError", "Issue", "RegistrationError", "summarise_issues"]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem (``level="error"``) or a warning found in an input file, with its place."""

    message: str
    file: str = ""
    line: int | None = None
    column: str | None = None
    level: Literal["error", "warning"] = "error"
    #: a short code for grouping and summarising ("unknown-request", "duplicate-email", ...)
    code: str = ""

    def __str__(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
        if self.column:
            place += f" [{self.column}]"
        return f"{place}: {self.message}"


class RegistrationError(Exception):
    """The table cannot be used; :attr:`issues` lists every error found, not just the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class CellError(ValueError):
    """A cell value that cannot be used; ``code`` groups it in summaries ("bad-timezone")."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# codes that read as one kind of problem to a human
_GROUP = {"unknown-avoid": "unknown-request"}
_DESCRIPTION = {
    "unknown-request": "unknown names in requests/avoid",
    "ambiguous-name": "ambiguous names in requests/avoid",
    "self-reference": "people requesting or avoiding themselves",
    "bad-email": "malformed emails",
    "duplicate-email": "duplicate emails",
    "duplicate-submission": "people who submitted more than once",
    "unclear-mode": "unclear live/async answers",
    "timezone-reading": "time zones read from an abbreviation, offset or city",
    "empty-name": "rows without a name",
    "bad-mode": "unknown modes",
    "bad-timezone": "unknown time zones",
    "extra-values": "rows with values past the last column",
    "bad-history": "malformed history rows",
    "control-character": "cells with control characters",
}


def summarise_issues(issues: Sequence[Issue], limit: int = 5) -> list[str]:
    """Lines for a human: errors first, then warnings, at most ``limit`` examples per kind.

    Parameters
    ----------
    issues
        Errors and warnings, e.g. ``RegistrationError.issues`` or ``Roster.warnings``.
    limit
        How many issues of one kind to show before counting the rest.

    Returns
    -------
    list[str]
        One line per shown issue, plus one ``"... and N more ..."`` line per kind cut short.

    Examples
    --------
    >>> summarise_issues([Issue("bad", "a.csv", 3, code="bad-mode")])
    ['a.csv:3: bad']
    """
    lines: list[str] = []
    for level in ("error", "warning"):
        groups: dict[str, list[Issue]] = {}
        for issue in issues:
            if issue.level == level:
                groups.setdefault(_GROUP.get(issue.code, issue.code), []).append(issue)
        for code, group in groups.items():
            lines += [str(i) for i in group[:limit]]
            if len(group) > limit:
                what = _DESCRIPTION.get(code, f"{level}s of this kind")
                lines.append(f"... and {len(group) - limit:,} more {what} (first examples above)")
    return lines
