"""What :func:`~netweave.core.rounds.plan_rounds` is asked, validated, and its refusals.

:func:`make_spec` checks the arguments and turns them into a :class:`RoundSpec`; the other
checks run once the planner knows everyone's allowed partners. Every refusal is an
:class:`InfeasibleError` whose message says what to change (``--rounds``,
``--async-matches``, an avoid list, a pin).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from netweave.core.affinity import Affinity
from netweave.core.bounds import pair_keys
from netweave.core.reasons import why_apart

__all__ = [
    "InfeasibleError",
    "RoundSpec",
    "async_demand_error",
    "check_capacity",
    "check_people",
    "check_pinned",
    "make_spec",
    "why_unmet",
]


class InfeasibleError(ValueError):
    """The ask cannot be met; the message says what to change."""


@dataclass(frozen=True)
class RoundSpec:
    """The validated arguments of :func:`~netweave.core.rounds.plan_rounds`."""

    n: int
    rounds: int
    async_matches: int
    per_round: int  # most partners an async person gets in one round
    odd: str
    candidates: int
    fairness: float
    live: np.ndarray  # active live people
    asyn: np.ndarray  # active async people
    active: np.ndarray
    rank: np.ndarray  # seeded tie-break order: lower goes first
    met_before: np.ndarray  # sorted pair keys
    ids: tuple[str, ...]
    watch_cap: int | None = None  # most intros one live person watches; None: no cap
    #: ``attends[i, r]``: person ``i`` may be placed in round ``r + 1`` (see
    #: :func:`~netweave.core.availability.attendance`)
    attends: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.attends is None:
            object.__setattr__(self, "attends", np.ones((self.n, self.rounds), bool))

    @property
    def caps(self) -> np.ndarray:
        """Meetings each person can have: their async matches, or the rounds they attend."""
        assert self.attends is not None
        return np.where(self.asyn, self.async_matches, self.attends.sum(axis=1))


def make_spec(
    affinity: Affinity,
    modes: Sequence[str],
    rounds: int,
    async_matches: int | None,
    odd: str,
    candidates: int,
    fairness: float,
    seed: int,
    present: Collection[int] | None,
    already_met: Iterable[tuple[int, int]],
    attends: np.ndarray | None = None,
    *,
    watch_cap: int | None = None,
) -> RoundSpec:
    """Check the arguments of :func:`~netweave.core.rounds.plan_rounds` (see there) and
    gather them: who takes part live or async, a seeded tie-break rank, the pairs met before,
    and which rounds each person attends (``attends``, people x rounds; ``None`` = all).

    Raises ``ValueError`` for arguments no caller should pass, :class:`InfeasibleError` for
    an ask an organizer can change.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> aff = Affinity(("ana", "bo", "cy"), np.zeros((3, 3), np.float32))
    >>> spec = make_spec(aff, ["live", "live", "async"], 2, 3, "trio", 30, 1.0, 0, None, ())
    >>> spec.live.tolist(), spec.asyn.tolist(), spec.per_round
    ([True, True, False], [False, False, True], 2)
    >>> make_spec(aff, ["live"] * 3, 0, None, "trio", 30, 1.0, 0, None, ())
    Traceback (most recent call last):
    ...
    netweave.core.round_spec.InfeasibleError: 0 rounds were asked: plan at least one round
    """
    n = affinity.n
    if len(modes) != n:
        raise ValueError(f"modes has {len(modes)} entries for {n} people")
    if bad := sorted({m for m in modes if m not in ("live", "async")}):
        raise ValueError(f"unknown mode(s) {bad}: use 'live' or 'async'")
    if odd not in ("trio", "host"):
        raise ValueError(f"odd must be 'trio' or 'host', got {odd!r}")
    if candidates < 1 or fairness < 0:
        raise ValueError("candidates must be >= 1 and fairness >= 0")
    if rounds < 1:
        raise InfeasibleError(f"{rounds} rounds were asked: plan at least one round")
    matches = rounds if async_matches is None else async_matches
    if matches < 0:
        raise InfeasibleError(f"async matches must be >= 0, got {matches}")
    if watch_cap is not None and watch_cap < 0:
        raise ValueError(f"watch_cap must be >= 0, got {watch_cap}")
    active = np.zeros(n, bool)
    if present is None:
        active[:] = True
    else:
        idx = np.fromiter(present, dtype=np.int64)
        if len(idx) and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(f"present holds positions outside 0..{n - 1}")
        active[idx] = True
    is_async = np.array([m == "async" for m in modes], dtype=bool).reshape(n)
    rank = np.empty(n, np.int64)
    rank[np.random.default_rng(seed).permutation(n)] = np.arange(n)
    if attends is not None and np.shape(attends) != (n, rounds):
        raise ValueError(f"attends must be {n}x{rounds}, got {np.shape(attends)}")
    return RoundSpec(
        n=n,
        rounds=rounds,
        async_matches=matches,
        per_round=math.ceil(matches / rounds),
        odd=odd,
        candidates=candidates,
        fairness=float(fairness),
        live=active & ~is_async,
        asyn=active & is_async,
        active=active,
        rank=rank,
        met_before=pair_keys(already_met, n) if n else np.zeros(0, np.int64),
        ids=affinity.ids,
        watch_cap=watch_cap,
        attends=None if attends is None else np.asarray(attends, bool),
    )


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" + ("" if k == 1 else "s")


def _names(spec: RoundSpec, people: Iterable[int], limit: int = 3) -> str:
    people = list(people)
    shown = ", ".join(spec.ids[i] for i in people[:limit])
    return shown + (f" and {len(people) - limit} more" if len(people) > limit else "")


def check_people(spec: RoundSpec) -> None:
    """A round needs two live people, and async people need someone live to watch them.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> aff = Affinity(("ana", "bo"), np.zeros((2, 2), np.float32))
    >>> check_people(make_spec(aff, ["live", "async"], 1, None, "trio", 30, 1.0, 0, None, ()))
    Traceback (most recent call last):
    ...
    netweave.core.round_spec.InfeasibleError: only 1 live person(s) take part: a round needs \
