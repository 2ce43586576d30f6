"""From people to a :class:`~netweave.core.plan.Plan`: the whole curation in one verb.

:func:`plan_event` reads nothing and writes nothing: it takes people and a configuration and
returns a plan with metrics, so the command line, the web app and the benchmarks share it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from netweave.core.affinity import GRAPH_KEEP, Affinity, build_affinities
from netweave.core.availability import attendance, restricted, sitting_out
from netweave.core.bounds import upper_bound
from netweave.core.config import EventConfig
from netweave.core.exact import ExactResult, solve_rounds
from netweave.core.group_remote import attach_remote
from netweave.core.group_wording import describe_group
from netweave.core.groups import generations_for, plan_groups
from netweave.core.people import Person
from netweave.core.phrases import remembering_texts
from netweave.core.plan import Group, Meeting, Participant, Plan, Round, Unmatched
from netweave.core.reasons import meeting_reasons
from netweave.core.rounds import RoundsResult, plan_rounds
from netweave.core.rules import cap_requests, keep_rules
from netweave.core.scoring import forbid, rule_forbidden, score_specs

__all__ = ["HOST_REASON", "PlanningInput", "describe_meeting", "plan_event"]

HOST_REASON = "You meet the host this round: there is an odd number of people"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PlanningInput:
    """Everything :func:`plan_event` needs besides the configuration."""

    people: Sequence[Person]
    history: Iterable[tuple[str, str]] = ()
    #: scores given from outside (``--affinity EDGES.csv``); computed from profiles when None
    affinity: Affinity | None = None
    groups: bool = True
    #: organizers' pins: round number -> meetings (tuples of ids) kept exactly as they are
    pinned_rounds: Mapping[int, Sequence[tuple[str, ...]]] = field(default_factory=dict)
    #: groups (tuples of live ids) kept exactly as they are
    pinned_groups: Sequence[tuple[str, ...]] = ()
    #: pairs the organizers forbid for this event, on top of everyone's avoid lists
    forbidden: Iterable[tuple[str, str]] = ()
    #: a weight per person (in ``people`` order) favouring them in the rounds, as
    #: :func:`~netweave.core.newcomers.connection_boost` gives; None favours nobody. Groups,
    #: the scores and reasons shown and the quality figure use the real scores.
    newcomer_boost: Sequence[float] | None = None


class _Beside:
    """``fn(*args)`` run in a thread: :meth:`result` waits for it and re-raises its error;
    leaving the ``with`` block waits for it in any case."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._out: list[Any] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(fn, args))
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._out.append(fn(*args))
        except BaseException as error:  # handed to the caller of result()
            self._error.append(error)

    def result(self) -> Any:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._out[0]

    def __enter__(self) -> _Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        # also when the rounds fail: a process must not exit while HiGHS solves (its
        # threads abort it: "terminate called without an active exception")
        self._thread.join()


def _timed(seconds: dict[str, float], name: str, start: float) -> float:
    now = time.perf_counter()
    seconds[name] = round(now - start, 3)
    return now


