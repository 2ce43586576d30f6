"""Scores at scale: a sparse candidate graph built in row blocks, and exact scores on demand.

Above a few thousand people an ``n x n`` score matrix no longer fits (50,000 people: 10 GB
of float32 per weighting). :func:`build_graphs` scores everyone against everyone one block of
rows at a time and keeps, per person, their ``keep`` best partners (exactly: the same as the
dense matrix's top ``keep``, up to ties), plus every requested, must-meet and met-before pair;
the rest of each block is dropped at once. :class:`PairScorer` gives the exact score of any
list of pairs from the features, so a planner can still ask about a pair outside the graph
(a leftover, a trio, a group's members).

Parts that depend on a category only (community kind, time zone, region; interest tags, whose
sets repeat) are precomputed per pair of categories and looked up; free text is a sparse
product with the common terms multiplied densely (see :func:`netweave.core.text.iter_dot_blocks`).

Besides the graph, each person gets a *ceiling*: their ``keep``-th best score from profiles.
A pair outside the graph was in neither person's top ``keep``, so its score is at most the
smaller of the two ceilings: :func:`netweave.core.bounds.upper_bound` uses that to stay a
proven bound without visiting every pair.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from netweave.core.arrays import unique_first, unique_sorted
from netweave.core.config import Weights
from netweave.core.features import (
    Features,
    Pair,
    closeness,
    first_timer_match,
    offer_match,
    pair,
)
from netweave.core.text import _common_terms

__all__ = ["Listed", "PairScorer", "ScoreGraph", "build_graphs", "top_per_row"]

#: dense cells per row block (float32): 32 MB, a handful of temporaries per block
_BLOCK_CELLS = 1 << 23
#: pairs scored at once by :class:`PairScorer` (each gathers two sparse rows)
_PAIR_CHUNK = 200_000
#: a lookup table over distinct tag sets is used up to this many sets (64 MB of float32)
_MAX_TAG_SETS = 4096
#: threads scoring row blocks at most (each holds a block's temporaries, ~100 MB)
_MAX_WORKERS = 4
#: columns sampled per row to find a threshold below each row's k-th largest value
_SAMPLE_EVERY = 8

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Listed:
    """The pairs a weighting scores from lists: requests (directed), must-meet, penalised."""

    requests: frozenset[Pair] = frozenset()
    must: frozenset[Pair] = frozenset()
    penalised: frozenset[Pair] = frozenset()

    def pairs(self) -> set[Pair]:
        """Every unordered pair that gets a bonus or a penalty."""
        return {pair(a, b) for a, b in self.requests} | set(self.must) | set(self.penalised)

    @functools.cached_property
    def kinds(self) -> tuple[set[Pair], ...]:
        """One-way requests, mutual requests, must-meet and penalised pairs (made once)."""
        mutual = {pair(a, b) for a, b in self.requests if (b, a) in self.requests}
        one_way = {pair(a, b) for a, b in self.requests} - mutual
        return one_way, mutual, set(self.must), set(self.penalised)

    def bonus(self, w: Weights, lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray:
        """The listed part of the score of each pair ``(lo, hi)``, ``lo < hi``."""
        out = np.zeros(len(lo))
        keys = lo.astype(np.int64) * n + hi
        amounts = (w.request, w.mutual_request, w.must_meet, -w.history_penalty)
        for k, (pairs, amount) in enumerate(zip(self.kinds, amounts, strict=True)):
            if pairs and amount:
                out[_member(keys, self._sorted_keys(k, n))] += amount
        return out

    def _sorted_keys(self, k: int, n: int) -> np.ndarray:
        cache = self.__dict__.setdefault("_key_cache", {})
        if (k, n) not in cache:
            cache[k, n] = _keys(self.kinds[k], n)
        return cache[k, n]


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _keys(pairs: Iterable[Pair], n: int) -> np.ndarray:
    arr = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return unique_sorted(arr.min(axis=1) * n + arr.max(axis=1))


class _Tables:
    """The category parts as lookup tables: place = (community kind, zone, region) and tags."""

    def __init__(self, f: Features) -> None:
        triples = np.stack([f.kind, f.zone, f.region], axis=1)
        places, self.place = np.unique(triples, axis=0, return_inverse=True)
        self.place = self.place.ravel().astype(np.intp)
        self.community = _kind_table(f)[np.ix_(places[:, 0], places[:, 0])]
        off = f.zone_offsets[places[:, 1]]
        self.timezone = closeness(off[:, None] - off[None, :]).astype(np.float32)
        region = np.eye(len(f.regions), dtype=np.float32)
        region[-1, -1] = 0.0  # the last code is "no region"
        self.region = region[np.ix_(places[:, 2], places[:, 2])]
        self.tag_set, self.jaccard = _tag_sets(f)

    def place_table(self, w: Weights) -> np.ndarray:
        return (
            np.float32(w.community) * self.community
            + np.float32(w.timezone) * self.timezone
            + np.float32(w.region) * self.region
        ).astype(np.float32)


def _kind_table(f: Features) -> np.ndarray:
    """As in the dense scores: 1 within a kind, TF-IDF cosine across, 0 for the unknown kind."""
    table = (f.kind_vectors @ f.kind_vectors.T).toarray().astype(np.float32)
    np.fill_diagonal(table, 1.0)
    table[-1, -1] = 0.0
    return table


def _tag_sets(f: Features) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A code per person's tag set and the Jaccard table between sets (None if too many)."""
    sets = [tuple(sorted(t)) for t in f.tags]
    distinct = {s: k for k, s in enumerate(sorted(set(sets)))}
    if len(distinct) > _MAX_TAG_SETS:
        return None, None
    codes = np.array([distinct[s] for s in sets], dtype=np.intp)
    first = np.unique(codes, return_index=True)[1]
    m = f.tag_matrix[first]
    shared = (m @ m.T).toarray().astype(np.float32)
    counts = f.tag_counts[first]
    union = counts[:, None] + counts[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    return codes, jaccard


def _row_dots(left: sp.csr_matrix, right: sp.csr_matrix, i: np.ndarray, j: np.ndarray):
    """``left[i[k]] . right[j[k]]`` for every k."""
    if left.shape[1] == 0 or len(i) == 0:
        return np.zeros(len(i))
    return np.asarray(left[i].multiply(right[j]).sum(axis=1), dtype=np.float64).ravel()


class PairScorer:
    """The exact score of any pairs, recomputed from the features (as the dense matrix has it).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from netweave.core.people import Person
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring", "events"))
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo", interests=("events",))
    >>> f = Features.of([ana, bo], "tfidf", datetime(2026, 1, 15, 12, tzinfo=UTC))
    >>> scorer = PairScorer(f, Weights(), Listed(requests=frozenset({(1, 0)})))
    >>> scorer(np.array([0]), np.array([1])).round(3).tolist()
    [7.08]
    """

    def __init__(
        self, f: Features, w: Weights, listed: Listed, tables: _Tables | None = None
    ) -> None:
        self.f, self.w, self.listed = f, w, listed
        self.tables = tables or _Tables(f)
        self.place = self.tables.place_table(w)

    def __call__(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        i, j = np.asarray(i, dtype=np.intp).ravel(), np.asarray(j, dtype=np.intp).ravel()
        parts = [
            self._chunk(i[k : k + _PAIR_CHUNK], j[k : k + _PAIR_CHUNK])
            for k in range(0, len(i), _PAIR_CHUNK)
        ]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _chunk(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        f, w, t = self.f, self.w, self.tables
        out = self.place[t.place[i], t.place[j]].astype(np.float64)
        if w.interests:
            out += w.interests * self._jaccard(i, j)
        if w.looking_for:
            both = _row_dots(f.looking, f.about, i, j) + _row_dots(f.about, f.looking, i, j)
            out += w.looking_for * 0.5 * both
        if w.profile:
            out += w.profile * _row_dots(f.profile, f.profile, i, j)
        if w.offers:
            out += w.offers * offer_match(f, i, j)
        if w.first_timer:
            out += w.first_timer * first_timer_match(f, i, j)
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        out += self.listed.bonus(w, lo, hi, len(f.people))
        out[i == j] = 0.0
        return out

    def _jaccard(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        t = self.tables
        if t.jaccard is not None and t.tag_set is not None:
            return t.jaccard[t.tag_set[i], t.tag_set[j]].astype(np.float64)
        shared = _row_dots(self.f.tag_matrix, self.f.tag_matrix, i, j)
        union = self.f.tag_counts[i] + self.f.tag_counts[j] - shared
        return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


class _DotRows:
    """Rows of ``left @ right.T`` on demand, dense float32, common terms multiplied densely."""

    def __init__(self, left: sp.spmatrix, right: sp.spmatrix) -> None:
        left, right = sp.csr_matrix(left), sp.csr_matrix(right)
        common = _common_terms(left, right)
        rare = np.setdiff1d(np.arange(left.shape[1]), common)
        self.left_dense = left[:, common].toarray().astype(np.float32)
        self.right_dense_t = np.ascontiguousarray(right[:, common].toarray().T, np.float32)
        self.left_rare = left[:, rare].tocsr().astype(np.float32)
        self.right_rare_t = right[:, rare].T.tocsr().astype(np.float32)

    def rows(self, start: int, stop: int) -> np.ndarray:
        block = self.left_dense[start:stop] @ self.right_dense_t
        rare = (self.left_rare[start:stop] @ self.right_rare_t).tocsr()
        # scattered into the block: a dense copy of a mostly empty product costs ~10x more
        r = np.repeat(np.arange(stop - start), np.diff(rare.indptr))
        block[r, rare.indices] += rare.data
        return block


def top_per_row(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each row's ``k`` largest entries (all of a row with at most ``k``).

    A threshold from every eighth column (the ``k``-th largest there is at most the ``k``-th
    of the whole row) leaves a few hundred entries per row to rank, several times faster than
    partitioning the whole row. ``-inf`` entries are never chosen.

    Examples
    --------
    >>> rows, cols = top_per_row(np.array([[5, 1, 4, 3], [0, 2, 9, -np.inf]]), 2)
    >>> rows.tolist(), cols.tolist()
    ([0, 0, 1, 1], [0, 2, 2, 1])
    """
    b, m = block.shape
    if k >= m:
        rows, cols = np.nonzero(np.isfinite(block))
        return rows, cols
    if m >= 4 * _SAMPLE_EVERY * k:
        sample = block[:, ::_SAMPLE_EVERY]
        floor = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
    else:
        floor = np.partition(block, m - k, axis=1)[:, m - k]
    rows, cols = np.nonzero(block >= floor[:, None])  # row by row, columns ascending
    # each row's survivors side by side, ranked within their row: a stable sort of short
    # rows keeps the lower column first on ties, five times faster than one global lexsort
    counts = np.bincount(rows, minlength=b)
    start = np.r_[0, np.cumsum(counts)[:-1]]
    place = np.arange(len(rows)) - start[rows]
    side = np.full((b, int(counts.max(initial=1))), np.inf, np.result_type(block, np.float32))
    side[rows, place] = -block[rows, cols]  # -inf scores become +inf, like the padding
    order = np.argsort(side, axis=1, kind="stable")[:, :k]
    ranked = np.take_along_axis(side, order, axis=1)
    ok = np.isfinite(ranked)
    picked = start[np.nonzero(ok)[0]] + order[ok]
    return rows[picked], cols[picked]


@dataclass(frozen=True)
class ScoreGraph:
    """One weighting's candidate graph: symmetric CSR of exact scores, and the ceilings."""

    graph: sp.csr_matrix
    #: per person, at least the profile score of any pair outside the graph (``-inf``: none)
    ceiling: np.ndarray
    scorer: PairScorer


def build_graphs(
    f: Features,
    weight_sets: Sequence[Weights],
    listed: Sequence[Listed],
    keep: int,
    progress: Progress | None = None,
) -> list[ScoreGraph]:
    """Everyone's ``keep`` best partners under each weighting, scored in row blocks.

    Parameters
    ----------
    f : Features
        Everyone's features.
    weight_sets : sequence of Weights
        One graph per weighting; the parts are computed once for all of them.
    listed : sequence of Listed
        Per weighting, the requests, must-meet and penalised pairs: they all join the graph
        with their bonus or penalty.
    keep : int
        Partners kept per person (by the score from profiles).
    progress : callable ``(done, total)``, optional
        Called after each block of rows.

    Returns
    -------
    list of ScoreGraph

    Notes
    -----
    ``O(n^2)`` time in blocks of about eight million cells, scored by one thread per core
    (numpy's products, takes and partitions let go of the GIL; the blocks are collected in
    order, so the graph does not depend on the threads), ``O(n keep)`` memory: the ``n x n``
    matrix is never held. 50,000 people take about a minute on two cores.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from netweave.core.people import Person
    >>> people = [Person(f"{c}@x.org", f"{c}@x.org", c, interests=(t,))
    ...           for c, t in zip("abcd", ["events", "events", "grants", "grants"])]
    >>> f = Features.of(people, "tfidf", datetime(2026, 1, 15, 12, tzinfo=UTC))
    >>> (g,) = build_graphs(f, [Weights()], [Listed()], keep=1)
    >>> g.graph.toarray().round(2).tolist()[0]
    [0.0, 5.0, 0.0, 0.0]
    """
    n = len(f.people)
    tables = _Tables(f)
    builders = [_Builder(n, w, tables, keep) for w in weight_sets]
    dots = {
        "looking": _DotRows(f.looking, f.about),
        "about": _DotRows(f.about, f.looking),
        "profile": _DotRows(f.profile, f.profile),
    }
    step = max(1, _BLOCK_CELLS // max(n, 1))
    blocks = [(start, min(n, start + step)) for start in range(0, n, step)]

    def best_of(block: tuple[int, int]) -> list[_Best]:
        parts = _parts(f, tables, dots, *block, weight_sets)
        return [b.best(*block, parts) for b in builders]

    # numpy lets go of the GIL in the products, takes and partitions that score a block, so
    # blocks scored side by side use both cores; map() hands them back in order, so the
    # graph is the same whatever the threads' timing
    with ThreadPoolExecutor(max_workers=_workers(len(blocks))) as pool:
        for done, found in enumerate(pool.map(best_of, blocks), start=1):
            for b, best in zip(builders, found, strict=True):
                b.keep(best)
            if progress is not None:
                progress(done, len(blocks))
    return [
        b.finish(PairScorer(f, w, lst, tables), lst)
        for b, w, lst in zip(builders, weight_sets, listed, strict=True)
    ]


def _parts(
    f: Features,
    tables: _Tables,
    dots: dict[str, _DotRows],
    start: int,
    stop: int,
    weight_sets: Sequence[Weights],
) -> dict[str, np.ndarray]:
    """The parts every weighting needs, for rows ``start:stop`` (weight 0 everywhere: skipped)."""
    need = {name: any(getattr(w, name) for w in weight_sets) for name in Weights.__annotations__}
    out: dict[str, np.ndarray] = {}
    if need["interests"]:
        if tables.jaccard is not None and tables.tag_set is not None:
            out["interests"] = np.take(
                tables.jaccard[tables.tag_set[start:stop]], tables.tag_set, axis=1
            )
        else:
            shared = (f.tag_matrix[start:stop] @ f.tag_matrix.T).toarray().astype(np.float32)
            union = f.tag_counts[start:stop, None] + f.tag_counts[None, :] - shared
            out["interests"] = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    if need["looking_for"]:
        block = dots["looking"].rows(start, stop)
        block += dots["about"].rows(start, stop)
        block *= np.float32(0.5)
        out["looking_for"] = block
    if need["profile"]:
        out["profile"] = dots["profile"].rows(start, stop)
    if need["offers"]:
        out["offers"] = offer_match(f, slice(start, stop))
    if need["first_timer"]:
        out["first_timer"] = first_timer_match(f, slice(start, stop))
    return out


class _Best(NamedTuple):
    """One block of rows' best partners under one weighting."""

    start: int
    stop: int
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray


def _workers(blocks: int) -> int:
    """Threads scoring blocks: one per core (two here), one for a single block."""
    return max(1, min(blocks, len(os.sched_getaffinity(0)), _MAX_WORKERS))


class _Builder:
    """Collects one weighting's best partners block by block."""

    def __init__(self, n: int, w: Weights, tables: _Tables, keep: int) -> None:
        self.n, self.w, self.tables, self.top = n, w, tables, keep
        self.place = tables.place_table(w)
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.ceiling = np.full(n, -np.inf)

    def best(self, start: int, stop: int, parts: dict[str, np.ndarray]) -> _Best:
        """Rows ``start:stop``'s best partners: (rows, columns, scores); reads, never writes."""
        place = self.tables.place
        block = np.take(self.place[place[start:stop]], place, axis=1)
        scratch = np.empty_like(block)  # one temporary for all parts, not one per part
        for name, part in parts.items():
            weight = np.float32(getattr(self.w, name))
            if weight:
                np.multiply(part, weight, out=scratch)
                block += scratch
        local = np.arange(stop - start)
        block[local, local + start] = -np.inf
        rows, cols = top_per_row(block, self.top)
        return _Best(start, stop, rows + start, cols, block[rows, cols].astype(np.float64))

    def keep(self, best: _Best) -> None:
        """Collect a block's best partners (blocks in order) and its rows' ceilings."""
        self.rows.append(best.rows)
        self.cols.append(best.cols)
        self.vals.append(best.vals)
        if self.n - 1 > self.top:  # otherwise everyone is in the graph: no ceiling
            lowest = np.full(best.stop - best.start, np.inf)
            np.minimum.at(lowest, best.rows - best.start, best.vals)
            self.ceiling[best.start : best.stop] = lowest

    def finish(self, scorer: PairScorer, listed: Listed) -> ScoreGraph:
        n = self.n
        rows, cols = np.concatenate(self.rows), np.concatenate(self.cols)
        vals = np.concatenate(self.vals)
        lo, hi = np.minimum(rows, cols).astype(np.int64), np.maximum(rows, cols).astype(np.int64)
        keys, first = unique_first(lo * n + hi)
        vals = vals[first]
        extra = listed.pairs()
        if extra:
            # listed pairs carry a bonus or a penalty: score them exactly, in or out of the graph
            more = _keys(extra, n)
            keys, vals = _merge(keys, vals, more, scorer(more // n, more % n))
        lo, hi = keys // n, keys % n
        graph = sp.csr_matrix((np.r_[vals, vals], (np.r_[lo, hi], np.r_[hi, lo])), shape=(n, n))
        graph.sort_indices()
        return ScoreGraph(graph, self.ceiling, scorer)


def _merge(
    keys: np.ndarray, vals: np.ndarray, more: np.ndarray, more_vals: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``keys`` with ``more`` added; where both hold a key, ``more_vals`` wins."""
    keep = ~np.isin(keys, more)
    all_keys = np.r_[keys[keep], more]
    order = np.argsort(all_keys, kind="stable")
    return all_keys[order], np.r_[vals[keep], more_vals][order]
