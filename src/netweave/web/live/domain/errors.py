"""What the live console asked for that cannot be done now, and why."""

from __future__ import annotations

__all__ = ["LiveError", "StaleStateError"]


class LiveError(ValueError):
    """A step the organizer asked for cannot be done now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleStateError(LiveError):
    """The live state moved on since the organizer's page was drawn (another organizer)."""
