"""The curation verbs: plans between the database and the pure core, and every change to them.

A plan is stored as a :class:`~netweave.web.matching.models.PlanVersion` with Meeting/Seat and
Group/GroupSeat rows. :func:`save_plan` and :func:`plan_from_version` convert a core
:class:`~netweave.core.plan.Plan` to rows and back exactly, so every verb can work on the core's
value objects and the core's checks, and store the result as a new version.

Every verb that changes a plan runs inside ``transaction.atomic()``: it happens completely or
not at all. Changes create new versions instead of editing old ones (pins excepted), so an
organizer can always go back: "nothing that can't be undone".
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from netweave.core.check import Violation, check_plan
from netweave.core.config import ConfigError, EventConfig, parse_config
from netweave.core.diff import PlanDiff, compare_plans
from netweave.core.fully_async import all_async, as_live, as_live_people
from netweave.core.newcomers import connection_boost
from netweave.core.people import Person
from netweave.core.plan import Group as CoreGroup
from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Participant, Plan, Round, Unmatched
from netweave.web.events.models import Event, Registration
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.matching.heartbeat import Heartbeat, settle_stale
from netweave.web.matching.models import (
    ForbiddenPair,
    Group,
    GroupSeat,
    Meeting,
    PlanVersion,
    Seat,
)
from netweave.web.matching.signals import plan_published

__all__ = [
    "PlanConflictError",
    "PlanError",
    "community_history",
    "connection_boost",
    "diff_plans",
    "event_config",
    "event_people",
    "forbid_pair",
    "forbidden_pairs",
    "generate_plan",
    "pin_group",
    "pin_meeting",
    "plan_from_version",
    "plan_violations",
    "publish_plan",
    "replan",
    "request_plan",
    "save_plan",
    "settle_stale",
    "swap_people",
    "unforbid_pair",
    "version_for_export",
]

log = logging.getLogger(__name__)

User = AbstractBaseUser
State = PlanVersion.State


class PlanError(ValueError):
    """A step the organizer asked for cannot be done. The message says why, in their words;
    :attr:`problems` lists the individual rule violations when there are any."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class PlanConflictError(PlanError):
    """Another organizer changed the plan after this organizer's page was made."""


def _refuse_if_changed(event: Event, seen: int | None) -> None:
    """Refuse a change made from a page that showed the plan up to version ``seen`` when a
    newer version now exists: acting anyway would silently drop the other organizer's work.

    Call it inside the transaction that holds the event's lock, so that two organizers
    cannot both pass it. Failed runs changed nothing and do not count. ``seen=None`` (the
    CLI, the demo, the live day) skips the check.
    """
    if seen is None:
        return
    newest = (
        PlanVersion.objects.filter(event=event)
        .exclude(state=State.FAILED)
        .aggregate(n=Max("number"))["n"]
        or 0
    )
    if newest > seen:
        raise PlanConflictError(
            f"Someone else changed the plan (now version {newest}): review it and try again."
        )


# --- registrations -> core people -----------------------------------------------------------


def _pid(email: str) -> str:
    return email.strip().lower()


def _linked_emails(through: Any, event: Event) -> dict[int, list[str]]:
    """registration pk -> the emails of the members it links to (requests or avoid)."""
    rows = (
        through.objects.filter(registration__event=event)
        .order_by("registration_id", "member__email")
        .values_list("registration_id", "member__email")
    )
    out: dict[int, list[str]] = defaultdict(list)
    for reg_pk, email in rows:
        out[reg_pk].append(_pid(email))
    return out


_PERSON_FIELDS = (
    "pk",
    "mode",
    "looking_for",
    "member__email",
    "member__name",
    "member__timezone",
    "member__location",
    "member__manages",
    "member__interests",
    "member__about",
    "member__extra",
)


