"""The errors of async participation: each says what is wrong, for the participant."""

from __future__ import annotations

from netweave.web.common.errors import DomainError

__all__ = [
    "AnswersClosedError",
    "IntroError",
    "NotPartnerError",
]


class IntroError(DomainError):
    """An intro the participant sent cannot be used; the message says why. Their previous
    intro is kept as it was."""


class AnswersClosedError(DomainError):
    """The partner form cannot change any more (digest sent, window closed or not open)."""


class NotPartnerError(DomainError, PermissionError):
    """The two registrations did not meet (in the plan or in reality)."""
