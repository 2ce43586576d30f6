"""Small groups: everyone live in exactly one group, with as much affinity inside as possible.

The last stage of the event splits the live people into small groups (4-6 by default). This
is the *maximally diverse grouping problem* (MDGP, Gallego et al. 2013) with affinity weights:
maximise the sum of within-group pair scores, every group's size fixed in advance.

Why the sizes are fixed first: with a plain sum objective a group of six holds fifteen pairs
and a group of four only six, so a free search drifts to the extremes (a few big groups,
several small ones). :func:`group_sizes` picks the number of groups from a target size and
spreads the remainder, so sizes differ by at most one; the search then only moves a person
between a larger and a smaller group, which keeps that multiset of sizes.

The search itself is :func:`netweave.core.group_search.search_groups`: a memetic search after
TPSDP (Yang et al. 2022, the best published MDGP method) up to a few thousand people, rounds
of parallel swaps on a sparse graph of everyone's best partners above. This module prepares
its input: the live people not in pinned groups, their scores (the dense block, or the sparse
best-partner graph for many people) and their forbidden pairs.

Forbidden pairs are a penalty ``M`` larger than any possible score difference, so the search
first separates them and then optimises; if a forbidden pair is still together at the end,
:class:`InfeasibleGroupsError` says which.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from netweave.core.affinity import Affinity
from netweave.core.group_search import DENSE_MAX, search_groups

__all__ = [
    "GroupsResult",
    "InfeasibleGroupsError",
    "generations_for",
    "group_score",
    "group_sizes",
    "plan_groups",
]


#: the planner's search effort counts generations for this many people or more; smaller
#: events get proportionally more (each generation is cheaper), at most this many times
_EFFORT_PEOPLE, _EFFORT_MAX = 1000, 3


class InfeasibleGroupsError(ValueError):
    """The people cannot be split as asked (sizes, or forbidden pairs that cannot be apart)."""


@dataclass(frozen=True)
class GroupsResult:
    """Groups planned by :func:`plan_groups`.

    Attributes
    ----------
    groups : tuple of tuple of int
        People (positions in the affinity) per group; each sorted, groups ordered by their
        smallest member. Pinned groups are included.
    score : float
        Sum over groups of the within-group pair scores.
    scores : tuple of float
        The score of each group, in the order of ``groups``.
    iterations : int
        Generations of the search run (see :func:`~netweave.core.group_search.search_groups`).
    seconds : float
        Wall-clock time spent.
    """

    groups: tuple[tuple[int, ...], ...]
    score: float
    scores: tuple[float, ...]
    iterations: int
    seconds: float


# --------------------------------------------------------------------------- sizes


def _check_size_range(size_min: int, size_max: int, target: int | None) -> int:
    if size_min < 1 or size_max < size_min:
        raise ValueError(
            f"group sizes must satisfy 1 <= size_min <= size_max, got {size_min}-{size_max}"
        )
    if target is None:
        return (size_min + size_max + 1) // 2
    if not size_min <= target <= size_max:
        raise ValueError(f"target size {target} is outside the allowed range {size_min}-{size_max}")
    return target


def _splittable(n: int, size_min: int, size_max: int) -> bool:
    return -(-n // size_max) <= n // size_min


def _no_split_message(n: int, size_min: int, size_max: int) -> str:
    # Offer the nearest head counts that work and the smallest widening of the range.
    below = next(
        k for k in range(n - 1, 0, -1) if k < size_min or _splittable(k, size_min, size_max)
    )
    above = next(k for k in range(n + 1, n + size_min + 1) if _splittable(k, size_min, size_max))
    more, fewer = -(-n // size_max), max(n // size_min, 1)
    sizes = f"{size_min}" if size_min == size_max else f"{size_min}-{size_max}"
    return (
        f"{n} people cannot be split into groups of {sizes}. Nearest that work: {below} or "
        f"{above} people; or allow sizes {n // more}-{size_max} ({more} groups) or "
        f"{size_min}-{-(-n // fewer)} ({fewer} group{'s' if fewer > 1 else ''})."
    )


def group_sizes(
    n: int, size_min: int = 4, size_max: int = 6, target: int | None = None
) -> list[int]:
    """The sizes of the groups for ``n`` people: near ``target``, as equal as possible.

    Parameters
    ----------
    n : int
        Number of people.
    size_min, size_max : int
        Allowed group sizes (inclusive); equal for fixed sizes (``12, 12``).
    target : int, optional
        Preferred size; default ``(size_min + size_max + 1) // 2`` (5 for 4-6).

    Returns
    -------
    list of int
        Sizes, largest first, differing by at most one. The number of groups is
        ``round(n / target)`` moved into the range where every size fits. ``[]`` for
        ``n == 0``; ``[n]`` (everyone together) when ``n < size_min``: callers should warn.

    Raises
    ------
    InfeasibleGroupsError
        When no split fits the range (7 people in groups of 4); the message names the nearest
        head counts and ranges that work.

    Notes
    -----
    O(1) (O(size_min) to phrase the error).

    Examples
    --------
    >>> group_sizes(60)
    [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
    >>> group_sizes(62)
    [6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
    >>> group_sizes(24, 12, 12)
    [12, 12]
    """
    target = _check_size_range(size_min, size_max, target)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if n == 0:
        return []
    if n < size_min:
        return [n]
    fewest, most = -(-n // size_max), n // size_min
    if fewest > most:
        raise InfeasibleGroupsError(_no_split_message(n, size_min, size_max))
    count = min(max(math.floor(n / target + 0.5), fewest), most)
    q, r = divmod(n, count)
    return [q + 1] * r + [q] * (count - r)


def generations_for(people: int, effort: int) -> int:
    """Generations of the group search for ``people`` at search ``effort`` (the planner's
    ``[groups] iterations``).

    ``effort`` generations from 1,000 people up; below, proportionally more, at most three
    times as many: a generation of a small event is cheaper, and the memetic search needs a
    few dozen to settle (with 10 generations alone, 52 people sometimes ended 0.3 % below the
    former search; with 30, at its best of 4,000 rounds). The count depends only on the
    inputs, so the same seed still gives the same groups.

    Examples
    --------
    >>> generations_for(1000, 10), generations_for(500, 10), generations_for(40, 10)
    (10, 20, 30)
    """
    return effort * min(max(round(_EFFORT_PEOPLE / max(people, 1)), 1), _EFFORT_MAX)


def group_score(affinity: Affinity, group: Sequence[int]) -> float:
    """The sum of the scores of every pair inside ``group``.

    Notes
    -----
    O(k²) for a group of k.

    Examples
    --------
    >>> import numpy as np
    >>> aff = Affinity(ids=("a", "b", "c"), scores=np.array(
    ...     [[0, 1, 2], [1, 0, 3], [2, 3, 0]], dtype=np.float32))
    >>> group_score(aff, [0, 1, 2])
    6.0
    """
    idx = np.asarray(group, dtype=np.intp)
    return float(np.triu(affinity.block(idx, idx), 1).sum())


def _sparse_group_scores(affinity: Affinity, groups: Sequence[Sequence[int]]) -> tuple[float, ...]:
    """:func:`group_score` of every group, all pairs scored in one call (a call per group
    to the exact scorer costs milliseconds each)."""
    lo, hi, owner = [], [], []
    for g, members in enumerate(groups):
        for k, a in enumerate(members):
            for b in members[k + 1 :]:
                lo.append(a)
                hi.append(b)
                owner.append(g)
    values = affinity.pair_scores(np.array(lo, dtype=np.intp), np.array(hi, dtype=np.intp))
    totals = np.bincount(np.array(owner, dtype=np.intp), values, minlength=len(groups))
    return tuple(float(t) for t in totals)


# --------------------------------------------------------------------------- plan_groups


def _validate_people(
    n: int, members: Sequence[int] | None, pinned: Sequence[Sequence[int]]
) -> tuple[list[int], list[tuple[int, ...]]]:
    people = list(range(n)) if members is None else [int(p) for p in members]
    if len(set(people)) != len(people):
        raise ValueError("members lists someone twice")
    if any(not 0 <= p < n for p in people):
        raise ValueError(f"members must be positions 0..{n - 1} in the affinity")
    groups = [tuple(sorted(int(p) for p in g)) for g in pinned if len(g)]
    flat = [p for g in groups for p in g]
    if len(set(flat)) != len(flat):
        raise ValueError("pinned groups overlap: someone is pinned twice")
    missing = set(flat) - set(people)
    if missing:
        raise ValueError(f"pinned people {sorted(missing)} are not among the members")
    return people, groups


def _forbidden_message(affinity: Affinity, pairs: list[tuple[int, int]], what: str) -> str:
    shown = ", ".join(f"{affinity.ids[i]} & {affinity.ids[j]}" for i, j in pairs[:5])
    more = f" and {len(pairs) - 5} more" if len(pairs) > 5 else ""
    return f"{what}: {shown}{more}."


def _pairs_together(affinity: Affinity, groups: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    found = []
    for g in groups:
        found += [(i, j) for i in g for j in g if i < j and not affinity.allowed(i, j)]
    return sorted(found)


def _check_fixed_groups(
    affinity: Affinity, pinned: list[tuple[int, ...]], only_group: list[int]
) -> None:
    """Raise when a group nobody can change (pinned, or the only one) holds a forbidden pair."""
    clash = _pairs_together(affinity, pinned)
    if clash:
        what = "A pinned group holds a forbidden pair"
        raise InfeasibleGroupsError(_forbidden_message(affinity, clash, what))
    clash = _pairs_together(affinity, [only_group])
    if clash:
        what = "Everyone is in one group, but these must be apart"
        raise InfeasibleGroupsError(_forbidden_message(affinity, clash, what))


def _search_groups(
    affinity: Affinity,
    free: list[int],
    sizes: list[int],
    seconds: float,
    max_iterations: int | None,
    rng: np.random.Generator,
) -> tuple[list[list[int]], int]:
    """:func:`search_groups` over the free people; the groups and generations run."""
    local = {p: k for k, p in enumerate(free)}
    forbidden = [(local[i], local[j]) for i, j in affinity.forbidden if i in local and j in local]
    weights, people = _weights(affinity, free)
    found = search_groups(
        weights,
        sizes,
        people=people,
        forbidden=forbidden,
        seed=rng,
        generations=max_iterations,
        time_limit=seconds,
    )
    planned: list[list[int]] = [[] for _ in sizes]
    for p, g in enumerate(found.labels.tolist()):
        planned[g].append(free[p])
    return planned, found.generations


def _weights(
    affinity: Affinity, free: list[int]
) -> tuple[np.ndarray | sp.csr_matrix, list[int] | None]:
    """What the search reads: the score matrix; for sparse scores, the exact block among the
    free people when the memetic search runs on a dense copy anyway, else the graph."""
    everyone = len(free) == affinity.n
    if affinity.scores is not None:
        return affinity.scores, None if everyone else free
    if len(free) <= DENSE_MAX:
        return affinity.block(free, free), None
    assert affinity.graph is not None
    return affinity.graph, None if everyone else free


def plan_groups(
    affinity: Affinity,
    members: Sequence[int] | None = None,
    *,
    size_min: int = 4,
    size_max: int = 6,
    target: int | None = None,
    time_limit: float = 1.0,
    seed: int | np.random.Generator = 0,
    pinned: Sequence[Sequence[int]] = (),
    max_iterations: int | None = None,
) -> GroupsResult:
    """Split people into groups of near-equal size maximising within-group affinity.

    Parameters
    ----------
    affinity : Affinity
        Pair scores; ``affinity.forbidden`` pairs never share a group.
    members : sequence of int, optional
        Positions of the people to group (the live ones); default everyone.
    size_min, size_max, target : int
        Group sizes, see :func:`group_sizes`; they apply to the people not pinned.
    time_limit : float
        Cap in seconds on the search (0: the first local optimum from the greedy
        construction). It never cuts short that first descent, so forbidden pairs are always
        kept apart when they can be.
    seed : int or numpy.random.Generator
        Seed of the search's random choices.
    pinned : sequence of sequence of int
        Groups fixed by the organizers: kept exactly, their sizes not checked, their members
        not re-planned, their scores counted in the result.
    max_iterations : int, optional
        Generations of the search (0: the best of its first local optima). With it, the
        result depends only on the inputs and ``seed`` as long as the time limit is not
        reached.

    Returns
    -------
    GroupsResult

    Raises
    ------
    InfeasibleGroupsError
        If the sizes cannot be met (see :func:`group_sizes`), a pinned group holds a forbidden
        pair, or forbidden pairs could not all be separated.

    Notes
    -----
    Up to :data:`~netweave.core.group_search.DENSE_MAX` free people the search holds a
    float64 copy of their scores (50 MB at 2,500) and its population's ``G x m`` matrices
    (at most 160 MB); above, one ``G x m`` matrix (8·m²/5 bytes for groups of five: 160 MB
    at 10,000) and rows read from the scores on demand; sparse scores need O(nnz + m).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> s = rng.random((12, 12), dtype=np.float32)
    >>> s = (s + s.T) / 2
    >>> np.fill_diagonal(s, 0)
    >>> aff = Affinity(ids=tuple("abcdefghijkl"), scores=s, forbidden=frozenset({(0, 1)}))
    >>> res = plan_groups(aff, size_min=4, size_max=4, max_iterations=20)
    >>> [len(g) for g in res.groups]
    [4, 4, 4]
    >>> any(0 in g and 1 in g for g in res.groups)
    False
    """
    started = time.perf_counter()
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if max_iterations is not None and max_iterations < 0:
        raise ValueError("max_iterations must be >= 0")
    people, fixed = _validate_people(affinity.n, members, pinned)
    taken = {p for g in fixed for p in g}
    # Sorted, so that "everyone" is recognised and rows are read without gathering.
    free = sorted(p for p in people if p not in taken)
    sizes = group_sizes(len(free), size_min, size_max, target)
    _check_fixed_groups(affinity, fixed, free if len(sizes) == 1 else [])
    seconds = max(time_limit, 0.0) - (time.perf_counter() - started)
    planned, iterations = (
        _search_groups(affinity, free, sizes, max(seconds, 0.0), max_iterations, rng)
        if sizes
        else ([], 0)
    )
    clash = _pairs_together(affinity, planned)
    if clash:
        what = f"Could not keep these pairs apart in {len(sizes)} groups"
        raise InfeasibleGroupsError(
            _forbidden_message(affinity, clash, what)
            + " Allow smaller groups, or drop some avoid entries."
        )
    groups = sorted([tuple(sorted(g)) for g in planned] + fixed, key=lambda g: g[0])
    scores = (
        _sparse_group_scores(affinity, groups)
        if affinity.sparse
        else tuple(group_score(affinity, g) for g in groups)
    )
    return GroupsResult(
        groups=tuple(groups),
        score=float(sum(scores)),
        scores=scores,
        iterations=iterations,
        seconds=time.perf_counter() - started,
    )