def event_people(event: Event) -> list[Person]:
    """The event's registrations as the core's :class:`Person` records (three queries).

    Ordered by email: a stable order, so the same registrations and seed give the same plan
    even after somebody corrects their name. Requests and avoid lists keep only people
    registered for this event: the core plans among the people it is given.
    """
    # plain values, not model instances: the board reads a 1,000-person event on every view
    rows = list(
        Registration.objects.filter(event=event)
        .order_by("member__email")
        .values_list(*_PERSON_FIELDS, named=True)
    )
    ids = {_pid(r.member__email) for r in rows}
    requests = _linked_emails(Registration.requests.through, event)
    avoid = _linked_emails(Registration.avoid.through, event)
    return [_person(r, ids, requests[r.pk], avoid[r.pk]) for r in rows]


def _person(row: Any, ids: set[str], requests: list[str], avoid: list[str]) -> Person:
    pid = _pid(row.member__email)
    return Person(
        id=pid,
        email=row.member__email,
        name=row.member__name,
        mode=row.mode,
        timezone=row.member__timezone,
        location=row.member__location,
        community=row.member__manages,
        interests=tuple(str(t) for t in (row.member__interests or ())),
        about=row.member__about,
        looking_for=row.looking_for,
        requests=tuple(e for e in requests if e in ids and e != pid),
        avoid=tuple(e for e in avoid if e in ids and e != pid),
        extra=tuple((str(k), str(v)) for k, v in (row.member__extra or {}).items()),
    )


# --- core plan <-> rows ---------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    # The planner's metrics may hold numpy numbers; a JSONField needs plain values.
    def default(v: Any) -> Any:
        if hasattr(v, "tolist"):
            return v.tolist()
        if isinstance(v, set | frozenset):
            return sorted(v)
        raise TypeError(f"cannot store {type(v).__name__} in plan metrics")

    return json.loads(json.dumps(value, default=default))


def _lock(event: Event) -> Event:
    # Serialises version numbering and publishing per event (a no-op lock on SQLite, whose
    # IMMEDIATE transactions already serialise writers).
    return Event.objects.select_for_update().get(pk=event.pk)


def _new_version(
    event: Event, *, note: str, user: User | None, parent: PlanVersion | None, state: str
) -> PlanVersion:
    last = PlanVersion.objects.filter(event=event).aggregate(n=Max("number"))["n"] or 0
    return PlanVersion.objects.create(
        event=event,
        number=last + 1,
        parent=parent,
        state=state,
        note=note[:300],
        created_by=user if user is not None and user.is_authenticated else None,
    )


def _registration_pks(event: Event) -> dict[str, int]:
    rows = Registration.objects.filter(event=event).values_list("member__email", "pk")
    return {_pid(email): pk for email, pk in rows}


def _store_plan(version: PlanVersion, plan: Plan) -> None:
    """Fill ``version`` with ``plan`` as rows and mark it READY (five queries, any size)."""
    regs = _registration_pks(version.event)
    placed = {pid for r in plan.rounds for m in r.meetings for pid in m.members}
    placed |= {pid for g in plan.groups for pid in (*g.members, *g.remote)}
    unknown = sorted(placed - regs.keys())
    if unknown:
        raise PlanError(f"Not registered for this event: {', '.join(unknown)}")
    version.participants = [[p.id, p.name, p.mode] for p in plan.participants]
    version.round_numbers = [r.number for r in plan.rounds]
    version.metrics = _jsonable(dict(plan.metrics))
    version.unmatched = [u.to_dict() for u in plan.unmatched]
    version.state, version.progress, version.error = State.READY, 100, ""
    version.save()
    _store_meetings(version, plan.rounds, regs)
    _store_groups(version, plan.groups, regs)


