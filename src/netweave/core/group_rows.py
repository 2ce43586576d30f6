"""Reading the weights for the group search: twice the weights, a few rows at a time.

The search engines of :mod:`netweave.core.group_search` read *twice* the weights: a swap's
gain needs ``2 w[p, q]``, and reading it ready saves a pass over the gain block, the hot loop
of the whole search (halving is exact in floating point). :class:`Rows` gives them either from
one float64 matrix (small groups of people, and the windows of the large searches) or, read
on demand, from a score matrix of anyone, e.g. the float32 scores of everyone registered,
restricted to the people searched: no ``m x m`` copy is made.

Forbidden pairs weigh ``-penalty`` (see :func:`penalty`), so a search separates them first.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

__all__ = ["Rows", "penalty"]

#: entries read at once when summing over all rows (~32 MB of float64)
_BLOCK_ENTRIES = 4_000_000


def penalty(scale: float, n: int, hi: int) -> float:
    """The weight of a forbidden pair, for ``n`` people in groups of at most ``hi``.

    Any two groupings differ by less than ``n * hi * scale`` (``scale`` the largest absolute
    weight), so one violation always costs more than all the score there is: feasibility
    first, then score. A power of two keeps the sums exact in floating point.

    Examples
    --------
    >>> penalty(1.0, 10, 4)
    128.0
    """
    return 2.0 ** math.ceil(math.log2(2 * n * hi * max(scale, 1e-12) + 1))


class Rows:
    """Twice the weights among ``n`` people, forbidden pairs at ``-2 * penalty``.

    Parameters
    ----------
    source : numpy.ndarray
        Square score matrix (any float dtype), symmetric.
    people : numpy.ndarray, optional
        Positions in ``source`` of the people searched, in order (default everyone).
    forbidden : numpy.ndarray, optional
        ``(f, 2)`` local positions of the pairs that must not share a group.
    hi : int
        The largest group size (sets the penalty).

    Attributes
    ----------
    n : int
        People.
    scale, spread : float
        The largest absolute weight, and the standard deviation of the pair weights.
    eps : float
        Gains below it are rounding, not improvements.

    Notes
    -----
    Up to ``dense_max`` people the penalised doubled block is built once as float64
    (8·n² bytes) and rows are views; above, each read gathers from ``source`` and adds the
    penalties of the rows read.

    Examples
    --------
    >>> import numpy as np
    >>> rows = Rows(np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]]), forbidden=np.array([[0, 1]]))
    >>> rows.twice(np.array([2])).tolist()
    [[4.0, 6.0, 0.0]]
    >>> rows.pair(0, 1)  # 2 * 1 - 2 * penalty(3.0, 3, 1)
    -62.0
    """

    def __init__(
        self,
        source: np.ndarray,
        people: np.ndarray | None = None,
        forbidden: np.ndarray | None = None,
        hi: int = 1,
        dense_max: int = 2500,
    ) -> None:
        self.people = None if people is None else np.asarray(people, dtype=np.intp)
        self.source = source
        self.n = len(source) if people is None else len(self.people)
        pairs = np.zeros((0, 2), dtype=np.intp) if forbidden is None else np.asarray(forbidden)
        self.scale, self.spread = self._scale()
        self.eps = 1e-9 * max(self.scale, 1e-12)
        big = penalty(self.scale, self.n, hi)
        i, j = pairs[:, 0], pairs[:, 1]
        self.pen = sp.csr_matrix(
            (np.full(2 * len(i), -2.0 * big), (np.r_[i, j], np.r_[j, i])), shape=(self.n, self.n)
        )
        self.pen.sum_duplicates()
        self.dense: np.ndarray | None = None
        if self.n <= dense_max:
            dense = self._gather(np.arange(self.n), None)
            coo = self.pen.tocoo()
            np.add.at(dense, (coo.row, coo.col), coo.data)
            self.dense = dense

    @classmethod
    def doubled(cls, dense2: np.ndarray, eps: float, spread: float) -> Rows:
        """Rows over a ready float64 block of twice the weights, penalties included;
        ``eps`` and ``spread`` (see the attributes) come from the whole problem."""
        rows = cls.__new__(cls)
        rows.people, rows.source, rows.n = None, dense2, len(dense2)
        rows.scale, rows.spread, rows.eps, rows.dense = float("nan"), spread, eps, dense2
        rows.pen = sp.csr_matrix((rows.n, rows.n))
        return rows

    def _scale(self) -> tuple[float, float]:
        """The largest absolute weight and the standard deviation of the pair weights."""
        n = self.n
        if n < 2:
            return 0.0, 0.0
        step = max(1, _BLOCK_ENTRIES // n)
        top = total = squares = 0.0
        for r in range(0, n, step):
            half = 0.5 * self._gather(np.arange(r, min(r + step, n)), None)
            top = max(top, float(np.abs(half).max()))
            total += float(half.sum())
            squares += float(np.square(half).sum())
        pairs = n * (n - 1)  # the zero diagonal is left out of the mean
        return top, math.sqrt(max(squares / pairs - (total / pairs) ** 2, 0.0))

    def _gather(self, idx: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
        """Twice the raw weights of rows ``idx`` (all columns, or ``cols``), zero diagonal."""
        p = self.people
        if p is None:
            block = self.source[idx] if cols is None else self.source[np.ix_(idx, cols)]
        else:
            block = self.source[np.ix_(p[idx], p if cols is None else p[cols])]
        out = np.multiply(block, 2.0, dtype=np.float64)
        if cols is None:
            out[np.arange(len(idx)), idx] = 0.0
        else:
            out[idx[:, None] == cols[None, :]] = 0.0
        return out

    def twice(self, idx: np.ndarray) -> np.ndarray:
        """``2 w[idx, :]``, penalised: ``len(idx) x n`` float64 (a new array)."""
        if self.dense is not None:
            return self.dense[idx]
        out = self._gather(idx, None)
        pen = self.pen
        for k, i in enumerate(idx.tolist()):
            lo, hi = pen.indptr[i], pen.indptr[i + 1]
            if hi > lo:
                out[k, pen.indices[lo:hi]] += pen.data[lo:hi]
        return out

    def once(self, p: int) -> np.ndarray:
        """``w[p, :]``, penalised."""
        return 0.5 * self.twice(np.array([p]))[0]

    def pair(self, p: int, q: int) -> float:
        """``2 w[p, q]``, penalised."""
        if self.dense is not None:
            return float(self.dense[p, q])
        return float(self._gather(np.array([p]), np.array([q]))[0, 0] + self.pen[p, q])

    def block(self, idx: np.ndarray) -> np.ndarray:
        """``2 w`` among ``idx``, penalised: ``len(idx) x len(idx)``."""
        if self.dense is not None:
            return self.dense[np.ix_(idx, idx)]
        return self._gather(idx, idx) + self.pen[idx][:, idx].toarray()

    def group_sums(self, grp: np.ndarray, n_groups: int) -> np.ndarray:
        """``DT[g, i]`` = sum of ``w[i, j]`` over the members ``j`` of ``g`` (``G x n``).

        O(n²) time; above ``dense_max`` in row blocks of about four million entries.
        """
        n = self.n
        onehot = sp.csr_matrix((np.full(n, 0.5), (grp, np.arange(n))), shape=(n_groups, n))
        if self.dense is not None:
            return np.ascontiguousarray(onehot @ self.dense)
        out = np.asarray((onehot @ self.pen).toarray())
        step = max(1, _BLOCK_ENTRIES // max(n, 1))
        for r in range(0, n, step):
            idx = np.arange(r, min(r + step, n))
            out += onehot[:, idx] @ self._gather(idx, None)
        return out
