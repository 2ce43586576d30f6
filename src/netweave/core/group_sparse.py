"""The sparse engine of the group search: many people, weights as a sparse graph.

Used by :func:`netweave.core.group_search.search_groups` above its dense limit. The weights
are a symmetric CSR matrix (everyone's best partners, the requested pairs, ...); a pair that is
absent scores 0. Nothing here is ``n x n`` or ``n x G``: memory is O(nnz + n).

1. *Construct*: groups one at a time, each seeded with the free person whose best partner is
   strongest, then grown by the free neighbour with the highest sum of weights to the group
   (a stranger, at 0, when no free neighbour is positive).
2. *Improve in rounds*: ``D = W @ P`` (``P`` the person-group indicator) as a sparse product,
   so ``D[i, g]`` exists only for groups holding a neighbour of ``i``. Every person with a
   group they like more than their own proposes the best swap with a member of that group
   (and the move itself, when it goes from a larger to a smaller group); the proposals are
   taken best first, skipping any that touches a group already changed in the round. Two
   changes on disjoint groups do not affect each other's gains, so the round gains exactly the
   sum of the gains taken. Rounds repeat until none improves.
3. *Windows*: the memetic search on windows of neighbouring groups
   (:mod:`netweave.core.group_windows`), each pass over all groups followed by rounds again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from netweave.core.group_rows import penalty
from netweave.core.group_windows import improve_by_windows

__all__ = ["sparse_search"]

#: people with no positive group get this many random groups to try (escape from penalties)
_RANDOM_TRIES = 4


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values`` at ``query`` in the sorted ``keys``, 0 where absent. O(q log nnz)."""
    if not len(keys):
        return np.zeros(query.shape)
    at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[at] == query, values[at], 0.0)


