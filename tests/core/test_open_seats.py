"""fill_open_seats: a round's open seats filled by splitting one pair into two."""

from __future__ import annotations

import numpy as np

from netweave.core.open_seats import fill_open_seats


def scores(n: int, values: dict[tuple[int, int], float]) -> np.ndarray:
    s = np.zeros((n, n))
    for (a, b), v in values.items():
        s[a, b] = s[b, a] = v
    return s


def fill(pairs, seats, s, *, allowed=lambda p, x: True, near=None, splittable=None):
    return fill_open_seats(
        pairs,
        seats,
        allowed=allowed,
        score=lambda i, j: s[i, j],
        near=near or (lambda p: list(range(len(s)))),
        splittable=splittable or [True] * len(pairs),
    )


def test_fill_open_seats_takes_the_split_with_the_largest_gain() -> None:
    # seats 4 and 5; pair (0, 1) scores 1, pair (2, 3) scores 4; 4-0 and 5-1 score 3 each
    s = scores(6, {(0, 1): 1, (2, 3): 4, (0, 4): 3, (1, 5): 3, (2, 4): 1, (3, 5): 1})
    pairs, left = fill([(0, 1), (2, 3)], [4, 5], s, allowed=lambda p, x: {p, x} != {4, 5})
    assert sorted(pairs) == [(0, 4), (1, 5), (2, 3)]
    assert left == []


def test_fill_open_seats_never_splits_a_pair_that_must_stay() -> None:
    s = scores(4, {(0, 1): 1})
    pairs, left = fill([(0, 1)], [2, 3], s, splittable=[False])
    assert pairs == [(0, 1)]
    assert left == [2, 3]


def test_fill_open_seats_respects_who_may_meet() -> None:
    # 3 may not meet 0 or 1: no split seats it, so both seats stay open
    s = scores(4, {(0, 1): 1})
    pairs, left = fill([(0, 1)], [2, 3], s, allowed=lambda p, x: 3 not in (p, x))
    assert pairs == [(0, 1)]
    assert left == [2, 3]


def test_fill_open_seats_leaves_a_single_seat_open() -> None:
    s = scores(3, {(0, 1): 1})
    assert fill([(0, 1)], [2], s) == ([(0, 1)], [2])


def test_fill_open_seats_reaches_pairs_beyond_the_near_partners() -> None:
    # the seats' candidates are all in pairs that must stay; a pair elsewhere is split
    s = scores(6, {(0, 1): 2, (2, 3): 2})
    pairs, left = fill(
        [(0, 1), (2, 3)],
        [4, 5],
        s,
        near=lambda p: [0, 1],
        splittable=[False, True],
        allowed=lambda p, x: {p, x} != {4, 5},
    )
    assert left == []
    assert (0, 1) in pairs
    assert (2, 3) not in pairs
    assert sorted(p for pr in pairs for p in pr) == [0, 1, 2, 3, 4, 5]


def test_fill_open_seats_does_not_pair_a_seat_twice_with_one_person() -> None:
    # async 3 holds two open seats and already meets 0 this round: splitting (1, 2) seats
    # 3 twice, with 1 and with 2, never with 0 again
    s = scores(5, {(0, 3): 1, (1, 2): 1})
    pairs, left = fill([(0, 3), (1, 2)], [3, 3, 4], s, splittable=[False, True])
    assert sorted(pairs) == [(0, 3), (1, 3), (2, 3)]
    assert left == [4]