def _store_meetings(version: PlanVersion, rounds: Sequence[Round], regs: Mapping[str, int]) -> None:
    flat = [(r.number, m) for r in rounds for m in r.meetings]
    rows = Meeting.objects.bulk_create(
        Meeting(
            plan=version,
            round=number,
            room=m.room,
            is_async=m.is_async,
            score=m.score,
            reasons=list(m.reasons),
            pinned=m.pinned,
        )
        for number, m in flat
    )
    Seat.objects.bulk_create(
        Seat(meeting=row, registration_id=regs[pid], position=i)
        for row, (_, m) in zip(rows, flat, strict=True)
        for i, pid in enumerate(m.members)
    )


def _store_groups(
    version: PlanVersion, groups: Sequence[CoreGroup], regs: Mapping[str, int]
) -> None:
    rows = Group.objects.bulk_create(
        Group(
            plan=version,
            room=g.room,
            theme=g.theme,
            score=g.score,
            reasons=list(g.reasons),
            pinned=g.pinned,
        )
        for g in groups
    )
    seats = []
    for row, g in zip(rows, groups, strict=True):
        seats += [
            GroupSeat(group=row, registration_id=regs[p], position=i)
            for i, p in enumerate(g.members)
        ]
        seats += [
            GroupSeat(group=row, registration_id=regs[p], position=i, remote=True)
            for i, p in enumerate(g.remote)
        ]
    GroupSeat.objects.bulk_create(seats)


def save_plan(
    event: Event,
    plan: Plan,
    *,
    note: str,
    user: User | None = None,
    parent: PlanVersion | None = None,
    seen: int | None = None,
) -> PlanVersion:
    """Store ``plan`` as the event's next version (READY), all or nothing.

    Raises :class:`PlanError` when the plan places somebody not registered for the event,
    :class:`PlanConflictError` when a version newer than ``seen`` exists.
    """
    with transaction.atomic():
        event = _lock(event)
        _refuse_if_changed(event, seen)
        version = _new_version(event, note=note, user=user, parent=parent, state=State.READY)
        _store_plan(version, plan)
    return version


def plan_from_version(version: PlanVersion) -> Plan:
    """The core :class:`Plan` stored in ``version`` (four queries): the exact inverse of
    :func:`save_plan`."""
    rounds: dict[int, list[CoreMeeting]] = {n: [] for n in version.round_numbers}
    members = _seat_ids(Seat.objects.filter(meeting__plan=version), "meeting_id")
    rows = (
        Meeting.objects.filter(plan=version)
        .order_by("round", "id")
        .values_list("pk", "round", "room", "score", "reasons", "is_async", "pinned")
    )
    for pk, number, room, score, reasons, is_async, pinned in rows:
        rounds.setdefault(number, []).append(
            CoreMeeting(room, tuple(members[pk]), score, tuple(reasons), is_async, pinned)
        )
    return Plan(
        participants=tuple(Participant(*p) for p in version.participants),
        rounds=tuple(Round(n, tuple(ms)) for n, ms in rounds.items()),
        groups=_core_groups(version),
        unmatched=tuple(Unmatched.from_dict(u) for u in version.unmatched),
        metrics=dict(version.metrics),
    )


def _seat_ids(seats: Any, owner: str) -> dict[int, list[str]]:
    rows = seats.order_by(owner, "position").values_list(owner, "registration__member__email")
    out: dict[int, list[str]] = defaultdict(list)
    for owner_pk, email in rows:
        out[owner_pk].append(_pid(email))
    return out


def _core_groups(version: PlanVersion) -> tuple[CoreGroup, ...]:
    rows = (
        GroupSeat.objects.filter(group__plan=version)
        .order_by("group_id", "remote", "position")
        .values_list("group_id", "remote", "registration__member__email")
    )
    seats: dict[tuple[int, bool], list[str]] = defaultdict(list)
    for group_pk, remote, email in rows:
        seats[group_pk, remote].append(_pid(email))
    return tuple(
        CoreGroup(
            room=g.room,
            members=tuple(seats[g.pk, False]),
            theme=g.theme,
            score=g.score,
            reasons=tuple(g.reasons),
            remote=tuple(seats[g.pk, True]),
            pinned=g.pinned,
        )
        for g in Group.objects.filter(plan=version).order_by("id")
    )