def plan_event(data: PlanningInput, config: EventConfig, progress: Progress | None = None) -> Plan:
    """Plan the one-on-one rounds and the small groups for ``data.people``.

    Raises :class:`~netweave.core.round_spec.InfeasibleError` (a ``ValueError``) with a message
    for the organizer when the ask cannot be met (too many rounds, everyone forbidden, ...).

    Examples
    --------
    >>> people = [Person(f"{p}@x.org", f"{p}@x.org", p.title(), interests=(tag,))
    ...           for p, tag in (("ana", "events"), ("bo", "events"), ("cy", "grants"),
    ...                          ("dee", "grants"))]
    >>> plan = plan_event(PlanningInput(people, groups=False), EventConfig(rounds=2))
    >>> [m.members for m in plan.rounds[0].meetings]  # who shares a tag meets first
    [('ana@x.org', 'bo@x.org'), ('cy@x.org', 'dee@x.org')]
    >>> [m.room for m in plan.rounds[1].meetings]
    ['Room 1', 'Room 2']
    >>> plan.metrics["meetings"], plan.metrics["quality_pct"]
    (4, 100.0)
    """
    people, beyond_cap = cap_requests(data.people, config.request_cap)
    if beyond_cap:
        data = replace(data, people=people)
    history = list(data.history)
    seconds: dict[str, float] = {}
    t = started = time.perf_counter()
    aff, group_aff = _affinities(data, history, config, progress)
    aff = forbid(aff, [*data.forbidden, *rule_forbidden(people, config)])
    t = _timed(seconds, "affinity", t)
    modes = [p.mode for p in people]
    attends = attendance([p.available for p in people], modes, config.rounds)
    pinned = {
        number: [tuple(aff.index(pid) for pid in meeting) for meeting in meetings]
        for number, meetings in data.pinned_rounds.items()
    }
    # the bound does not depend on the rounds, and HiGHS lets go of the GIL while it solves:
    # it runs beside the rounds (50,000 people: its 50 s are hidden behind theirs)
    with _Beside(_timed_bound, aff, modes, config, attends) as bound_job:
        result, exact, rule_figures, heuristic_total = _proved_rounds(
            data, config, aff, attends, pinned, seconds, progress
        )
        if progress:
            progress("bound", 0, 1)
        bound, seconds["bound"] = bound_job.result()
    t = time.perf_counter()
    if progress:
        progress("bound", 1, 1)
    async_people = {i for i, m in enumerate(modes) if m == "async"}
    groups: tuple[Group, ...] = ()
    group_unmatched: list[Unmatched] = []
    # reasons and group themes read everyone's texts again and again: each is read once
    with remembering_texts():
        rounds = _rounds_to_plan(aff, result, async_people, pinned, progress)
        t = _timed(seconds, "reasons", t)
        if data.groups:
            if progress:
                progress("groups", 0, 1)
            groups, group_unmatched = _plan_groups(people, group_aff, config, data)
            t = _timed(seconds, "groups", t)
            if progress:
                progress("groups", 1, 1)
    seconds["total"] = round(time.perf_counter() - started, 3)  # the bound overlaps the rounds
    unmatched = tuple(Unmatched(r, aff.ids[i], why) for r, i, why in result.unmatched) + tuple(
        group_unmatched
    )
    plan = Plan(
        participants=tuple(Participant(p.id, p.name, p.mode) for p in people),
        rounds=rounds,
        groups=groups,
        unmatched=unmatched,
    )
    metrics = _metrics(aff, people, config, result, bound, groups, seconds)
    metrics["sitting_out"] = sitting_out(attends, aff.ids)
    metrics.update(rule_figures, requests_beyond_cap=len(beyond_cap))
    if data.newcomer_boost is not None:
        metrics["favoured_newcomers"] = sum(1 for b in data.newcomer_boost if b > 0)
    if exact is not None:
        metrics.update(exact.metrics(), heuristic_total=round(heuristic_total, 4))
        if rule_figures["rule_swaps"]:  # the proof is about the plan before the rules' swaps
            swaps = rule_figures["rule_swaps"]
            metrics["optimality"] = f"{metrics['optimality']}, before {swaps} swap(s) for the rules"
    return plan.with_metrics(**metrics)


def _proved_rounds(
    data: PlanningInput,
    config: EventConfig,
    aff: Affinity,
    attends: np.ndarray,
    pinned: Mapping[int, Sequence[tuple[int, ...]]],
    seconds: dict[str, float],
    progress: Progress | None,
) -> tuple[RoundsResult, ExactResult | None, dict[str, int], float]:
    """The rounds, proved optimal for small events, with the organizers' rules kept: the
    result, the proof (None: none), the rules' figures and the heuristic's own total."""
    t = time.perf_counter()
    modes = [p.mode for p in data.people]
    report = (lambda done, total: progress("rounds", done, total)) if progress else None
    result = plan_rounds(
        aff,
        modes,
        config.rounds,
        async_matches=config.async_matches,
        odd=config.odd,
        candidates=config.candidates,
        fairness=config.fairness,
        seed=config.seed,
        pinned=pinned,
        boost=data.newcomer_boost,
        watch_cap=config.watch_cap,
        attends=attends if restricted(attends) else None,
        progress=report,
    )
    t = _timed(seconds, "rounds", t)
    heuristic_total = result.total
    # the integer program plans everyone in every round: with availability it is not the
    # same problem, so there is no proof then
    exact = (
        None
        if restricted(attends)
        else _prove(aff, modes, config, result, pinned, data.newcomer_boost)
    )
    if exact is not None:
        result = exact.result
        _timed(seconds, "exact", t)
    result, rule_figures = keep_rules(
        aff,
        result,
        data.people,
        config,
        attends,
        {frozenset(m) for ms in pinned.values() for m in ms},
    )
    return result, exact, rule_figures, heuristic_total


def _prove(
    aff: Affinity,
    modes: Sequence[str],
    config: EventConfig,
    result: RoundsResult,
    pinned: Mapping[int, Sequence[tuple[int, ...]]],
    boost: Sequence[float] | None,
) -> ExactResult | None:
    """The rounds solved exactly for events up to ``config.exact_up_to`` people."""
    if not 0 < aff.n <= config.exact_up_to:
        return None
    return solve_rounds(
        aff,
        modes,
        config.rounds,
        result,
        async_matches=config.async_matches,
        odd=config.odd,
        pinned=pinned,
        boost=boost,
        keep_fairness=config.fairness > 0,
        watch_cap=config.watch_cap,
        time_limit=config.exact_time_limit,
        node_limit=config.exact_nodes,
    )


