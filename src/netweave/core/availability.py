"""Which rounds each person can attend: the ``available`` column, read and planned with.

A registration may say ``1-2`` (leaving after round 2), ``2-4`` (arriving late) or ``1,3``;
an empty cell means every round. :func:`parse_available` reads such an answer,
:func:`attendance` turns everyone's answers into a people x rounds table for the planner
(:func:`~netweave.core.rounds.plan_rounds` takes it as ``attends``), and :func:`sitting_out`
says, per round, who is not there. Availability is about *live* rounds: an async person's
video is watched in whichever round fits, so their answer does not restrict them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from netweave.core.issues import CellError

__all__ = ["attendance", "parse_available", "restricted", "sitting_out"]

_PART = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))?$")
_RANGE = re.compile(r"(\d)\s*(?:-|–|—|\bto\b|\buntil\b)\s*(\d)")
_SPLIT = re.compile(r"\s*(?:[,;/&+]|\band\b|\s)\s*")
# words people put around the numbers ("rounds 1-2 only", "all rounds")
_NOISE = re.compile(r"\b(?:rounds?|only|just|r)\b|[.#]")
_ALL = frozenset({"", "all", "any", "every", "everything", "all of them", "*"})


def parse_available(value: str) -> tuple[int, ...]:
    """The rounds an ``available`` answer names, sorted; ``()`` means every round.

    Raises
    ------
    CellError
        With code ``"bad-available"`` for an answer that names no rounds (``"soon"``), a
        round 0 or a range backwards (``"3-1"``).

    Examples
    --------
    >>> parse_available("1-2"), parse_available("2-4"), parse_available("1, 3")
    ((1, 2), (2, 3, 4), (1, 3))
    >>> parse_available("Rounds 1 and 3 only"), parse_available(""), parse_available("all")
    ((1, 3), (), ())
    >>> parse_available("3-1")
    Traceback (most recent call last):
    ...
    netweave.core.issues.CellError: available '3-1' is not a list of rounds (3-1 runs \
backwards): write rounds like 1-2, 2-4 or 1,3; leave it empty for all rounds
    """
    text = " ".join(value.lower().split())
    if text in _ALL or _NOISE.sub(" ", text).strip() in _ALL - {""}:
        return ()
    rounds: set[int] = set()
    for part in _SPLIT.split(_RANGE.sub(r"\1-\2", _NOISE.sub(" ", text)).strip()):
        if not part:
            continue
        found = _PART.match(part)
        if found is None:
            raise _bad(value, f"{part!r} is not a round number")
        first = int(found.group(1))
        last = int(found.group(2) or first)
        if first < 1:
            raise _bad(value, "rounds are counted from 1")
        if last < first:
            raise _bad(value, f"{first}-{last} runs backwards")
        rounds.update(range(first, last + 1))
    if not rounds:
        raise _bad(value, "it names no round")
    return tuple(sorted(rounds))


def _bad(value: str, why: str) -> CellError:
    return CellError(
        f"available {value!r} is not a list of rounds ({why}): write rounds like 1-2, 2-4 or "
        "1,3; leave it empty for all rounds",
        "bad-available",
    )


def attendance(available: Sequence[Sequence[int]], modes: Sequence[str], rounds: int) -> np.ndarray:
    """``attends[i, r]``: whether person ``i`` can be placed in round ``r + 1``.

    An empty answer is every round; async people are never restricted (see the module);
    rounds past the event's last are ignored.

    Examples
    --------
    >>> attendance([(1, 2), (), (3,)], ["live", "live", "async"], 3).astype(int).tolist()
    [[1, 1, 0], [1, 1, 1], [1, 1, 1]]
    """
    attends = np.ones((len(available), rounds), dtype=bool)
    for i, (numbers, mode) in enumerate(zip(available, modes, strict=True)):
        if numbers and mode != "async":
            attends[i] = False
            kept = [r - 1 for r in numbers if 1 <= r <= rounds]
            attends[i, kept] = True
    return attends


def restricted(attends: np.ndarray | None) -> bool:
    """Whether anyone misses a round (``None`` is nobody).

    >>> restricted(np.ones((2, 3), bool)), restricted(None)
    (False, False)
    """
    return attends is not None and not bool(attends.all())


def sitting_out(attends: np.ndarray, ids: Sequence[str]) -> dict[str, list[str]]:
    """Per round (``"1"``, ``"2"`` ...), the ids of the people who are not there; rounds
    everybody attends are left out.

    Examples
    --------
    >>> attends = np.array([[True, False], [True, True]])
    >>> sitting_out(attends, ["ana", "bo"])
    {'2': ['ana']}
    """
    out = {}
    for r in range(attends.shape[1]):
        away = [ids[i] for i in np.flatnonzero(~attends[:, r]).tolist()]
        if away:
            out[str(r + 1)] = away
    return out
