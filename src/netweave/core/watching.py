"""How many intros a live person watches: the watching cap, the one owner of that rule.

A live person paired with an async person spends that round watching the async person's
intro instead of meeting someone. Left alone, the planner hands those rounds to whoever
scores best with the async people, so a few people watch videos all evening (two people
had 3 of 4 rounds as video-watching). The organizer's cap spreads it: nobody watches more
than one intro in every ``every`` rounds (default 3), i.e. ``ceil(rounds / every)``.

:func:`watch_cap` gives the cap; :class:`WatchLoad` keeps count while a plan is built and
answers "may this person watch one more?". The round planner
(:func:`~netweave.core.rounds.plan_rounds`), its fairness swaps, the exact solver and the
live re-plan (:func:`~netweave.core.live.replan_round`) all ask it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["WATCH_EVERY", "WatchLoad", "watch_cap", "watch_note"]

#: the default: a live person watches at most one intro in every 3 rounds
WATCH_EVERY = 3


def watch_cap(rounds: int, every: int = WATCH_EVERY) -> int | None:
    """The most intros one live person watches over ``rounds`` rounds: one in every
    ``every`` rounds, rounded up; ``None`` (no cap) when ``every`` is 0.

    Examples
    --------
    >>> watch_cap(4), watch_cap(3), watch_cap(6), watch_cap(1), watch_cap(4, 1), watch_cap(4, 0)
    (2, 1, 2, 1, 4, None)
    """
    if every < 0:
        raise ValueError(f"every must be >= 0, got {every}")
    if every == 0:
        return None
    return math.ceil(max(rounds, 0) / every)


def watch_note(cap: int | None) -> str:
    """What to add to "nobody could watch this async person's intro" when a cap applies.

    Examples
    --------
    >>> watch_note(None), watch_note(1)
    ('', ' (or within the watching cap of 1 intro per person)')
    """
    if cap is None:
        return ""
    return f" (or within the watching cap of {cap} intro{'' if cap == 1 else 's'} per person)"


class WatchLoad:
    """How many intros each live person watches, against the cap.

    People are positions ``0..n-1``; ``asyn[i]`` says whether ``i`` is async. A meeting of a
    live and an async person is one intro watched by the live person. ``fixed`` meetings
    (pinned by the organizers, or held already) are counted from the start and never again.

    Examples
    --------
    >>> load = WatchLoad([False, False, True, True], cap=1)
    >>> load.add((0, 2)); load.can_watch(0), load.can_watch(1)
    (False, True)
    >>> load.pair_ok(0, 3), load.pair_ok(1, 3), load.pair_ok(0, 1)
    (False, True, True)
    >>> load.swap_ok(old=[(0, 2), (1, 3)], new=[(1, 2), (0, 3)])  # each still watches one
    True
    >>> load.swap_ok(old=[(1, 3)], new=[(0, 3)])  # Ana would watch a second
    False
    """

    def __init__(
        self,
        asyn: Sequence[bool] | np.ndarray,
        cap: int | None,
        fixed: Iterable[Sequence[int]] = (),
    ) -> None:
        self.asyn = np.asarray(asyn, dtype=bool)
        self.cap = cap
        self.counts = np.zeros(len(self.asyn), np.int64)
        self._fixed: set[tuple[int, ...]] = set()
        for m in fixed:
            meeting = tuple(sorted(int(p) for p in m))
            if meeting not in self._fixed:
                self._fixed.add(meeting)
                self._count(meeting, 1)

    def watcher(self, meeting: Sequence[int]) -> int | None:
        """The live person who watches in ``meeting`` (a live-async pair), else None."""
        if len(meeting) != 2:
            return None
        a, b = int(meeting[0]), int(meeting[1])
        if self.asyn[a] == self.asyn[b]:
            return None
        return b if self.asyn[a] else a

    def can_watch(self, person: int) -> bool:
        """Whether ``person`` may watch one more intro."""
        return self.cap is None or int(self.counts[person]) < self.cap

    def may_watch(self, people: np.ndarray) -> np.ndarray:
        """Per person in ``people`` (positions): whether they may watch one more intro."""
        if self.cap is None:
            return np.ones(len(people), bool)
        return self.counts[np.asarray(people, np.int64)] < self.cap

    def pair_ok(self, a: int, b: int) -> bool:
        """Whether ``a`` and ``b`` may meet as far as watching goes."""
        who = self.watcher((a, b))
        return who is None or self.can_watch(who)

    def pair_mask(self, people: np.ndarray) -> np.ndarray:
        """``ok[i, j]``: ``people[i]`` and ``people[j]`` may meet as far as watching goes."""
        idx = np.asarray(people, np.int64)
        asyn = self.asyn[idx]
        free = self.may_watch(idx)
        # a live-async pair needs the live end free to watch
        blocked = (~asyn[:, None] & asyn[None, :] & ~free[:, None]) | (
            asyn[:, None] & ~asyn[None, :] & ~free[None, :]
        )
        return ~blocked

    def room(self, live: np.ndarray) -> int | None:
        """Intros the live people (a bool mask) can still watch between them; None: no cap."""
        if self.cap is None:
            return None
        return int(np.maximum(self.cap - self.counts[np.asarray(live, bool)], 0).sum())

    def add(self, meeting: Sequence[int]) -> None:
        """Count ``meeting`` (unless it was counted as fixed)."""
        key = tuple(sorted(int(p) for p in meeting))
        if key not in self._fixed:
            self._count(key, 1)

    def remove(self, meeting: Sequence[int]) -> None:
        """Take ``meeting`` out of the count again."""
        self._count(tuple(sorted(int(p) for p in meeting)), -1)

    def swap_ok(self, old: Sequence[Sequence[int]], new: Sequence[Sequence[int]]) -> bool:
        """Whether replacing meetings ``old`` by ``new`` keeps everyone within the cap."""
        if self.cap is None:
            return True
        change: dict[int, int] = {}
        for meetings, sign in ((old, -1), (new, 1)):
            for m in meetings:
                who = self.watcher(m)
                if who is not None:
                    change[who] = change.get(who, 0) + sign
        return all(int(self.counts[p]) + d <= self.cap for p, d in change.items() if d > 0)

    def _count(self, meeting: tuple[int, ...], sign: int) -> None:
        who = self.watcher(meeting)
        if who is not None:
            self.counts[who] += sign
