"""Windows: the memetic search on a few neighbouring groups at a time, for many people.

Above a few thousand people the memetic search of :mod:`netweave.core.group_memetic` cannot
keep a population of whole groupings. The large engines (dense rows, or a sparse graph) first
reach a local optimum of swaps and moves, then improve it a *window* at a time: a group and
the groups most connected to it (by the sum of weights between their members), at most
:data:`WINDOW_GROUPS`. The window's people are regrouped among its groups by the memetic
search, starting from their current groups, so a window never gets worse; windows of one pass
share no group, so their gains add up exactly.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp

from netweave.core.group_memetic import Grouping, Stop, construct, memetic_search
from netweave.core.group_rows import Rows

__all__ = [
    "STEPS_PER_PASS",
    "WINDOW_GROUPS",
    "Windowed",
    "dense_large_search",
]

#: groups in one window, its population and its generations
WINDOW_GROUPS, WINDOW_POPULATION, WINDOW_GENERATIONS = 40, 6, 4
#: steps ("generations") of windows per pass over all groups
STEPS_PER_PASS = 10


def _window(seed: int, links: sp.csr_matrix, used: np.ndarray) -> list[int]:
    """``seed`` and, one at a time, the free group most connected to those taken."""
    groups = [seed]
    used[seed] = True
    pull: dict[int, float] = {}
    while len(groups) < WINDOW_GROUPS:
        g = groups[-1]
        lo, hi = links.indptr[g], links.indptr[g + 1]
        for h, v in zip(links.indices[lo:hi].tolist(), links.data[lo:hi].tolist(), strict=True):
            if not used[h]:
                pull[h] = pull.get(h, 0.0) + v
        if not pull:
            break
        best = max(pull, key=pull.__getitem__)
        del pull[best]
        groups.append(best)
        used[best] = True
    return groups


def _regroup(
    engine: Windowed, people: np.ndarray, groups: list[int], rng: np.random.Generator
) -> None:
    grp, eps = engine.grp, engine.eps
    twice = engine.block(people)
    where = np.full(int(grp.max()) + 1, -1, dtype=np.intp)
    where[groups] = np.arange(len(groups))
    start = where[grp[people]]
    before = float((twice * (start[:, None] == start[None, :])).sum()) / 4
    labels, value, _ = memetic_search(
        Rows.doubled(twice, eps, engine.spread),
        np.bincount(start, minlength=len(groups)).tolist(),
        rng=rng,
        stop=lambda: False,
        generations=WINDOW_GENERATIONS,
        start=start,
        population=WINDOW_POPULATION,
        final_min=0,
    )
    if value > before + eps:
        grp[people] = np.asarray(groups, dtype=np.intp)[labels]


class Windowed(Protocol):
    """What a large engine offers the windows (see :func:`improve_by_windows`)."""

    grp: np.ndarray
    #: gains below it are rounding; the standard deviation of the pair weights
    eps: float
    spread: float

    def links(self) -> sp.csr_matrix:
        """``links[g, h]``: sum of weights between the members of ``g`` and ``h`` (g != h)."""
        ...

    def block(self, people: np.ndarray) -> np.ndarray:
        """Twice the weights among ``people``, forbidden pairs penalised, dense float64."""
        ...

    def settle(self, stop: Stop) -> None:
        """Improve across window borders once ``grp`` has changed (a descent)."""
        ...


class _Pass:
    """One pass of windows over all groups, in random order, a window at a time."""

    def __init__(self, engine: Windowed, rng: np.random.Generator) -> None:
        self.links = engine.links()
        n_groups = self.links.shape[0]
        grp = engine.grp
        # Membership as of the start of the pass: a window's groups are then used, so no
        # later window of the pass reads a group an earlier one changed.
        self.order = np.argsort(grp, kind="stable")
        self.starts = np.concatenate(([0], np.cumsum(np.bincount(grp, minlength=n_groups))))
        self.used = np.zeros(n_groups, dtype=bool)
        self.seeds = rng.permutation(n_groups).tolist()

    @property
    def finished(self) -> bool:
        return not self.seeds

    def window(self, engine: Windowed, rng: np.random.Generator) -> int:
        """Regroup the next window; the number of groups it covered."""
        while self.seeds and self.used[self.seeds[-1]]:
            self.seeds.pop()
        if not self.seeds:
            return 0
        groups = _window(self.seeds.pop(), self.links, self.used)
        if len(groups) > 1:
            people = np.concatenate(
                [self.order[self.starts[g] : self.starts[g + 1]] for g in groups]
            )
            _regroup(engine, people, groups, rng)
        return len(groups)


def improve_by_windows(
    engine: Windowed,
    rng: np.random.Generator,
    stop: Stop,
    generations: int | None,
) -> int:
    """``generations`` steps of windows, each covering about 1/:data:`STEPS_PER_PASS` of the
    groups, so that the work of a step grows with the number of people as a memetic
    generation does; ``engine.settle`` after each full pass (and at the end). Steps run.
    """
    n_groups = int(engine.grp.max()) + 1
    per_step = max(1, -(-n_groups // STEPS_PER_PASS))
    current: _Pass | None = None
    changed = False
    done = 0
    while (generations is None or done < generations) and not stop():
        done += 1
        current = current or _Pass(engine, rng)
        covered = 0
        while covered < per_step and not current.finished and not stop():
            covered += current.window(engine, rng)
            changed = True
        if current.finished:
            engine.settle(stop)
            current, changed = None, False
    if changed:
        engine.settle(stop)
    return done


class _DenseRows:
    """The dense-rows engine's state for the windows: one :class:`Grouping`."""

    def __init__(self, rows: Rows, sizes: list[int]) -> None:
        self.rows, self.lo, self.hi, self.n_groups = rows, min(sizes), max(sizes), len(sizes)
        self.eps, self.spread = rows.eps, rows.spread
        self.sol = Grouping(rows, construct(rows, sizes), self.n_groups, self.lo, self.hi)
        self.sol.descend(range(self.n_groups), rows.eps, lambda: False)
        self.grp = self.sol.grp.copy()

    def links(self) -> sp.csr_matrix:
        n = self.rows.n
        onehot = sp.csr_matrix((np.ones(n), (self.grp, np.arange(n))), shape=(self.n_groups, n))
        between = np.asarray(onehot @ self.sol.DT.T)
        np.fill_diagonal(between, 0.0)
        return sp.csr_matrix(between)

    def block(self, people: np.ndarray) -> np.ndarray:
        return self.rows.block(people)

    def settle(self, stop: Stop) -> None:
        self.sol = Grouping(self.rows, self.grp, self.n_groups, self.lo, self.hi)
        self.sol.descend(range(self.n_groups), self.rows.eps, stop)
        self.grp = self.sol.grp.copy()


def dense_large_search(
    rows: Rows,
    sizes: list[int],
    rng: np.random.Generator,
    stop: Stop,
    generations: int | None,
) -> tuple[np.ndarray, int]:
    """Many people, dense weights read by rows: construct, descend, then windows.

    One grouping with its ``G x n`` matrix ``D`` (8·n²/k bytes for groups of k: 160 MB at
    10,000 people in fives), as the memetic search's descent; after each pass of windows
    ``D`` is rebuilt (O(n²)) and the descent runs again across window borders. Labels and
    steps run.

    Examples
    --------
    >>> import numpy as np
    >>> from netweave.core.group_rows import Rows
    >>> w = np.zeros((6, 6))
    >>> w[np.ix_([0, 2, 4], [0, 2, 4])] = 1.0
    >>> np.fill_diagonal(w, 0)
    >>> labels, steps = dense_large_search(Rows(w), [3, 3], np.random.default_rng(0),
    ...                                    stop=lambda: False, generations=2)
    >>> labels.tolist(), steps
    ([0, 1, 0, 1, 0, 1], 2)
    """
    state = _DenseRows(rows, sizes)
    done = improve_by_windows(state, rng, stop, generations)
    return state.grp, done
