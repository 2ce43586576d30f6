"""The group search: split people into groups of given sizes maximising within-group scores.

This is the *maximally diverse grouping problem* (MDGP) with affinity weights. Two engines
share one entry point, :func:`search_groups`, chosen by size, not by how the weights are
stored (a small sparse matrix is densified, so both inputs give the same groups):

**Memetic search** (up to :data:`DENSE_MAX` people), after the three-phase search with a
dynamic population size of Yang et al. (2022, *TPSDP*, the best published MDGP method): a
population of local optima, each generation

1. *undirected perturbation*: ``θ · n/G`` random swaps (moves when sizes differ) and a
   descent, on every member;
2. *crossover*: a child takes, in turn from one parent or the other, the group whose
   remaining members are most alike, then the rest at random; a descent; the child replaces
   its first parent when better, or when only slightly worse but different enough;
3. *directed perturbation*: every group gives up its weakest member, the groups take them back
   best-first, three times; a descent.

The population shrinks linearly from 15 to 2 and ``θ`` from 1.2 to 0.1 over the generations
(for more than 400 people: to 1 and from 2.0 to 1.0, TPSDP's settings). The descent is
best-improvement per group: the best swap of one of its members with anyone outside, or the
best move between a larger and a smaller group, with the gains of all of them computed at once
from the ``n x G`` matrix ``D[i, g]`` = sum of ``i``'s scores to the members of ``g``; a change
costs O(n) to apply, and only groups it touched are examined again.

The search was measured on the public MDGPLIB instances (``benchmarks/bench_groups.py``):
where a plain iterated local search stalled at 97.8-99.2 % of the best known values on the
random-weight instances, the population and the crossover reach them (see the README).

**Sparse search** (more people): the weights as a sparse symmetric matrix (everyone's best
partners), ``D`` as a sparse ``n x G`` product recomputed each round, and rounds of improving
swaps and moves applied in parallel: each round finds, for every person with a group they like
more than their own, the best swap with a member of that group, and applies the best of them
whose groups no earlier one in the round touched (their gains add up exactly). Memory is
O(nnz + n): no ``n x n`` or ``n x G`` array.

Forbidden pairs carry a penalty ``M`` larger than any possible difference in score, so the
search separates them first and then optimises; :class:`GroupSearchResult` reports how many
are still together (``violations``) when they cannot all be separated.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from netweave.core.group_sparse import sparse_search

__all__ = ["DENSE_MAX", "GroupSearchResult", "search_groups"]

#: above this many people the sparse search runs (the memetic one needs ``n x n`` weights)
DENSE_MAX = 2500
#: population at the start and at the end (TPSDP: 15 and 2, or 1 above 400 people)
_POP_MAX, _POP_MIN, _POP_MIN_LARGE = 15, 2, 1
#: undirected perturbation strength ``θ`` (TPSDP), in swaps per group size: start, end
_THETA_SMALL, _THETA_LARGE = (1.2, 0.1), (2.0, 1.0)
_LARGE = 400
#: how much a slightly worse but different child may still replace its parent (TPSDP's α)
_ALPHA = 0.05
#: rounds of the directed perturbation
_DIRECTED_ROUNDS = 3
#: memory allowed for the population's ``n x G`` matrices (children included)
_POPULATION_BYTES = 160e6
#: generations of the schedule when the search is bounded by time only
_DEFAULT_GENERATIONS = 100
#: entries of the gain block examined at once (groups x members x people), ~0.5 MB
_BATCH_ENTRIES = 65536

Stop = Callable[[], bool]


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
        ``"memetic"`` or ``"sparse"``.
    """

    labels: np.ndarray
    score: float
    violations: int
    generations: int
    engine: str


# --------------------------------------------------------------------------------------------
# the weights


def _symmetric_csr(weights: sp.spmatrix | sp.sparray, n: int) -> sp.csr_matrix:
    w = sp.csr_matrix(weights, dtype=np.float64)
    if w.shape != (n, n):
        raise ValueError(f"weights must be {n}x{n}, got {w.shape}")
    w.setdiag(0.0)
    w.eliminate_zeros()
    w.sort_indices()
    return w