at least 2 live people
    """
    n_live, n_async = int(spec.live.sum()), int(spec.asyn.sum())
    if n_async and not n_live:
        raise InfeasibleError(
            f"{n_async} async people but nobody live to watch their videos: "
            "add live participants or leave the async people out"
        )
    if n_live < 2:
        raise InfeasibleError(
            f"only {n_live} live person(s) take part: a round needs at least 2 live people"
        )


def check_capacity(spec: RoundSpec, count: np.ndarray, pinned_host: np.ndarray) -> None:
    """Everyone must have enough allowed partners for the rounds or matches asked.

    ``count[i]`` is how many people ``i`` may still meet; ``pinned_host[i]`` how many of
    their rounds are pinned meetings with the host.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> aff = Affinity(("ana", "bo", "cy"), np.zeros((3, 3), np.float32))
    >>> spec = make_spec(aff, ["live"] * 3, 3, None, "trio", 30, 1.0, 0, None, ())
    >>> check_capacity(spec, np.array([2, 2, 2]), np.zeros(3, int))
    Traceback (most recent call last):
    ...
    netweave.core.round_spec.InfeasibleError: ana, bo, cy can meet at most 2 people \
(everyone else is forbidden or met before) but 3 rounds were asked: lower --rounds or lift \
some avoid-list entries
    """
    need_live = spec.caps - pinned_host
    short = np.flatnonzero(spec.live & (count < need_live))
    if len(short):
        i = int(short[0])
        asked = int(spec.caps[i])
        raise InfeasibleError(
            f"{_names(spec, short)} can meet at most {int(count[i])} people (everyone else is "
            f"forbidden or met before) but {_plural(asked, 'round')} "
            f"{'was' if asked == 1 else 'were'} asked: "
            "lower --rounds or lift some avoid-list entries"
        )
    short = np.flatnonzero(spec.asyn & (count < spec.async_matches))
    if len(short):
        i = int(short[0])
        raise InfeasibleError(
            f"{_names(spec, short)} (async) can be matched with at most {int(count[i])} live "
            f"people but {spec.async_matches} async matches were asked: lower --async-matches "
            f"to {int(count[short].min())} or lift some avoid-list entries"
        )


def async_demand_error(spec: RoundSpec, need: int, room: int) -> InfeasibleError:
    """The refusal when async people need ``need`` meetings but the live people can watch
    only ``room`` intros over the rounds, with the ``--async-matches`` that would fit.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> aff = Affinity(("ana", "bo", "cy", "dee"), np.zeros((4, 4), np.float32))
    >>> spec = make_spec(aff, ["live", "async", "async", "async"], 2, 2, "trio", 30, 1.0, 0,
    ...                  None, ())
    >>> print(async_demand_error(spec, 6, 2))
    3 async people x 2 matches need 6 async meetings, but the live people can watch at most \
