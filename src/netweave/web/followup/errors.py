"""The error of the follow-up: a participant's or organizer's request that cannot be done."""

from __future__ import annotations

__all__ = [
    "FollowupError",
]


class FollowupError(ValueError):
    """A participant's or organizer's request cannot be done; the message says why."""
