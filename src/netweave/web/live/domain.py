"""The live run of an event: check-in, the host's clock, re-planning a round, and the record
of what really happened.

Verbs here are what the live console and the participant's live page call; views only
validate and delegate. Three rules hold throughout:

- **One transition at a time.** Every change of the live state (:func:`start_event`,
  :func:`start_round`, :func:`next_round`, :func:`start_groups`, :func:`end_event`) locks
  the event's :class:`LiveState` row inside ``transaction.atomic()`` and checks the version
  the organizer's page showed: when two organizers press "Next round" together, the second
  press finds a newer version and is refused (:class:`StaleStateError`) instead of
  skipping a round.
- **All or nothing.** A re-plan is computed before anything is written, then stored in one
  transaction; a failure leaves the running round and the stored rounds as they were.
- **The record is the truth.** When a round starts, its meetings (re-planned or planned,
  minus people marked absent) become :class:`HeldMeeting` rows: follow-up and next year's
  history read those, never the plan.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q, Subquery
from django.utils import timezone

from netweave.core.attendees import match_attendees, parse_attendees
from netweave.core.config import ConfigError
from netweave.core.exports import zoom_groups_table, zoom_round_table
from netweave.core.live_words import chat_lines, conversation_prompt
from netweave.core.plan import Group as CoreGroup
from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Participant, Plan, Round
from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.live.models import Attendance, HeldMeeting, HeldSeat, LiveState, Replan
from netweave.web.matching.domain import (
    community_history,
    event_config,
    event_people,
    forbidden_pairs,
    plan_from_version,
)
from netweave.web.matching.models import PlanVersion
from netweave.web.portal.domain import published_plan, round_starts_at, schedule_for

__all__ = [
    "CheckInReview",
    "Console",
    "LiveError",
    "LiveMeeting",
    "LivePage",
    "StaleStateError",
    "add_walk_in",
    "console",
    "end_event",
    "groups_zoom_csv",
    "live_page",
    "live_state",
    "mark_present",
    "next_round",
    "poll_version",
    "read_attendee_list",
    "replan_next_round",
    "round_chat_text",
    "round_zoom_csv",
    "set_attendance",
    "set_messages",
    "start_event",
    "start_groups",
    "start_round",
]

User = AbstractBaseUser
Phase = LiveState.Phase
Status = Attendance.Status
Source = HeldMeeting.Source


class LiveError(ValueError):
    """A step the organizer asked for cannot be done now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleStateError(LiveError):
    """The live state moved on since the organizer's page was drawn (another organizer)."""


def _pid(email: str) -> str:
    return email.strip().lower()


# --------------------------------------------------------------------------- the state


def live_state(event: Event) -> LiveState:
    """The event's live state, created (not started) on first use."""
    state, _ = LiveState.objects.get_or_create(event=event)
    return state


@contextmanager
def _change(event: Event, expected_version: int | None) -> Iterator[LiveState]:
    """Lock the live state, check it is still what the organizer saw, and bump its version
    on success. Everything done inside happens with the state change or not at all."""
    with transaction.atomic():
        LiveState.objects.get_or_create(event=event)
        state = LiveState.objects.select_for_update().get(event=event)
        if expected_version is not None and state.version != expected_version:
            raise StaleStateError(
                "Someone else moved the event on a moment ago (another organizer, or another "
                "tab): nothing was changed. The page now shows where the event is."
            )
        yield state
        state.version += 1
        state.save()
        # forget the polled version now and after the commit (a poll in between may have
        # cached the old one again)
        cache.delete(_version_key(event.pk))
        transaction.on_commit(partial(cache.delete, _version_key(event.pk)))


def _published(event: Event) -> PlanVersion:
    version = published_plan(event)
    if version is None:
        raise LiveError("Publish a plan first: the live run follows the published plan.")
    return version


def _mark_event(event: Event, status: str) -> None:
    Event.objects.filter(pk=event.pk).update(status=status)
    event.status = status


