"""The rounds of an event as an integer program: the model :mod:`netweave.core.exact` solves.

:func:`rounds_problem` gathers what :func:`~netweave.core.rounds.plan_rounds` is asked into
arrays (people, allowed pairs, pins, requests); :class:`RoundsModel` turns it into columns and
rows for HiGHS. One 0/1 column per round and allowed pair, so a plan is ``R`` matchings (a
subgraph where everyone has ``R`` partners need not split into ``R`` of them), and per round
the trio (three live people, each with two trio partners) or the host meeting:

- every live person has exactly one meeting per round: a partner, an async person's video,
  the round's trio (at most one a round, nobody in two) or the host (at most one a round,
  nobody more often than the heuristic's plan has anyone);
- each async person gets their matches, at most ``ceil(matches / rounds)`` in a round;
- no live person watches more intros than the watching cap
  (:func:`~netweave.core.watching.watch_cap`);
- no pair meets twice; forbidden pairs (avoid lists, history) and two async people are not
  columns at all; pinned meetings are columns fixed at 1;
- rounds without pins are interchangeable, so they are ordered (symmetry breaking).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from netweave.core.affinity import Affinity

__all__ = ["Figures", "RoundsModel", "RoundsProblem", "rounds_problem"]


@dataclass(frozen=True)
class Figures:
    """What a plan achieves, in the terms of :class:`RoundsProblem`."""

    #: planned total (the favoured scores when boosted) and the real one
    value: float
    total: float
    #: per person: planned score achieved / the sum of their best possible (as
    #: :attr:`~netweave.core.rounds.RoundsResult.shares`)
    shares: np.ndarray
    #: mutual requests and must-meet pairs met; one-way requests met
    strong: int
    one_way: int
    #: the most host meetings anyone has
    host: int
    #: pairs that met, as ``(lo, hi)``
    met: frozenset[tuple[int, int]]


@dataclass
class RoundsProblem:
    """The rounds problem in arrays: people, allowed pairs, pins, tiers."""

    n: int
    rounds: int
    odd: str
    live: np.ndarray  # bool per person
    asyn: np.ndarray
    need: np.ndarray  # partners per async person over all rounds
    per_round: int
    lo: np.ndarray  # allowed pairs lo < hi
    hi: np.ndarray
    score: np.ndarray  # planned (boosted) score per pair
    real: np.ndarray  # real score per pair
    strong: np.ndarray  # bool per pair: mutual request or must-meet
    one_way: np.ndarray  # bool per pair: a one-way request (and not strong)
    pins: dict[int, list[tuple[int, ...]]]  # 0-based round -> meetings
    best: np.ndarray  # per person: the sum of their c best allowed planned scores
    watch_cap: int | None = None  # most intros one live person watches; None: no cap
    key: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pairs = zip(self.lo.tolist(), self.hi.tolist(), strict=True)
        self.key = {pair: e for e, pair in enumerate(pairs)}

    @property
    def m(self) -> int:
        """The number of allowed pairs."""
        return len(self.lo)

    @property
    def free_rounds(self) -> list[int]:
        """Rounds (0-based) without pins: interchangeable."""
        return [r for r in range(self.rounds) if not self.pins.get(r)]

    def value_of(self, meetings: Iterable[tuple[int, ...]]) -> float:
        """The planned total of some meetings."""
        return float(sum(self.score[self.key[p]] for m in meetings for p in _pairs_of(sorted(m))))

    def figures(self, rounds: Sequence[Sequence[tuple[int, ...]]]) -> Figures:
        """Totals, shares, requests met and host visits of a plan."""
        achieved = np.zeros(self.n)
        met: list[int] = []
        host = np.zeros(self.n, np.int64)
        for meetings in rounds:
            for m in meetings:
                if len(m) == 1:
                    host[m[0]] += 1
                for a, b in _pairs_of(sorted(m)):
                    e = self.key[(a, b)]
                    met.append(e)
                    achieved[a] += self.score[e]
                    achieved[b] += self.score[e]
        idx = np.array(met, np.int64)
        return Figures(
            value=float(self.score[idx].sum()),
            total=float(self.real[idx].sum()),
            shares=np.divide(achieved, self.best, out=np.ones(self.n), where=self.best > 1e-12),
            strong=int(self.strong[idx].sum()),
            one_way=int(self.one_way[idx].sum()),
            host=int(host.max(initial=0)),
            met=frozenset((int(self.lo[e]), int(self.hi[e])) for e in idx.tolist()),
        )


def rounds_problem(
    affinity: Affinity,
    modes: Sequence[str],
    rounds: int,
    async_matches: int | None,
    odd: str,
    pinned: Mapping[int, Sequence[tuple[int, ...]]],
    boost: Sequence[float] | None,
    watch_cap: int | None = None,
) -> RoundsProblem:
    """The arrays of the problem :func:`~netweave.core.rounds.plan_rounds` solves for
    ``affinity`` (see there for the arguments; ``pinned`` rounds are 1-based, as there).

    Everyone takes part; pairs that met before are in ``affinity.forbidden``.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0]], np.float32)
    >>> aff = Affinity(("a", "b", "c"), s, forbidden=frozenset({(0, 2)}))
    >>> prob = rounds_problem(aff, ["live", "live", "async"], 2, None, "trio", {}, None)
    >>> list(zip(prob.lo.tolist(), prob.hi.tolist())), prob.need.tolist(), prob.best.tolist()
    ([(0, 1), (1, 2)], [0, 0, 2], [3.0, 5.0, 2.0])
    >>> prob.figures([[(0, 1)], [(1, 2)]]).value
    5.0
    """
    n = affinity.n
    asyn = np.array([m == "async" for m in modes], bool).reshape(n)
    live = ~asyn
    lo, hi = np.triu_indices(n, 1)
    ok = np.array([affinity.allowed(a, b) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
    ok = ok.astype(bool).reshape(len(lo)) & ~(asyn[lo] & asyn[hi])
    lo, hi = lo[ok], hi[ok]
    real = np.array([affinity.score(a, b) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
    real = real.astype(np.float64).reshape(len(lo))
    b = np.zeros(n) if boost is None else np.asarray(boost, np.float64)
    score = real * (1 + (b[lo] + b[hi]) / 2)
    requests = affinity.requests
    strong_pairs = {(min(a, c), max(a, c)) for a, c in requests if (c, a) in requests}
    strong_pairs |= {(min(a, c), max(a, c)) for a, c in affinity.must_meet}
    asked = {(min(a, c), max(a, c)) for a, c in requests}
    pairs = list(zip(lo.tolist(), hi.tolist(), strict=True))
    strong = np.array([p in strong_pairs for p in pairs], bool).reshape(len(pairs))
    one_way = np.array([p in asked for p in pairs], bool).reshape(len(pairs)) & ~strong
    matches = rounds if async_matches is None else async_matches
    pins = {r - 1: [tuple(sorted(int(p) for p in m)) for m in ms] for r, ms in pinned.items()}
    pinned_async = np.zeros(n, np.int64)
    for ms in pins.values():
        for meeting in ms:
            pinned_async[[p for p in meeting if asyn[p]]] += 1
    need = np.where(asyn, np.maximum(matches, pinned_async), 0)
    caps = np.where(asyn, matches, rounds)
    return RoundsProblem(
        n=n,
        rounds=rounds,
        odd=odd,
        live=live,
        asyn=asyn,
        need=need,
        per_round=math.ceil(matches / rounds),
        lo=lo,
        hi=hi,
        score=score,
        real=real,
        strong=strong,
        one_way=one_way,
        pins=pins,
        best=_best_possible(n, lo, hi, score, caps),
        watch_cap=watch_cap,
    )


def _best_possible(
    n: int, lo: np.ndarray, hi: np.ndarray, score: np.ndarray, caps: np.ndarray
) -> np.ndarray:
    """Per person, the sum of their ``caps[i]`` best allowed scores: the denominator of
    :attr:`~netweave.core.rounds.RoundsResult.shares`."""
    out = np.zeros(n)
    ends, vals = np.r_[lo, hi], np.r_[score, score]
    for i in range(n):
        mine = np.sort(vals[ends == i])[::-1]
        out[i] = float(mine[: int(caps[i])].sum())
    return out


def _pairs_of(meeting: Sequence[int]) -> list[tuple[int, int]]:
    return [(a, b) for k, a in enumerate(meeting) for b in meeting[k + 1 :]]


# --------------------------------------------------------------------------- the model


class _Rows:
    """Sparse constraint rows ``lb <= A x <= ub``, gathered block by block."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.count = 0

    def block(self, size: int, low: float | np.ndarray, high: float | np.ndarray) -> int:
        """Reserve ``size`` rows with bounds ``low..high``; return the first row's index."""
        first = self.count
        self.lb.append(np.broadcast_to(np.asarray(low, np.float64), (size,)))
        self.ub.append(np.broadcast_to(np.asarray(high, np.float64), (size,)))
        self.count += size
        return first

    def put(self, rows: np.ndarray, cols: np.ndarray, vals: float | np.ndarray) -> None:
        rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
        self.rows.append(rows)
        self.cols.append(cols)
        self.vals.append(np.broadcast_to(np.asarray(vals, np.float64), rows.shape))

    def matrix(self, ncols: int) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        a = sp.csr_array((vals, (rows, cols)), shape=(self.count, ncols))
        lb = np.concatenate(self.lb) if self.lb else np.zeros(0)
        ub = np.concatenate(self.ub) if self.ub else np.zeros(0)
        return a, lb, ub


