"""The event's video meeting: what join information a registered person sees.

The one owner of that rule. Emails, the calendar invite, the personal page and the live page
all ask :func:`join_info`; public pages (the registration form, the event's home) never do,
so a join link reaches only people who registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from netweave.web.events.models import Registration

__all__ = ["JoinInfo", "join_info", "validate_meeting_url"]


@dataclass(frozen=True, slots=True)
class JoinInfo:
    """How to join the event's video meeting; any of the three may be empty."""

    url: str
    meeting_id: str
    passcode: str

    @property
    def lines(self) -> tuple[str, ...]:
        """The information as plain lines, for emails and the calendar invite.

        >>> JoinInfo("https://zoom.us/j/123", "123", "").lines
        ('Join the video meeting: https://zoom.us/j/123', 'Meeting ID: 123')
        """
        labelled = (
            ("Join the video meeting", self.url),
            ("Meeting ID", self.meeting_id),
            ("Passcode", self.passcode),
        )
        return tuple(f"{label}: {value}" for label, value in labelled if value)


def join_info(registration: Registration) -> JoinInfo | None:
    """What ``registration``'s person is told about joining; None when there is nothing.

    Taking a registration (not an event) is the rule: only registered people see it. A fully
    asynchronous event has no live session, so nothing to join.
    """
    event = registration.event
    if event.fully_async:
        return None
    info = JoinInfo(
        url=event.meeting_url.strip(),
        meeting_id=event.meeting_id.strip(),
        passcode=event.meeting_passcode.strip(),
    )
    return info if info.lines else None


def validate_meeting_url(value: str) -> None:
    """A join link must be an https address with a host: participants click it from emails
    and calendars, where a plain-http or ``javascript:`` address has no place."""
    parts = urlsplit(value or "")
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValidationError(
            "The join link must start with https:// (copy it from your meeting's invitation).",
            code="https",
        )