def start_event(event: Event, expected_version: int | None) -> LiveState:
    """Open the doors: the event is live, participants' live pages say it has started, and
    the organizers check people in before the first round."""
    _published(event)
    with _change(event, expected_version) as state:
        if state.phase != Phase.WAITING:
            raise LiveError("The event has already started.")
        state.started_at = timezone.now()
        _mark_event(event, Event.Status.LIVE)
    return state


def _round_numbers(version: PlanVersion) -> list[int]:
    return sorted(int(n) for n in version.round_numbers)


def start_round(event: Event, number: int, expected_version: int | None) -> LiveState:
    """Start round ``number``: its meetings (the newest re-plan, else the published plan,
    without people marked absent) are recorded as held, and the countdown starts."""
    version = _published(event)
    if number not in _round_numbers(version):
        raise LiveError(f"The published plan has no round {number}.")
    with _change(event, expected_version) as state:
        if state.phase == Phase.ENDED:
            raise LiveError("The event has ended.")
        if HeldMeeting.objects.filter(event=event, round=number).exists():
            raise LiveError(f"Round {number} has already been run.")
        roster = _roster(event)
        meetings, source = _round_base(event, version, number, roster)
        _record(event, number, meetings, source, roster, _absent(event))
        now = timezone.now()
        state.phase, state.round = Phase.ROUND, number
        state.started_at = state.started_at or now
        state.ends_at = now + dt.timedelta(minutes=event.minutes_per_round)
        _mark_event(event, Event.Status.LIVE)
    return state


def _next_number(event: Event, version: PlanVersion, state: LiveState) -> int | None:
    held = set(HeldMeeting.objects.filter(event=event, round__gt=0).values_list("round", flat=True))
    later = [n for n in _round_numbers(version) if n > state.round and n not in held]
    return later[0] if later else None


def next_round(event: Event, expected_version: int | None) -> LiveState:
    """Whatever comes next: the next round, else the small groups, else the end."""
    version = _published(event)
    state = live_state(event)
    if state.phase == Phase.ENDED:
        raise LiveError("The event has ended.")
    number = _next_number(event, version, state) if state.phase != Phase.GROUPS else None
    if number is not None:
        return start_round(event, number, expected_version)
    if state.phase != Phase.GROUPS and _has_groups(event, version):
        return start_groups(event, expected_version)
    return end_event(event, expected_version)


def _has_groups(event: Event, version: PlanVersion) -> bool:
    return event.groups_enabled and version.groups.exists()


def start_groups(event: Event, expected_version: int | None) -> LiveState:
    """Start the small groups: the planned groups for the people there (absent people out,
    late arrivals seated) are recorded as held (round 0), and the countdown starts."""
    version = _published(event)
    if not _has_groups(event, version):
        raise LiveError("This event has no small groups in its published plan.")
    with _change(event, expected_version) as state:
        if state.phase == Phase.ENDED:
            raise LiveError("The event has ended.")
        if HeldMeeting.objects.filter(event=event, round=0).exists():
            raise LiveError("The small groups have already started.")
        roster = _roster(event)
        _record_groups(event, _groups_now(event, version, roster), roster)
        now = timezone.now()
        state.phase = Phase.GROUPS
        state.started_at = state.started_at or now
        state.ends_at = now + dt.timedelta(minutes=event.group_minutes)
        _mark_event(event, Event.Status.LIVE)
    return state


def end_event(event: Event, expected_version: int | None) -> LiveState:
    """The end: the countdown stops, the event is done (follow-up can begin)."""
    with _change(event, expected_version) as state:
        if state.phase == Phase.ENDED:
            raise LiveError("The event has already ended.")
        state.phase, state.ends_at = Phase.ENDED, None
        _mark_event(event, Event.Status.DONE)
    return state


def set_messages(event: Event, broadcast: str, accessibility_note: str) -> LiveState:
    """The message shown on every participant's live page, and the accessibility reminder
    shown at every change. Both reach open pages within seconds (the version changes)."""
    with _change(event, None) as state:
        state.broadcast = broadcast.strip()
        state.accessibility_note = accessibility_note.strip()
    return state


# --------------------------------------------------------------------------- who is who