# --- configuration, history, constraints ----------------------------------------------------


def _toml_value(value: Any, where: str) -> str:
    # JSON scalars and arrays are valid TOML values (true/false, numbers, quoted strings).
    if value is None or isinstance(value, dict):
        raise ConfigError([f"event settings: {where}: expected a value, got {value!r}"])
    return json.dumps(value, ensure_ascii=False)


def _settings_toml(settings: Mapping[str, Any]) -> str:
    """``event.settings`` (the shape of ``event.toml``, as a dict) written back as TOML, so
    the core's own reader validates it and words its errors."""
    top = [
        f"{json.dumps(k)} = {_toml_value(v, k)}"
        for k, v in settings.items()
        if not isinstance(v, dict)
    ]
    tables = []
    for section, table in settings.items():
        if isinstance(table, dict):
            tables.append(f"[{json.dumps(section)}]")
            tables += [
                f"{json.dumps(k)} = {_toml_value(v, f'[{section}] {k}')}"
                for k, v in table.items()
                if v is not None  # TOML has no null: an unset key means "the default"
            ]
    return "\n".join([*top, *tables]) + "\n"


def event_config(event: Event) -> EventConfig:
    """The core configuration for ``event``: ``event.settings`` (shaped like ``event.toml``)
    with the event's own fields (rounds, minutes, group sizes) on top, since those are what
    the organizer sees and edits on the event page.

    Raises :class:`~netweave.core.config.ConfigError` listing every problem.
    """
    config = parse_config(_settings_toml(event.settings or {}), source="event settings")
    return config.replace(
        rounds=event.rounds,
        minutes_per_round=event.minutes_per_round,
        group_min=event.group_min,
        group_max=event.group_max,
    )


def community_history(event: Event) -> list[tuple[str, str]]:
    """Pairs (sorted ids) who met one-on-one at the community's earlier events.

    What really happened counts (:class:`~netweave.web.live.models.HeldMeeting`, written by
    the live run or copied from the plan by the follow-up); an earlier event with no such
    record counts with its published plan. Groups do not count: sharing a table of six is
    not the conversation a returning member should not repeat.
    """
    earlier = Event.objects.filter(
        community_id=event.community_id, starts_at__lt=event.starts_at
    ).exclude(pk=event.pk)
    recorded = HeldMeeting.objects.filter(event__in=earlier).values("event_id")
    held = HeldSeat.objects.filter(meeting__event__in=earlier, meeting__round__gt=0)
    planned = Seat.objects.filter(
        meeting__plan__event__in=earlier, meeting__plan__published_at__isnull=False
    ).exclude(meeting__plan__event__in=recorded)
    pairs: set[tuple[str, str]] = set()
    for seats in (held, planned):
        for ids in _seat_ids(seats, "meeting_id").values():
            pairs.update(
                (a, b) if a < b else (b, a)
                for k, a in enumerate(ids)
                for b in ids[k + 1 :]
                if a != b
            )
    return sorted(pairs)


def forbidden_pairs(event: Event) -> list[ForbiddenPair]:
    """The organizers' forbidden pairs, with both registrations' members loaded."""
    return list(
        ForbiddenPair.objects.filter(event=event)
        .select_related("a__member", "b__member")
        .order_by("created", "pk")
    )


def _forbidden_ids(event: Event) -> list[tuple[str, str]]:
    rows = ForbiddenPair.objects.filter(event=event).values_list(
        "a__member__email", "b__member__email"
    )
    return [(_pid(a), _pid(b)) for a, b in rows]


# --- generating -----------------------------------------------------------------------------


