"""The curation verbs' errors: what an organizer asked for that cannot be done, and why."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PlanConflictError", "PlanError"]


class PlanError(ValueError):
    """A step the organizer asked for cannot be done. The message says why, in their words;
    :attr:`problems` lists the individual rule violations when there are any."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class PlanConflictError(PlanError):
    """Another organizer changed the plan after this organizer's page was made."""