def _timed_bound(
    aff: Affinity, modes: Sequence[str], config: EventConfig, attends: np.ndarray
) -> tuple[float, float]:
    """:func:`_rounds_bound` and the seconds it took (it runs beside the rounds)."""
    start = time.perf_counter()
    return _rounds_bound(aff, modes, config, attends), round(time.perf_counter() - start, 3)


def _rounds_bound(
    aff: Affinity, modes: Sequence[str], config: EventConfig, attends: np.ndarray
) -> float:
    async_cap = config.async_matches if config.async_matches is not None else config.rounds
    attended = attends.sum(axis=1)
    caps = np.array([async_cap if m == "async" else attended[i] for i, m in enumerate(modes)])
    return upper_bound(
        aff,
        caps,
        # with availability any round may have an odd count
        trio_slots=3 * config.rounds
        if restricted(attends) and config.odd == "trio"
        else _trio_slots(modes, config, async_cap),
        candidates=config.candidates,
        modes=modes,
    ).value


def _trio_slots(modes: Sequence[str], config: EventConfig, async_cap: int) -> int:
    """Extra partner slots trios can add to the bound: three per round with an odd room count.

    When every async person has one partner per round (the default), each round has
    ``live - async`` people in rooms, so trios happen in every round or in none; otherwise
    any round may be odd. Counting slots only where trios can happen keeps the bound tight.
    """
    if config.odd != "trio":
        return 0
    live = sum(1 for m in modes if m == "live")
    remote = len(modes) - live
    if async_cap == config.rounds and live >= remote and (live - remote) % 2 == 0:
        return 0
    return 3 * config.rounds


def describe_meeting(
    aff: Affinity, members: Sequence[int], room: str | None, *, pinned: bool = False
) -> Meeting:
    """The :class:`Meeting` of ``members`` (positions in ``aff``) with its score and reasons.

    The reasons are :func:`~netweave.core.reasons.meeting_reasons` (a trio's name whom each
    is about); a meeting of one is a person with the host. ``room=None`` makes an async
    meeting.

    Examples
    --------
    >>> from netweave.core.affinity import build_affinity
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring",))
    >>> kofi = Person("kofi@x.org", "kofi@x.org", "Kofi", interests=("mentoring",))
    >>> aff = build_affinity([ana, kofi])
    >>> describe_meeting(aff, [0, 1], "Room 1").reasons[0]
    'Ana and Kofi both work on mentoring'
    >>> describe_meeting(aff, [1], "Room 2").reasons == (HOST_REASON,)
    True
    """
    ids = tuple(aff.ids[i] for i in members)
    if len(members) == 1:
        return Meeting(room, ids, 0.0, (HOST_REASON,), pinned=pinned)
    pairs = [(a, b) for k, a in enumerate(members) for b in members[k + 1 :]]
    score = sum(aff.score(a, b) for a, b in pairs)
    reasons = meeting_reasons(aff, members)
    return Meeting(room, ids, score, reasons, is_async=room is None, pinned=pinned)


def _rounds_to_plan(
    aff: Affinity,
    result: RoundsResult,
    modes_async: set[int],
    pinned: Mapping[int, Sequence[tuple[int, ...]]],
    progress: Progress | None = None,
) -> tuple[Round, ...]:
    out = []
    for number, meetings in enumerate(result.rounds, start=1):
        kept = {frozenset(m) for m in pinned.get(number, ())}
        live = sorted(
            (m for m in meetings if not modes_async.intersection(m)),
            key=lambda m: (-len(m), [aff.ids[i] for i in m]),
        )
        remote = sorted((m for m in meetings if modes_async.intersection(m)), key=lambda m: m)
        rows = [
            describe_meeting(aff, m, f"Room {k}", pinned=frozenset(m) in kept)
            for k, m in enumerate(live, start=1)
        ]
        rows += [
            describe_meeting(aff, _live_first(m, modes_async), None, pinned=frozenset(m) in kept)
            for m in remote
        ]
        out.append(Round(number, tuple(rows)))
        if progress:
            progress("reasons", number, len(result.rounds))
    return tuple(out)


def _live_first(members: tuple[int, ...], async_people: set[int]) -> tuple[int, ...]:
    return tuple(sorted(members, key=lambda i: i in async_people))


