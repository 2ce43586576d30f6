"""The errors of async participation: each says what is wrong, for the participant."""

from __future__ import annotations

__all__ = [
    "AnswersClosedError",
    "IntroError",
    "NotPartnerError",
]


class IntroError(ValueError):
    """An intro the participant sent cannot be used; the message says why. Their previous
    intro is kept as it was."""


class AnswersClosedError(ValueError):
    """The partner form cannot change any more (digest sent, window closed or not open)."""


class NotPartnerError(PermissionError):
    """The two registrations did not meet (in the plan or in reality)."""
