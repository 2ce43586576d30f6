"""The error of the follow-up: a participant's or organizer's request that cannot be done."""

from __future__ import annotations

from netweave.web.common.errors import DomainError

__all__ = [
    "FollowupError",
]


class FollowupError(DomainError):
    """A participant's or organizer's request cannot be done; the message says why."""