@dataclass(frozen=True)
class _Roster:
    """The event's registrations, by core id (the lower-cased email)."""

    pk: dict[str, int]
    pid: dict[int, str]
    name: dict[str, str]
    mode: dict[str, str]


def _roster(event: Event) -> _Roster:
    rows = Registration.objects.filter(event=event).values_list(
        "pk", "member__email", "member__name", "mode"
    )
    pk, pid, name, mode = {}, {}, {}, {}
    for reg_pk, email, member_name, reg_mode in rows:
        key = _pid(email)
        pk[key], pid[reg_pk], name[key], mode[key] = reg_pk, key, member_name, reg_mode
    return _Roster(pk, pid, name, mode)


def _statuses(event: Event) -> dict[int, str]:
    """registration pk -> attendance status (unknown when never ticked)."""
    rows = Attendance.objects.filter(registration__event=event).values_list(
        "registration_id", "status"
    )
    return dict(rows)


def _absent(event: Event) -> set[str]:
    rows = Attendance.objects.filter(registration__event=event, status=Status.ABSENT)
    return {_pid(e) for e in rows.values_list("registration__member__email", flat=True)}


# --------------------------------------------------------------------------- check-in


def set_attendance(registration: Registration, status: str) -> Attendance:
    """Tick one person present or absent (or back to not checked in)."""
    if status not in Status.values:
        raise LiveError(f"Unknown attendance status {status!r}.")
    attendance, _ = Attendance.objects.update_or_create(
        registration=registration, defaults={"status": status}
    )
    return attendance


def mark_present(event: Event, registration_pks: Iterable[int]) -> int:
    """Mark these registrations of ``event`` present (others' pks are ignored); how many."""
    pks = list(
        Registration.objects.filter(event=event, pk__in=list(registration_pks)).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        Attendance.objects.filter(registration_id__in=pks).update(
            status=Status.PRESENT, changed=timezone.now()
        )
        have = set(
            Attendance.objects.filter(registration_id__in=pks).values_list(
                "registration_id", flat=True
            )
        )
        Attendance.objects.bulk_create(
            Attendance(registration_id=pk, status=Status.PRESENT) for pk in pks if pk not in have
        )
    return len(pks)


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


def add_walk_in(event: Event, name: str, email: str) -> Registration:
    """Somebody who came without registering: a member of the community (found by email,
    or new), a live registration, and their attendance, present, all at once. Somebody
    already registered is simply marked present.

    A new walk-in is emailed their personal link (after the commit, as a task), so they can
    follow along on their live page and keep in touch afterwards.
    """
    email = _pid(email)
    name = " ".join(name.split())
    if not email or not name:
        raise LiveError("A walk-in needs a name and an email.")
    with transaction.atomic():
        member, _ = Member.objects.get_or_create(
            community=event.community, email=email, defaults={"name": name}
        )
        registration, created = Registration.objects.get_or_create(
            event=event, member=member, defaults={"mode": Registration.Mode.LIVE}
        )
        Attendance.objects.update_or_create(
            registration=registration,
            defaults={"status": Status.PRESENT, "walk_in": created},
        )
        if created:
            transaction.on_commit(partial(_send_link, registration.pk))
    return registration


def _send_link(registration_pk: int) -> None:
    from netweave.web.portal.tasks import send_link_email_task

    send_link_email_task.enqueue(registration_pk)


# --------------------------------------------------------------------------- rounds


def _core_meeting(row: Mapping[str, Any], roster: _Roster) -> CoreMeeting | None:
    members = tuple(roster.pid[pk] for pk in row["members"] if pk in roster.pid)
    if not members:
        return None
    return CoreMeeting(
        row.get("room"),
        members,
        float(row.get("score", 0.0)),
        tuple(row.get("reasons", ())),
        is_async=bool(row.get("is_async")),
    )


def _latest_replan(event: Event, number: int) -> Replan | None:
    return Replan.objects.filter(event=event, round=number).order_by("-id").first()


def _plan_round(plan: Plan, number: int) -> list[CoreMeeting]:
    return [m for r in plan.rounds if r.number == number for m in r.meetings]


def _round_base(
    event: Event,
    version: PlanVersion,
    number: int,
    roster: _Roster,
    plan: Plan | None = None,
) -> tuple[list[CoreMeeting], str]:
    """Round ``number`` as it stands: the newest re-plan, else the published plan."""
    latest = _latest_replan(event, number)
    if latest is not None:
        meetings = [_core_meeting(row, roster) for row in latest.meetings]
        return [m for m in meetings if m is not None], Source.REPLAN
    plan = plan or plan_from_version(version)
    return _plan_round(plan, number), Source.PLAN


def _record(
    event: Event,
    number: int,
    meetings: Sequence[CoreMeeting],
    source: str,
    roster: _Roster,
    absent: set[str],
) -> None:
    """Store what happens in round ``number``: each meeting with the people there. A pair
    whose partner is absent did not meet, so it is not recorded; a host meeting is."""
    rows = []
    for m in meetings:
        members = [p for p in m.members if p in roster.pk and p not in absent]
        if len(members) >= 2 or (len(m.members) == 1 and members):
            rows.append((m, members))
    created = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=number,
            room=m.room,
            is_async=m.is_async,
            reasons=list(m.reasons),
            source=source,
        )
        for m, _ in rows
    )
    HeldSeat.objects.bulk_create(
        HeldSeat(meeting=held, registration_id=roster.pk[p], position=i)
        for held, (_, members) in zip(created, rows, strict=True)
        for i, p in enumerate(members)
    )


