"""Favouring members who have made few connections in the community so far.

:func:`connection_boost` turns the community's history (who met whom at earlier events) into
a weight per person; :func:`~netweave.core.rounds.plan_rounds` takes it as ``boost`` and
multiplies each pair's score by ``1 + (b_i + b_j) / 2`` while it plans. Multiplied, not added:
the design notes measured that an added per-person bonus changes nothing when everyone is
paired, while a multiplied one makes a newcomer's good matches worth more, so a partner
several people would suit goes to the newcomer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from netweave.core.affinity import Affinity
from netweave.core.people import Person

__all__ = ["NEWCOMER_BOOST", "boosted_affinity", "connection_boost"]

#: the most a pair's score grows for a newcomer in it (see :func:`connection_boost`)
NEWCOMER_BOOST = 0.5


def connection_boost(
    people: Sequence[Person], history: Iterable[tuple[str, str]]
) -> list[float] | None:
    """A weight per person, from 0 to :data:`NEWCOMER_BOOST`: the fewer people someone has
    met at the community's earlier events (``history``), the higher.

    A newcomer gets the most; anyone who met at least as many as the median returning
    member gets 0.

    Parameters
    ----------
    people : sequence of Person
        The people to plan, in planning order.
    history : iterable of (id, id)
        Pairs who met at the community's earlier events.

    Returns
    -------
    list of float or None
        One weight per person, or None when it would change nothing: no history, or nobody
        behind.

    Examples
    --------
    >>> people = [Person(e, e, e) for e in ("a", "b", "c", "new")]
    >>> connection_boost(people, [("a", "b"), ("a", "c")])
    [0.0, 0.0, 0.0, 0.5]
    >>> connection_boost(people, []) is None
    True
    """
    met = Counter(pid for pair in history for pid in pair)
    counts = [met[p.id] for p in people]
    returning = sorted(c for c in counts if c)
    if not returning:
        return None
    typical = returning[len(returning) // 2]
    boost = [NEWCOMER_BOOST * max(0.0, 1 - c / typical) for c in counts]
    return boost if max(boost) > 0 else None


def boosted_affinity(affinity: Affinity, boost: Sequence[float] | None) -> Affinity:
    """The affinity the rounds are planned with: each pair's score times ``1 + (b_i + b_j) / 2``
    (``boost`` as :func:`connection_boost` gives it; ``None`` changes nothing).

    Examples
    --------
    >>> import numpy as np
    >>> aff = Affinity(("a", "b"), np.array([[0, 2], [2, 0]], np.float32))
    >>> boosted_affinity(aff, [0.5, 0.0]).score(0, 1)
    2.5
    """
    if boost is None:
        return affinity
    b = np.asarray(boost, dtype=np.float32)
    if b.shape != (affinity.n,):
        raise ValueError(f"boost has {b.size} entries for {affinity.n} people")
    if not np.isfinite(b).all() or (b < 0).any():
        raise ValueError("boost must hold finite weights >= 0")
    if affinity.scores is not None:
        return replace(affinity, scores=affinity.scores * (1 + (b[:, None] + b[None, :]) / 2))
    assert affinity.graph is not None
    coo = affinity.graph.tocoo()
    factor = 1 + (b[coo.row] + b[coo.col]) / 2
    graph = sp.csr_matrix((coo.data * factor, (coo.row, coo.col)), shape=coo.shape)
    scorer = affinity.scorer
    boosted = (lambda i, j: scorer(i, j) * (1 + (b[i] + b[j]) / 2)) if scorer is not None else None
    return replace(affinity, graph=graph, scorer=boosted, ceiling=None)