class _Sparse:
    """Labels over a sparse weight graph, with the rounds of parallel improvement."""

    def __init__(
        self,
        w: sp.csr_matrix,
        sizes: Sequence[int],
        eps: float,
        rng: np.random.Generator,
    ) -> None:
        self.w, self.n, self.n_groups, self.rng = w, w.shape[0], len(sizes), rng
        self.spread = 0.0
        self.sizes = np.asarray(sizes, dtype=np.intp)
        self.lo, self.hi = int(self.sizes.min()), int(self.sizes.max())
        self.eps = eps
        rows = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(w.indptr))
        self.wkeys = rows * self.n + w.indices  # sorted: CSR with sorted indices
        self.grp = np.zeros(self.n, dtype=np.intp)

    # --------------------------------------------------------------------------- construction

    def construct(self) -> None:
        """Greedy groups (see the module notes): O(nnz · k) for groups of k."""
        w, n = self.w, self.n
        indptr, data = w.indptr, w.data
        best = np.full(n, -np.inf)
        has = np.diff(indptr) > 0
        best[has] = np.maximum.reduceat(data, indptr[:-1][has])
        order = np.lexsort((np.arange(n), -best)).tolist()
        free = np.ones(n, dtype=bool)
        cursor = 0
        for g, size in enumerate(self.sizes.tolist()):
            while not free[order[cursor]]:
                cursor += 1
            members = [order[cursor]]
            free[members[0]] = False
            while len(members) < size:
                p = self._best_free(members, free)
                if p < 0:
                    while not free[order[cursor]]:
                        cursor += 1
                    p = order[cursor]
                members.append(p)
                free[p] = False
            self.grp[members] = g

    def _best_free(self, members: list[int], free: np.ndarray) -> int:
        w = self.w
        spans = [slice(w.indptr[m], w.indptr[m + 1]) for m in members]
        nb = np.concatenate([w.indices[s] for s in spans])
        wt = np.concatenate([w.data[s] for s in spans])
        keep = free[nb]
        if not keep.any():
            return -1
        nb, wt = nb[keep], wt[keep]
        who, at = np.unique(nb, return_inverse=True)
        total = np.bincount(at, wt)
        i = int(np.argmax(total))
        return int(who[i]) if total[i] > 0 else -1

    # --------------------------------------------------------------------------- rounds

    def group_sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``D`` as sorted keys ``i * G + g`` with values; its rows and groups. O(nnz)."""
        n, n_groups = self.n, self.n_groups
        onehot = sp.csr_matrix((np.ones(n), (np.arange(n), self.grp)), shape=(n, n_groups))
        d = (self.w @ onehot).tocsr()
        d.sort_indices()
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(d.indptr))
        return rows * n_groups + d.indices, d.data, rows, d.indices.astype(np.intp)

    def slots(self) -> np.ndarray:
        """The members of each group, ``G x hi``, padded with -1."""
        order = np.argsort(self.grp, kind="stable")
        count = np.bincount(self.grp, minlength=self.n_groups)
        start = np.concatenate(([0], np.cumsum(count)[:-1]))
        rank = np.arange(self.n) - np.repeat(start, count)
        out = np.full((self.n_groups, self.hi), -1, dtype=np.intp)
        out[self.grp[order], rank] = order
        return out

    def proposals(self, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """Improving swaps and moves: ``(gain, x, y, a, b)``; ``y = -1`` for a move."""
        n, n_groups = self.n, self.n_groups
        dkeys, dvals, rows, cols = self.group_sums()
        own = _lookup(dkeys, dvals, np.arange(n, dtype=np.int64) * n_groups + self.grp)
        like = dvals - own[rows]
        pick = (cols != self.grp[rows]) & (like > self.eps)
        x, b, m = rows[pick].astype(np.intp), cols[pick], like[pick]
        # Someone who scores below 0 in their group (a forbidden partner there) gains by
        # leaving even to strangers, who are not in D: give them a few random groups.
        stuck = np.flatnonzero(own < -self.eps)
        if len(stuck):
            tries = np.repeat(stuck, _RANDOM_TRIES)
            far = rng.integers(n_groups, size=len(tries))
            far_like = _lookup(dkeys, dvals, tries.astype(np.int64) * n_groups + far) - own[tries]
            ok = far != self.grp[tries]
            x = np.concatenate((x, tries[ok]))
            b = np.concatenate((b, far[ok]))
            m = np.concatenate((m, far_like[ok]))
        a = self.grp[x]
        gains, ys = self._best_swaps(x, a, b, m, own, dkeys, dvals)
        if self.lo < self.hi:
            size = np.bincount(self.grp, minlength=n_groups)
            movable = (size[a] == self.hi) & (size[b] == self.lo) & (m > gains)
            gains = np.where(movable, m, gains)
            ys = np.where(movable, -1, ys)
        good = gains > self.eps
        return gains[good], x[good], ys[good], a[good], b[good]

    def _best_swaps(
        self,
        x: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        m: np.ndarray,
        own: np.ndarray,
        dkeys: np.ndarray,
        dvals: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each ``x`` wanting group ``b``: the best partner ``y`` in ``b`` and the gain."""
        y = self.slots()[b]  # C x hi
        real = y >= 0
        yy = np.where(real, y, 0)
        back = _lookup(dkeys, dvals, yy.astype(np.int64) * self.n_groups + a[:, None])
        pair = _lookup(self.wkeys, self.w.data, x.astype(np.int64)[:, None] * self.n + yy)
        gain = m[:, None] + back - own[yy] - 2 * pair
        gain[~real] = -np.inf
        best = np.argmax(gain, axis=1) if len(gain) else np.zeros(0, dtype=np.intp)
        rows = np.arange(len(x))
        return gain[rows, best], yy[rows, best]

    def improve_round(self, rng: np.random.Generator) -> float:
        """One round: the best disjoint proposals applied at once; the gain. O(nnz)."""
        gains, x, y, a, b = self.proposals(rng)
        if not len(gains):
            return 0.0
        order = np.argsort(-gains, kind="stable")
        used = bytearray(self.n_groups)
        take = []
        for i, ga, gb in zip(order.tolist(), a[order].tolist(), b[order].tolist(), strict=True):
            if not used[ga] and not used[gb]:
                used[ga] = used[gb] = 1
                take.append(i)
        take_a = np.asarray(take, dtype=np.intp)
        swaps = take_a[y[take_a] >= 0]
        self.grp[x[take_a]] = b[take_a]
        self.grp[y[swaps]] = a[swaps]
        return float(gains[take_a].sum())

    def descend(self, rng: np.random.Generator, stop: Callable[[], bool], first: bool) -> int:
        """Rounds until none improves (``stop()`` is not checked on the ``first`` descent)."""
        rounds = 0
        while first or not stop():
            rounds += 1
            if self.improve_round(rng) <= self.eps:
                break
        return rounds

    def links(self) -> sp.csr_matrix:
        """``links[g, h]``: sum of weights between the members of ``g`` and ``h``. O(nnz)."""
        n = self.n
        onehot = sp.csr_matrix((np.ones(n), (np.arange(n), self.grp)), shape=(n, self.n_groups))
        out = (onehot.T @ self.w @ onehot).tocoo()
        off = out.row != out.col
        return sp.csr_matrix((out.data[off], (out.row[off], out.col[off])), shape=out.shape)

    def block(self, people: np.ndarray) -> np.ndarray:
        """Twice the weights among ``people`` (penalties included), dense."""
        return 2.0 * self.w[people][:, people].toarray()

    def settle(self, stop: Callable[[], bool]) -> None:
        """Rounds again, across window borders."""
        self.descend(self.rng, stop, first=False)

    def value(self) -> float:
        coo = sp.triu(self.w, 1).tocoo()
        same = self.grp[coo.row] == self.grp[coo.col]
        return float(coo.data[same].sum())


