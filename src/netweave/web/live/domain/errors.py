"""What the live console asked for that cannot be done now, and why."""

from __future__ import annotations

from netweave.web.common.errors import DomainError

__all__ = ["LiveError", "StaleStateError"]


class LiveError(DomainError):
    """A step the organizer asked for cannot be done now; the message says why."""


class StaleStateError(LiveError):
    """The live state moved on since the organizer's page was drawn (another organizer)."""