def _held_rounds(event: Event) -> dict[int, list[tuple[str, ...]]]:
    """held round -> its meetings as member ids (round 0: the groups)."""
    rows = (
        HeldSeat.objects.filter(meeting__event=event)
        .order_by("meeting__round", "meeting_id", "position")
        .values_list("meeting__round", "meeting_id", "registration__member__email")
    )
    meetings: dict[int, list[str]] = defaultdict(list)
    rounds: dict[int, int] = {}
    for number, meeting_pk, email in rows:
        meetings[meeting_pk].append(_pid(email))
        rounds[meeting_pk] = number
    out: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for pk, members in meetings.items():
        out[rounds[pk]].append(tuple(members))
    return out


def _pairs(members: Sequence[str]) -> Iterator[tuple[str, str]]:
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            yield (a, b) if a < b else (b, a)


# --------------------------------------------------------------------------- re-planning


def _affinity(event: Event, people: Sequence[Any]) -> Any:
    """The scores the planner used (same weights, history and must-meet pairs), plus the
    organizers' forbidden pairs."""
    from netweave.core.affinity import build_affinity

    try:
        config = event_config(event)
    except ConfigError as exc:
        raise LiveError(f"The event's settings have a problem: {exc}") from exc
    known = {p.id for p in people}
    history = [p for p in community_history(event) if known.issuperset(p)]
    aff = build_affinity(
        people,
        config.weights,
        history=history,
        history_mode=config.history_mode,
        must_meet=config.must_meet,
        text_backend=config.text_backend,
    )
    extra = set()
    for pair in forbidden_pairs(event):
        a, b = _pid(pair.a.member.email), _pid(pair.b.member.email)
        if a in known and b in known:
            i, j = aff.index(a), aff.index(b)
            extra.add((min(i, j), max(i, j)))
    return replace(aff, forbidden=aff.forbidden | extra), config


