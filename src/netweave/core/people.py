"""Reading and validating registration tables into immutable :class:`Person` records.

The canonical table is ``email,name,mode,timezone,location,community,interests,about,
looking_for,requests,avoid``. Real form exports use other headers; :data:`ALIASES` maps the
common ones and an explicit mapping handles the rest. Columns we do not know are kept as
free-text profile fields (:attr:`Person.extra`), never rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Issue", "Person", "RegistrationError", "Roster"]

Mode = Literal["live", "async"]


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

    @property
    def is_async(self) -> bool:
        return self.mode == "async"


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


@dataclass(frozen=True, slots=True)
class Roster:
    """The people read from a table, in file order, and the warnings about it."""

    people: tuple[Person, ...]
    warnings: tuple[Issue, ...] = field(default=())

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}