def request_plan(
    event: Event,
    user: User | None,
    *,
    parent: PlanVersion | None = None,
    note: str = "Generated",
    seen: int | None = None,
) -> PlanVersion:
    """Queue a new version of ``event``'s plan; :func:`generate_plan` fills it in the background.

    Pins of ``parent`` are kept. Refuses (:class:`PlanError`) while another version of the
    event is still being planned: two runs at once would only race each other.
    """
    # tasks.py imports this module; importing it here keeps the dependency one-way at load
    from netweave.web.matching.tasks import generate_plan_task

    with transaction.atomic():
        event = _lock(event)
        settle_stale(event)  # a version whose worker died must not block this one
        _refuse_if_changed(event, seen)
        busy = PlanVersion.objects.filter(event=event, state__in=[State.QUEUED, State.RUNNING])
        if busy.exists():
            raise PlanError(
                f"Version {busy.first().number} is still being planned; wait for it to finish."
            )
        version = _new_version(event, note=note, user=user, parent=parent, state=State.QUEUED)
        # after commit, so that a worker (or the inline backend) finds the row
        transaction.on_commit(partial(generate_plan_task.enqueue, version.pk))
    return version


class _Progress:
    """Writes the planner's progress to the version row, only when the percentage grows."""

    def __init__(self, pk: int) -> None:
        self.pk, self.last = pk, 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        # rounds are most of the work; groups and storing the rows share the rest
        pct = int(5 + 80 * share) if stage == "rounds" else 90 if stage == "groups" else self.last
        pct = min(pct, 99)
        if pct > self.last:
            self.last = pct
            PlanVersion.objects.filter(pk=self.pk).update(progress=pct, heartbeat=timezone.now())


def _pins(
    parent: PlanVersion | None, known: set[str], rounds: int
) -> tuple[dict[int, list[tuple[str, ...]]], list[tuple[str, ...]]]:
    """Pinned meetings (by round) and groups of ``parent`` that still make sense: everyone
    in them still registered, and the round still part of the event."""
    if parent is None:
        return {}, []
    plan = plan_from_version(parent)
    meetings: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for r in plan.rounds:
        for m in r.meetings:
            if m.pinned and r.number <= rounds and known.issuperset(m.members):
                meetings[r.number].append(m.members)
    groups = [g.members for g in plan.groups if g.pinned and known.issuperset(g.members)]
    return dict(meetings), groups


def _run_planner(version: PlanVersion) -> Plan:
    event = version.event
    people = event_people(event)
    if len(people) < 2:
        raise PlanError(f"At least 2 people must be registered to make a plan; {len(people)} are.")
    config = event_config(event)
    # The planner pulls in numpy, scipy and the solvers: load them only where plans are made.
    from netweave.core.planner import PlanningInput, plan_event

    known = {p.id for p in people}
    pinned_rounds, pinned_groups = _pins(version.parent, known, config.rounds)
    matchable = _matchable(event, people)
    history = [p for p in community_history(event) if known.issuperset(p)]
    data = PlanningInput(
        people=matchable,
        history=history,
        groups=event.groups_enabled,
        pinned_rounds=pinned_rounds,
        pinned_groups=pinned_groups,
        forbidden=[p for p in _forbidden_ids(event) if known.issuperset(p)],
        # favour members who have made few connections in the community so far
        newcomer_boost=connection_boost(matchable, history),
    )
    # the planner flags the pins it kept, so they survive any number of re-plans
    plan = plan_event(data, config, progress=_Progress(version.pk))
    return all_async(plan) if event.fully_async else plan


def _matchable(event: Event, people: Sequence[Person]) -> list[Person]:
    """``people`` as the core should plan them: all live in a fully async event (see
    :mod:`netweave.core.fully_async`)."""
    return as_live_people(people) if event.fully_async else list(people)


def _failure_message(exc: Exception) -> str:
    if isinstance(exc, PlanError):
        return exc.message
    if isinstance(exc, ValueError):  # the core's infeasible asks and configuration problems
        return f"The plan cannot be made as asked: {exc}"
    return f"Planning failed unexpectedly ({type(exc).__name__}: {exc}). Nothing else changed."


