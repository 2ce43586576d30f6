"""A call across time zones, as a thread's page shows it: the hours of the next days inside
every member's waking day (:func:`netweave.core.call_hours.shared_slots`, with the event's
settings), and the thread's current proposal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netweave.core.call_hours import merged, shared_slots
from netweave.web.events.meeting import join_info
from netweave.web.events.models import Registration
from netweave.web.intros.models import CallProposal
from netweave.web.intros.queries.groups import group_members
from netweave.web.intros.queries.settings import intro_settings
from netweave.web.intros.queries.threads import pair_key
from netweave.web.matching.models import Group

__all__ = [
    "CallBox",
    "CallThread",
    "call_box",
    "call_link",
    "current_proposal",
    "group_thread",
    "offered_slots",
    "pair_thread",
    "proposal_slots",
]


@dataclass(frozen=True)
class CallThread:
    """The people of one thread: a pair's (``low``/``high``) or a group's."""

    members: tuple[Registration, ...]
    group: Group | None = None
    low: int | None = None
    high: int | None = None

    def proposals(self):
        if self.group is not None:
            return CallProposal.objects.filter(group=self.group)
        return CallProposal.objects.filter(pair_low_id=self.low, pair_high_id=self.high)


def pair_thread(a: Registration, b: Registration) -> CallThread:
    low, high = pair_key(a, b)
    return CallThread(members=(a, b), low=low, high=high)


def group_thread(group: Group) -> CallThread:
    return CallThread(members=tuple(group_members(group)), group=group)


#: the soonest a call may start: time for everyone to read the invite
LEAD = dt.timedelta(hours=1)


def offered_slots(thread: CallThread, now: dt.datetime) -> list[dt.datetime]:
    """The slot starts (UTC) in the next days inside every member's waking day, from an
    hour after ``now`` (:data:`LEAD`)."""
    event = thread.members[0].event
    limits = intro_settings(event)
    return shared_slots(
        [m.member.timezone for m in thread.members],
        now + LEAD,
        days=limits.call_days_ahead,
        day_start=limits.call_day_starts,
        day_end=limits.call_day_ends,
    )


def proposal_slots(proposal: CallProposal) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(s) for s in proposal.slots]


def current_proposal(thread: CallThread) -> CallProposal | None:
    """The thread's latest proposal (picked from or still open)."""
    return thread.proposals().select_related("proposer__member", "chosen_by__member").first()


def call_link(proposal: CallProposal, registration: Registration) -> str:
    """Where the call happens: the proposer's own link, else the event's video link (as
    :func:`~netweave.web.events.meeting.join_info` gives it to this person), else ""."""
    if proposal.link:
        return proposal.link
    join = join_info(registration)
    return join.url if join else ""


@dataclass(frozen=True)
class CallBox:
    """The call section of a thread's page, for one reader."""

    windows: list[tuple[dt.datetime, dt.datetime]]
    slots: list[dt.datetime]
    proposal: CallProposal | None
    proposed: list[dt.datetime]
    #: the reader made the proposal (so waits for someone else to pick)
    mine: bool
    link: str
    event_link: bool


def call_box(thread: CallThread, reader: Registration, now: dt.datetime) -> CallBox:
    slots = offered_slots(thread, now)
    proposal = current_proposal(thread)
    join = join_info(reader)
    return CallBox(
        windows=merged(slots),
        slots=slots,
        proposal=proposal,
        proposed=[s for s in proposal_slots(proposal) if s > now] if proposal else [],
        mine=proposal is not None and proposal.proposer_id == reader.pk,
        link=call_link(proposal, reader) if proposal else "",
        event_link=bool(join and join.url),
    )
