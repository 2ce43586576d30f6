"""connection_boost: a weight per person, highest for members who met nobody yet."""

from __future__ import annotations

import pytest

from netweave.core.newcomers import NEWCOMER_BOOST, connection_boost
from netweave.core.people import Person


def people(*ids: str) -> list[Person]:
    return [Person(i, i, i) for i in ids]


def test_connection_boost_newcomer_gets_the_most():
    assert connection_boost(people("a", "b", "c", "new"), [("a", "b"), ("a", "c")]) == [
        0.0,
        0.0,
        0.0,
        NEWCOMER_BOOST,
    ]


def test_connection_boost_grows_as_connections_fall_below_the_median():
    history = [("a", x) for x in "bcdef"] + [("b", "c"), ("b", "d"), ("c", "d")]
    boost = connection_boost(people("a", "b", "c", "d", "e", "f"), history)

    # d met 3 (the median of the returning members): nothing; e and f met 1: 2/3 of the most
    assert boost == pytest.approx([0, 0, 0, 0, NEWCOMER_BOOST * 2 / 3, NEWCOMER_BOOST * 2 / 3])


def test_connection_boost_none_without_history():
    assert connection_boost(people("a", "b"), []) is None


def test_connection_boost_none_when_nobody_is_behind():
    assert connection_boost(people("a", "b"), [("a", "b")]) is None
