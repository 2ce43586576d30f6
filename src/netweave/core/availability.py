"""Which rounds each person can attend: the ``available`` column, read and planned with.

A registration may say ``1-2`` (leaving after round 2), ``2-4`` (arriving late) or ``1,3``;
an empty cell means every round. :func:`~netweave.core.available.parse_available` reads
such an answer, :func:`attendance` turns everyone's answers into a people x rounds table
for the planner (:func:`~netweave.core.rounds.plan_rounds` takes it as ``attends``), and
:func:`sitting_out` says, per round, who is not there. Availability is about *live*
rounds: an async person's video is watched in whichever round fits, so their answer does
not restrict them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netweave.core.available import parse_available

__all__ = ["attendance", "parse_available", "restricted", "sitting_out"]


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