def _penalty(scale: float, n: int, hi: int) -> float:
    # Any two groupings differ by less than n * hi * scale, so one violation always costs more
    # than all the score there is: feasibility first, then score. A power of two keeps the
    # sums exact in floating point.
    return 2.0 ** math.ceil(math.log2(2 * n * hi * max(scale, 1e-12) + 1))


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


def _score(weights: np.ndarray | sp.csr_matrix, labels: np.ndarray) -> float:
    if isinstance(weights, np.ndarray):
        same = labels[:, None] == labels[None, :]
        return float(np.triu(np.where(same, weights, 0.0), 1).sum())
    coo = sp.triu(weights, 1).tocoo()
    keep = labels[coo.row] == labels[coo.col]
    return float(coo.data[keep].sum())


# --------------------------------------------------------------------------------------------
# one grouping of the memetic search


def _group_sums(w2: np.ndarray, grp: np.ndarray, n_groups: int) -> np.ndarray:
    """``DT[g, i]`` = sum of ``w[i, j]`` over the members ``j`` of ``g``: O(n²).

    Stored group-major, so that the update after a change (two rows) is contiguous."""
    n = len(grp)
    onehot = sp.csr_matrix((np.full(n, 0.5), (grp, np.arange(n))), shape=(n_groups, n))
    return np.ascontiguousarray(onehot @ w2)


