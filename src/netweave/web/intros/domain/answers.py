"""Saving what an author writes in the partner form for a subject they met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from netweave.web.events.models import Registration
from netweave.web.intros.domain.digests import locked_digest
from netweave.web.intros.errors import AnswersClosedError
from netweave.web.intros.models import Answers
from netweave.web.intros.queries.answers import form_state, questions_for
from netweave.web.intros.queries.meetings import require_partners

__all__ = [
    "save_answers",
]


ANSWER_MAX = 3000


def save_answers(
    author: Registration,
    subject: Registration,
    answers: Sequence[str],
    *,
    contact: str = "",
    share_contact: bool = False,
    now: dt.datetime | None = None,
) -> Answers:
    """Save what ``author`` wrote for ``subject`` (called at every pause in typing).

    Raises :class:`NotPartnerError` when they did not meet, :class:`AnswersClosedError`
    once the subject's digest is out or the answer window is closed.
    """
    require_partners(author, subject)
    questions = questions_for(subject)
    texts = [str(a).strip()[:ANSWER_MAX] for a in answers][: len(questions)]
    texts += [""] * (len(questions) - len(texts))
    with transaction.atomic():
        # the digest row lock orders this save against the sending of the digest: an answer
        # either makes it into the digest or is refused, never silently lost
        locked_digest(subject)
        state = form_state(subject, author.member.timezone, now)
        if not state.open:
            raise AnswersClosedError(state.reason)
        row, _ = Answers.objects.get_or_create(subject=subject, author=author)
        row.answers = [{"question": q, "answer": a} for q, a in zip(questions, texts, strict=True)]
        row.contact = contact.strip()[:300]
        row.share_contact = share_contact
        row.save()
    return row
