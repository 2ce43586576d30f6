"""Fairness after the rounds: partner exchanges that lift the worst-off people.

Round-by-round planning favours the total; the fairness factor of
:func:`netweave.core.rounds.plan_rounds` boosts people who fall behind, but a few still end far
below their own best possible (the worst-off share: what they got over the sum of their best
allowed scores). :func:`lift_worst_off` then repeatedly takes the worst-off person ``w`` and
tries, in every round where ``w`` sits in a plain pair ``(w, x)``, each of ``w``'s candidate
partners ``a`` whose partner that round is ``b``: the exchange ``(w, a), (x, b)`` is taken
when all four come out above ``w``'s share before (so the lowest share only rises) and the
total loses at most what is left of a small budget. Pinned meetings, trios, host meetings and
requested or must-meet pairs are never touched, and no exchange takes a live person over
the watching cap (:class:`~netweave.core.watching.WatchLoad`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from netweave.core.watching import WatchLoad

__all__ = ["BUDGET_SHARE", "SwapState", "lift_planner", "lift_worst_off"]

#: the exchanges may cost at most this share of the rounds' total (0.05 %: half the 0.1
#: point of quality the issue allows)
BUDGET_SHARE = 5e-4
#: exchanges tried at most, per person below the target (a bound on the work, never reached
#: in the measured communities)
_STEPS_PER_PERSON = 8
#: people who could not be lifted before the pass stops
_STUCK = 50
#: candidate partners tried per person and round
_TRIES = 40


@dataclass
class SwapState:
    """What the exchanges read and change: the planner's rounds and bookkeeping."""

    #: round -> its meetings (sorted tuples), changed in place
    rounds: list[list[tuple[int, ...]]]
    #: score of any pairs ``(i[k], j[k])``
    score: Callable[[np.ndarray, np.ndarray], np.ndarray]
    #: per person: their partners so far (met before and pinned included), changed in place
    partners: list[set[int]]
    forbidden_of: list[set[int]]
    asyn: np.ndarray
    #: per person: score achieved, and the denominator of their share (0: not taking part)
    achieved: np.ndarray
    best: np.ndarray
    #: per person: candidate partners, best first
    candidates: Sequence[np.ndarray]
    #: meetings that must stay as they are (pinned, requested, must-meet)
    fixed: Callable[[tuple[int, ...]], bool]
    #: intros watched per live person against the cap (changed in place); None: no cap
    watch: WatchLoad | None = None

    def shares(self) -> np.ndarray:
        return np.divide(
            self.achieved, self.best, out=np.ones(len(self.best)), where=self.best > 1e-12
        )


def lift_worst_off(state: SwapState, budget: float, target: float = 1.0) -> tuple[int, float]:
    """Exchange partners to raise the lowest shares; the exchanges made and the total's change.

    Parameters
    ----------
    state : SwapState
        The rounds and bookkeeping, changed in place.
    budget : float
        The total may drop by at most this much over all exchanges.
    target : float
        People at or above this share are left alone.

    Examples
    --------
    Ana (0) met Bo (1) and Cy (2) met Dee (3); Ana's best is Cy. Exchanging gives Ana and Cy
    their best and raises the total by 4:

    >>> s = np.array([[0, 1, 5, 1], [1, 0, 1, 4], [5, 1, 0, 4], [1, 4, 4, 0]], float)
    >>> state = SwapState(
    ...     rounds=[[(0, 1), (2, 3)]], score=lambda i, j: s[i, j],
    ...     partners=[{1}, {0}, {3}, {2}], forbidden_of=[set() for _ in range(4)],
    ...     asyn=np.zeros(4, bool), achieved=np.array([1.0, 1, 4, 4]),
    ...     best=np.array([5.0, 4, 5, 4]), candidates=[np.array([2, 1])] * 4,
    ...     fixed=lambda m: False)
    >>> lift_worst_off(state, budget=0.0)
    (1, 4.0)
    >>> state.rounds
    [[(0, 2), (1, 3)]]
    """
    where = _where(state.rounds)
    stuck: set[int] = set()
    spent, swaps = 0.0, 0
    limit = _STEPS_PER_PERSON * max(1, int((state.shares() < target).sum()))
    for _ in range(limit):
        shares = state.shares()
        order = np.argsort(shares, kind="stable")
        w = next((int(p) for p in order if int(p) not in stuck and state.best[p] > 1e-12), -1)
        if w < 0 or shares[w] >= target:
            break
        move = _best_move(state, where, w, float(shares[w]), budget - spent)
        if move is None:
            stuck.add(w)
            if len(stuck) > _STUCK:
                break  # far from the lowest share now: the rest would not raise it
            continue
        spent -= _apply(state, where, *move)
        swaps += 1
    return swaps, -spent


