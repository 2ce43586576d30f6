"""The memetic engine of the group search (dense weights, up to a few thousand people).

After the three-phase search with a dynamic population size of Yang et al. (2022, *TPSDP*,
the best published method for the maximally diverse grouping problem), written anew in numpy:
a population of local optima, each generation

1. *undirected perturbation*: ``θ · n/G`` random swaps (moves when sizes differ) and a
   descent, on every member;
2. *crossover*: a child takes, in turn from one parent or the other, the group whose
   remaining members are most alike, then the rest at random; a descent; the child replaces
   its first parent when better, or when only slightly worse but different enough;
3. *directed perturbation*: every group gives up its weakest member, the groups take them back
   best-first, three times; a descent.

The population shrinks linearly from 15 to 2 and ``θ`` from 1.2 to 0.1 over the generations
(above 400 people: from 4 to 1, and from 2.0 to 1.0; TPSDP's settings but the population).
After each generation the best member, and at the end the best grouping, get a short
iterated local search (a few random swaps, a descent, record-to-record acceptance: the
former netweave search), which TPSDP alone did not quite match on the Euclidean (Geo)
instances. The descent is best-improvement per group: the best swap of one of its members
with anyone outside, or the best move from a larger into a smaller group, with the gains of
all of them computed at once from the ``G x n`` matrix ``D[g, i]`` = sum of ``i``'s weights
to the members of ``g``. A change costs O(n); only groups it touched are examined again, a
batch of groups at a time.

Measured on the public MDGPLIB instances (``benchmarks/bench_groups.py``): where an iterated
local search stalled at 97.8-99.2 % of the best known values on the random-weight instances,
the population and the crossover reach them (see the README).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from netweave.core.group_rows import Rows

__all__ = ["Grouping", "Stop", "construct", "memetic_search"]

#: population at the start and at the end (TPSDP: 15 and 2, or 1 above 400 people). Above
#: 400 people it starts at 4: measured on MDGPLIB n480 and synthetic communities of 1,000, a
#: population of 4 for three times the generations is as good (n480) or better (1,000, where
#: it reaches in 1.2 s what 15 reach in 4 s)
_POP_MAX, _POP_MAX_LARGE, _POP_MIN, _POP_MIN_LARGE = 15, 4, 2, 1
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
#: rounds of the iterated local search on the best member after each generation, the random
#: swaps of each round, and its acceptance band in standard deviations of the pair weights
_POLISH_ROUNDS, _KICK_MIN, _KICK_MAX, _ACCEPT = 20, 2, 6, 1.0
#: rounds of that search on the best grouping found, at the end: per generation run, and at
#: least (as many as the former search ran by default: on small events, where generations
#: are cheap, 10 of them alone sometimes stopped below it)
_FINAL_ROUNDS, _FINAL_MIN = 20, 400
#: in the last fifth of the generations the best grouping found rejoins the population
_ELITE = 0.8
#: entries of rows read at once by the construction (~32 MB of float64)
_SCAN_ENTRIES = 4_000_000

Stop = Callable[[], bool]


# -------------------------------------------------------- one grouping of the memetic search


class Grouping:
    """Groups of people ``0..n-1`` with the incremental ``D`` matrix (see the module notes).

    ``rows`` reads twice the weights (see :class:`~netweave.core.group_rows.Rows`).
    """

    __slots__ = (
        *("DT", "flat", "grp", "hi", "lo", "log"),
        *("members", "rows", "saved", "size", "value"),
    )

    def __init__(self, rows: Rows, grp: np.ndarray, n_groups: int, lo: int, hi: int) -> None:
        self.rows, self.lo, self.hi = rows, lo, hi
        self.grp = np.asarray(grp, dtype=np.intp).copy()
        self.DT = rows.group_sums(self.grp, n_groups)
        self.flat = np.arange(len(self.grp))  # own() reads DT.ravel() at grp * n + flat
        self.size = np.bincount(self.grp, minlength=n_groups)
        order = np.argsort(self.grp, kind="stable")
        cuts = np.cumsum(self.size)[:-1]
        self.members = [part.tolist() for part in np.split(order, cuts)]
        self.value = self.saved = 0.0
        self.log: list[tuple[int, int, int, bool]] | None = None  # changes since mark()
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

    # --------------------------------------------------------------------------- changing groups

    def _shift(self, p: int, a: int, b: int) -> None:
        row = self.rows.once(p)
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
        if self.log is not None:
            self.log.append((p, a, b, True))

    def swap(self, p: int, q: int) -> None:
        """Exchange the groups of ``p`` and ``q``: O(n)."""
        a, b = int(self.grp[p]), int(self.grp[q])
        d = self.DT
        self.value += d[b, p] - d[a, p] + d[a, q] - d[b, q] - self.rows.pair(p, q)
        self._shift(p, a, b)
        self._shift(q, b, a)
        if self.log is not None:
            self.log += [(p, a, b, False), (q, b, a, False)]

    def mark(self) -> None:
        """Remember this state, so that :meth:`undo` can come back to it."""
        self.log, self.saved = [], self.value

    def undo(self) -> None:
        """Take back every move and swap since :meth:`mark` (cheaper than copying ``D``)."""
        for p, a, b, moved in reversed(self.log or []):
            self._shift(p, b, a)
            if moved:
                self.size[b] -= 1
                self.size[a] += 1
        self.value, self.log = self.saved, []

    # --------------------------------------------------------------------------- improving

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
        pair = self.rows.twice(mem).reshape(count, hi, n)
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

    # --------------------------------------------------------------------------- perturbing

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
        among = 0.5 * self.rows.block(out)
        pull[:, home] -= among
        left = self.size.copy()
        left[home] -= 1
        where = np.full(len(out), -1, dtype=np.intp)
        free = np.ones(len(out), dtype=bool)
        # groups below the minimum first, in random order, each taking its favourite
        short = np.flatnonzero(left < self.lo)
        for g in rng.permutation(short):
            r = int(np.argmax(np.where(free, pull[:, g] / max(left[g], 1), -np.inf)))
            self._place(r, g, among, where, free, pull, left)
        # then every removed person, in random order, into its favourite group with room
        for r in rng.permutation(np.flatnonzero(free)):
            room = left < self.hi
            g = int(np.argmax(np.where(room, pull[r] / np.maximum(left, 1), -np.inf)))
            self._place(int(r), g, among, where, free, pull, left)
        for r in np.flatnonzero(where != home):
            self._shift(int(out[r]), int(home[r]), int(where[r]))
        self.size = left
        self.refresh()

    def _place(
        self,
        r: int,
        g: int,
        among: np.ndarray,
        where: np.ndarray,
        free: np.ndarray,
        pull: np.ndarray,
        left: np.ndarray,
    ) -> None:
        where[r], free[r] = g, False
        left[g] += 1
        pull[:, g] += among[:, r]


# --------------------------------------------------------------------------- crossover


def _crossover(
    rows: Rows,
    parents: tuple[Grouping, Grouping],
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
        read = 0.5 * rows.twice(taken)
        for grp, r, tog, lft in zip(grps, reach, together, left, strict=True):
            g = grp[taken]
            before = r[taken]
            # each placed person stops counting for their remaining group mates
            r -= np.where(grp[None, :] == g[:, None], read, 0.0).sum(axis=0)
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


# --------------------------------------------------------------------------- the memetic search


def construct(rows: Rows, sizes: Sequence[int]) -> np.ndarray:
    """Greedy labels: each group in turn is seeded with the best still-free pair and filled
    by best marginal gain. O(n²) time, O(n) memory besides blocks of rows.

    Examples
    --------
    >>> import numpy as np
    >>> from netweave.core.group_rows import Rows
    >>> w = np.zeros((6, 6))
    >>> w[np.ix_([0, 2, 4], [0, 2, 4])] = 1.0
    >>> np.fill_diagonal(w, 0)
    >>> construct(Rows(w), [3, 3]).tolist()
    [0, 1, 0, 1, 0, 1]
    """
    n = rows.n
    grp = np.full(n, -1, dtype=np.intp)
    partner = np.zeros(n, dtype=np.intp)
    best = np.zeros(n)
    step = max(1, _SCAN_ENTRIES // max(n, 1))
    for r in range(0, n, step):
        idx = np.arange(r, min(r + step, n))
        block = rows.twice(idx)
        block[np.arange(len(idx)), idx] = -np.inf
        partner[idx] = np.argmax(block, axis=1)
        best[idx] = block[np.arange(len(idx)), partner[idx]]
    order = np.lexsort((np.arange(n), -best))
    closed = np.zeros(n)  # -inf once placed, so argmax skips them
    cursor = 0
    for g, size in enumerate(sizes):
        while cursor < n and (grp[order[cursor]] >= 0 or grp[partner[order[cursor]]] >= 0):
            cursor += 1
        seed = [int(order[cursor]), int(partner[order[cursor]])] if cursor < n else []
        members = (seed or [int(np.argmax(closed))])[:size]
        pull = np.zeros(n)
        for p in members:
            grp[p], closed[p] = g, -np.inf
            pull += rows.once(p)
        for _ in range(size - len(members)):
            p = int(np.argmax(pull + closed))
            grp[p], closed[p] = g, -np.inf
            pull += rows.once(p)
    return grp


class _Memetic:
    """State of one memetic search (see the module notes)."""

    def __init__(
        self,
        rows: Rows,
        sizes: Sequence[int],
        rng: np.random.Generator,
        stop: Stop,
        population: int,
    ) -> None:
        self.rows, self.sizes, self.rng, self.stop = rows, list(sizes), rng, stop
        self.eps = rows.eps
        self.n, self.n_groups = rows.n, len(sizes)
        self.lo, self.hi = min(sizes), max(sizes)
        large = self.n > _LARGE
        self.theta = _THETA_LARGE if large else _THETA_SMALL
        fit = int(_POPULATION_BYTES // (16 * self.n * self.n_groups))  # parents + children
        self.pop_max = max(1, min(population, fit))
        self.pop_min = min(self.pop_max, _POP_MIN_LARGE if large else _POP_MIN)
        self.best_value = -np.inf
        self.best_grp = np.zeros(self.n, dtype=np.intp)

    def _new(self, grp: np.ndarray, first: bool = False) -> Grouping:
        sol = Grouping(self.rows, grp, self.n_groups, self.lo, self.hi)
        # The very first descent always finishes: the result must be a local optimum.
        sol.descend(range(self.n_groups), self.eps, (lambda: False) if first else self.stop)
        self._note(sol)
        return sol

    def _note(self, sol: Grouping) -> None:
        if sol.value > self.best_value + self.eps:
            self.best_value, self.best_grp = sol.value, sol.grp.copy()

    def _random_labels(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_groups), self.sizes)[self.rng.permutation(self.n)]

    def run(self, generations: int | None, start: np.ndarray | None, final_min: int) -> int:
        first = construct(self.rows, self.sizes) if start is None else start
        pop = [self._new(first, first=True)]
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
            if progress >= _ELITE and self.best_value > pop[0].value + self.eps:
                # The perturbations replace members unconditionally (TPSDP), so the best
                # grouping found may have left the population: bring it back for the worst.
                pop[-1] = Grouping(self.rows, self.best_grp, self.n_groups, self.lo, self.hi)
                pop.insert(0, pop.pop())
            self._polish(pop[0])
            done += 1
        if done:
            best = Grouping(self.rows, self.best_grp, self.n_groups, self.lo, self.hi)
            self._polish(best, max(_FINAL_ROUNDS * done, final_min))
        return done

    def _polish(self, sol: Grouping, rounds: int = _POLISH_ROUNDS) -> None:
        """A short iterated local search: a few random swaps, a descent, and record-to-record
        acceptance (within one standard deviation of a pair weight of the best seen, else
        undone). On MDGPLIB's Geo instances TPSDP alone stayed 0.02-0.07 % below the former
        iterated local search; this, after each generation on the best member and at the end
        on the best grouping, closes the gap for a few percent of the time."""
        band = _ACCEPT * self.rows.spread + self.eps
        best = sol.value
        for _ in range(rounds):
            if self.stop():
                break
            sol.mark()
            kick = int(self.rng.integers(_KICK_MIN, _KICK_MAX + 1))
            sol.descend(sol.kick(kick, self.rng), self.eps, self.stop)
            self._note(sol)
            best = max(best, sol.value)
            if sol.value < best - band:
                sol.undo()
        sol.log = None

    def _generation(self, pop: list[Grouping], strength: int) -> None:
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

    def _children(self, pop: list[Grouping]) -> list[Grouping]:
        children = []
        for i in range(len(pop)):
            j = int(self.rng.integers(len(pop) - 1))
            j += j >= i  # another member, uniformly
            labels = _crossover(self.rows, (pop[i], pop[j]), self.sizes, self.rng)
            children.append(self._new(labels))
        return children

    def _accept(self, child: Grouping, parent: Grouping) -> bool:
        if child.value >= parent.value:
            return True
        if parent.value <= 0:
            return False
        spread = _ALPHA * _distance(child.grp, parent.grp, self.n_groups)
        return child.value > parent.value * (1 - spread)


def memetic_search(
    rows: Rows,
    sizes: Sequence[int],
    *,
    rng: np.random.Generator,
    stop: Stop,
    generations: int | None,
    start: np.ndarray | None = None,
    population: int | None = None,
    final_min: int = _FINAL_MIN,
) -> tuple[np.ndarray, float, int]:
    """Run the memetic search; the best labels, their value and the generations run.

    Parameters
    ----------
    rows : Rows
        The weights (twice, penalised; see :class:`~netweave.core.group_rows.Rows`).
    sizes : sequence of int
        Group sizes (within one of each other).
    rng, stop
        Random choices; ``stop()`` says time is up (never checked in the first descent).
    generations : int or None
        Generations to run (``None``: until ``stop()``).
    start : numpy.ndarray, optional
        Labels of a first member instead of the greedy construction (the result is then
        never worse than them).
    population : int, optional
        The largest population (default 15, or 4 above 400 people); memory may lower it.
    final_min : int
        The least rounds of the final iterated local search (when generations ran).

    Examples
    --------
    >>> import numpy as np
    >>> w = np.zeros((6, 6))
    >>> w[np.ix_([0, 2, 4], [0, 2, 4])] = 1.0
    >>> labels, value, done = memetic_search(Rows(w), [3, 3], rng=np.random.default_rng(0),
    ...                                      stop=lambda: False, generations=2)
    >>> bool(labels[0] == labels[2] == labels[4]), value, done
    (True, 3.0, 2)
    """
    if population is None:
        population = _POP_MAX_LARGE if rows.n > _LARGE else _POP_MAX
    search = _Memetic(rows, sizes, rng, stop, population)
    done = search.run(generations, start, final_min)
    return search.best_grp, search.best_value, done