class _Grouping:
    """Groups of people ``0..n-1`` with the incremental ``D`` matrix (see the module notes).

    ``w2`` holds *twice* the weights: the swap gain needs ``2 w[p, q]`` and reading it ready
    saves a pass over the ``k x n`` gain block, the hot loop of the whole search; halving is
    exact in floating point.
    """

    __slots__ = ("DT", "flat", "grp", "hi", "lo", "members", "size", "value", "w2")

    def __init__(self, w2: np.ndarray, grp: np.ndarray, n_groups: int, lo: int, hi: int) -> None:
        self.w2, self.lo, self.hi = w2, lo, hi
        self.grp = np.asarray(grp, dtype=np.intp).copy()
        self.DT = _group_sums(w2, self.grp, n_groups)
        self.flat = np.arange(len(self.grp))  # own() reads DT.ravel() at grp * n + flat
        self.size = np.bincount(self.grp, minlength=n_groups)
        order = np.argsort(self.grp, kind="stable")
        cuts = np.cumsum(self.size)[:-1]
        self.members = [part.tolist() for part in np.split(order, cuts)]
        self.value = 0.0
        self.refresh()

    def own(self) -> np.ndarray:
        """``D[i, group of i]`` for everyone: O(n), cheaper than keeping it up to date."""
        return self.DT.ravel()[self.grp * len(self.grp) + self.flat]

    def refresh(self) -> None:
        """``value`` from ``D`` (also removes rounding drift)."""
        self.value = float(self.own().sum()) / 2

    @property
    def n_groups(self) -> int:
        return len(self.size)

    # -- changing groups -----------------------------------------------------------------

    def _shift(self, p: int, a: int, b: int) -> None:
        row = 0.5 * self.w2[p]
        self.DT[a] -= row
        self.DT[b] += row
        self.grp[p] = b
        self.members[a].remove(p)
        self.members[b].append(p)

    def move(self, p: int, b: int) -> None:
        """Move ``p`` into group ``b``: O(n)."""
        a = int(self.grp[p])
        self.value += self.DT[b, p] - self.DT[a, p]
        self._shift(p, a, b)
        self.size[a] -= 1
        self.size[b] += 1

    def swap(self, p: int, q: int) -> None:
        """Exchange the groups of ``p`` and ``q``: O(n)."""
        a, b = int(self.grp[p]), int(self.grp[q])
        d = self.DT
        self.value += d[b, p] - d[a, p] + d[a, q] - d[b, q] - self.w2[p, q]
        self._shift(p, a, b)
        self._shift(q, b, a)

    # -- improving -----------------------------------------------------------------------

    def proposals(self, groups: np.ndarray) -> tuple[np.ndarray, ...]:
        """For each of ``groups``: the best swap or move involving it.

        Returns ``(gain, person, partner, into)``: a swap of ``person`` (a member) with
        ``partner`` (``into`` -1), or a move of ``person`` into group ``into`` (``partner``
        -1). All groups at once: O(B·k·n) numpy work for B groups of k, in 5 passes over the
        ``B x k x n`` gain block, the hot loop of the whole search.
        """
        n, hi, count = len(self.grp), self.hi, len(groups)
        slots = np.zeros((count, hi), dtype=np.intp)
        real = np.zeros((count, hi), dtype=bool)
        for r, g in enumerate(groups.tolist()):
            mem = self.members[g]
            slots[r, : len(mem)] = mem
            real[r, : len(mem)] = True
        mem = slots.ravel()
        own = self.own()
        d_mem = self.DT[:, mem].T
        # base[r, q]: gain of q joining groups[r] before leaving their own; -inf for members
        base = self.DT[groups] - own
        base[self.grp[None, :] == groups[:, None]] = -np.inf
        # gain[r, i, q] = D[i, group of q] - own i + D[q, groups[r]] - own q - 2 w[i, q]
        gain = np.take(d_mem - own[mem][:, None], self.grp, axis=1).reshape(count, hi, n)
        pair = self.w2[mem].reshape(count, hi, n)
        np.subtract(base[:, None, :], pair, out=pair)
        gain += pair
        gain[~real] = -np.inf
        at = np.argmax(gain.reshape(count, hi * n), axis=1)
        rows = np.arange(count)
        best = gain.reshape(count, hi * n)[rows, at]
        person, partner = slots[rows, at // n], at % n
        into = np.full(count, -1, dtype=np.intp)
        if self.lo < self.hi:
            self._moves(groups, slots, real, d_mem, own[mem], base, best, person, partner, into)
        return best, person, partner, into

    def _moves(
        self,
        groups: np.ndarray,
        slots: np.ndarray,
        real: np.ndarray,
        d_mem: np.ndarray,
        own_mem: np.ndarray,
        base: np.ndarray,
        best: np.ndarray,
        person: np.ndarray,
        partner: np.ndarray,
        into: np.ndarray,
    ) -> None:
        """Replace proposals by better moves (larger group to smaller group), in place."""
        count, hi = slots.shape
        rows = np.arange(count)
        full = self.size[groups] == self.hi
        smaller = np.flatnonzero(self.size == self.lo)
        out = (d_mem[:, smaller] - own_mem[:, None]).reshape(count, hi, len(smaller))
        out[~real | ~full[:, None]] = -np.inf
        at = np.argmax(out.reshape(count, -1), axis=1)
        gain = out.reshape(count, -1)[rows, at]
        better = gain > best
        best[better] = gain[better]
        person[better] = slots[rows, at // len(smaller)][better]
        into[better] = smaller[at % len(smaller)][better]
        partner[better] = -1
        join = np.where(self.size[self.grp][None, :] == self.hi, base, -np.inf)
        join[full] = -np.inf
        at = np.argmax(join, axis=1)
        gain = join[rows, at]
        better = gain > best
        best[better] = gain[better]
        person[better] = at[better]
        into[better] = groups[better]
        partner[better] = -1

    def descend(self, start: Iterable[int], eps: float, stop: Stop) -> None:
        """Improve until no group has an improving swap or move (or ``stop()``).

        The queue is examined a batch of groups at a time; their proposals are applied best
        first, skipping any that touches a group already changed by the batch (that group is
        examined again). Only groups touched by a change can have new improving moves: any
        swap or move between two untouched groups has the same gain as before.
        """
        queue = deque(dict.fromkeys(int(g) for g in start))
        queued = np.zeros(self.n_groups, dtype=bool)
        queued[list(queue)] = True
        batch = max(1, _BATCH_ENTRIES // (self.hi * len(self.grp)))

        def push(g: int) -> None:
            if not queued[g]:
                queue.append(g)
                queued[g] = True

        while queue and not stop():
            groups = np.array([queue.popleft() for _ in range(min(batch, len(queue)))])
            queued[groups] = False
            gain, person, partner, into = self.proposals(groups)
            changed: set[int] = set()
            for r in np.argsort(-gain, kind="stable").tolist():
                if gain[r] <= eps:
                    break
                p, a = int(person[r]), int(self.grp[person[r]])
                b = int(self.grp[partner[r]]) if partner[r] >= 0 else int(into[r])
                if a in changed or b in changed:
                    push(int(groups[r]))
                    continue
                if partner[r] >= 0:
                    self.swap(p, int(partner[r]))
                else:
                    self.move(p, b)
                changed.update((a, b))
                push(a)
                push(b)

    # -- perturbing ----------------------------------------------------------------------

    def kick(self, count: int, rng: np.random.Generator) -> list[int]:
        """``count`` random swaps (and moves, when sizes differ); the groups touched.

        As TPSDP, a move is drawn as often as the move neighbourhood is large relative to the
        swap one, and only when it keeps the sizes (from a larger into a smaller group).
        """
        n, n_groups = len(self.grp), self.n_groups
        p_move = n_groups / ((n - 1) / 2 + n_groups) if self.lo < self.hi else 0.0
        touched: list[int] = []
        done = 0
        while done < count:
            p = int(rng.integers(n))
            a = int(self.grp[p])
            if rng.random() < p_move:
                b = int(rng.integers(n_groups))
                if self.size[a] == self.hi and self.size[b] == self.lo:
                    self.move(p, b)
                    touched += [a, b]
                    done += 1
                continue
            q = int(rng.integers(n))
            b = int(self.grp[q])
            if a != b:
                self.swap(p, q)
                touched += [a, b]
                done += 1
        return touched

    def directed(self, rng: np.random.Generator) -> None:
        """TPSDP's directed perturbation: each group's weakest member goes to the group that
        wants it most (groups left short first, then the rest). O(G² + G·n)."""
        order = np.lexsort((self.own(), self.grp))
        starts = np.concatenate(([0], np.cumsum(self.size)[:-1]))
        out = order[starts[self.size > 0]]  # the weakest member of each non-empty group
        home = self.grp[out]
        # pull[r, g]: what removed person r would score with g's members once all are removed
        pull = self.DT[:, out].T.copy()
        pull[:, home] -= 0.5 * self.w2[np.ix_(out, out)]
        left = self.size.copy()
        left[home] -= 1
        where = np.full(len(out), -1, dtype=np.intp)
        free = np.ones(len(out), dtype=bool)
        # groups below the minimum first, in random order, each taking its favourite
        short = np.flatnonzero(left < self.lo)
        for g in rng.permutation(short):
            r = int(np.argmax(np.where(free, pull[:, g] / max(left[g], 1), -np.inf)))
            self._place(r, g, out, where, free, pull, left)
        # then every removed person, in random order, into its favourite group with room
        for r in rng.permutation(np.flatnonzero(free)):
            room = left < self.hi
            g = int(np.argmax(np.where(room, pull[r] / np.maximum(left, 1), -np.inf)))
            self._place(int(r), g, out, where, free, pull, left)
        for r in np.flatnonzero(where != home):
            self._shift(int(out[r]), int(home[r]), int(where[r]))
        self.size = left
        self.refresh()

    def _place(
        self,
        r: int,
        g: int,
        out: np.ndarray,
        where: np.ndarray,
        free: np.ndarray,
        pull: np.ndarray,
        left: np.ndarray,
    ) -> None:
        where[r], free[r] = g, False
        left[g] += 1
        pull[:, g] += 0.5 * self.w2[out, out[r]]


# --------------------------------------------------------------------------------------------
# crossover


def _crossover(
    w2: np.ndarray,
    parents: tuple[_Grouping, _Grouping],
    sizes: Sequence[int],
    rng: np.random.Generator,
) -> np.ndarray:
    """TPSDP's crossover: a child's labels from two parents.

    ``G`` times, one parent at random gives the group whose members not yet placed have the
    highest score together; they become a child group. The remaining people fill the sizes at
    random. O(n²): each placed person's row is read once per parent.
    """
    n, n_groups = len(parents[0].grp), len(sizes)
    child = np.full(n, -1, dtype=np.intp)
    grps = [par.grp for par in parents]
    reach = [par.own() for par in parents]  # score to the group mates not yet placed
    together = [np.bincount(g, r, minlength=n_groups) / 2 for g, r in zip(grps, reach, strict=True)]
    left = [par.size.copy() for par in parents]
    for t in range(n_groups):
        k = int(rng.random() < 0.5)
        h = int(np.argmax(np.where(left[k] > 0, together[k], -np.inf)))
        if left[k][h] == 0:
            break
        mem = np.asarray(parents[k].members[h], dtype=np.intp)
        taken = mem[child[mem] < 0]
        child[taken] = t
        rows = 0.5 * w2[taken]
        for grp, r, tog, lft in zip(grps, reach, together, left, strict=True):
            g = grp[taken]
            before = r[taken]
            # each placed person stops counting for their remaining group mates
            r -= np.where(grp[None, :] == g[:, None], rows, 0.0).sum(axis=0)
            # sum of reach before and after counts each pair among the taken once
            tog -= np.bincount(g, (before + r[taken]) / 2, minlength=n_groups)
            lft -= np.bincount(g, minlength=n_groups)
    return _fill(child, sizes, rng)


def _fill(child: np.ndarray, sizes: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """Give the child exactly the multiset ``sizes``: trim the fullest groups, fill at random."""
    n_groups = len(sizes)
    count = np.bincount(child[child >= 0], minlength=n_groups)
    # the fullest groups (ties at random) get the largest sizes
    rank = np.lexsort((rng.random(n_groups), -count))
    target = np.empty(n_groups, dtype=np.intp)
    target[rank] = np.sort(np.asarray(sizes))[::-1]
    for g in np.flatnonzero(count > target):
        mem = np.flatnonzero(child == g)
        child[rng.choice(mem, size=count[g] - target[g], replace=False)] = -1
    free = rng.permutation(np.flatnonzero(child < 0))
    count = np.bincount(child[child >= 0], minlength=n_groups)
    child[free] = np.repeat(np.arange(n_groups), target - count)
    return child


def _distance(a: np.ndarray, b: np.ndarray, n_groups: int) -> float:
    """Share of pairs grouped differently by ``a`` and ``b``, times ``G`` (TPSDP): O(n + G²)."""
    n = len(a)

    def pairs(counts: np.ndarray) -> float:
        return float((counts * (counts - 1)).sum()) / 2

    both = np.zeros((n_groups, n_groups))
    np.add.at(both, (a, b), 1)
    differ = (
        pairs(np.bincount(a, minlength=n_groups))
        + pairs(np.bincount(b, minlength=n_groups))
        - 2 * pairs(both)
    )
    return differ / max(n * (n - 1) / 2, 1) * n_groups


# --------------------------------------------------------------------------------------------
# the memetic search


def _construct(w: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """Each group in turn: seed with the best free pair, fill by best marginal gain. O(n²).

    ``w`` may be scaled by any positive factor."""
    n = len(w)
    grp = np.full(n, -1, dtype=np.intp)
    masked = w.copy()
    np.fill_diagonal(masked, -np.inf)
    partner = np.argmax(masked, axis=1)
    best = masked[np.arange(n), partner]
    order = np.lexsort((np.arange(n), -best))
    pull = np.zeros(n)
    closed = np.zeros(n)  # -inf once placed, so argmax skips them
    cursor = 0
    for g, size in enumerate(sizes):
        while cursor < n and (grp[order[cursor]] >= 0 or grp[partner[order[cursor]]] >= 0):
            cursor += 1
        seed = [int(order[cursor]), int(partner[order[cursor]])] if cursor < n else []
        if not seed:
            seed = [int(np.argmax(closed))]
        pull[:] = 0.0
        for p in seed[:size]:
            grp[p], closed[p] = g, -np.inf
            pull += w[p]
        while np.count_nonzero(grp == g) < size:
            p = int(np.argmax(pull + closed))
            grp[p], closed[p] = g, -np.inf
            pull += w[p]
    return grp


class _Memetic:
    """State of one memetic search (see the module notes)."""

    def __init__(
        self,
        w2: np.ndarray,
        sizes: Sequence[int],
        rng: np.random.Generator,
        stop: Stop,
        eps: float,
    ) -> None:
        self.w2, self.sizes, self.rng, self.stop, self.eps = w2, list(sizes), rng, stop, eps
        self.n, self.n_groups = len(w2), len(sizes)
        self.lo, self.hi = min(sizes), max(sizes)
        large = self.n > _LARGE
        self.theta = _THETA_LARGE if large else _THETA_SMALL
        fit = int(_POPULATION_BYTES // (16 * self.n * self.n_groups))  # parents + children
        self.pop_max = max(1, min(_POP_MAX, fit))
        self.pop_min = min(self.pop_max, _POP_MIN_LARGE if large else _POP_MIN)
        self.best_value = -np.inf
        self.best_grp = np.zeros(self.n, dtype=np.intp)

    def _new(self, grp: np.ndarray, first: bool = False) -> _Grouping:
        sol = _Grouping(self.w2, grp, self.n_groups, self.lo, self.hi)
        # The very first descent always finishes: the result must be a local optimum.
        sol.descend(range(self.n_groups), self.eps, (lambda: False) if first else self.stop)
        self._note(sol)
        return sol

    def _note(self, sol: _Grouping) -> None:
        if sol.value > self.best_value + self.eps:
            self.best_value, self.best_grp = sol.value, sol.grp.copy()

    def _random_labels(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_groups), self.sizes)[self.rng.permutation(self.n)]

    def run(self, generations: int | None) -> int:
        pop = [self._new(_construct(self.w2, self.sizes), first=True)]
        while len(pop) < self.pop_max and not self.stop():
            pop.append(self._new(self._random_labels()))
        span = generations if generations is not None else _DEFAULT_GENERATIONS
        done = 0
        while (generations is None or done < generations) and not self.stop():
            progress = min(done / max(span, 1), 1.0)
            size = round(self.pop_max - (self.pop_max - self.pop_min) * progress)
            pop = pop[: max(size, 1)]
            theta = self.theta[0] - (self.theta[0] - self.theta[1]) * progress
            self._generation(pop, max(1, int(theta * self.n / self.n_groups)))
            pop.sort(key=lambda s: -s.value)
            done += 1
        return done

    def _generation(self, pop: list[_Grouping], strength: int) -> None:
        for sol in pop:
            sol.descend(sol.kick(strength, self.rng), self.eps, self.stop)
            self._note(sol)
        if len(pop) > 1:
            for i, child in enumerate(self._children(pop)):
                if self._accept(child, pop[i]):
                    pop[i] = child
        for sol in pop:
            for _ in range(_DIRECTED_ROUNDS):
                sol.directed(self.rng)
            sol.descend(range(self.n_groups), self.eps, self.stop)
            self._note(sol)

    def _children(self, pop: list[_Grouping]) -> list[_Grouping]:
        children = []
        for i in range(len(pop)):
            j = int(self.rng.integers(len(pop) - 1))
            j += j >= i  # another member, uniformly
            labels = _crossover(self.w2, (pop[i], pop[j]), self.sizes, self.rng)
            children.append(self._new(labels))
        return children

    def _accept(self, child: _Grouping, parent: _Grouping) -> bool:
        if child.value >= parent.value:
            return True
        if parent.value <= 0:
            return False
        spread = _ALPHA * _distance(child.grp, parent.grp, self.n_groups)
        return child.value > parent.value * (1 - spread)


def _dense_weights(
    weights: np.ndarray | sp.csr_matrix, forbidden: np.ndarray, hi: int
) -> tuple[np.ndarray, float]:
    """Twice the weights (see :class:`_Grouping`) as float64, with a zero diagonal and
    forbidden pairs at ``-2M``; and ``eps``."""
    w = weights.toarray() if sp.issparse(weights) else np.array(weights, dtype=np.float64)
    w = w.astype(np.float64, copy=False)
    np.fill_diagonal(w, 0.0)
    scale = float(np.abs(w).max()) if w.size else 0.0
    if len(forbidden):
        big = _penalty(scale, len(w), hi)
        w[forbidden[:, 0], forbidden[:, 1]] -= big
        w[forbidden[:, 1], forbidden[:, 0]] -= big
    w *= 2.0
    return w, 1e-9 * max(scale, 1e-12)


# --------------------------------------------------------------------------------------------
# entry point


def search_groups(
    weights: np.ndarray | sp.spmatrix | sp.sparray,
    sizes: Sequence[int],
    *,
    forbidden: Iterable[tuple[int, int]] = (),
    seed: int | np.random.Generator = 0,
    generations: int | None = None,
    time_limit: float | None = None,
) -> GroupSearchResult:
    """Split people ``0..n-1`` into groups of ``sizes`` maximising the within-group weights.

    Parameters
    ----------
    weights : numpy.ndarray or scipy.sparse matrix
        Symmetric ``n x n`` pair weights (dense, or sparse with absent pairs at 0); the
        diagonal is ignored.
    sizes : sequence of int
        The size of each group, summing to ``n``, differing by at most one (see
        :func:`netweave.core.groups.group_sizes`).
    forbidden : iterable of (int, int)
        Pairs that must not share a group.
    seed : int or numpy.random.Generator
        Seed of every random choice.
    generations : int, optional
        Memetic generations (sparse engine: perturbation rounds); 0 gives the first local
        optimum. With it, the result depends only on the inputs and ``seed`` as long as the
        time limit is not reached. ``None``: until the time limit.
    time_limit : float, optional
        A cap in seconds (``None``: none). It never cuts short the first descent, so the
        result is always a local optimum without avoidable forbidden pairs.

    Returns
    -------
    GroupSearchResult

    Notes
    -----
    Memetic engine: O(n²) memory for the weights plus the population's ``n x G`` matrices
    (at most :data:`_POPULATION_BYTES`); a generation is a few dozen descents of O(k·n) per
    step. Sparse engine: O(nnz + n) memory, O(nnz) per round.

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
    n = weights.shape[0]
    sizes = [int(s) for s in sizes]
    if weights.shape != (n, n):
        raise ValueError(f"weights must be square, got {weights.shape}")
    if sum(sizes) != n or (sizes and min(sizes) < 1) or (sizes and max(sizes) - min(sizes) > 1):
        raise ValueError(f"sizes must be positive, within one of each other and sum to {n}")
    if generations is not None and generations < 0:
        raise ValueError("generations must be >= 0")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    pairs = _forbidden_array(forbidden, n)
    if not sizes or len(sizes) == 1:
        labels = np.zeros(n, dtype=np.intp)
        return _result(weights, labels, pairs, 0, "memetic")
    deadline = math.inf if time_limit is None else started + max(time_limit, 0.0)

    def stop() -> bool:
        return time.perf_counter() >= deadline

    if n <= DENSE_MAX:
        w2, eps = _dense_weights(weights, pairs, max(sizes))
        search = _Memetic(w2, sizes, rng, stop, eps)
        done = search.run(generations)
        return _result(weights, search.best_grp, pairs, done, "memetic")
    labels, done = sparse_search(_symmetric_csr(weights, n), sizes, pairs, rng, generations, stop)
    return _result(weights, labels, pairs, done, "sparse")


def _result(
    weights: np.ndarray | sp.spmatrix | sp.sparray,
    labels: np.ndarray,
    pairs: np.ndarray,
    done: int,
    engine: str,
) -> GroupSearchResult:
    w = weights if isinstance(weights, np.ndarray) else sp.csr_matrix(weights)
    return GroupSearchResult(
        labels=labels,
        score=_score(w, labels),
        violations=_violations(labels, pairs),
        generations=done,
        engine=engine,
    )