2 over 2 rounds: add live people or rounds
    """
    n_async = int(spec.asyn.sum())
    possible = room // max(n_async, 1)
    advice = (
        f"use --async-matches {possible} (or add rounds or live people)"
        if possible
        else "add live people or rounds"
    )
    return InfeasibleError(
        f"{n_async} async people x {spec.async_matches} matches need {need} async meetings, but "
        f"the live people can watch at most {room} over {_plural(spec.rounds, 'round')}: {advice}"
    )


def check_pinned(
    pinned: Mapping[int, Sequence[tuple[int, ...]]], spec: RoundSpec, affinity: Affinity
) -> dict[int, list[tuple[int, ...]]]:
    """Validate the organizers' pins; return them as sorted tuples per round.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> aff = Affinity(("ana", "bo", "cy", "dee"), np.zeros((4, 4), np.float32))
    >>> spec = make_spec(aff, ["live"] * 4, 2, None, "trio", 30, 1.0, 0, None, ())
    >>> check_pinned({2: [(3, 1)]}, spec, aff)
    {2: [(1, 3)]}
    >>> check_pinned({1: [(0, 1)], 2: [(1, 0)]}, spec, aff)
    Traceback (most recent call last):
    ...
    netweave.core.round_spec.InfeasibleError: pinned ana and bo meet twice (rounds 1 and 2)
    """
    out: dict[int, list[tuple[int, ...]]] = {}
    seen_pairs: dict[tuple[int, int], int] = {}
    in_trio: set[int] = set()
    for number in sorted(pinned):
        if not 1 <= number <= spec.rounds:
            raise InfeasibleError(
                f"pinned round {number} does not exist: there are {spec.rounds} rounds"
            )
        meetings = [tuple(sorted(int(p) for p in m)) for m in pinned[number]]
        _check_pinned_people(meetings, number, spec)
        for meeting in meetings:
            _check_pinned_meeting(meeting, number, spec, affinity, seen_pairs)
            if len(meeting) == 3:
                if again := in_trio.intersection(meeting):
                    raise InfeasibleError(
                        f"{_names(spec, sorted(again))} pinned in two trios: nobody sits in "
                        "two trios"
                    )
                in_trio.update(meeting)
        if sum(len(m) == 3 for m in meetings) > 1:
            raise InfeasibleError(f"round {number} has more than one pinned trio: at most one")
        out[number] = sorted(meetings)
    return out


def _check_pinned_people(meetings: list[tuple[int, ...]], number: int, spec: RoundSpec) -> None:
    uses: dict[int, int] = {}
    for meeting in meetings:
        if not 1 <= len(meeting) <= 3 or len(set(meeting)) != len(meeting):
            raise InfeasibleError(f"pinned meeting {meeting} in round {number} is not valid")
        for p in meeting:
            if not 0 <= p < spec.n or not spec.active[p]:
                raise InfeasibleError(
                    f"pinned meeting {meeting} in round {number}: person {p} is not taking part"
                )
            if spec.live[p] and spec.attends is not None and not spec.attends[p, number - 1]:
                raise InfeasibleError(
                    f"pinned {spec.ids[p]} in round {number}, which they are not available for"
                )
            uses[p] = uses.get(p, 0) + 1
    twice = sorted(p for p, c in uses.items() if c > (spec.per_round if spec.asyn[p] else 1))
    if twice:
        raise InfeasibleError(f"{_names(spec, twice)} pinned twice in round {number}")


def _check_pinned_meeting(
    meeting: tuple[int, ...],
    number: int,
    spec: RoundSpec,
    affinity: Affinity,
    seen_pairs: dict[tuple[int, int], int],
) -> None:
    if any(spec.asyn[p] for p in meeting) and len(meeting) != 2:
        raise InfeasibleError(
            f"{_names(spec, meeting)} in round {number}: async people only meet one live "
            "person at a time (no trios, no host)"
        )
    for k, a in enumerate(meeting):
        for b in meeting[k + 1 :]:
            who = f"{spec.ids[a]} and {spec.ids[b]}"
            if not affinity.allowed(a, b):
                raise InfeasibleError(f"pinned {who} in round {number} are kept apart (avoid list)")
            if spec.asyn[a] and spec.asyn[b]:
                raise InfeasibleError(f"pinned {who} in round {number} are both async")
            key = a * spec.n + b
            if np.isin(key, spec.met_before):
                raise InfeasibleError(f"pinned {who} in round {number} have met before")
            if (a, b) in seen_pairs:
                raise InfeasibleError(
                    f"pinned {who} meet twice (rounds {seen_pairs[(a, b)]} and {number})"
                )
            seen_pairs[(a, b)] = number


def why_unmet(
    affinity: Affinity,
    spec: RoundSpec,
    asker: int,
    asked: int,
    *,
    met_before: Collection[int],
    request_count: Mapping[int, int],
) -> str:
    """Why the request of ``asker`` to meet ``asked`` is not in the plan, for the organizer.

    ``met_before`` holds the pair keys of :attr:`RoundSpec.met_before`; ``request_count`` how
    many requests each person is in.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> aff = Affinity(("ana", "bo", "cy"), np.zeros((3, 3), np.float32))
    >>> spec = make_spec(aff, ["live", "async", "async"], 2, 1, "trio", 30, 1.0, 0, None, ())
    >>> why_unmet(aff, spec, 1, 2, met_before=set(), request_count={1: 1, 2: 1})
    'not placed: bo is async and cy is async'
    >>> why_unmet(aff, spec, 0, 1, met_before=set(), request_count={0: 3, 1: 1})
    'no room in any round: ana is in 3 requests but has 2 meetings'
    """
    ids = spec.ids
    if asker == asked:
        return "not placed: asked to meet themselves"
    for p in (asker, asked):
        if not spec.active[p]:
            return f"not placed: {ids[p]} is not taking part"
    if not affinity.allowed(asker, asked):
        return why_apart(affinity, asker, asked)
    if min(asker, asked) * spec.n + max(asker, asked) in met_before:
        return "met before"
    if spec.asyn[asker] and spec.asyn[asked]:
        return f"not placed: {ids[asker]} is async and {ids[asked]} is async"
    return _why_no_room(spec, (asker, asked), request_count)


def _why_no_room(spec: RoundSpec, pair: tuple[int, int], request_count: Mapping[int, int]) -> str:
    for p in pair:
        wanted = request_count[p]
        cap = int(spec.caps[p])
        if wanted > cap:
            return (
                f"no room in any round: {spec.ids[p]} is in {wanted} requests "
                f"but has {cap} meetings"
            )
    return "no room in any round: better or earlier-placed requests took their slots"