def replan_next_round(event: Event, number: int, user: User | None = None) -> Replan:
    """Re-plan round ``number`` for the people checked in (walk-ins included; async people
    always count, through their intro video), before it starts.

    Keeps every meeting of the round as it stands (the newest re-plan, else the published
    plan) whose people are all there, pairs the others well, never repeats a pair that met
    at this event or (when the settings exclude repeats) at an earlier one, and respects
    every avoid list and forbidden pair. Pairs planned for later rounds are avoided when
    that costs nobody a partner, so later rounds stay as planned. Nothing is written
    unless the whole re-plan succeeds.
    """
    version = _published(event)
    state = live_state(event)
    _check_replannable(state, version, number)
    people = event_people(event)
    if len(people) < 2:
        raise LiveError("At least two people must be registered to re-plan.")
    roster = _roster(event)
    plan = plan_from_version(version)
    base, _ = _round_base(event, version, number, roster, plan)
    try:
        rows, changes, present = _replanned(event, people, roster, plan, base, number)
    except LiveError:
        raise
    except ValueError as exc:  # the core's refusals (nobody present, ...)
        raise LiveError(f"Round {number} could not be re-planned: {exc}") from exc
    with transaction.atomic():
        # the round may have started while this was computed (another organizer)
        state = LiveState.objects.select_for_update().get(event=event)
        _check_replannable(state, version, number)
        if HeldMeeting.objects.filter(event=event, round=number).exists():
            raise LiveError(f"Round {number} has already started: re-plan a later round.")
        return Replan.objects.create(
            event=event,
            round=number,
            meetings=rows,
            changes=changes,
            present=present,
            created_by=user if user is not None and user.is_authenticated else None,
        )


def _check_replannable(state: LiveState, version: PlanVersion, number: int) -> None:
    if number not in _round_numbers(version):
        raise LiveError(f"The published plan has no round {number}.")
    if state.phase == Phase.ENDED:
        raise LiveError("The event has ended.")
    if state.phase == Phase.GROUPS or (state.phase == Phase.ROUND and number <= state.round):
        raise LiveError(f"Round {number} has already started: re-plan a later round.")


def _replanned(
    event: Event,
    people: Sequence[Any],
    roster: _Roster,
    plan: Plan,
    base: Sequence[CoreMeeting],
    number: int,
) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    from netweave.core.live import replan_for_present

    aff, config = _affinity(event, people)
    statuses = _statuses(event)
    present = [
        i
        for i, p in enumerate(people)
        if p.mode == "async" or statuses.get(roster.pk[p.id]) == Status.PRESENT
    ]
    live_present = sum(1 for i in present if people[i].mode == "live")
    if live_present < 2:
        raise LiveError(
            "Fewer than two live people are checked in: tick who is here (or paste Zoom's "
            "participant list) before re-planning."
        )
    held = [m for n, ms in _held_rounds(event).items() if n > 0 for m in ms]
    later = [m for r in plan.rounds if r.number > number for m in r.meetings]
    out = replan_for_present(
        aff, people, base, present, held=held, later=later, odd=config.odd, seed=config.seed
    )
    return [_row(m, roster) for m in out.meetings], out.changes, live_present


def _row(meeting: CoreMeeting, roster: _Roster) -> dict[str, Any]:
    """A re-planned meeting as :attr:`Replan.meetings` stores it: registrations, not ids."""
    return {
        "room": meeting.room,
        "members": [roster.pk[p] for p in meeting.members],
        "is_async": meeting.is_async,
        "score": round(float(meeting.score), 6),
        "reasons": list(meeting.reasons),
    }


# --------------------------------------------------------------------------- exports


def _round_plan(event: Event, number: int) -> tuple[Plan, list[CoreMeeting]]:
    """Round ``number`` as it will run (or ran), as a one-round core plan."""
    version = _published(event)
    if number not in _round_numbers(version):
        raise LiveError(f"The published plan has no round {number}.")
    roster = _roster(event)
    meetings, _ = _round_base(event, version, number, roster)
    people = tuple(Participant(pid, roster.name[pid], roster.mode[pid]) for pid in roster.pk)
    return Plan(participants=people, rounds=(Round(number, tuple(meetings)),)), meetings


def _csv_bytes(table: Any) -> bytes:
    # the core's writer, so these files are byte for byte the plan exports' files
    from netweave.core.exports import write_csv

    with tempfile.TemporaryDirectory(prefix="netweave-live-") as tmp:
        path = Path(tmp) / "round.csv"
        write_csv(table, path)
        return path.read_bytes()


def round_zoom_csv(event: Event, number: int) -> bytes:
    """Zoom's breakout-room CSV for round ``number`` as it stands now (re-planned or not)."""
    plan, _ = _round_plan(event, number)
    return _csv_bytes(zoom_round_table(plan, number))


