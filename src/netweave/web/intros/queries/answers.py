"""The partner form as it stands: whether it can change now (and if not, why), and its
questions with the subject's name filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from netweave.web.events.models import Registration
from netweave.web.intros.models import Digest
from netweave.web.intros.queries.deadlines import format_moment, window_closes_at
from netweave.web.intros.queries.settings import intro_settings

__all__ = [
    "FormState",
    "contact_question_for",
    "form_state",
    "questions_for",
]


@dataclass(frozen=True)
class FormState:
    """Whether a partner form can be filled in now, and if not why (for the author)."""

    open: bool
    reason: str = ""
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


def form_state(subject: Registration, viewer_tz: str, now: dt.datetime | None = None) -> FormState:
    """Whether answers for ``subject`` can change now: until their digest goes out (and, in
    a fully async event, within the answer window)."""
    now = now or timezone.now()
    event = subject.event
    name = subject.member.name
    if Digest.objects.filter(registration=subject, sent_at__isnull=False).exists():
        return FormState(False, f"{name}'s digest has gone out: the answers are final. Thank you!")
    if not event.fully_async:
        return FormState(True)
    closes = window_closes_at(subject)
    if now < event.starts_at:
        when = format_moment(event.starts_at, viewer_tz)
        return FormState(False, f"The answers open on {when}.", event.starts_at, closes)
    if now >= closes:
        when = format_moment(closes, viewer_tz)
        return FormState(False, f"The window to answer for {name} closed on {when}.", None, closes)
    return FormState(True, closes_at=closes)


def questions_for(subject: Registration) -> list[str]:
    """The event's partner-form questions, with ``{name}`` filled in."""
    limits = intro_settings(subject.event)
    name = subject.member.name
    return [str(q).replace("{name}", name) for q in limits.questions if str(q).strip()]


def contact_question_for(subject: Registration) -> str:
    return intro_settings(subject.event).contact_question.replace("{name}", subject.member.name)
