"""Reading the ``available`` column: the rounds a person can attend, as text.

Text only (no numpy), so the table readers stay light; :mod:`netweave.core.availability`
turns the answers into the planner's people x rounds table.
"""

from __future__ import annotations

import re

from netweave.core.issues import CellError

__all__ = ["parse_available"]

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