def round_chat_text(event: Event, number: int) -> str:
    """The lines to paste in Zoom's chat: "Round 2: Room 3 - Ana & Kofi", ..."""
    plan, meetings = _round_plan(event, number)
    names = {p.id: p.name for p in plan.participants}
    return "\n".join(chat_lines(number, meetings, names))


def _groups_now(event: Event, version: PlanVersion, roster: _Roster) -> list[CoreGroup]:
    """The published groups for the people there: absent people out, people left alone in
    a group and late arrivals seated where nobody avoids them."""
    from netweave.core.live import regroup

    held = HeldMeeting.objects.filter(event=event, round=0)
    if held.exists():
        return _held_groups(event)
    plan = plan_from_version(version)
    people = event_people(event)
    index = {p.id: i for i, p in enumerate(people)}
    aff = _avoid_only(event, people, index)
    absent = _absent(event)
    present = [i for i, p in enumerate(people) if p.mode == "live" and p.id not in absent]
    planned = [[index[p] for p in g.members if p in index] for g in plan.groups]
    result = regroup(aff, planned, present)
    groups = []
    for g, members in zip(plan.groups, result.groups, strict=True):
        if len(members) >= 2:
            groups.append(replace(g, members=tuple(people[i].id for i in members)))
    k = len(plan.groups)
    for extra in result.alone:
        k += 1  # nobody could take them: their own room, so the host can see and help
        groups.append(CoreGroup(f"Group {k}", (people[extra].id,)))
    return groups


def _avoid_only(event: Event, people: Sequence[Any], index: Mapping[str, int]) -> Any:
    """An affinity with no scores, only who must not sit together: seating a late arrival
    needs no profile comparison, and it must be instant when the host presses the button."""
    import numpy as np

    from netweave.core.affinity import Affinity

    forbidden = set()
    for p in people:
        for q in p.avoid:
            if q in index:
                i, j = index[p.id], index[q]
                forbidden.add((min(i, j), max(i, j)))
    for pair in forbidden_pairs(event):
        a, b = _pid(pair.a.member.email), _pid(pair.b.member.email)
        if a in index and b in index:
            forbidden.add((min(index[a], index[b]), max(index[a], index[b])))
    n = len(people)
    return Affinity(tuple(p.id for p in people), np.zeros((n, n), np.float32), frozenset(forbidden))


def _held_groups(event: Event) -> list[CoreGroup]:
    seats = defaultdict(list)
    rows = (
        HeldSeat.objects.filter(meeting__event=event, meeting__round=0)
        .order_by("meeting_id", "position")
        .values_list("meeting_id", "registration__member__email")
    )
    for pk, email in rows:
        seats[pk].append(_pid(email))
    return [
        CoreGroup(g.room or f"Group {k}", tuple(seats[g.pk]), g.theme, 0.0, tuple(g.reasons))
        for k, g in enumerate(HeldMeeting.objects.filter(event=event, round=0), start=1)
    ]


def _record_groups(event: Event, groups: Sequence[CoreGroup], roster: _Roster) -> None:
    rows = [(g, [p for p in g.members if p in roster.pk]) for g in groups]
    created = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=0,
            room=g.room,
            reasons=list(g.reasons),
            theme=g.theme[:200],
            source=Source.GROUP,
        )
        for g, _ in rows
    )
    HeldSeat.objects.bulk_create(
        HeldSeat(meeting=held, registration_id=roster.pk[p], position=i)
        for held, (_, members) in zip(created, rows, strict=True)
        for i, p in enumerate(members)
    )


def groups_zoom_csv(event: Event) -> bytes:
    """Zoom's CSV for the small groups as they run (or will run) for the people there."""
    version = _published(event)
    groups = _groups_now(event, version, _roster(event))
    return _csv_bytes(zoom_groups_table(Plan(participants=(), groups=tuple(groups))))


