"""What a participant sees of their partners: the card of one partner (profile, intro and the
form for them) and, in a fully async event, the list of their matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netweave.web.events.models import Registration
from netweave.web.events.partners import PartnerView, partner_view
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import Answers, Intro
from netweave.web.intros.queries.answers import (
    FormState,
    contact_question_for,
    form_state,
    questions_for,
)
from netweave.web.intros.queries.intros import intro_of
from netweave.web.intros.queries.meetings import can_watch, meetings_of_event, partners_of
from netweave.web.intros.queries.participants import is_async_participant

__all__ = [
    "Match",
    "PartnerCard",
    "PartnerQuestion",
    "matches_of",
    "partner_card",
]


@dataclass(frozen=True)
class PartnerQuestion:
    index: int
    question: str
    answer: str


@dataclass(frozen=True)
class PartnerCard:
    """What a viewer sees of a partner: profile, intro, and the form they fill in for them."""

    partner: Registration
    profile: PartnerView
    intro: Intro | None
    #: the partner gets a digest, so the viewer has a form to fill in for them
    has_form: bool
    questions: tuple[PartnerQuestion, ...]
    contact_question: str
    contact: str
    share_contact: bool
    state: FormState
    saved_at: dt.datetime | None


def partner_card(viewer: Registration, partner: Registration) -> PartnerCard:
    """The card for ``partner`` as ``viewer`` sees it; :class:`NotPartnerError` if they may
    not see each other."""
    if not can_watch(viewer, partner) or viewer.pk == partner.pk:
        raise NotPartnerError(viewer.pk)
    met = partner.pk in meetings_of_event(viewer.event).get(viewer.pk, [])
    mine = Answers.objects.filter(subject=partner, author=viewer).first()
    saved = {k: a.get("answer", "") for k, a in enumerate(mine.answers)} if mine else {}
    questions = tuple(
        PartnerQuestion(k, q, saved.get(k, "")) for k, q in enumerate(questions_for(partner))
    )
    return PartnerCard(
        partner=partner,
        profile=partner_view(viewer, partner),
        intro=intro_of(partner),
        has_form=met and is_async_participant(partner),
        questions=questions,
        contact_question=contact_question_for(partner),
        contact=mine.contact if mine else "",
        share_contact=mine.share_contact if mine else False,
        state=form_state(partner, viewer.member.timezone),
        saved_at=mine.updated if mine else None,
    )


@dataclass(frozen=True)
class Match:
    """One of an async participant's matches, for their page."""

    partner: Registration
    has_intro: bool
    #: the participant answered the partner's form
    answered: bool
    #: the participant owes this partner a form (the partner gets a digest)
    owes_form: bool


def matches_of(registration: Registration) -> list[Match]:
    partners = partners_of(registration)
    pks = [p.pk for p in partners]
    with_intro = {
        i.registration_id: i.has_content for i in Intro.objects.filter(registration_id__in=pks)
    }
    answered = {
        a.subject_id
        for a in Answers.objects.filter(author=registration, subject_id__in=pks)
        if a.is_filled
    }
    return [
        Match(p, with_intro.get(p.pk, False), p.pk in answered, is_async_participant(p))
        for p in partners
    ]
