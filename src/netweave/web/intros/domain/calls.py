"""Planning a call across time zones: one member of a thread proposes up to three of the
offered hours (:mod:`netweave.web.intros.queries.calls`), another picks one, and everyone in
the thread gets a calendar invite with the call's link (their own, or the event's video link).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from netweave.core.call_hours import SLOT
from netweave.web.events.invites import calendar_host, calendar_ics
from netweave.web.events.meeting import validate_meeting_url
from netweave.web.events.models import Registration
from netweave.web.intros.domain.sending import link_for
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.models import CallProposal
from netweave.web.intros.queries.calls import (
    CallThread,
    call_link,
    offered_slots,
    proposal_slots,
)
from netweave.web.mail.domain import Attachment, send_email
from netweave.web.mail.models import OutboxMessage

__all__ = ["MAX_SLOTS", "CallError", "choose_call", "propose_call", "send_call_invites"]

#: how many times one proposal may offer
MAX_SLOTS = 3


class CallError(ValueError):
    """A proposal or a choice that cannot be taken; the message says what to do."""


def _member(thread: CallThread, person: Registration) -> None:
    if person.pk not in {m.pk for m in thread.members}:
        raise NotPartnerError(person.pk)


def propose_call(
    proposer: Registration,
    thread: CallThread,
    slots: list[dt.datetime],
    link: str = "",
    now: dt.datetime | None = None,
) -> CallProposal:
    """Propose up to :data:`MAX_SLOTS` of the thread's offered hours (and optionally an
    https link of one's own); replaces the thread's proposal nobody picked from yet."""
    now = now or timezone.now()
    _member(thread, proposer)
    chosen = sorted(set(slots))
    if not 1 <= len(chosen) <= MAX_SLOTS:
        raise CallError(f"Pick one to {MAX_SLOTS} times for the call.")
    if set(chosen) - set(offered_slots(thread, now)):
        raise CallError("One of those times is no longer on offer: pick again from the list.")
    link = link.strip()
    if link:
        try:
            validate_meeting_url(link)
        except ValidationError as exc:
            raise CallError(" ".join(exc.messages)) from None
    low, high = thread.low, thread.high
    with transaction.atomic():
        thread.proposals().filter(chosen__isnull=True).delete()
        return CallProposal.objects.create(
            proposer=proposer,
            group=thread.group,
            pair_low_id=low,
            pair_high_id=high,
            slots=[s.astimezone(dt.UTC).isoformat() for s in chosen],
            link=link,
        )


def choose_call(
    chooser: Registration,
    thread: CallThread,
    proposal_pk: int,
    slot: dt.datetime,
    now: dt.datetime | None = None,
) -> CallProposal:
    """``chooser`` (not the proposer) picks ``slot`` of the proposal; everyone in the thread
    gets a calendar invite once that is saved. Picking twice is refused."""
    now = now or timezone.now()
    _member(thread, chooser)
    with transaction.atomic():
        proposal = thread.proposals().select_for_update().filter(pk=proposal_pk).first()
        if proposal is None:
            raise CallError("That proposal was replaced: look at the times proposed now.")
        if proposal.proposer_id == chooser.pk:
            raise CallError("Someone else picks one of the times you proposed.")
        if proposal.chosen is not None:
            raise CallError("A time was picked already.")
        if slot not in proposal_slots(proposal) or slot <= now:
            raise CallError("Pick one of the proposed times that is still ahead.")
        proposal.chosen, proposal.chosen_by = slot, chooser
        proposal.save(update_fields=["chosen", "chosen_by"])
        pk, members = proposal.pk, [m.pk for m in thread.members]
        transaction.on_commit(lambda: send_call_invites(pk, members))
    return proposal


def _thread_url(proposal: CallProposal, person: Registration) -> str:
    if proposal.group_id is not None:
        return link_for("portal:intro_group", person)
    other = proposal.pair_high_id if person.pk == proposal.pair_low_id else proposal.pair_low_id
    return link_for("portal:intro_talk", person, partner_pk=other)


def send_call_invites(proposal_pk: int, member_pks: list[int]) -> list[OutboxMessage]:
    """Email each member of the thread the picked call, with a calendar invite."""
    proposal = CallProposal.objects.select_related("proposer__member").get(pk=proposal_pk)
    people = Registration.objects.filter(pk__in=member_pks).select_related("member", "event")
    names = ", ".join(sorted(p.member.name for p in people))
    sent = []
    for person in people:
        link, page = call_link(proposal, person), _thread_url(proposal, person)
        title = f"Call: {names}"
        about = [f"Join: {link}" if link else "Agree on a link in your thread.", page]
        invite = calendar_ics(
            f"call-{proposal.pk}-registration-{person.pk}@{calendar_host()}",
            proposal.chosen,
            proposal.chosen + SLOT,
            title,
            "\n".join(about),
            link or page,
            link,
        )
        sent.append(
            send_email(
                person.member.email,
                "call",
                {
                    "member": person.member,
                    "event": person.event,
                    "names": names,
                    "starts": proposal.chosen,
                    "ends": proposal.chosen + SLOT,
                    "link": link,
                    "page": page,
                },
                tz=person.member.timezone,
                community=person.event.community,
                kind="call",
                attachments=[Attachment("call.ics", invite, "text/calendar")],
            )
        )
    return sent