def _mark_planned(event: Event) -> None:
    # Closed registration + a plan = "planned". An event still open for registration stays
    # open: a plan made early is a preview, and must not shut the door on late sign-ups.
    Event.objects.filter(pk=event.pk, status=Event.Status.CLOSED).update(
        status=Event.Status.PLANNED
    )


def generate_plan(version: PlanVersion) -> PlanVersion:
    """Plan a queued ``version``: READY with its rows, or FAILED with a readable error.

    Nothing but ``version`` is ever touched, so a failure leaves the published plan (and
    every other version) as it was. A version that is not QUEUED is left alone: a task run
    twice must not plan twice. While it plans, the version's heartbeat shows it is alive;
    a version given up for silent meanwhile (:func:`settle_stale`) keeps its message.
    """
    claimed = PlanVersion.objects.filter(pk=version.pk, state=State.QUEUED).update(
        state=State.RUNNING, progress=1, heartbeat=timezone.now()
    )
    if claimed:
        running = PlanVersion.objects.filter(pk=version.pk, state=State.RUNNING)
        try:
            with Heartbeat(version.pk):
                plan = _run_planner(version)
            with transaction.atomic():
                if running.select_for_update().exists():
                    _store_plan(version, plan)
                    _mark_planned(version.event)
        except Exception as exc:  # any failure must reach the organizer as a message
            if not isinstance(exc, ValueError):
                log.exception("planning version %s failed", version.pk)
            running.update(state=State.FAILED, error=_failure_message(exc)[:2000])
    version.refresh_from_db()
    return version


# --- checks ---------------------------------------------------------------------------------


def _names(plan: Plan, people: Sequence[Person]) -> dict[str, str]:
    names = {p.id: p.name for p in plan.participants}
    names.update((p.id, p.name) for p in people)
    return names


def _organizer_forbidden(
    plan: Plan, pairs: Iterable[tuple[str, str]], names: Mapping[str, str]
) -> list[Violation]:
    forbidden = {(a, b) if a < b else (b, a) for a, b in pairs}
    found = []
    for r in plan.rounds:
        for m in r.meetings:
            for pair in m.pairs():
                if pair in forbidden:
                    who = " and ".join(names.get(p, p) for p in pair)
                    where = m.room or "an async meeting"
                    message = (
                        f"Round {r.number}: {who} are matched in {where}, but you forbade this pair"
                    )
                    found.append(Violation("forbidden-pair", message, r.number, pair))
    for g in plan.groups:
        inside = set(g.members) | set(g.remote)
        for a, b in sorted(forbidden):
            if a in inside and b in inside:
                who = f"{names.get(a, a)} and {names.get(b, b)}"
                message = f"Groups: {who} are both in {g.room}, but you forbade this pair"
                found.append(Violation("forbidden-pair", message, 0, (a, b)))
    return found


def _check_config(event: Event) -> EventConfig:
    # Checking must work even when the advanced settings are broken: then the event's own
    # fields are the rules (the settings' problems show when planning).
    try:
        return event_config(event)
    except ConfigError:
        return EventConfig(
            rounds=event.rounds,
            minutes_per_round=event.minutes_per_round,
            group_min=event.group_min,
            group_max=event.group_max,
        )


def plan_violations(
    event: Event, plan: Plan, people: Sequence[Person] | None = None
) -> list[Violation]:
    """Every rule ``plan`` breaks for ``event`` today: the core's checks against the current
    registrations, the community's history (when it excludes repeats) and the organizers'
    forbidden pairs."""
    people = event_people(event) if people is None else people
    if event.fully_async:
        people, plan = _matchable(event, people), as_live(plan)
    config = _check_config(event)
    history = community_history(event) if config.history_mode == "exclude" else ()
    found = check_plan(
        plan,
        people,
        history=history,
        group_size=(config.group_min, config.group_max) if event.groups_enabled else None,
        async_matches=config.matches_per_async,
    )
    return found + _organizer_forbidden(plan, _forbidden_ids(event), _names(plan, people))