# --------------------------------------------------------------------------- the console


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
    zone_name: str = "UTC"
    can_start_groups: bool = False
    people: tuple[Registration, ...] = field(default_factory=tuple)


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
    for n in _round_numbers(version):
        begins = round_starts_at(event, n)
        status = _stage_status(state, n, n in started, Phase.ROUND)
        stages.append(
            Stage(n, f"Round {n}", begins, begins + step, status, n in replanned, started.get(n))
        )
    if _has_groups(event, version):
        begins = round_starts_at(event, max(_round_numbers(version) or [0]) + 1)
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
    event: Event, meetings: Sequence[CoreMeeting], roster: _Roster, number: int
) -> list[str]:
    """Why round ``number`` as it stands would not work for the people checked in."""
    statuses = {roster.pid[pk]: s for pk, s in _statuses(event).items() if pk in roster.pid}
    placed = {p for m in meetings for p in m.members}
    absent = sorted(roster.name[p] for p in placed if statuses.get(p) == Status.ABSENT)
    waiting = sorted(
        roster.name[p]
        for p, s in statuses.items()
        if s == Status.PRESENT and p not in placed and roster.mode.get(p) == "live"
    )
    held = {pair for ms in _held_rounds(event).values() for m in ms for pair in _pairs(m)}
    repeats = [m for m in meetings if any(pair in held for pair in _pairs(m.members))]
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
    roster = _roster(event)
    plan = plan_from_version(version)
    number = _next_number(event, version, state) if state.phase != Phase.GROUPS else None
    extra: dict[str, Any] = {}
    if number is not None and state.phase != Phase.ENDED:
        meetings, source = _round_base(event, version, number, roster, plan)
        names = {pid: roster.name[pid] for pid in roster.pk}
        extra = {
            "next_number": number,
            "next_source": source,
            "next_warnings": tuple(_warnings(event, meetings, roster, number)),
            "next_replan": _latest_replan(event, number),
            "next_chat": "\n".join(chat_lines(number, meetings, names)),
        }
    return Console(
        event,
        state,
        version,
        tuple(_stages(event, version, state)),
        counts,
        zone_name=event.timezone,
        can_start_groups=state.phase in (Phase.WAITING, Phase.ROUND)
        and _has_groups(event, version)
        and not HeldMeeting.objects.filter(event=event, round=0).exists(),
        people=people,
        **extra,
    )


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


# --------------------------------------------------------------------------- participants


@dataclass(frozen=True)
class LiveSeat:
    """Someone the participant meets now: what they may see, and the registration (for the
    async partner's intro)."""

    partner: PartnerView
    registration: Registration


@dataclass(frozen=True)
class LiveMeeting:
    room: str | None
    is_async: bool
    seats: tuple[LiveSeat, ...]
    reasons: tuple[str, ...]
    prompt: str

    @property
    def with_host(self) -> bool:
        return not self.seats and not self.is_async


@dataclass(frozen=True)
class LiveGroup:
    room: str
    theme: str
    members: tuple[PartnerView, ...]
    reasons: tuple[str, ...]
    #: an async member attached to the group: they follow it on their pages
    remote: bool = False


@dataclass(frozen=True)
class LivePage:
    state: LiveState
    rounds: int
    meetings: tuple[LiveMeeting, ...] = ()
    group: LiveGroup | None = None
    now: dt.datetime = field(default_factory=timezone.now)


@dataclass(frozen=True)
class _Held:
    """A held meeting the viewer is in, with everyone else in it."""

    meeting: HeldMeeting
    others: tuple[Registration, ...]


def _held_of(registration: Registration, number: int) -> list[_Held]:
    """The viewer's held meetings of round ``number`` with their people, in one query:
    every participant's page asks this within seconds of each other at each change."""
    mine = HeldSeat.objects.filter(
        meeting__event_id=registration.event_id,
        meeting__round=number,
        registration_id=registration.pk,
    ).values("meeting_id")
    seats = (
        HeldSeat.objects.filter(meeting_id__in=Subquery(mine))
        .select_related("meeting", "registration__member")
        .order_by("meeting_id", "position")
    )
    meetings: dict[int, HeldMeeting] = {}
    others: dict[int, list[Registration]] = defaultdict(list)
    for seat in seats:
        meetings.setdefault(seat.meeting_id, seat.meeting)
        if seat.registration_id != registration.pk:
            others[seat.meeting_id].append(seat.registration)
    return [_Held(m, tuple(others[pk])) for pk, m in meetings.items()]


