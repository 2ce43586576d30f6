"""Whom a pasted participant list names, for the organizer to review before anyone is marked
present."""

from __future__ import annotations

from dataclasses import dataclass, replace

from netweave.core.attendees import match_attendees, parse_attendees
from netweave.web.events.models import Event, Registration

__all__ = ["CheckInReview", "ReviewLine", "read_attendee_list"]


@dataclass(frozen=True)
class ReviewLine:
    """One line of a pasted list and whom it names."""

    text: str
    registration: Registration | None = None
    suggestions: tuple[Registration, ...] = ()
    #: for "add as walk-in": the name and email read from the line
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class CheckInReview:
    sure: tuple[ReviewLine, ...]
    unsure: tuple[ReviewLine, ...]
    unknown: tuple[ReviewLine, ...]

    @property
    def total(self) -> int:
        return len(self.sure) + len(self.unsure) + len(self.unknown)


def read_attendee_list(event: Event, text: str) -> CheckInReview:
    """Who a pasted participant list (from Zoom, any shape) names, for the organizer to
    review before anyone is marked present. Never raises on odd input."""
    regs = list(Registration.objects.filter(event=event).select_related("member"))
    found = match_attendees(
        parse_attendees(text), [r.member.name for r in regs], [r.member.email for r in regs]
    )
    sure, unsure, unknown = [], [], []
    for m in found:
        a = m.attendee
        line = ReviewLine(a.text, name=a.names[-1] if a.names else "", email=a.email)
        if m.index is not None:
            sure.append(replace(line, registration=regs[m.index]))
        elif m.suggestions:
            unsure.append(replace(line, suggestions=tuple(regs[i] for i in m.suggestions)))
        else:
            unknown.append(line)
    return CheckInReview(tuple(sure), tuple(unsure), tuple(unknown))
