"""The partner form as it stands: whether it can change now (and if not, why), and its
questions with the subject's name filled in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.intros.models import Answers, Digest
from netweave.web.intros.queries.deadlines import form_closes_at, format_moment
from netweave.web.intros.queries.intros import async_without_intro
from netweave.web.intros.queries.settings import intro_settings

__all__ = [
    "FormState",
    "answered_intros",
    "contact_question_for",
    "form_contact_wishes",
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
    closes = form_closes_at(subject)
    if now < event.starts_at:
        when = format_moment(event.starts_at, viewer_tz)
        return FormState(False, f"The answers open on {when}.", event.starts_at, closes)
    if now >= closes:
        when = format_moment(closes, viewer_tz)
        return FormState(False, f"The window to answer for {name} closed on {when}.", None, closes)
    return FormState(True, closes_at=closes)


def answered_intros(event: Event) -> frozenset[tuple[int, int]]:
    """``(author pk, subject pk)`` pairs of ``event`` where the author filled in the partner
    form for a subject whose intro exists: an intro watched and answered, what makes an
    async meeting count as having happened
    (:func:`netweave.web.live.queries.met.async_not_happened`). Two queries."""
    missing = async_without_intro(event)
    rows = Answers.objects.filter(subject__event=event).exclude(subject_id__in=missing)
    return frozenset((a.author_id, a.subject_id) for a in rows if a.is_filled)


def form_contact_wishes(froms: Collection[int], tos: Collection[int]) -> frozenset[tuple[int, int]]:
    """``(author, subject)`` pairs among the given registrations where the author ticked
    "share my contact details with ..." on the subject's form: a per-person yes of the one
    consent model (:mod:`netweave.web.events.partners`), registered there by this app."""
    rows = Answers.objects.filter(
        share_contact=True, author_id__in=list(froms), subject_id__in=list(tos)
    )
    return frozenset(rows.values_list("author_id", "subject_id"))


def questions_for(subject: Registration) -> list[str]:
    """The event's partner-form questions, with ``{name}`` filled in."""
    limits = intro_settings(subject.event)
    name = subject.member.name
    return [str(q).replace("{name}", name) for q in limits.questions if str(q).strip()]


def contact_question_for(subject: Registration) -> str:
    return intro_settings(subject.event).contact_question.replace("{name}", subject.member.name)