def _rooms_parity(prob: RoundsProblem) -> int | None:
    """Whether the live people in rooms are odd (1) or even (0) in every round, when that is
    fixed: when every async person has ``per_round`` partners in every round. None when the
    async meetings may move between rounds."""
    remote = np.flatnonzero(prob.asyn)
    if (prob.need[remote] != prob.rounds * prob.per_round).any():
        return None
    return int(prob.live.sum() - len(remote) * prob.per_round) % 2


class RoundsModel:
    """Columns and rows of the per-round integer program.

    Columns: ``x[r, e]`` pair ``e`` meets in round ``r``; with trios ``y[r, e]`` the live pair
    ``e`` sits in round ``r``'s trio, ``z[r, i]`` person ``i`` does, ``t[r]`` round ``r`` has
    one; with a host ``h[r, i]`` person ``i`` meets the host; when the heuristic left people
    alone, slacks ``a[r, i]`` (live person alone) and ``o[i]`` (async slot left open).
    """

    def __init__(self, prob: RoundsProblem, host_visits: int, alone: bool) -> None:
        """``host_visits``: the most host meetings anyone may have; ``alone``: add the slacks."""
        self.prob = prob
        nr, m = prob.rounds, prob.m
        self.people = np.flatnonzero(prob.live)
        self.pos = np.full(prob.n, -1)
        self.pos[self.people] = np.arange(len(self.people))
        self.remote = np.flatnonzero(prob.asyn)
        nl = len(self.people)
        live_pairs = prob.live[prob.lo] & prob.live[prob.hi]
        # a pinned host meeting in trio mode (or trio in host mode) is the other kind's only
        # use, and it changes that round's parity
        pinned = {len(m) for ms in prob.pins.values() for m in ms}
        self.other_kind = 1 if prob.odd == "trio" else 3
        mixed = self.other_kind in pinned
        self.parity = None if alone or mixed else _rooms_parity(prob)
        odd_possible = self.parity != 0
        trios = (prob.odd == "trio" and odd_possible) or 3 in pinned
        hosts = (prob.odd == "host" and odd_possible) or 1 in pinned
        self.ypairs = np.flatnonzero(live_pairs) if trios else np.zeros(0, np.int64)
        sizes = {
            "x": nr * m,
            "y": nr * len(self.ypairs),
            "z": nr * nl if trios else 0,
            "t": nr if trios else 0,
            "h": nr * nl if hosts else 0,
            "a": nr * nl if alone else 0,
            "o": len(self.remote) if alone else 0,
        }
        self.offset, total = {}, 0
        for name, size in sizes.items():
            self.offset[name] = total
            total += size
        self.ncols = total
        self.sizes = sizes
        self.lb = np.zeros(total)
        self.ub = np.ones(total)
        self.ub[self.offset["o"] : self.offset["o"] + sizes["o"]] = np.inf
        self.objective = np.zeros(total)
        for r in range(nr):
            self.objective[self.col("x", r * m + np.arange(m))] = prob.score
            if trios:
                k = np.arange(len(self.ypairs))
                self.objective[self.col("y", r * len(self.ypairs) + k)] = prob.score[self.ypairs]
        if trios and self.parity is not None:
            self.lb[self.col("t", np.arange(nr))] = self.ub[self.col("t", np.arange(nr))] = 1
        self.rows = _Rows()
        self._meeting_rows()
        self._trio_rows()
        self._host_rows(host_visits)
        self._async_rows()
        self._watch_rows()
        self._pair_rows()
        self._symmetry_rows()
        self._pin()

    def matrix(self) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
        """The rows ``lb <= A x <= ub`` of the model."""
        return self.rows.matrix(self.ncols)

    def col(self, name: str, k: np.ndarray | int) -> np.ndarray:
        """Column indices of block ``name`` (``x``, ``y``, ``z``, ``t``, ``h``, ``a``, ``o``)."""
        return self.offset[name] + np.asarray(k, np.int64)

    def _x(self, r: int, e: np.ndarray) -> np.ndarray:
        return self.col("x", r * self.prob.m + np.asarray(e))

    # --------------------------------------------------------------------------- rows

    def _meeting_rows(self) -> None:
        """Every live person has exactly one meeting per round."""
        prob, rows, nl = self.prob, self.rows, len(self.people)
        for r in range(prob.rounds):
            first = rows.block(nl, 1.0, 1.0)
            for end in (prob.lo, prob.hi):
                mine = np.flatnonzero(prob.live[end])
                rows.put(first + self.pos[end[mine]], self._x(r, mine), 1.0)
            for name in ("z", "h", "a"):
                if self.sizes[name]:
                    rows.put(first + np.arange(nl), self.col(name, r * nl + np.arange(nl)), 1.0)

    def _trio_rows(self) -> None:
        """na trio is three live people each with two trio partners; one a round, one each."""
        if not self.sizes["z"]:
            return
        prob, rows, nl, k = self.prob, self.rows, len(self.people), len(self.ypairs)
        for r in range(prob.rounds):
            first = rows.block(nl, 0.0, 0.0)
            ycols = self.col("y", r * k + np.arange(k))
            for end in (prob.lo, prob.hi):
                rows.put(first + self.pos[end[self.ypairs]], ycols, 1.0)
            rows.put(first + np.arange(nl), self.col("z", r * nl + np.arange(nl)), -2.0)
            row = rows.block(1, 0.0, 0.0)
            rows.put(np.full(nl, row), self.col("z", r * nl + np.arange(nl)), 1.0)
            rows.put([row], self.col("t", [r]), -3.0)
        first = rows.block(nl, 0.0, 1.0)
        for r in range(prob.rounds):
            rows.put(first + np.arange(nl), self.col("z", r * nl + np.arange(nl)), 1.0)

    def _host_rows(self, host_visits: int) -> None:
        """At most one host meeting a round, and nobody more often than the heuristic's most."""
        if not self.sizes["h"]:
            return
        rows, nl = self.rows, len(self.people)
        per_person = rows.block(nl, 0.0, float(max(1, host_visits)))
        for r in range(self.prob.rounds):
            row = rows.block(1, float(self.parity or 0), 1.0)
            cols = self.col("h", r * nl + np.arange(nl))
            rows.put(np.full(nl, row), cols, 1.0)
            rows.put(per_person + np.arange(nl), cols, 1.0)

    def _async_rows(self) -> None:
        """Each async person gets their partners, at most ``per_round`` in a round."""
        prob, rows, na = self.prob, self.rows, len(self.remote)
        if not na:
            return
        where = np.full(prob.n, -1)
        where[self.remote] = np.arange(na)
        total = rows.block(na, prob.need[self.remote], prob.need[self.remote])
        if self.sizes["o"]:
            rows.put(total + np.arange(na), self.col("o", np.arange(na)), 1.0)
        for r in range(prob.rounds):
            first = rows.block(na, 0.0, float(prob.per_round))
            for end in (prob.lo, prob.hi):
                mine = np.flatnonzero(prob.asyn[end])
                rows.put(first + where[end[mine]], self._x(r, mine), 1.0)
                rows.put(total + where[end[mine]], self._x(r, mine), 1.0)

    def _watch_rows(self) -> None:
        """No live person watches more intros than the cap over all rounds."""
        prob, rows = self.prob, self.rows
        if prob.watch_cap is None or not len(self.remote) or not len(self.people):
            return
        first = rows.block(len(self.people), 0.0, float(prob.watch_cap))
        mixed = np.flatnonzero(prob.asyn[prob.lo] != prob.asyn[prob.hi])
        watcher = np.where(prob.asyn[prob.lo[mixed]], prob.hi[mixed], prob.lo[mixed])
        for r in range(prob.rounds):
            rows.put(first + self.pos[watcher], self._x(r, mixed), 1.0)

    def _pair_rows(self) -> None:
        """No pair meets twice (as a pair or inside a trio)."""
        prob, rows = self.prob, self.rows
        first = rows.block(prob.m, 0.0, 1.0)
        for r in range(prob.rounds):
            rows.put(first + np.arange(prob.m), self._x(r, np.arange(prob.m)), 1.0)
            k = len(self.ypairs)
            if k:
                rows.put(first + self.ypairs, self.col("y", r * k + np.arange(k)), 1.0)

    def _symmetry_rows(self) -> None:
        """Rounds without pins are interchangeable: order them by the first live person's
        partner (1 + their position; 0 for the host; a trio adds both partners). Sorting the
        free rounds of any plan by that key keeps it a plan, so no plan value is lost."""
        prob, rows = self.prob, self.rows
        free = [r for r in range(prob.rounds) if not prob.pins.get(r)]
        if len(free) < 2 or not len(self.people):
            return
        anchor = int(self.people[0])
        mine = np.flatnonzero((prob.lo == anchor) | (prob.hi == anchor))
        partner = np.where(prob.lo[mine] == anchor, prob.hi[mine], prob.lo[mine]) + 1.0
        in_y = np.flatnonzero(np.isin(self.ypairs, mine))
        y_partner = partner[np.searchsorted(mine, self.ypairs[in_y])]
        k = len(self.ypairs)
        for r, s in itertools.pairwise(free):
            row = rows.block(1, -np.inf, 0.0)
            for rr, sign in ((r, 1.0), (s, -1.0)):
                rows.put(np.full(len(mine), row), self._x(rr, mine), sign * partner)
                if len(in_y):
                    rows.put(
                        np.full(len(in_y), row), self.col("y", rr * k + in_y), sign * y_partner
                    )

    def _pin(self) -> None:
        """Pinned meetings: their variables are fixed at 1. Host meetings in trio mode (trios
        in host mode) happen only where pinned."""
        prob, nl, k = self.prob, len(self.people), len(self.ypairs)
        for name in ("h",) if self.other_kind == 1 else ("y", "z", "t"):
            self.ub[self.col(name, np.arange(self.sizes[name]))] = 0.0
        for r, meetings in prob.pins.items():
            for meeting in meetings:
                if len(meeting) == 1:
                    cols = self.col("h", [r * nl + self.pos[meeting[0]]])
                elif len(meeting) == 2:
                    cols = self._x(r, [prob.key[meeting]])
                else:
                    cols = np.r_[
                        self.col("y", [r * k + self._ypos(pair) for pair in _pairs_of(meeting)]),
                        self.col("z", r * nl + self.pos[list(meeting)]),
                        self.col("t", [r]),
                    ]
                self.lb[cols] = self.ub[cols] = 1.0

    def _anchor_key(self, meetings: Iterable[tuple[int, ...]]) -> int:
        """The symmetry key of a round: 1 + the anchor's partners' positions, summed."""
        anchor = int(self.people[0]) if len(self.people) else -1
        return sum(p + 1 for m in meetings if anchor in m for p in m if p != anchor)

    def trio_cuts(self, x: np.ndarray, limit: int = 4000) -> sp.csr_array | None:
        """Rows ``y_ij + y_ik - y_jk - z_i <= 0`` (and ``y_ij - z_i <= 0``) that the LP point
        ``x`` violates, most violated first: if ``i`` sits in a trio with ``j`` and ``k``, then
        ``j`` and ``k`` sit together. Every plan keeps them; the LP's fractional trios, spread
        thin over many people, do not. None when ``x`` keeps them all."""
        if not self.sizes["z"]:
            return None
        nl, k = len(self.people), len(self.ypairs)
        a, b = self.pos[self.prob.lo[self.ypairs]], self.pos[self.prob.hi[self.ypairs]]
        found: list[tuple[float, list[int], list[float]]] = []
        for r in range(self.prob.rounds):
            ycols = self.col("y", r * k + np.arange(k))
            y = np.zeros((nl, nl))
            y[a, b] = y[b, a] = x[ycols]
            col = np.full((nl, nl), -1)
            col[a, b] = col[b, a] = ycols
            z = x[self.col("z", r * nl + np.arange(nl))]
            for i in np.flatnonzero(z > 1e-6):
                near = np.flatnonzero(y[i] > 1e-6)
                zi = int(self.col("z", r * nl + i))
                for j in near[y[i, near] - z[i] > 1e-6]:
                    found.append((y[i, j] - z[i], [col[i, j], zi], [1.0, -1.0]))
                viol = y[i, near][:, None] + y[i, near][None, :] - y[np.ix_(near, near)] - z[i]
                for p, q in zip(*np.nonzero(np.triu(viol > 1e-6, 1)), strict=True):
                    j, m = near[p], near[q]
                    cols, vals = [col[i, j], col[i, m], zi], [1.0, 1.0, -1.0]
                    if col[j, m] >= 0:
                        cols, vals = [*cols, col[j, m]], [*vals, -1.0]
                    found.append((viol[p, q], cols, vals))
        if not found:
            return None
        found.sort(key=lambda f: -f[0])
        rows = np.repeat(np.arange(min(limit, len(found))), [len(f[1]) for f in found[:limit]])
        cols = np.concatenate([f[1] for f in found[:limit]])
        vals = np.concatenate([f[2] for f in found[:limit]])
        return sp.csr_array((vals, (rows, cols)), shape=(min(limit, len(found)), self.ncols))

    def _ypos(self, pair: tuple[int, int]) -> int:
        return int(np.searchsorted(self.ypairs, self.prob.key[pair]))

    def vector_of(
        self, rounds: Sequence[Sequence[tuple[int, ...]]], unmatched: Iterable[tuple[int, int, str]]
    ) -> np.ndarray:
        """The 0/1 point of a plan and its people left alone (``(round, person, why)``, rounds
        1-based), its free rounds reordered as the symmetry rows want."""
        prob, nl, k = self.prob, len(self.people), len(self.ypairs)
        free = prob.free_rounds
        order = sorted(free, key=lambda r: self._anchor_key(rounds[r]))
        new_of = dict(zip(order, free, strict=True))
        x = np.zeros(self.ncols)
        for old, meetings in enumerate(rounds):
            r = new_of.get(old, old)
            for m in meetings:
                if len(m) == 1:
                    x[self.col("h", r * nl + self.pos[m[0]])] = 1
                elif len(m) == 2:
                    x[self._x(r, prob.key[tuple(sorted(m))])] = 1
                else:
                    x[self.col("z", r * nl + self.pos[list(m)])] = 1
                    x[self.col("t", r)] = 1
                    for pair in _pairs_of(sorted(m)):
                        x[self.col("y", r * k + self._ypos(pair))] = 1
        remote = np.full(prob.n, -1)
        remote[self.remote] = np.arange(len(self.remote))
        for number, person, _ in unmatched:
            r = new_of.get(number - 1, number - 1)
            if prob.live[person]:
                x[self.col("a", r * nl + self.pos[person])] += 1
            else:
                x[self.col("o", remote[person])] += 1
        return x

    def tier_row(self, name: str) -> np.ndarray:
        """Coefficients of a tier: requests of a kind met, or people (slots) left alone."""
        prob, out = self.prob, np.zeros(self.ncols)
        if name == "alone":
            out[self.offset["a"] : self.offset["a"] + self.sizes["a"] + self.sizes["o"]] = 1.0
            return out
        mask = prob.strong if name == "strong" else prob.one_way
        k = len(self.ypairs)
        for r in range(prob.rounds):
            out[self._x(r, np.arange(prob.m))] = mask
            if k:
                out[self.col("y", r * k + np.arange(k))] = mask[self.ypairs]
        return out

    def fairness_rows(self, floor: float) -> tuple[sp.csr_array, np.ndarray]:
        """Rows ``achieved_i >= floor * best_i`` for everyone with a best possible."""
        prob = self.prob
        people = np.flatnonzero(prob.best > 1e-12)
        where = np.full(prob.n, -1)
        where[people] = np.arange(len(people))
        rows, cols, vals = [], [], []
        obj = self.objective
        for start, size in (
            (self.offset["x"], self.sizes["x"]),
            (self.offset["y"], self.sizes["y"]),
        ):
            c = np.arange(start, start + size)
            pair = self._pair_of(c)
            for end in (prob.lo[pair], prob.hi[pair]):
                keep = where[end] >= 0
                rows.append(where[end[keep]])
                cols.append(c[keep])
                vals.append(obj[c[keep]])
        a = sp.csr_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(people), self.ncols),
        )
        # a hair below the heuristic's floor: its own plan must stay feasible
        need = floor * prob.best[people] * (1 - 1e-9) - 1e-9
        return a, need

    def pair_usage(self, x: np.ndarray) -> np.ndarray:
        """Per allowed pair: how often it meets in ``x`` (as a pair or in a trio)."""
        out = np.zeros(self.prob.m)
        for name in ("x", "y"):
            cols = self.col(name, np.arange(self.sizes[name]))
            np.add.at(out, self._pair_of(cols), x[cols])
        return out

    def pair_columns(self, pairs: np.ndarray) -> np.ndarray:
        """The x and y columns, in every round, of the pairs where ``pairs`` (bool) is True."""
        out = []
        for name in ("x", "y"):
            cols = self.col(name, np.arange(self.sizes[name]))
            out.append(cols[pairs[self._pair_of(cols)]])
        return np.concatenate(out)

    def _pair_of(self, cols: np.ndarray) -> np.ndarray:
        """The pair index of x or y columns."""
        m, k = self.prob.m, len(self.ypairs)
        is_y = cols >= self.offset["y"]
        out = (cols - self.offset["x"]) % max(m, 1)
        if k:
            out = np.where(is_y, self.ypairs[(cols - self.offset["y"]) % k], out)
        return out

    def rounds_of(self, x: np.ndarray) -> list[list[tuple[int, ...]]]:
        """The meetings of a 0/1 solution, round by round."""
        prob, nl, m = self.prob, len(self.people), self.prob.m
        on = x > 0.5
        out = []
        for r in range(prob.rounds):
            pairs = np.flatnonzero(on[self._x(r, np.arange(m))])
            meetings = [(int(prob.lo[e]), int(prob.hi[e])) for e in pairs]
            if self.sizes["z"]:
                trio = self.people[on[self.col("z", r * nl + np.arange(nl))]]
                if len(trio):
                    meetings.append(tuple(int(p) for p in trio))
            if self.sizes["h"]:
                host = self.people[on[self.col("h", r * nl + np.arange(nl))]]
                meetings += [(int(p),) for p in host]
            out.append(sorted(meetings))
        return out

    def alone_of(self, x: np.ndarray) -> list[tuple[int, int]]:
        """``(round, person)`` (0-based round) for every live person left alone in ``x``, and
        for every async match left open (counted in the last round)."""
        nl, out = len(self.people), []
        if self.sizes["a"]:
            on = x[self.col("a", np.arange(self.sizes["a"]))] > 0.5
            out += [(int(k // nl), int(self.people[k % nl])) for k in np.flatnonzero(on)]
        if self.sizes["o"]:
            counts = np.rint(x[self.col("o", np.arange(self.sizes["o"]))]).astype(np.int64)
            last = self.prob.rounds - 1
            for a, c in zip(self.remote.tolist(), counts.tolist(), strict=True):
                out += [(last, a)] * c
        return out
