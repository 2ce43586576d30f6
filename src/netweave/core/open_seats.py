"""Seats a round's matching left open, filled by splitting one of its pairs in two.

After a round's matching and the greedy pairing of the leftovers, an async person may still
have an open slot: every live person they may meet is already in a pair, and the live people
left alone (if any) have met them, may not meet them or may watch no more intros. At 50,000
people that was 383 of 33,470 async slots (1.1 %), some people losing three of their five
chats, while a live pair ``(x, y)`` could often make room: ``p`` meets ``x`` and ``q`` meets
``y``, two seats filled for one pair given up (an augmenting path of length three).
:func:`fill_open_seats` takes such exchanges, best gain first, for one open seat at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["fill_open_seats"]

#: people in pairs that may be split tried per open seat (its best candidates first), and
#: other open seats tried per such person: at most ``_TRIES ** 2`` options per seat
_TRIES = 32

Pair = tuple[int, int]


def fill_open_seats(
    pairs: Sequence[Pair],
    seats: Sequence[int],
    *,
    allowed: Callable[[int, int], bool],
    score: Callable[[np.ndarray, np.ndarray], np.ndarray],
    near: Callable[[int], Sequence[int]],
    splittable: Sequence[bool],
) -> tuple[list[Pair], list[int]]:
    """Split pairs ``(x, y)`` into ``(p, x), (q, y)`` for open seats ``p``, ``q``.

    Parameters
    ----------
    pairs : sequence of pairs
        This round's new pairs.
    seats : sequence of int
        Open seats, a person once per open seat (an async person may have several).
    allowed : callable ``(p, x) -> bool``
        Whether ``p`` and ``x`` may meet this round (new to each other, not forbidden, not two
        async people, within the watching cap).
    score : callable ``(i, j) -> scores``
        The scores of pairs ``(i[k], j[k])``.
    near : callable ``p -> people``
        ``p``'s candidate partners, tried first; when fewer than a few of them sit in a pair
        that may be split, other pairs are tried too.
    splittable : sequence of bool
        Per pair of ``pairs``: whether it may be given up (two live people, not a request).

    Returns
    -------
    pairs : list of pairs
        The round's pairs with the exchanges made.
    open : list of int
        The seats still open.

    Examples
    --------
    Ana (0) and Bo (1) met; Kofi (2) and Lin (3), async, each have a seat open and may meet
    anyone live. Splitting Ana and Bo seats both:

    >>> s = np.array([[0, 5, 3, 1], [5, 0, 1, 2], [3, 1, 0, 0], [1, 2, 0, 0]], float)
    >>> fill_open_seats([(0, 1)], [2, 3], allowed=lambda p, x: {p, x} != {2, 3},
    ...                 score=lambda i, j: s[i, j], near=lambda p: [0, 1],
    ...                 splittable=[True])
    ([(0, 2), (1, 3)], [])
    """
    out: list[Pair | None] = list(pairs)
    where = {p: k for k, pr in enumerate(pairs) if splittable[k] for p in pr}
    here = {frozenset(p) for p in pairs}
    everyone = sorted(where)  # who sits in a pair that may be split (some leave it below)
    still = list(seats)
    left: list[int] = []
    while still:
        p = still.pop(0)
        found = _best_split(p, still, out, where, everyone, here, allowed, score, near)
        if found is None:
            left.append(p)
            continue
        k, x, y, q = found
        out[k] = None
        for person in (x, y):
            del where[person]
        made = [(min(p, x), max(p, x)), (min(q, y), max(q, y))]
        out.extend(made)
        here.update(frozenset(m) for m in made)
        still.remove(q)
    return [pr for pr in out if pr is not None], left


def _best_split(
    p: int,
    others: list[int],
    pairs: list[Pair | None],
    where: dict[int, int],
    everyone: list[int],
    here: set[frozenset[int]],
    allowed: Callable[[int, int], bool],
    score: Callable[[np.ndarray, np.ndarray], np.ndarray],
    near: Callable[[int], Sequence[int]],
) -> tuple[int, int, int, int] | None:
    """The split with the largest gain for seat ``p``: (pair index, x, y, other seat q)."""
    if not others:
        return None

    def fits(x: int) -> bool:
        return x in where and frozenset((p, x)) not in here and allowed(p, x)

    xs = [x for x in near(p) if fits(x)][:_TRIES]
    if len(xs) < _TRIES // 4:
        # few candidates are in a pair that may be split: try pairs spread over the round
        step = max(1, len(everyone) // (4 * _TRIES))
        xs += [x for x in everyone[p % step :: step] if x not in xs and fits(x)][: _TRIES - len(xs)]
    seats = list(dict.fromkeys(others))
    options = []
    for x in xs:
        a, b = pairs[where[x]]  # type: ignore[misc]
        y = b if a == x else a
        fit = (q for q in seats if q != y and frozenset((q, y)) not in here and allowed(q, y))
        # the first few seats that fit: enough to choose from, a bounded amount of work
        options += [(x, y, q) for q in itertools.islice(fit, _TRIES)]
    if not options:
        return None
    x, y, q = (np.array(col, dtype=np.intp) for col in zip(*options, strict=True))
    gain = score(np.full(len(x), p), x) + score(q, y) - score(x, y)
    best = int(np.argmax(gain))
    return where[int(x[best])], int(x[best]), int(y[best]), int(q[best])