def _key(v: Violation) -> tuple[str, int | None, frozenset[str]]:
    return (v.code, v.round, frozenset(v.ids))


# --- curation -------------------------------------------------------------------------------


def pin_meeting(meeting: Meeting, pinned: bool = True, *, seen: int | None = None) -> Meeting:
    """Pin (or unpin) a meeting in place: a re-plan keeps pinned meetings exactly as they are.

    In place rather than as a new version because a pin changes nobody's schedule; it only
    marks what the organizer wants kept. A pin in a version someone else has since
    replaced would be lost, hence ``seen`` (see :func:`_refuse_if_changed`).
    """
    with transaction.atomic():
        _refuse_if_changed(_lock(meeting.plan.event), seen)
        Meeting.objects.filter(pk=meeting.pk).update(pinned=pinned)
    meeting.pinned = pinned
    return meeting


def pin_group(group: Group, pinned: bool = True, *, seen: int | None = None) -> Group:
    """Pin (or unpin) a group in place; see :func:`pin_meeting`."""
    with transaction.atomic():
        _refuse_if_changed(_lock(group.plan.event), seen)
        Group.objects.filter(pk=group.pk).update(pinned=pinned)
    group.pinned = pinned
    return group


def _require_ready(version: PlanVersion, doing: str) -> None:
    if version.state != State.READY:
        raise PlanError(
            f"Version {version.number} is {version.get_state_display().lower()}; only a "
            f"finished plan can be {doing}."
        )


def _rescored(event: Event, old: Plan, new: Plan, people: Sequence[Person]) -> Plan:
    """``new`` with the scores and reasons the planner would give its changed meetings."""
    # the planner behind the scores loads numpy and the solvers: only when a plan is edited
    from netweave.core.affinity import build_affinity
    from netweave.core.curation import rescored

    known = {p.id for p in people}
    history = [p for p in community_history(event) if known.issuperset(p)]
    config = _check_config(event)
    aff = build_affinity(
        people,
        config.weights,
        history=history,
        history_mode=config.history_mode,
        must_meet=config.must_meet,
        text_backend=config.text_backend,
    )
    return rescored(old, new, aff, people)


def swap_people(
    version: PlanVersion,
    round_number: int,
    a_registration: Registration,
    b_registration: Registration,
    user: User | None,
    *,
    seen: int | None = None,
) -> PlanVersion:
    """Exchange two people's places in one round, as a new version.

    Both meetings that change are pinned (an organizer's hand choice must survive a
    re-plan) and get fresh scores and reasons. Refuses with :class:`PlanError` when either
    person has no meeting that round, or when the swap breaks a rule the plan kept before
    (a repeat meeting, a forbidden pair, an async person in a live room, ...).
    """
    # the swap itself is pure, but its module holds the rescoring, which loads numpy
    from netweave.core.curation import CurationError, swap_in_round

    _require_ready(version, "changed")
    event = version.event
    for reg in (a_registration, b_registration):
        if reg.event_id != event.pk:
            raise PlanError(f"{reg.member.name} is not registered for this event.")
    # Reading and re-scoring take seconds for a big event and touch no rows (a version never
    # changes, pins aside), so they stay outside the transaction; save_plan writes atomically.
    plan = plan_from_version(version)
    people = event_people(event)
    names = _names(plan, people)
    a, b = _pid(a_registration.member.email), _pid(b_registration.member.email)
    try:
        swapped = swap_in_round(plan, round_number, a, b, names)
    except CurationError as exc:
        raise PlanError(exc.args[0]) from exc
    before = {_key(v) for v in plan_violations(event, plan, people)}
    new = [v for v in plan_violations(event, swapped, people) if _key(v) not in before]
    if new:
        raise PlanError(
            f"Swapping {names[a]} and {names[b]} in round {round_number} would break "
            f"{'a rule' if len(new) == 1 else f'{len(new)} rules'}:",
            [v.message for v in new],
        )
    result = _rescored(event, plan, swapped, people)
    note = f"Swapped {names[a]} and {names[b]} in round {round_number}"
    return save_plan(event, result, note=note, user=user, parent=version, seen=seen)


