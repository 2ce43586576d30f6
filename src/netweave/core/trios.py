"""The odd one out of a round seated as a third: a trio built from this round's new pairs.

:class:`TrioSeats` holds the ways :func:`netweave.core.rounds.plan_rounds` finds a trio for
the person the matching left alone, in the order they are tried: join the pair they add most
to, take someone's place in a pair and send that person to another pair, or, as a last
resort, take two trio-free people out of their pairs. Every pair of a trio is new, nobody
sits in two trios, async people are never in one. It is mixed into the rounds' planner,
whose state (declared below) it reads and whose round it changes in place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from netweave.core.affinity import Affinity
from netweave.core.round_spec import RoundSpec

__all__ = ["SITTER_TRIES", "TrioSeats"]

#: people considered, in turn order, for the odd seat before giving up on a feasible one
SITTER_TRIES = 50


class TrioSeats:
    """Trio building over the planner's state (see the module notes)."""

    aff: Affinity
    spec: RoundSpec
    #: per person: partners so far (met, pinned) and the people they are kept apart from
    partners: list[set[int]]
    forbidden_of: list[set[int]]
    #: who has sat in a trio already
    in_trio: np.ndarray
    #: the planner's own: the score of one pair, whether two people may still meet, and a
    #: pair key's request priority (2 mutual or must-meet, 1 one-way, 0 none)
    _s: Callable[[int, int], float]
    _can_meet: Callable[[int, int], bool]
    _priority: Callable[[np.ndarray], np.ndarray]

    def _trio_ready(self, meetings: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        """This round's new live pairs whose members have not sat in a trio."""
        live, in_trio = self.spec.live, self.in_trio
        return [
            m
            for m in meetings
            if live[m[0]] and live[m[1]] and not in_trio[m[0]] and not in_trio[m[1]]
        ]

    def _best_pair_for(
        self, t: int, pairs: list[tuple[int, ...]], skip: tuple[int, ...] | None = None
    ) -> int:
        """Index of the pair ``t`` adds most to as a third (new, allowed pairs), or -1."""
        if not pairs:
            return -1
        arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        a, b = arr[:, 0], arr[:, 1]
        blocked = np.array(sorted(self.partners[t] | self.forbidden_of[t] | {t}), np.int64)
        ok = ~np.isin(a, blocked) & ~np.isin(b, blocked)
        if skip is not None:
            ok &= (a != skip[0]) | (b != skip[1])
        if not ok.any():
            return -1
        n = self.spec.n
        prio = self._priority(np.minimum(a, t) * n + np.maximum(a, t))
        prio = prio + self._priority(np.minimum(b, t) * n + np.maximum(b, t))
        gain = self.aff.pair_scores(np.full(len(a), t), a) + self.aff.pair_scores(
            np.full(len(b), t), b
        )
        idx = np.flatnonzero(ok)
        order = np.lexsort((self.spec.rank[a[idx]], -gain[idx], -prio[idx]))
        return int(idx[order[0]])

    def _join_trio(self, t: int, meetings: list[tuple[int, ...]]) -> tuple[int, ...] | None:
        """Add ``t`` to the pair where they add most; all three pairs new, nobody's second trio."""
        if self.in_trio[t] or not self.spec.live[t]:
            return None
        ready = self._trio_ready(meetings)
        k = self._best_pair_for(t, ready)
        if k < 0:
            return None
        meetings.remove(ready[k])
        return self._make_trio((*ready[k], t))

    def _swap_into_trio(self, x: int, meetings: list[tuple[int, ...]]) -> tuple[int, ...] | None:
        """When ``x`` cannot join a trio: ``x`` takes someone's place in a pair and that person
        joins another pair as the third. Tried only after the direct join failed (rare)."""
        ready = self._trio_ready(meetings)
        live = self.spec.live
        seats = [
            (stay, leave, m)
            for m in meetings
            if live[m[0]] and live[m[1]]
            for stay, leave in ((m[0], m[1]), (m[1], m[0]))
            if not self.in_trio[leave] and self._can_meet(x, stay)
        ]
        # x's best seats first; a bounded search keeps this rare fallback cheap at any size
        seats.sort(key=lambda s: (-self._s(x, s[0]), int(self.spec.rank[s[0]])))
        best, best_gain = None, -np.inf
        for stay, leave, m in seats[:SITTER_TRIES]:
            k = self._best_pair_for(leave, ready, skip=m)
            if k < 0:
                continue
            c, d = ready[k]
            gain = self._s(x, stay) - self._s(leave, stay)
            gain += self._s(leave, c) + self._s(leave, d)
            if gain > best_gain:
                best, best_gain = (m, (min(x, stay), max(x, stay)), ready[k], leave), gain
        if best is None:
            return None
        old, new, host_pair, leave = best
        meetings.remove(old)
        meetings.remove(host_pair)
        meetings.append(new)
        return self._make_trio((*host_pair, leave))

    def _rebuild_trio(self, x: int, meetings: list[tuple[int, ...]]) -> tuple[int, ...] | None:
        """Last resort when no pair of trio-free people met: take two trio-free people ``a``,
        ``b`` out of their pairs into a trio with ``x`` and pair their partners instead."""
        if self.in_trio[x]:
            return None
        live, in_trio = self.spec.live, self.in_trio
        mate = {}
        for m in meetings:
            if live[m[0]] and live[m[1]]:
                mate[m[0]], mate[m[1]] = m[1], m[0]
        seats = [p for p in mate if not in_trio[p] and self._can_meet(x, p)]
        seats = sorted(seats, key=lambda p: (-self._s(x, p), int(self.spec.rank[p])))
        best, best_gain = None, -np.inf
        for k, a in enumerate(seats[:SITTER_TRIES]):
            for b in seats[k + 1 : SITTER_TRIES]:
                pa, pb = mate[a], mate[b]
                if pa == b or not self._can_meet(a, b) or not self._can_meet(pa, pb):
                    continue
                s = self._s
                gain = s(x, a) + s(x, b) + s(a, b) + s(pa, pb) - s(a, pa) - s(b, pb)
                if gain > best_gain:
                    best, best_gain = (a, b, pa, pb), gain
        if best is None:
            return None
        a, b, pa, pb = best
        meetings.remove(tuple(sorted((a, pa))))
        meetings.remove(tuple(sorted((b, pb))))
        meetings.append((min(pa, pb), max(pa, pb)))
        return self._make_trio((x, a, b))

    def _make_trio(self, members: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(members))
