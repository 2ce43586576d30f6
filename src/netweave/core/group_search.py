"""The group search: split people into groups of given sizes maximising within-group scores.

This is the *maximally diverse grouping problem* (MDGP) with affinity weights. Two engines
share one entry point, :func:`search_groups`, chosen by the number of people, not by how the
weights are stored (a small sparse matrix is densified, so both inputs give the same groups):

- up to :data:`DENSE_MAX` people, the **memetic search** of
  :mod:`netweave.core.group_memetic` after TPSDP (Yang et al. 2022, the best published MDGP
  method), on a dense copy of the weights;
- above, the **sparse search** of :mod:`netweave.core.group_sparse`: rounds of parallel swaps
  on a sparse graph of the weights, then the memetic search on windows of neighbouring groups;
  O(nnz + n) memory, no ``n x n`` or ``n x G`` array.

Forbidden pairs carry a penalty larger than any possible difference in score, so both separate
them first and then optimise; :class:`GroupSearchResult` reports how many are still together
(``violations``) when they cannot all be separated.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from netweave.core.group_memetic import memetic_search
from netweave.core.group_rows import Rows
from netweave.core.group_sparse import sparse_search
from netweave.core.group_windows import dense_large_search

__all__ = ["DENSE_MAX", "GroupSearchResult", "search_groups"]

#: above this many people the large engines run. Measured on synthetic communities (groups
#: of five), the memetic search on everyone is better per second than windows up to 2,500
#: people (0.5 % at 2,500 in 5 s); it holds 8·n² bytes of weights (50 MB at 2,500)
DENSE_MAX = 2500
_ENGINES = ("memetic", "dense rows", "sparse")


@dataclass(frozen=True)
class GroupSearchResult:
    """The best grouping found by :func:`search_groups`.

    Attributes
    ----------
    labels : numpy.ndarray
        The group (``0..G-1``) of each person. The sizes of the groups are ``sizes`` up to
        order: a move between a larger and a smaller group swaps which of them is larger.
    score : float
        Sum over groups of the within-group weights (forbidden pairs counted at their weight).
    violations : int
        Forbidden pairs sharing a group (0 unless they cannot all be separated).
    generations : int
        Memetic generations (or sparse improvement rounds) run.
    engine : str
        ``"memetic"``, ``"dense rows"`` or ``"sparse"`` (see the module notes).
    """

    labels: np.ndarray
    score: float
    violations: int
    generations: int
    engine: str


# --------------------------------------------------------------------------- the weights


def _symmetric_csr(weights: sp.spmatrix | sp.sparray, people: np.ndarray | None) -> sp.csr_matrix:
    """CSR float64 among ``people``, diagonal dropped, indices sorted."""
    w = sp.csr_matrix(weights, dtype=np.float64)
    if people is not None:
        w = w[people][:, people]
    coo = w.tocoo()
    off = coo.row != coo.col  # the diagonal is ignored
    w = sp.csr_matrix((coo.data[off], (coo.row[off], coo.col[off])), shape=coo.shape)
    w.sum_duplicates()
    w.eliminate_zeros()
    w.sort_indices()
    return w


def _forbidden_array(forbidden: Iterable[tuple[int, int]], n: int) -> np.ndarray:
    pairs = np.array([(int(i), int(j)) for i, j in forbidden], dtype=np.intp).reshape(-1, 2)
    if len(pairs) and (pairs.min() < 0 or pairs.max() >= n):
        raise ValueError(f"forbidden pairs must be positions 0..{n - 1}")
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(np.sort(pairs, axis=1), axis=0)


def _violations(labels: np.ndarray, forbidden: np.ndarray) -> int:
    if not len(forbidden):
        return 0
    return int(np.count_nonzero(labels[forbidden[:, 0]] == labels[forbidden[:, 1]]))


def _score(weights: np.ndarray | sp.csr_matrix, labels: np.ndarray, people: np.ndarray) -> float:
    """Sum of the within-group weights: O(G·k²) dense, O(nnz) sparse (already local)."""
    if sp.issparse(weights):
        coo = sp.triu(weights, 1).tocoo()
        keep = labels[coo.row] == labels[coo.col]
        return float(coo.data[keep].sum())
    order = np.argsort(labels, kind="stable")
    cuts = np.cumsum(np.bincount(labels))[:-1]
    total = 0.0
    for mem in np.split(people[order], cuts):
        total += float(np.triu(np.asarray(weights[np.ix_(mem, mem)], dtype=np.float64), 1).sum())
    return total


# --------------------------------------------------------------------------- entry point


def search_groups(
    weights: np.ndarray | sp.spmatrix | sp.sparray,
    sizes: Sequence[int],
    *,
    people: Sequence[int] | np.ndarray | None = None,
    forbidden: Iterable[tuple[int, int]] = (),
    seed: int | np.random.Generator = 0,
    generations: int | None = None,
    time_limit: float | None = None,
    engine: str | None = None,
) -> GroupSearchResult:
    """Split people into groups of ``sizes`` maximising the sum of within-group weights.

    Parameters
    ----------
    weights : numpy.ndarray or scipy.sparse matrix
        Symmetric pair weights (dense, any float dtype; or sparse, absent pairs at 0); the
        diagonal is ignored. Dense weights are only read, never copied whole.
    sizes : sequence of int
        The size of each group, summing to the number of people, differing by at most one
        (see :func:`netweave.core.groups.group_sizes`).
    people : sequence of int, optional
        Positions in ``weights`` of the people to group (default everyone); ``labels`` and
        ``forbidden`` use positions in this sequence.
    forbidden : iterable of (int, int)
        Pairs that must not share a group.
    seed : int or numpy.random.Generator
        Seed of every random choice.
    generations : int, optional
        Memetic generations (large engines: passes of windows); 0 gives the first local
        optimum. With it, the result depends only on the inputs and ``seed`` as long as the
        time limit is not reached. ``None``: until the time limit.
    time_limit : float, optional
        A cap in seconds (``None``: none). It never cuts short the first descent, so the
        result is always a local optimum without avoidable forbidden pairs.
    engine : str, optional
        ``"memetic"``, ``"dense rows"`` or ``"sparse"`` (see the module notes); default by
        size: the memetic search up to :data:`DENSE_MAX` people, then by the kind of
        ``weights``. For tests and benchmarks.

    Returns
    -------
    GroupSearchResult

    Notes
    -----
    Up to :data:`DENSE_MAX` people, the memetic engine: a float64 copy of the weights among
    them (8·m² bytes) and the population's ``G x m`` matrices (at most 160 MB); a
    generation is a few dozen descents of O(k·m) per step. Above, dense weights: one
    ``G x m`` matrix (8·m²/k bytes), rows read on demand; sparse weights: O(nnz + m) memory,
    O(nnz) per round of parallel swaps.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> w = rng.random((12, 12))
    >>> w = (w + w.T) / 2
    >>> res = search_groups(w, [4, 4, 4], forbidden=[(0, 1)], generations=5)
    >>> np.bincount(res.labels).tolist()
    [4, 4, 4]
    >>> bool(res.labels[0] != res.labels[1]), res.violations
    (True, 0)
    """
    started = time.perf_counter()
    total = weights.shape[0]
    if weights.shape != (total, total):
        raise ValueError(f"weights must be square, got {weights.shape}")
    idx = np.arange(total) if people is None else np.asarray(people, dtype=np.intp)
    n = len(idx)
    sizes = [int(s) for s in sizes]
    if sum(sizes) != n or (sizes and min(sizes) < 1) or (sizes and max(sizes) - min(sizes) > 1):
        raise ValueError(f"sizes must be positive, within one of each other and sum to {n}")
    if generations is not None and generations < 0:
        raise ValueError("generations must be >= 0")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    pairs = _forbidden_array(forbidden, n)
    local = None if people is None else idx
    if sp.issparse(weights):
        weights = _symmetric_csr(weights, local)
        idx = np.arange(n)
    chosen = engine or (
        "memetic" if n <= DENSE_MAX else "sparse" if sp.issparse(weights) else "dense rows"
    )
    if chosen not in _ENGINES:
        raise ValueError(f"engine must be one of {', '.join(_ENGINES)}, got {engine!r}")
    if len(sizes) <= 1:
        return _result(weights, np.zeros(n, dtype=np.intp), idx, pairs, 0, chosen)
    deadline = math.inf if time_limit is None else started + max(time_limit, 0.0)

    def stop() -> bool:
        return time.perf_counter() >= deadline

    if chosen == "sparse":
        if not sp.issparse(weights):
            weights = _symmetric_csr(sp.csr_matrix(weights[np.ix_(idx, idx)]), None)
            idx = np.arange(n)
        labels, done = sparse_search(weights, sizes, pairs, rng, generations, stop)
        return _result(weights, labels, idx, pairs, done, chosen)
    source = weights.toarray() if sp.issparse(weights) else weights
    rows = Rows(source, local if source is weights else None, pairs, max(sizes), DENSE_MAX)
    if chosen == "memetic":
        labels, _, done = memetic_search(rows, sizes, rng=rng, stop=stop, generations=generations)
    else:
        labels, done = dense_large_search(rows, sizes, rng, stop, generations)
    return _result(weights, labels, idx, pairs, done, chosen)


def _result(
    weights: np.ndarray | sp.csr_matrix,
    labels: np.ndarray,
    people: np.ndarray,
    pairs: np.ndarray,
    done: int,
    engine: str,
) -> GroupSearchResult:
    return GroupSearchResult(
        labels=labels,
        score=_score(weights, labels, people),
        violations=_violations(labels, pairs),
        generations=done,
        engine=engine,
    )