def _live_meeting(held: _Held, number: int, viewer: Registration) -> LiveMeeting:
    reasons = tuple(str(r) for r in held.meeting.reasons or ())
    views = partner_views(viewer, held.others)
    return LiveMeeting(
        room=held.meeting.room,
        is_async=held.meeting.is_async,
        seats=tuple(LiveSeat(v, r) for v, r in zip(views, held.others, strict=True)),
        reasons=reasons,
        prompt=conversation_prompt(reasons, number),
    )


def _live_group(held: _Held, viewer: Registration) -> LiveGroup:
    return LiveGroup(
        room=held.meeting.room or "",
        theme=held.meeting.theme,
        members=partner_views(viewer, held.others),
        reasons=tuple(str(r) for r in held.meeting.reasons or ()),
    )


def _group_of(registration: Registration) -> LiveGroup | None:
    """The group the participant sits in now; an async member attached to a group sees the
    group the plan attached them to (they are not in its room)."""
    held = _held_of(registration, 0)
    if held:
        return _live_group(held[0], registration)
    schedule = schedule_for(registration)
    slot = schedule.group if schedule is not None else None
    if slot is None:
        return None
    return LiveGroup(slot.room, slot.theme, slot.members, slot.reasons, remote=slot.remote)


def _state_of(event: Event) -> LiveState:
    """The live state, as loaded with the event when it was (``select_related``)."""
    try:
        return event.live
    except LiveState.DoesNotExist:
        return live_state(event)


def live_page(registration: Registration) -> LivePage:
    """What ``registration`` sees on their live page now: the current round's partners
    (from what is really happening, not the plan), or their group, and the clock.

    With the event's live state loaded (``select_related("event__live")``) a round's
    page costs one query, and one more when a partner and the viewer did not both tick
    "share my email" (the stay-in-touch consent of the contact rule).
    """
    event = registration.event
    state = _state_of(event)
    page = LivePage(state=state, rounds=event.rounds)
    if state.phase == Phase.ROUND:
        held = _held_of(registration, state.round)
        page = replace(
            page, meetings=tuple(_live_meeting(h, state.round, registration) for h in held)
        )
    elif state.phase == Phase.GROUPS:
        page = replace(page, group=_group_of(registration))
    return page


#: how long a live page may go on seeing the previous version: every open page asks every
#: few seconds, so a thousand of them would otherwise be hundreds of queries a second
POLL_CACHE_SECONDS = 1
#: how long a personal link's event is remembered for polling (an unknown link never is)
TOKEN_CACHE_SECONDS = 300


def _version_key(event_id: int) -> str:
    return f"netweave:live-version:{event_id}"


def poll_version(token: str) -> int | None:
    """The live state's version for the registration with ``token``: 0 before the event has a
    live state, None for an unknown token.

    Answered from the cache for all but one poll per event and second (and one per link and
    five minutes): the live page polls all the time, and its answer is almost always "no
    change". A change made in this process is seen at once (:func:`_change` forgets the
    version); one made elsewhere within :data:`POLL_CACHE_SECONDS`. Pages that show anything
    look the registration up afresh.
    """
    token_key = f"netweave:poll-event:{token}"
    event_id = cache.get(token_key)
    if event_id is None:
        rows = Registration.objects.filter(token=token).order_by().values_list("event_id")
        event_id = next(iter(rows[:1]), (None,))[0]
        if event_id is None:
            return None
        cache.set(token_key, event_id, TOKEN_CACHE_SECONDS)
    version = cache.get(_version_key(event_id))
    if version is None:
        row = LiveState.objects.filter(event_id=event_id).values_list("version").first()
        version = row[0] if row else 0
        cache.set(_version_key(event_id), version, POLL_CACHE_SECONDS)
    return version