def _where(rounds: list[list[tuple[int, ...]]]) -> list[dict[int, tuple[int, ...]]]:
    """Per round: each person's meeting (not for async people in several that round)."""
    out = []
    for meetings in rounds:
        seats: dict[int, tuple[int, ...]] = {}
        twice = set()
        for m in meetings:
            for p in m:
                if p in seats:
                    twice.add(p)
                seats[p] = m
        out.append({p: m for p, m in seats.items() if p not in twice})
    return out


def lift_planner(planner: Any, budget_share: float = BUDGET_SHARE) -> tuple[int, float]:
    """:func:`lift_worst_off` on the state of :func:`netweave.core.rounds.plan_rounds`'s
    planner once every round is planned, with a budget of ``budget_share`` of its total.

    Examples
    --------
    >>> from netweave.core.affinity import Affinity
    >>> from netweave.core.rounds import plan_rounds
    >>> s = np.array([[0, 9, 2, 1], [9, 0, 1, 2], [2, 1, 0, 9], [1, 2, 9, 0]], np.float32)
    >>> plan_rounds(Affinity(("a", "b", "c", "d"), s), ["live"] * 4, 2).rounds  # calls it
    (((0, 1), (2, 3)), ((0, 2), (1, 3)))
    """
    spec = planner.spec
    n = spec.n
    caps = np.minimum(spec.caps, planner.best.shape[1] - 1)
    pinned = {frozenset(m) for meetings in planner.pinned.values() for m in meetings}

    def fixed(m: tuple[int, ...]) -> bool:
        key = min(m) * n + max(m)
        return frozenset(m) in pinned or bool(planner._priority(np.array([key]))[0] > 0)

    state = SwapState(
        rounds=planner.rounds,
        score=planner.aff.pair_scores,
        partners=planner.partners,
        forbidden_of=planner.forbidden_of,
        asyn=spec.asyn,
        achieved=planner.achieved,
        best=planner.best[np.arange(n), caps],
        candidates=_candidates(n, planner.lo, planner.hi, planner.base),
        fixed=fixed,
        watch=planner.watch,
    )
    total = float(planner.achieved.sum()) / 2
    done = lift_worst_off(state, budget_share * max(total, 0.0))
    planner.met_here = {
        (a, b) for meetings in planner.rounds for m in meetings for a, b in _pairs(m)
    }
    return done


def _pairs(m: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(a, b) for k, a in enumerate(m) for b in m[k + 1 :]]


def _candidates(n: int, lo: np.ndarray, hi: np.ndarray, score: np.ndarray) -> list[np.ndarray]:
    """Each person's candidate partners, best first."""
    rows, cols, vals = np.r_[lo, hi], np.r_[hi, lo], np.r_[score, score]
    order = np.lexsort((cols, -vals, rows))
    rows, cols = rows[order], cols[order]
    cuts = np.searchsorted(rows, np.arange(n + 1))
    return [cols[cuts[p] : cuts[p + 1]] for p in range(n)]


