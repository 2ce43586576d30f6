"""Everything the live console shows, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Min, Q

from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Plan
from netweave.core.rooms import rooms_needed
from netweave.web.events.models import Event, Registration
from netweave.web.events.rooms import room_mode, round_steps
from netweave.web.events.timeline import round_starts_at
from netweave.web.live.domain.record import meeting_pairs
from netweave.web.live.domain.roster import Roster, attendance_statuses, roster_of
from netweave.web.live.domain.rounds import has_groups, latest_replan, round_base, round_numbers
from netweave.web.live.domain.state import live_state, next_round_number
from netweave.web.live.models import Attendance, HeldMeeting, LiveState, Replan
from netweave.web.live.queries.exports import chat_text
from netweave.web.live.queries.met import held_rounds
from netweave.web.matching.domain.storage import plan_from_version
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.schedule import published_plan

__all__ = ["Console", "NextStep", "Stage", "attendance_of", "console"]

Phase = LiveState.Phase
Status = Attendance.Status


@dataclass(frozen=True)
class Stage:
    """A line of the run of show: a round (``number`` >= 1) or the groups (0)."""

    number: int
    label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    #: "done", "now" or "later"
    status: str
    replanned: bool = False
    #: when it really started (held stages)
    started: dt.datetime | None = None


@dataclass(frozen=True)
class NextStep:
    """The one thing the host does next, shown large and alone at the top of the console."""

    #: a transition of the live state ("start_event", "next_round"), or "replan"
    action: str
    label: str
    #: the round it is about (the one to re-plan or start), when there is one
    number: int | None = None
    #: why this is the next step, in a line
    why: str = ""


@dataclass(frozen=True)
class Console:
    event: Event
    state: LiveState
    version: PlanVersion | None
    stages: tuple[Stage, ...]
    counts: Mapping[str, int]
    #: the round the host prepares now (None when no round is left)
    next_number: int | None = None
    next_source: str = ""
    next_warnings: tuple[str, ...] = ()
    next_replan: Replan | None = None
    next_chat: str = ""
    #: what the host does in Zoom before the next round (``events.rooms.round_steps``)
    next_steps: tuple[str, ...] = ()
    #: how people reach their room (``events.rooms.room_mode``)
    room_mode: str = ""
    zone_name: str = "UTC"
    can_start_groups: bool = False
    people: tuple[Registration, ...] = field(default_factory=tuple)
    #: the one next step (None once the event has ended)
    step: NextStep | None = None
    #: later rounds the host may start early (after a confirmation: it skips rounds)
    later: tuple[int, ...] = ()


def _stages(event: Event, version: PlanVersion, state: LiveState) -> list[Stage]:
    started = dict(
        HeldMeeting.objects.filter(event=event)
        .values("round")
        .annotate(first=Min("created"))
        .values_list("round", "first")
    )
    replanned = set(Replan.objects.filter(event=event).values_list("round", flat=True))
    step = dt.timedelta(minutes=event.minutes_per_round)
    stages = []
    for n in round_numbers(version):
        begins = round_starts_at(event, n)
        status = _stage_status(state, n, n in started, Phase.ROUND)
        stages.append(
            Stage(n, f"Round {n}", begins, begins + step, status, n in replanned, started.get(n))
        )
    if has_groups(event, version):
        begins = round_starts_at(event, max(round_numbers(version) or [0]) + 1)
        end = begins + dt.timedelta(minutes=event.group_minutes)
        status = "now" if state.phase == Phase.GROUPS else ("done" if 0 in started else "later")
        stages.append(Stage(0, "Small groups", begins, end, status, False, started.get(0)))
    return stages


def _stage_status(state: LiveState, number: int, held: bool, phase: str) -> str:
    if state.phase == phase and state.round == number:
        return "now"
    return "done" if held else "later"


def _attendance_counts(event: Event) -> dict[str, int]:
    total = Registration.objects.filter(event=event, mode=Registration.Mode.LIVE).count()
    counts = {"registered": total, "present": 0, "absent": 0, "walk_ins": 0}
    rows = Attendance.objects.filter(registration__event=event, registration__mode="live")
    for status, walk_in in rows.values_list("status", "walk_in"):
        if status == Status.PRESENT:
            counts["present"] += 1
        elif status == Status.ABSENT:
            counts["absent"] += 1
        counts["walk_ins"] += walk_in
    counts["unknown"] = total - counts["present"] - counts["absent"]
    return counts


def _warnings(
    event: Event, meetings: Sequence[CoreMeeting], roster: Roster, number: int
) -> list[str]:
    """Why round ``number`` as it stands would not work for the people checked in."""
    statuses = {
        roster.pid[pk]: s for pk, s in attendance_statuses(event).items() if pk in roster.pid
    }
    placed = {p for m in meetings for p in m.members}
    absent = sorted(roster.name[p] for p in placed if statuses.get(p) == Status.ABSENT)
    waiting = sorted(
        roster.name[p]
        for p, s in statuses.items()
        if s == Status.PRESENT and p not in placed and roster.mode.get(p) == "live"
    )
    held = {pair for ms in held_rounds(event).values() for m in ms for pair in meeting_pairs(m)}
    repeats = [m for m in meetings if any(pair in held for pair in meeting_pairs(m.members))]
    out = []
    if absent:
        out.append(f"Marked absent but placed in round {number}: {_short(absent)}.")
    if waiting:
        out.append(f"Checked in but not placed in round {number}: {_short(waiting)}.")
    if repeats:
        out.append(
            f"{len(repeats)} meeting(s) of round {number} would repeat a pair that already met "
            "today."
        )
    return out


def _short(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def console(event: Event, query: str = "", show: str = "") -> Console:
    """Everything the live console shows, in a fixed number of queries."""
    state = live_state(event)
    version = published_plan(event)
    people = _people(event, query, show)
    counts = _attendance_counts(event)
    if version is None:
        return Console(event, state, None, (), counts, people=people)
    roster = roster_of(event)
    plan = plan_from_version(version)
    number = next_round_number(event, version, state) if state.phase != Phase.GROUPS else None
    extra: dict[str, Any] = {}
    if number is not None and state.phase != Phase.ENDED:
        meetings, source = round_base(event, version, number, roster, plan)
        names = {pid: roster.name[pid] for pid in roster.pk}
        first = number == min(round_numbers(version))
        extra = {
            "next_number": number,
            "next_source": source,
            "next_warnings": tuple(_warnings(event, meetings, roster, number)),
            "next_replan": latest_replan(event, number, version),
            "next_chat": chat_text(event, number, meetings, names),
            "next_steps": round_steps(event, number, _rooms_of_day(plan, meetings), first),
        }
    stages = tuple(_stages(event, version, state))
    data = Console(
        event,
        state,
        version,
        stages,
        counts,
        zone_name=event.timezone,
        can_start_groups=state.phase in (Phase.WAITING, Phase.ROUND)
        and has_groups(event, version)
        and not HeldMeeting.objects.filter(event=event, round=0).exists(),
        people=people,
        room_mode=room_mode(event),
        later=tuple(
            s.number
            for s in stages
            if s.number > max(state.round, number or 0) and s.status == "later"
        )
        if state.phase in (Phase.WAITING, Phase.ROUND)
        else (),
        **extra,
    )
    return replace(data, step=_next_step(data))


def _next_step(data: Console) -> NextStep | None:
    """Open the doors; else re-plan the next round when it would not work for the people
    checked in (and nothing changed since the last re-plan); else whatever "Next" does."""
    state, number = data.state, data.next_number
    if state.phase == Phase.ENDED:
        return None
    if state.phase == Phase.WAITING and data.event.status != Event.Status.LIVE:
        return NextStep("start_event", "Open the event (check-in)", why="Then check people in.")
    if number is not None and data.next_warnings and _replan_would_help(data):
        why = data.next_warnings[0]
        return NextStep("replan", f"Re-plan round {number} for who is here", number, why)
    if number is not None:
        return NextStep("next_round", f"Start round {number}", number, _check_in_note(data))
    if data.can_start_groups:
        return NextStep("next_round", "Start the small groups")
    return NextStep("next_round", "End the event")


def _check_in_note(data: Console) -> str:
    """Before the first round, how far check-in is (it is right below the button)."""
    counts = data.counts
    if data.state.phase != Phase.WAITING or not counts["unknown"]:
        return ""
    return f"{counts['present']} of {counts['registered']} checked in so far: check-in is below."


def _replan_would_help(data: Console) -> bool:
    """No re-plan yet, or check-in changed since the last one (else it would change nothing)."""
    replan = data.next_replan
    if replan is None:
        return True
    return Attendance.objects.filter(
        registration__event=data.event, changed__gt=replan.created
    ).exists()


def _rooms_of_day(plan: Plan, meetings: Sequence[CoreMeeting]) -> int:
    """How many rooms the day needs: every round's and the groups', with the next round as
    it stands (a re-plan may add a room)."""
    rooms = [m.room for r in plan.rounds for m in r.meetings]
    rooms += [m.room for m in meetings] + [g.room for g in plan.groups]
    return rooms_needed(rooms)


def _people(event: Event, query: str, show: str) -> tuple[Registration, ...]:
    regs = (
        Registration.objects.filter(event=event, mode=Registration.Mode.LIVE)
        .select_related("member", "attendance")
        .order_by("member__name", "pk")
    )
    if query:
        regs = regs.filter(Q(member__name__icontains=query) | Q(member__email__icontains=query))
    if show == Status.UNKNOWN:
        regs = regs.exclude(attendance__status__in=[Status.PRESENT, Status.ABSENT])
    elif show in (Status.PRESENT, Status.ABSENT):
        regs = regs.filter(attendance__status=show)
    return tuple(regs)


def attendance_of(registration: Registration) -> str:
    """``registration``'s status (unknown without a row), for a re-drawn console row."""
    try:
        return registration.attendance.status
    except Attendance.DoesNotExist:
        return Status.UNKNOWN
