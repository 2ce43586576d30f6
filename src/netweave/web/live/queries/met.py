"""Who met whom: the one rule, read by follow-up, intros, the live run and the planner.

The rule, per event and per round (a one-on-one round ``n >= 1``; the small groups are
round 0 and count only where a reader asks for them):

1. **A recorded round counts as held.** A round is recorded once the live run wrote any
   :class:`~netweave.web.live.models.HeldMeeting` for it (a round starting, the groups
   starting, or the follow-up copying the plan after an event without a live run). Then
   those meetings, and only those, say who met whom in it: the plan of that round no longer
   counts, a re-plan on the day counts as held.
2. **Otherwise the live console's last decision for that round counts**: its newest
   :class:`~netweave.web.live.models.Replan` (the meetings the round will start with),
   else the published plan's meetings of that round (the newest published version). A
   round still to come, or an event run without the live console, is taken as decided.
3. **Once the event is done** (``Event.Status.DONE``, which the live console's *End* sets),
   a round the live run never recorded, in an event it did record, did not happen (the host
   ended early): it counts for nobody. An event with no record at all still counts with its
   re-plans and plan (rule 2), done or not.

People marked absent are left out by the record itself: a round starting records each
meeting without its absent people, and a pair whose partner was absent is no meeting
(:func:`~netweave.web.live.domain.record.record_round`). Check-in alone changes nothing:
where rule 2 applies, the plan is taken as it is. Async meetings (a live person with an
async partner's intro, or a fully async event's pairs) count like any one-on-one meeting,
planned and held alike; a fully async event has no live run, so its plan counts. A meeting
of three gives three pairs; a meeting with the host alone gives none.

**What happened** is narrower, for what is counted after the event (follow-up's
conversations and who took part): a held meeting happened, except an async one, which
happened only when an intro was watched and answered, i.e. one of its people answered the
partner form for another whose intro existed (:func:`async_not_happened`). An async pairing
whose intro never existed is no conversation. The intros app knows intros and answers and
sits above this app: it registers that evidence with :func:`register_async_evidence`.

Everything is read in bulk (a fixed number of queries for any number of events) and keyed
by registration pk; :func:`history_pairs` words it as core ids for the planner, which reads
it through :func:`netweave.web.matching.domain.inputs.register_history_source` (registered
in this app's ``ready()``: matching sits below live and may not import it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery

from netweave.web.events.models import Event, Registration
from netweave.web.live.models import HeldMeeting, HeldSeat, Replan
from netweave.web.matching.domain.inputs import core_id, history_of
from netweave.web.matching.domain.planned import (
    Meetings,
    meeting_pairs,
    meetings_from_rows,
    planned_meetings,
)
from netweave.web.matching.models import PlanVersion

__all__ = [
    "HELD",
    "PLANNED",
    "REPLANNED",
    "AsyncEvidence",
    "Meetings",
    "async_not_happened",
    "counted_as",
    "event_meetings",
    "held_meetings",
    "held_rounds",
    "history_pairs",
    "meetings_by_event",
    "met_pairs",
    "newest_replans",
    "partners_by_registration",
    "partners_met",
    "planned_or_held",
    "register_async_evidence",
    "replanned_meetings",
]

#: reads an event's ``(author pk, subject pk)`` pairs where the author answered the partner
#: form for a subject whose intro existed: the evidence that an async meeting happened
AsyncEvidence = Callable[[Event], frozenset[tuple[int, int]]]

_evidence: list[AsyncEvidence] = []


def register_async_evidence(source: AsyncEvidence) -> None:
    """Make ``source`` the reader of which async meetings were watched and answered (the
    intros app's :func:`netweave.web.intros.queries.answers.answered_intros`). Registering
    again replaces it."""
    _evidence[:] = [source]


def async_not_happened(event: Event) -> set[int]:
    """Held meeting pks of ``event``'s async one-on-one meetings that did not happen: nobody
    in them answered for another whose intro existed. Empty when no evidence reader is
    registered (then every held meeting counts). Two queries."""
    if not _evidence:
        return set()
    answered = _evidence[0](event)
    members: dict[int, list[int]] = defaultdict(list)
    seats = HeldSeat.objects.filter(meeting__event=event, meeting__is_async=True)
    for meeting_pk, reg_pk in seats.exclude(meeting__round=0).values_list(
        "meeting_id", "registration_id"
    ):
        members[meeting_pk].append(reg_pk)
    return {
        pk
        for pk, people in members.items()
        if not any((a, b) in answered for a in people for b in people if a != b)
    }


def held_meetings(events: Sequence[Event | int], *, groups: bool = False) -> dict[int, Meetings]:
    """event pk -> what the live run recorded, per round (groups as round 0 when ``groups``);
    the record alone, without the rule's fallback. Two queries."""
    pks = [e if isinstance(e, int) else e.pk for e in events]
    seats = HeldSeat.objects.filter(meeting__event_id__in=pks)
    if not groups:
        seats = seats.exclude(meeting__round=0)
    rows = seats.order_by("meeting__event_id", "meeting__round", "meeting_id", "position")
    found = meetings_from_rows(
        rows.values_list("meeting__event_id", "meeting__round", "meeting_id", "registration_id")
    )
    # a recorded round whose meetings have nobody left in them is still recorded (and empty)
    recorded = HeldMeeting.objects.filter(event_id__in=pks)
    if not groups:
        recorded = recorded.exclude(round=0)
    for event_pk, number in recorded.values_list("event_id", "round").distinct():
        found.setdefault(event_pk, {}).setdefault(number, [])
    return found


def newest_replans(events: Sequence[Event | int]) -> QuerySet[Replan]:
    """The newest re-plan of each round of ``events`` (one query when read): what the live
    console last decided for a round, which is what the round starts with. Only re-plans
    made since the plan in force was published count: a plan published again (after the
    intro deadline re-planned the old one, say) is not overridden by the old re-plans, as in
    :func:`netweave.web.live.domain.rounds.latest_replan`."""
    pks = [e if isinstance(e, int) else e.pk for e in events]
    published = (
        PlanVersion.objects.filter(event_id=OuterRef("event_id"), published_at__isnull=False)
        .order_by("-published_at", "-number")
        .values("published_at")[:1]
    )
    newest = (
        Replan.objects.filter(event_id__in=pks)
        .annotate(since=Subquery(published))
        .filter(Q(since__isnull=True) | Q(created__gte=F("since")))
        .values("event_id", "round")
        .annotate(last=Max("id"))
        .values("last")
    )
    return Replan.objects.filter(pk__in=newest).order_by("event_id", "round")


def replanned_meetings(events: Sequence[Event | int]) -> dict[int, Meetings]:
    """event pk -> round -> the meetings of its newest re-plan (registration pks in seat
    order); events without a re-plan are left out. One query."""
    out: dict[int, Meetings] = {}
    rows = newest_replans(events).values_list("event_id", "round", "meetings")
    for event_pk, number, meetings in rows:
        members = [list(m.get("members", ())) for m in meetings]
        out.setdefault(event_pk, {})[number] = [m for m in members if m]
    return out


def meetings_by_event(events: Iterable[Event], *, groups: bool = False) -> dict[int, Meetings]:
    """event pk -> who met whom per round, by the module's rule (rounds in order; round 0,
    the groups, only when ``groups``). Five or six queries for any number of events."""
    events = list(events)
    # the groups' record counts for "the event has a record" (rule 3) whatever is asked
    held = held_meetings(events, groups=True)
    planned = planned_meetings(events, groups=groups)
    replanned = replanned_meetings(events)
    return {
        e.pk: _rule(e, held.get(e.pk, {}), planned.get(e.pk, {}), replanned.get(e.pk, {}), groups)
        for e in events
    }


#: what :func:`counted_as` answers: the round's record counts, its newest re-plan, or
#: its published plan
HELD, REPLANNED, PLANNED = "held", "replanned", "planned"


def counted_as(
    event: Event, number: int, recorded: Collection[int], replanned: Collection[int] = ()
) -> str | None:
    """Which part of the rule says who met whom in round ``number`` of ``event``:
    :data:`HELD` (the record), :data:`REPLANNED` (the round's newest re-plan),
    :data:`PLANNED` (the published plan) or None (the round did not happen). ``recorded``
    holds the rounds the live run recorded, the groups (0) included: any record at all makes
    a done event's unrecorded rounds not happen; ``replanned`` the rounds re-planned.

    The decision alone, for readers that need more of a meeting than its people (the
    day of :mod:`netweave.web.live.queries.day`)."""
    if number in recorded:
        return HELD
    if recorded and event.status == Event.Status.DONE:
        return None
    return REPLANNED if number in replanned else PLANNED


def _rule(
    event: Event, held: Meetings, planned: Meetings, replanned: Meetings, groups: bool
) -> Meetings:
    out: Meetings = {}
    for number in sorted(held.keys() | planned.keys() | replanned.keys()):
        if number == 0 and not groups:
            continue
        counted = counted_as(event, number, held.keys(), replanned.keys())
        if counted == HELD:
            out[number] = held[number]
        elif counted == REPLANNED:
            out[number] = replanned[number]
        elif counted == PLANNED:
            out[number] = planned[number]
    return out


def event_meetings(event: Event, *, groups: bool = False) -> Meetings:
    """Who met whom at ``event`` per round, by the rule (see :func:`meetings_by_event`)."""
    return meetings_by_event([event], groups=groups)[event.pk]


def met_pairs(event: Event, *, groups: bool = False) -> set[tuple[int, int]]:
    """Registration pk pairs (smaller first) who met at ``event``, by the rule."""
    meetings = event_meetings(event, groups=groups)
    return set(meeting_pairs(m for ms in meetings.values() for m in ms))


def partners_by_registration(event: Event, *, groups: bool = False) -> dict[int, list[int]]:
    """registration pk -> the pks of everyone they met at ``event``, in round order, each
    once. Someone seated alone (with the host) is there with no partners."""
    out: dict[int, list[int]] = defaultdict(list)
    for meetings in event_meetings(event, groups=groups).values():
        for members in meetings:
            for a in members:
                out[a] += [b for b in members if b != a and b not in out[a]]
    return dict(out)


def partners_met(registration: Registration, *, groups: bool = False) -> list[int]:
    """The pks of everyone ``registration`` met, in round order (by the rule)."""
    return partners_by_registration(registration.event, groups=groups).get(registration.pk, [])


def planned_or_held(event: Event) -> Meetings:
    """round -> every meeting the published plan, a re-plan or the record has at ``event``,
    groups (round 0) included: all of them, not the rule, and wider than it on purpose, for
    what partners may see of each other (an intro is for whoever was told they would meet,
    and whoever really met)."""
    held = held_meetings([event], groups=True).get(event.pk, {})
    planned = planned_meetings([event], groups=True).get(event.pk, {})
    replanned = replanned_meetings([event]).get(event.pk, {})
    rounds = sorted(held.keys() | planned.keys() | replanned.keys())
    return {n: held.get(n, []) + replanned.get(n, []) + planned.get(n, []) for n in rounds}


def history_pairs(events: Iterable[Event]) -> list[tuple[str, str]]:
    """Pairs (sorted core ids) who met one-on-one (or async) at ``events``, by the rule: the
    planner's history source (:func:`~netweave.web.matching.domain.inputs.community_history`)."""
    by_event = meetings_by_event(events).values()
    return history_of(m for rounds in by_event for ms in rounds.values() for m in ms)


def held_rounds(event: Event) -> dict[int, list[tuple[str, ...]]]:
    """held round -> its meetings as core ids (round 0: the groups): what the live run
    recorded so far, without the plan. The live run's own view, for "nobody meets twice
    today": rounds still to come have not happened yet."""
    emails = dict(Registration.objects.filter(event=event).values_list("pk", "member__email"))
    rounds = held_meetings([event], groups=True).get(event.pk, {})
    return {
        n: [tuple(core_id(emails[pk]) for pk in m) for m in ms if m]
        for n, ms in sorted(rounds.items())
    }