def forbid_pair(event: Event, a: Registration, b: Registration) -> ForbiddenPair:
    """Record that ``a`` and ``b`` must not be paired in ``event`` (applies from the next
    plan; the current one shows the pair as a violation until re-planned). Idempotent."""
    if a.pk == b.pk:
        raise PlanError("Choose two different people.")
    if a.event_id != event.pk or b.event_id != event.pk:
        raise PlanError("Both people must be registered for this event.")
    first, second = (a, b) if a.pk < b.pk else (b, a)  # one row per pair, whichever order
    with transaction.atomic():
        pair, _ = ForbiddenPair.objects.get_or_create(event=event, a=first, b=second)
    return pair


def unforbid_pair(pair: ForbiddenPair) -> None:
    """Allow a forbidden pair again (the undo of :func:`forbid_pair`)."""
    pair.delete()


def replan(version: PlanVersion, user: User | None, *, seen: int | None = None) -> PlanVersion:
    """Queue a new plan that keeps every pinned meeting and group of ``version`` and plans
    everything else afresh (with today's registrations and forbidden pairs)."""
    _require_ready(version, "re-planned")
    return request_plan(
        version.event,
        user,
        parent=version,
        note=f"Re-planned everything not pinned in version {version.number}",
        seen=seen,
    )


def publish_plan(version: PlanVersion, *, seen: int | None = None) -> PlanVersion:
    """Make ``version`` the event's published plan: participants see it from now on.

    Only a READY version that breaks no rule can be published; the previously published
    version is unpublished (it stays in the list, and can be published again). Listeners
    of :data:`~netweave.web.matching.signals.plan_published` run after the commit.
    """
    with transaction.atomic():
        event = _lock(version.event)
        _refuse_if_changed(event, seen)
        version = PlanVersion.objects.select_related("event").get(pk=version.pk)
        _require_ready(version, "published")
        problems = plan_violations(event, plan_from_version(version))
        if problems:
            raise PlanError(
                f"Version {version.number} cannot be published: it breaks "
                f"{'a rule' if len(problems) == 1 else f'{len(problems)} rules'}. Swap people, "
                "or re-plan, then publish the new version.",
                [v.message for v in problems],
            )
        PlanVersion.objects.filter(event=event, published_at__isnull=False).exclude(
            pk=version.pk
        ).update(published_at=None)
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
        # on the day (live, done) a re-published plan must not move the event back
        if event.status not in (Event.Status.LIVE, Event.Status.DONE):
            event.status = Event.Status.PUBLISHED
            event.save(update_fields=["status"])
        transaction.on_commit(partial(plan_published.send, sender=PlanVersion, version=version))
    return version


# --- comparing ------------------------------------------------------------------------------


def diff_plans(old: PlanVersion, new: PlanVersion) -> PlanDiff:
    """What changed from version ``old`` to version ``new``, per round and for the groups."""
    return compare_plans(plan_from_version(old), plan_from_version(new))


# --- reading --------------------------------------------------------------------------------


def version_for_export(event: Event, number: int | None = None) -> PlanVersion | None:
    """Version ``number`` if READY; else the published version, else the latest READY one."""
    ready = PlanVersion.objects.filter(event=event, state=State.READY).select_related("event")
    if number is not None:
        return ready.filter(number=number).first()
    return ready.filter(published_at__isnull=False).first() or ready.order_by("-number").first()
