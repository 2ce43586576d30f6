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

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from netweave.core.group_memetic import Grouping, Stop, construct, memetic_search
from netweave.core.group_rows import Rows

__all__ = ["WINDOW_GROUPS", "dense_large_search", "regroup_windows"]

#: groups in one window, its population and its generations
WINDOW_GROUPS, WINDOW_POPULATION, WINDOW_GENERATIONS = 40, 6, 4

#: twice the weights among some people, forbidden pairs penalised (dense float64)
Block = Callable[[np.ndarray], np.ndarray]


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
    grp: np.ndarray,
    people: np.ndarray,
    groups: list[int],
    block: Block,
    eps: float,
    rng: np.random.Generator,
) -> None:
    twice = block(people)
    where = np.full(int(grp.max()) + 1, -1, dtype=np.intp)
    where[groups] = np.arange(len(groups))
    start = where[grp[people]]
    before = float((twice * (start[:, None] == start[None, :])).sum()) / 4
    labels, value, _ = memetic_search(
        Rows.doubled(twice, eps),
        np.bincount(start, minlength=len(groups)).tolist(),
        rng=rng,
        stop=lambda: False,
        generations=WINDOW_GENERATIONS,
        start=start,
        population=WINDOW_POPULATION,
    )
    if value > before + eps:
        grp[people] = np.asarray(groups, dtype=np.intp)[labels]


def regroup_windows(
    grp: np.ndarray,
    links: sp.csr_matrix,
    block: Block,
    eps: float,
    rng: np.random.Generator,
    stop: Stop,
) -> int:
    """One pass of windows over all groups, changing ``grp`` in place; windows run.

    ``links[g, h]`` is the sum of weights between the members of ``g`` and ``h``.
    """
    n_groups = links.shape[0]
    order = np.argsort(grp, kind="stable")
    starts = np.concatenate(([0], np.cumsum(np.bincount(grp, minlength=n_groups))))
    used = np.zeros(n_groups, dtype=bool)
    done = 0
    for seed in rng.permutation(n_groups).tolist():
        if used[seed]:
            continue
        if stop():
            break
        groups = _window(seed, links, used)
        if len(groups) > 1:
            people = np.concatenate([order[starts[g] : starts[g + 1]] for g in groups])
            _regroup(grp, people, groups, block, eps, rng)
            done += 1
    return done


def dense_large_search(
    rows: Rows,
    sizes: list[int],
    rng: np.random.Generator,
    stop: Stop,
    generations: int | None,
) -> tuple[np.ndarray, int]:
    """Many people, dense weights read by rows: construct, descend, then passes of windows.

    One grouping with its ``G x n`` matrix ``D`` (8·n²/k bytes for groups of k: 160 MB at
    10,000 people in fives), as the memetic search's descent; after each pass of windows ``D``
    is rebuilt (O(n²)) and the descent runs again across window borders. Labels and passes.
    """
    lo, hi, n_groups = min(sizes), max(sizes), len(sizes)
    sol = Grouping(rows, construct(rows, sizes), n_groups, lo, hi)
    sol.descend(range(n_groups), rows.eps, lambda: False)
    done = 0
    while (generations is None or done < generations) and not stop():
        done += 1
        onehot = sp.csr_matrix(
            (np.ones(rows.n), (sol.grp, np.arange(rows.n))), shape=(n_groups, rows.n)
        )
        between = np.asarray(onehot @ sol.DT.T)
        np.fill_diagonal(between, 0.0)
        links = sp.csr_matrix(between)
        grp = sol.grp.copy()
        regroup_windows(grp, links, rows.block, rows.eps, rng, stop)
        sol = Grouping(rows, grp, n_groups, lo, hi)
        sol.descend(range(n_groups), rows.eps, stop)
    return sol.grp, done