def _affinities(
    data: PlanningInput,
    history: Sequence[tuple[str, str]],
    config: EventConfig,
    progress: Progress | None = None,
) -> tuple[Affinity, Affinity]:
    """Scores for the rounds and for the groups (the same scores when given from outside)."""
    if data.affinity is not None:
        return data.affinity, data.affinity
    specs = score_specs(config, groups=data.groups)
    report = (lambda done, total: progress("scores", done, total)) if progress else None
    if report:
        report(0, 1)
    built = build_affinities(
        data.people,
        specs,
        history=history,
        text_backend=config.text_backend,
        keep=max(GRAPH_KEEP, 2 * config.candidates),
        progress=report,
    )
    if report:
        report(1, 1)  # small events are scored at once, without reports per block
    return built[0], built[-1]


def _plan_groups(
    people: Sequence[Person],
    aff: Affinity,
    config: EventConfig,
    data: PlanningInput,
) -> tuple[tuple[Group, ...], list[Unmatched]]:
    aff = forbid(aff, data.forbidden)
    live = [i for i, p in enumerate(people) if p.mode == "live"]
    remote = [i for i, p in enumerate(people) if p.mode == "async"]
    if len(live) < 2:
        return (), [Unmatched(0, people[i].id, "fewer than 2 live people: no groups") for i in live]
    result = plan_groups(
        aff,
        live,
        size_min=min(config.group_min, len(live)),
        size_max=config.group_max,
        target=config.group_target,
        time_limit=config.group_time_limit,
        max_iterations=generations_for(len(live), config.group_iterations),
        seed=config.seed,
        pinned=[[aff.index(pid) for pid in g] for g in data.pinned_groups],
    )
    attached = (
        attach_remote(aff, result.groups, remote)
        if config.groups_attach_async and remote
        else tuple(() for _ in result.groups)
    )
    kept = {frozenset(g) for g in data.pinned_groups}
    groups = []
    for k, (members, extra, score) in enumerate(
        zip(result.groups, attached, result.scores, strict=True), start=1
    ):
        theme, reasons = describe_group([people[i] for i in (*members, *extra)])
        groups.append(
            Group(
                room=f"Group {k}",
                members=tuple(people[i].id for i in members),
                theme=theme,
                score=score,
                reasons=reasons,
                remote=tuple(people[i].id for i in extra),
                pinned=frozenset(people[i].id for i in members) in kept,
            )
        )
    return tuple(groups), []


def _request_metrics(aff: Affinity, result: RoundsResult) -> dict[str, int]:
    met = {tuple(sorted(p)) for r in result.rounds for m in r for p in _pairs(m)}
    mutual = {tuple(sorted(p)) for p in aff.requests if aff.mutual(*p)}
    one_way = [p for p in aff.requests if not aff.mutual(*p)]
    return {
        "mutual_requests": len(mutual),
        "mutual_requests_met": sum(1 for p in mutual if p in met),
        "one_way_requests": len(one_way),
        "one_way_requests_met": sum(1 for a, b in one_way if tuple(sorted((a, b))) in met),
    }


def _pairs(members: tuple[int, ...]) -> Iterable[tuple[int, int]]:
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            yield (a, b)


def _metrics(
    aff: Affinity,
    people: Sequence[Person],
    config: EventConfig,
    result: RoundsResult,
    bound: float,
    groups: Sequence[Group],
    seconds: dict[str, float],
) -> dict[str, object]:
    meetings = [m for r in result.rounds for m in r]
    shares = result.shares if len(result.shares) else np.array([1.0])
    sizes = Counter(len(g.members) for g in groups)
    return {
        "people": len(people),
        "live": sum(1 for p in people if p.mode == "live"),
        "async": sum(1 for p in people if p.mode == "async"),
        "rounds": config.rounds,
        "meetings": len(meetings),
        "trios": sum(1 for m in meetings if len(m) == 3),
        "host_meetings": sum(1 for m in meetings if len(m) == 1),
        "unmatched": len(result.unmatched),
        **_request_metrics(aff, result),
        "unmet_requests": [
            {"asker": aff.ids[a], "asked": aff.ids[b], "why": why}
            for a, b, why in result.unmet_requests
        ],
        "worst_off_share": round(float(shares.min()), 4),
        "median_share": round(float(np.median(shares)), 4),
        "total_score": round(result.total, 4),
        "upper_bound": round(bound, 4),
        "quality_pct": round(100.0 * result.total / bound, 2) if bound > 0 else 100.0,
        "groups": len(groups),
        "group_sizes": {str(k): v for k, v in sorted(sizes.items())},
        "group_score": round(sum(g.score for g in groups), 4),
        "seed": config.seed,
        "seconds": seconds,
    }
