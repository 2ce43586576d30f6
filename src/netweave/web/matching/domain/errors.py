"""The curation verbs' errors: what an organizer asked for that cannot be done, and why."""

from __future__ import annotations

from netweave.web.common.errors import DomainError

__all__ = ["PlanConflictError", "PlanError"]


class PlanError(DomainError):
    """A step the organizer asked for cannot be done. The message says why, in their words;
    :attr:`problems` lists the individual rule violations when there are any."""


class PlanConflictError(PlanError):
    """Another organizer changed the plan after this organizer's page was made."""