def _spread(w: sp.csr_matrix) -> float:
    """Standard deviation of the weights over all pairs (absent pairs at 0)."""
    pairs = max(w.shape[0] * (w.shape[0] - 1), 1)
    mean = float(w.data.sum()) / pairs
    return float(np.sqrt(max(float(np.square(w.data).sum()) / pairs - mean**2, 0.0)))


def _penalised(w: sp.csr_matrix, forbidden: np.ndarray, hi: int) -> tuple[sp.csr_matrix, float]:
    """``w`` with forbidden pairs at ``-penalty``; and ``eps``."""
    n = w.shape[0]
    scale = float(np.abs(w.data).max()) if w.nnz else 1.0
    if len(forbidden):
        i, j = forbidden[:, 0], forbidden[:, 1]
        big = penalty(scale, n, hi)
        pen = sp.csr_matrix((np.full(2 * len(i), -big), (np.r_[i, j], np.r_[j, i])), shape=(n, n))
        w = (w + pen).tocsr()
        w.sort_indices()
    return w, 1e-9 * max(scale, 1e-12)


def sparse_search(
    w: sp.csr_matrix,
    sizes: Sequence[int],
    forbidden: np.ndarray,
    rng: np.random.Generator,
    generations: int | None,
    stop: Callable[[], bool],
) -> tuple[np.ndarray, int]:
    """Construct, improve in rounds, then ``generations`` passes of windows; labels, passes.

    ``w`` is symmetric CSR with sorted indices and a zero diagonal; ``forbidden`` an array of
    pairs ``i < j``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> w = np.zeros((6, 6))
    >>> w[np.ix_([0, 2, 4], [0, 2, 4])] = 1.0
    >>> np.fill_diagonal(w, 0)
    >>> no_pairs = np.empty((0, 2), dtype=np.int64)
    >>> labels, passes = sparse_search(sp.csr_matrix(w), [3, 3], no_pairs,
    ...                                np.random.default_rng(0), generations=2, stop=lambda: False)
    >>> labels.tolist(), passes
    ([0, 1, 0, 1, 0, 1], 2)
    """
    pw, eps = _penalised(w, forbidden, max(sizes))
    state = _Sparse(pw, sizes, eps, rng)
    state.spread = _spread(w)
    state.construct()
    state.descend(rng, stop, first=True)
    done = improve_by_windows(state, rng, stop, generations)
    return state.grp, done