def _best_move(
    state: SwapState,
    where: list[dict[int, tuple[int, ...]]],
    w: int,
    floor: float,
    left: float,
) -> tuple[int, int, int, int, int, float] | None:
    """The best exchange for ``w``: ``(round, w, x, a, b, change of the total)``, or None."""
    best, best_key = None, None
    for r, seats in enumerate(where):
        mine = seats.get(w)
        if mine is None or len(mine) != 2 or state.fixed(mine):
            continue
        x = mine[0] if mine[1] == w else mine[1]
        found = _round_moves(state, seats, w, x, floor, left)
        if found is not None and (best_key is None or found[0] > best_key):
            best_key, best = found[0], (r, w, x, *found[1:])
    return best


def _round_moves(
    state: SwapState,
    seats: dict[int, tuple[int, ...]],
    w: int,
    x: int,
    floor: float,
    left: float,
) -> tuple[tuple[float, float], int, int, float] | None:
    """In one round: the exchange ``(w, a), (x, b)`` that leaves the lowest of the four
    shares highest, with ``(that share, change)`` as its rank."""
    options = []
    for a in state.candidates[w][:_TRIES].tolist():
        if a == x or a in state.partners[w] or a in state.forbidden_of[w]:
            continue
        theirs = seats.get(a)
        if theirs is None or len(theirs) != 2 or state.fixed(theirs):
            continue
        b = theirs[0] if theirs[1] == a else theirs[1]
        if (state.asyn[w] and state.asyn[a]) or not _can_meet(state, x, b):
            continue
        if state.watch is not None and not state.watch.swap_ok([(w, x), (a, b)], [(w, a), (x, b)]):
            continue
        options.append((a, b))
    if not options:
        return None
    a, b = (np.array(col, dtype=np.intp) for col in zip(*options, strict=True))
    ww, xx = np.full(len(a), w), np.full(len(a), x)
    wa, xb = state.score(ww, a), state.score(xx, b)
    wx, ab = state.score(ww[:1], xx[:1])[0], state.score(a, b)
    change = wa + xb - wx - ab
    ach, best = state.achieved, np.maximum(state.best, 1e-12)
    low = np.minimum.reduce(
        [
            (ach[w] + wa - wx) / best[w],
            (ach[x] + xb - wx) / best[x],
            (ach[a] + wa - ab) / best[a],
            (ach[b] + xb - ab) / best[b],
        ]
    )
    ok = (low > floor + 1e-9) & (change >= -left)
    if not ok.any():
        return None
    k = int(np.flatnonzero(ok)[np.lexsort((-change[ok], -low[ok]))[0]])
    return (float(low[k]), float(change[k])), int(a[k]), int(b[k]), float(change[k])


def _can_meet(state: SwapState, x: int, b: int) -> bool:
    return (
        x != b
        and b not in state.partners[x]
        and b not in state.forbidden_of[x]
        and not (state.asyn[x] and state.asyn[b])
    )


def _apply(
    state: SwapState,
    where: list[dict[int, tuple[int, ...]]],
    r: int,
    w: int,
    x: int,
    a: int,
    b: int,
    change: float,
) -> float:
    """Make the exchange in round ``r``; return the total's change."""
    old = [tuple(sorted((w, x))), tuple(sorted((a, b)))]
    new = [tuple(sorted((w, a))), tuple(sorted((x, b)))]
    meetings = state.rounds[r]
    for m in old:
        meetings.remove(m)
    meetings.extend(new)
    meetings.sort()
    if state.watch is not None:
        for m in old:
            state.watch.remove(m)
        for m in new:
            state.watch.add(m)
    for (p, q), sign in ((old[0], -1), (old[1], -1), (new[0], 1), (new[1], 1)):
        s = float(state.score(np.array([p]), np.array([q]))[0])
        state.achieved[p] += sign * s
        state.achieved[q] += sign * s
        (state.partners[p].add if sign > 0 else state.partners[p].discard)(q)
        (state.partners[q].add if sign > 0 else state.partners[q].discard)(p)
    for m in new:
        for p in m:
            where[r][p] = m
    return change
