"""Pair scores with human reasons.

An :class:`Affinity` is what every planner reads: a symmetric score for each pair of people,
the pairs that must never meet, the requests people made, and a way to explain a pair in
short sentences. It does not know where its scores came from (computed from profiles by
:func:`build_affinity`, or read from an edge table by :func:`affinity_from_edges`).

Examples
--------
>>> from netweave.core.people import Person
>>> ana = Person("ana@x.org", "ana@x.org", "Ana Lima", interests=("mentoring", "events"))
>>> kofi = Person("kofi@x.org", "kofi@x.org", "Kofi Mensah", interests=("mentoring",),
...               requests=("ana@x.org",))
>>> aff = build_affinity([ana, kofi])
>>> aff.reasons(0, 1)
('Kofi asked to meet Ana', 'Ana and Kofi both work on mentoring')
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from netweave.core.arrays import unique_first
from netweave.core.config import HISTORY_MODES, Weights
from netweave.core.edge_text import csv_rows, id_bytes
from netweave.core.features import (
    Features,
    Pair,
    closeness,
    first_timer_match,
    offer_match,
    pair,
)
from netweave.core.people import Person
from netweave.core.reasons import ProfileReasons
from netweave.core.score_graph import Listed, build_graphs
from netweave.core.text import check_backend, iter_dot_blocks

__all__ = [
    "GRAPH_KEEP",
    "REFERENCE_INSTANT",
    "SPARSE_ABOVE",
    "Affinity",
    "AffinitySpec",
    "affinity_from_edges",
    "build_affinities",
    "build_affinity",
    "write_edges",
]

Explainer = Callable[[int, int], tuple[str, ...]]


@dataclass(frozen=True, eq=False)
class Affinity:
    """Symmetric pair scores over people ``0..n-1`` (``ids[i]`` names person ``i``).

    Dense: ``scores`` is an ``(n, n)`` float32 matrix, symmetric, zero on the diagonal.
    Sparse (many people): ``scores`` is None and ``graph`` a symmetric CSR matrix holding
    everyone's best partners and every listed pair; ``scorer(i, j)`` gives the exact score of
    any pairs (absent: a pair outside the graph scores 0) and ``ceiling[i]`` is at least the
    score of any pair of ``i`` outside the graph. Read scores through :meth:`score`,
    :meth:`pair_scores` and :meth:`block`, which work either way. A forbidden pair keeps
    whatever score it has but planners must never use it: always ask :meth:`allowed`.
    """

    ids: tuple[str, ...]
    scores: np.ndarray | None
    #: unordered pairs ``(i, j)``, ``i < j``, that must never meet (avoid lists, history)
    forbidden: frozenset[tuple[int, int]] = frozenset()
    #: directed requests ``(asker, asked)``
    requests: frozenset[tuple[int, int]] = frozenset()
    #: unordered pairs the organizers want to meet
    must_meet: frozenset[tuple[int, int]] = frozenset()
    #: ``explainer(i, j)`` gives the top reasons for a pair, best first
    explainer: Explainer | None = None
    #: sparse form: candidate pairs with their exact scores (see the class notes)
    graph: sp.csr_matrix | None = None
    scorer: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    ceiling: np.ndarray | None = None
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        held = self.scores if self.scores is not None else self.graph
        if held is None:
            raise ValueError("an Affinity needs scores or a graph")
        if held.shape != (n, n):
            raise ValueError(f"scores must be {n}x{n}, got {held.shape}")
        if self.graph is not None and not self.graph.has_sorted_indices:
            self.graph.sort_indices()  # lookups rely on it
        object.__setattr__(self, "_index", {pid: i for i, pid in enumerate(self.ids)})

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def sparse(self) -> bool:
        """True when the scores are a candidate graph rather than a matrix."""
        return self.scores is None

    def index(self, pid: str) -> int:
        """The position of the person with id ``pid`` (ids are lower-cased emails)."""
        return self._index[pid.lower()]

    def score(self, i: int, j: int) -> float:
        if self.scores is not None:
            return float(self.scores[i, j])
        return float(self.pair_scores(np.array([i]), np.array([j]))[0])

    def pair_scores(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The scores of the pairs ``(i[k], j[k])`` as float64, dense or sparse.

        Examples
        --------
        >>> s = np.array([[0, 2, 1], [2, 0, 3], [1, 3, 0]], dtype=np.float32)
        >>> dense = Affinity(("a", "b", "c"), s)
        >>> sparse = Affinity(("a", "b", "c"), None, graph=sp.csr_matrix(s))
        >>> dense.pair_scores([0, 1], [1, 2]).tolist(), sparse.pair_scores([0, 1], [1, 2]).tolist()
        ([2.0, 3.0], [2.0, 3.0])
        """
        i, j = np.asarray(i, dtype=np.intp), np.asarray(j, dtype=np.intp)
        if self.scores is not None:
            return self.scores[i, j].astype(np.float64)
        return self._sparse_scores(i.ravel(), j.ravel()).reshape(i.shape)

    def _sparse_scores(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Graph pairs read from the graph; the others from the scorer (or 0 without one)."""
        g = self.graph
        assert g is not None
        if "_keys" not in self.__dict__:  # the graph's entries as sorted keys, made once
            rows = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(g.indptr))
            object.__setattr__(self, "_keys", rows * self.n + g.indices)
        keys: np.ndarray = self.__dict__["_keys"]
        query = i.astype(np.int64) * self.n + j
        at = np.minimum(np.searchsorted(keys, query), max(len(keys) - 1, 0))
        hit = keys[at] == query if len(keys) else np.zeros(len(query), bool)
        out = np.where(hit, g.data[at] if len(keys) else 0.0, 0.0).astype(np.float64)
        if self.scorer is not None and not hit.all():
            out[~hit] = self.scorer(i[~hit], j[~hit])
        out[i == j] = 0.0
        return out

    def block(self, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray:
        """The float64 scores of ``rows`` against ``cols``, exact in either form.

        Examples
        --------
        >>> s = np.array([[0, 2, 1], [2, 0, 3], [1, 3, 0]], dtype=np.float32)
        >>> Affinity(("a", "b", "c"), None, graph=sp.csr_matrix(s)).block([0], [1, 2]).tolist()
        [[2.0, 1.0]]
        """
        r, c = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
        if self.scores is not None:
            return self.scores[np.ix_(r, c)].astype(np.float64)
        i, j = np.broadcast_arrays(r[:, None], c[None, :])
        return self.pair_scores(i, j)

    def allowed(self, i: int, j: int) -> bool:
        return i != j and pair(i, j) not in self.forbidden

    def requested(self, asker: int, asked: int) -> bool:
        return (asker, asked) in self.requests

    def mutual(self, i: int, j: int) -> bool:
        return (i, j) in self.requests and (j, i) in self.requests

    def reasons(self, i: int, j: int) -> tuple[str, ...]:
        """Short sentences a person understands, best first; empty when nothing is known."""
        return self.explainer(i, j) if self.explainer else ()

    def candidate_pairs(
        self, k: int = 30, extra: Iterable[tuple[int, int]] = ()
    ) -> list[tuple[int, int]]:
        """A sparse candidate graph: each person's ``k`` best allowed partners, every requested
        and must-meet pair, and ``extra`` pairs; as sorted unordered pairs ``(i, j)``, ``i < j``.

        The design notes measured that restricting a matching to each person's 20-40 best
        candidates loses < 0.05 % of quality, and it makes 10,000 people tractable.
        """
        n = self.n
        pairs: set[tuple[int, int]] = set()
        if n > 1 and self.graph is not None:
            pairs.update(self._graph_top(k))
        elif n > 1:
            assert self.scores is not None
            masked = self.scores.astype(np.float32, copy=True)
            np.fill_diagonal(masked, -np.inf)
            for i, j in self.forbidden:
                masked[i, j] = masked[j, i] = -np.inf
            kk = min(k, n - 1)
            top = np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
            rows = np.repeat(np.arange(n), kk)
            cols = top.ravel()
            ok = np.isfinite(masked[rows, cols])
            lo = np.minimum(rows[ok], cols[ok])
            hi = np.maximum(rows[ok], cols[ok])
            pairs.update(zip(lo.tolist(), hi.tolist(), strict=True))
        for a, b in (*self.requests, *self.must_meet, *extra):
            if self.allowed(a, b):
                pairs.add(pair(a, b))
        return sorted(pairs)

    def _graph_top(self, k: int) -> Iterator[tuple[int, int]]:
        """Each person's ``k`` best allowed partners in the graph."""
        assert self.graph is not None
        coo = self.graph.tocoo()
        ok = coo.row != coo.col
        if self.forbidden:
            bad = np.array(sorted(self.forbidden), dtype=np.int64)
            bad_keys = bad[:, 0] * self.n + bad[:, 1]
            lo, hi = np.minimum(coo.row, coo.col), np.maximum(coo.row, coo.col)
            ok &= ~np.isin(lo.astype(np.int64) * self.n + hi, bad_keys)
        rows, cols, vals = coo.row[ok], coo.col[ok], coo.data[ok]
        order = np.lexsort((cols, -vals, rows))
        rows, cols = rows[order], cols[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
        mine = rank < k
        lo, hi = np.minimum(rows[mine], cols[mine]), np.maximum(rows[mine], cols[mine])
        return zip(lo.tolist(), hi.tolist(), strict=True)

    def subset(self, keep: Sequence[int]) -> Affinity:
        """The affinity restricted to the people at positions ``keep`` (renumbered 0..)."""
        pos = {old: new for new, old in enumerate(keep)}
        idx = np.asarray(keep, dtype=np.intp)

        def remap(pairs: Iterable[tuple[int, int]], ordered: bool) -> frozenset[tuple[int, int]]:
            out = set()
            for a, b in pairs:
                if a in pos and b in pos:
                    out.add((pos[a], pos[b]) if ordered else pair(pos[a], pos[b]))
            return frozenset(out)

        parent = self.explainer
        explainer = (lambda i, j: parent(keep[i], keep[j])) if parent else None
        scorer = self.scorer
        return Affinity(
            ids=tuple(self.ids[i] for i in keep),
            scores=None if self.scores is None else self.scores[np.ix_(idx, idx)],
            graph=None if self.graph is None else self.graph[idx][:, idx].tocsr(),
            scorer=(lambda i, j: scorer(idx[i], idx[j])) if scorer else None,
            ceiling=None if self.ceiling is None else self.ceiling[idx],
            forbidden=remap(self.forbidden, ordered=False),
            requests=remap(self.requests, ordered=True),
            must_meet=remap(self.must_meet, ordered=False),
            explainer=explainer,
        )


# ------------------------------------------------------------------- building scores from profiles

#: the instant whose UTC offsets are compared when no event time is given: a fixed date keeps
#: scores reproducible (daylight saving time would otherwise make them depend on today)
REFERENCE_INSTANT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
#: above this many people :func:`build_affinities` builds sparse affinities: the dense
#: matrices cost 4·n² bytes each (3,000 people: 36 MB; 50,000: 10 GB)
SPARSE_ABOVE = 3000
#: partners kept per person in the sparse graph (twice the rounds' default candidates)
GRAPH_KEEP = 60
# rows per block when a part is computed by broadcasting (time zones, regions)
_ROWS_PER_BLOCK = 512

# Each part yields (start, stop, rows start:stop of the part) with values in [0, 1].
Blocks = Iterator[tuple[int, int, np.ndarray]]


def _interest_blocks(f: Features) -> Blocks:
    counts = f.tag_counts
    for start, stop, shared in iter_dot_blocks(f.tag_matrix, f.tag_matrix):
        union = counts[start:stop, None] + counts[None, :] - shared
        # Jaccard; people without tags share nothing (0/0 counts as 0)
        yield start, stop, np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def _looking_for_blocks(f: Features) -> Blocks:
    # A looking for what B does, and B looking for what A does, averaged: the first pass
    # fills (a, b) with looking[a].about[b], the second adds about[a].looking[b]
    for start, stop, block in iter_dot_blocks(f.looking, f.about):
        yield start, stop, block * np.float32(0.5)
    for start, stop, block in iter_dot_blocks(f.about, f.looking):
        yield start, stop, block * np.float32(0.5)


def _profile_blocks(f: Features) -> Blocks:
    yield from iter_dot_blocks(f.profile, f.profile)


def _row_blocks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, _ROWS_PER_BLOCK):
        yield start, min(n, start + _ROWS_PER_BLOCK)


def _keyed_blocks(codes: np.ndarray, table: np.ndarray) -> Blocks:
    """Rows of ``table[codes[a], codes[b]]``, gathered one row block at a time."""
    table = table.astype(np.float32, copy=False)
    for start, stop in _row_blocks(len(codes)):
        yield start, stop, np.take(table[codes[start:stop]], codes, axis=1)


def _community_blocks(f: Features) -> Blocks:
    # TF-IDF cosine between distinct kinds, 1 within a kind; the last kind (unknown) is the
    # empty text, whose similarity is 0 to all, itself included
    table = np.vstack([block for _, _, block in iter_dot_blocks(f.kind_vectors, f.kind_vectors)])
    np.fill_diagonal(table, 1.0)
    table[-1, -1] = 0.0
    yield from _keyed_blocks(f.kind, table)


def _timezone_blocks(f: Features) -> Blocks:
    off = f.zone_offsets
    yield from _keyed_blocks(f.zone, closeness(off[:, None] - off[None, :]))


def _region_blocks(f: Features) -> Blocks:
    table = np.eye(len(f.regions), dtype=np.float32)
    table[-1, -1] = 0.0  # the last code is "no region"
    yield from _keyed_blocks(f.region, table)


def _offer_blocks(f: Features) -> Blocks:
    for start, stop in _row_blocks(len(f.people)):
        yield start, stop, offer_match(f, slice(start, stop))


def _first_timer_blocks(f: Features) -> Blocks:
    for start, stop in _row_blocks(len(f.people)):
        yield start, stop, first_timer_match(f, slice(start, stop))


_PARTS: dict[str, Callable[[Features], Blocks]] = {
    "interests": _interest_blocks,
    "looking_for": _looking_for_blocks,
    "profile": _profile_blocks,
    "community": _community_blocks,
    "timezone": _timezone_blocks,
    "region": _region_blocks,
    "offers": _offer_blocks,
    "first_timer": _first_timer_blocks,
}


def _add_pair_bonus(scores: np.ndarray, pairs: Iterable[Pair], amount: float) -> None:
    pairs = list(pairs)
    if pairs and amount:
        rows, cols = np.array(pairs, dtype=np.intp).T
        scores[rows, cols] += np.float32(amount)
        scores[cols, rows] += np.float32(amount)


def _symmetrise(scores: np.ndarray) -> None:
    """Copy the upper triangle onto the lower one, in row blocks.

    The parts are symmetric in exact arithmetic, but a product and its mirror can be summed
    in different orders and differ in the last bit; planners may rely on exact symmetry.
    """
    for start, stop in _row_blocks(scores.shape[0]):
        scores[start:stop, :start] = scores[:start, start:stop].T
        block = scores[start:stop, start:stop]
        lower = np.tril_indices(stop - start, -1)
        block[lower] = block.T[lower]
    np.fill_diagonal(scores, 0.0)


def build_affinity(
    people: Sequence[Person],
    weights: Weights | None = None,
    *,
    history: Iterable[tuple[str, str]] = (),
    history_mode: str = "exclude",
    must_meet: Iterable[tuple[str, str]] = (),
    text_backend: str = "tfidf",
    when: datetime | None = None,
) -> Affinity:
    """Pair scores and reasons computed from registration profiles.

    A pair's score is the weighted sum of these parts (see :class:`~netweave.core.config.Weights`):

    ==============  ==========================================================================
    interests       Jaccard similarity of the two sets of interest tags (case-insensitive)
    looking_for     TF-IDF cosine of A's *looking for* with B's *about*, and B's with A's, averaged
    profile         TF-IDF cosine of whole profiles (about, community, interests, looking for)
    community       1 for the same kind of community, else TF-IDF cosine of the community names
    timezone        1 for equal UTC offsets, falling linearly to 0 at 8 hours apart (either way
                    round the clock)
    region          1 for the same country (last comma part of the location, case-insensitive),
                    or the same time zone area ("Australia") when no location is given
    offers          1 when one seeks a topic the other offers (``seeks``/``offers`` columns)
    first_timer     1 for a first-timer with a veteran (``first_time`` column)
    request         one asked to meet the other; ``mutual_request`` instead if both did
    must_meet       the pair is on the organizers' list
    ==============  ==========================================================================

    Parameters
    ----------
    people : sequence of Person
        The registrants; ``people[i]`` becomes person ``i``. Ids must be unique.
    weights : Weights, optional
        Defaults to ``Weights()``. A part with weight 0 is not computed at all.
    history : iterable of (email, email)
        Pairs who met at a past event; unknown emails are ignored.
    history_mode : {"exclude", "penalise", "ignore"}
        Forbid those pairs, subtract ``weights.history_penalty`` from their score, or neither.
    must_meet : iterable of (email, email)
        The organizers' must-meet pairs; pairs with unknown emails are ignored (the caller
        warns about them).
    text_backend : str
        How free text is compared; only ``"tfidf"``.
    when : datetime, optional
        The instant at which UTC offsets are compared (the event's start); defaults to
        :data:`REFERENCE_INSTANT` so results never depend on today's date.

    Returns
    -------
    Affinity
        Float32 scores, symmetric with a zero diagonal. ``avoid`` lists forbid a pair both
        ways. ``reasons(i, j)`` explains a pair in up to three sentences, computed only when
        asked.

    Notes
    -----
    Time and memory are dominated by the ``n x n`` float32 matrix, which each part updates
    in row blocks: 10,000 people take about 12 s and 0.7 GB. Every other structure is sparse.

    Examples
    --------
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring", "events"),
    ...              timezone="Europe/Paris")
    >>> kofi = Person("kofi@x.org", "kofi@x.org", "Kofi", interests=("mentoring",),
    ...               timezone="Africa/Accra")
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo", interests=("events",),
    ...             timezone="Europe/Paris", avoid=("kofi@x.org",))
    >>> aff = build_affinity([ana, kofi, bo])
    >>> round(aff.score(0, 1), 3), round(aff.score(0, 2), 3), aff.allowed(1, 2)
    (3.082, 3.707, False)
    """
    spec = AffinitySpec(weights or Weights(), history_mode, tuple(must_meet))
    return build_affinities(people, [spec], history=history, text_backend=text_backend, when=when)[
        0
    ]


@dataclass(frozen=True)
class AffinitySpec:
    """One weighting of the parts, for :func:`build_affinities`."""

    weights: Weights = field(default_factory=Weights)
    history_mode: str = "exclude"
    must_meet: tuple[tuple[str, str], ...] = ()


def build_affinities(
    people: Sequence[Person],
    specs: Sequence[AffinitySpec],
    *,
    history: Iterable[tuple[str, str]] = (),
    text_backend: str = "tfidf",
    when: datetime | None = None,
    sparse: bool | None = None,
    keep: int = GRAPH_KEEP,
    progress: Callable[[int, int], None] | None = None,
) -> list[Affinity]:
    """One :class:`Affinity` per spec, computing each part of the score only once.

    The planner needs two weightings of the same people (one-on-one rounds and small groups);
    the ``n x n`` products of the parts dominate the cost, so both are summed in one pass.
    See :func:`build_affinity` for the parts and parameters.

    Above :data:`SPARSE_ABOVE` people (or with ``sparse=True``) the affinities are sparse:
    each person's ``keep`` best partners and every listed pair, found in row blocks by
    :func:`~netweave.core.score_graph.build_graphs`, with exact scores for any other pair on
    demand; ``progress(done, total)`` is called per block of rows.

    Examples
    --------
    >>> from netweave.core.config import GROUP_WEIGHTS
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", interests=("mentoring",))
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo", interests=("mentoring",))
    >>> rounds, groups = build_affinities(
    ...     [ana, bo], [AffinitySpec(), AffinitySpec(GROUP_WEIGHTS, "penalise")])
    >>> rounds.score(0, 1) != groups.score(0, 1)
    True
    """
    modes = [_history_mode(spec.history_mode) for spec in specs]
    f = Features.of(people, check_backend(text_backend), when or REFERENCE_INSTANT)
    if sparse if sparse is not None else len(people) > SPARSE_ABOVE:
        return _sparse_affinities(f, specs, modes, list(history), keep, progress)
    all_scores = _profile_scores(f, [spec.weights for spec in specs])
    requests, history = f.requests(), list(history)
    out = []
    for spec, mode, scores in zip(specs, modes, all_scores, strict=True):
        must = f.pairs(spec.must_meet)
        met = f.pairs(history) if mode != "ignore" else set()
        penalised = met if mode == "penalise" else set()
        _add_listed_pairs(scores, spec.weights, requests, must, penalised)
        _symmetrise(scores)
        out.append(
            Affinity(
                ids=tuple(p.id for p in people),
                scores=scores,
                forbidden=frozenset(f.avoided() | (met if mode == "exclude" else set())),
                requests=frozenset(requests),
                must_meet=frozenset(must),
                explainer=ProfileReasons(
                    f, spec.weights, requests, must, penalised, met if mode == "exclude" else set()
                ),
            )
        )
    return out


def _sparse_affinities(
    f: Features,
    specs: Sequence[AffinitySpec],
    modes: Sequence[str],
    history: list[tuple[str, str]],
    keep: int,
    progress: Callable[[int, int], None] | None,
) -> list[Affinity]:
    requests = f.requests()
    listed, forbidden, explainers = [], [], []
    for spec, mode in zip(specs, modes, strict=True):
        must = f.pairs(spec.must_meet)
        met = f.pairs(history) if mode != "ignore" else set()
        penalised = met if mode == "penalise" else set()
        listed.append(Listed(frozenset(requests), frozenset(must), frozenset(penalised)))
        forbidden.append(frozenset(f.avoided() | (met if mode == "exclude" else set())))
        explainers.append(ProfileReasons(f, spec.weights, requests, must, penalised))
    graphs = build_graphs(f, [s.weights for s in specs], listed, keep, progress)
    return [
        Affinity(
            ids=tuple(p.id for p in f.people),
            scores=None,
            forbidden=banned,
            requests=frozenset(requests),
            must_meet=lst.must,
            explainer=explainer,
            graph=g.graph,
            scorer=g.scorer,
            ceiling=g.ceiling,
        )
        for g, lst, banned, explainer in zip(graphs, listed, forbidden, explainers, strict=True)
    ]


def _profile_scores(f: Features, weight_sets: Sequence[Weights]) -> list[np.ndarray]:
    """Per weighting, the weighted sum of the parts computed from profiles, block by block."""
    n = len(f.people)
    all_scores = [np.zeros((n, n), dtype=np.float32) for _ in weight_sets]
    for name, part in _PARTS.items():
        weights = [np.float32(getattr(w, name)) for w in weight_sets]
        if any(weights):  # a part weighted 0 everywhere costs nothing
            for start, stop, block in part(f):
                for scores, weight in zip(all_scores, weights, strict=True):
                    if weight:
                        scores[start:stop] += block * weight
    return all_scores


def _add_listed_pairs(
    scores: np.ndarray, w: Weights, requests: set[Pair], must: set[Pair], penalised: set[Pair]
) -> None:
    """Add the parts that come from lists of pairs: requests, must-meet, past meetings."""
    mutual = {pair(a, b) for a, b in requests if (b, a) in requests}
    _add_pair_bonus(scores, {pair(a, b) for a, b in requests} - mutual, w.request)
    _add_pair_bonus(scores, mutual, w.mutual_request)
    _add_pair_bonus(scores, must, w.must_meet)
    _add_pair_bonus(scores, penalised, -w.history_penalty)


def _history_mode(mode: str) -> str:
    mode = "penalise" if mode == "penalize" else mode
    if mode not in HISTORY_MODES:
        known = ", ".join(repr(m) for m in HISTORY_MODES)
        raise ValueError(f"unknown history mode {mode!r}: choose one of {known}")
    return mode


# --------------------------------------------------------------------------- edge tables

# an edges file with thousands of bad lines is a wrong file; list this many, then count
_MAX_LISTED = 50
# rows checked and stored together: per-row Python would take minutes for 50 million rows
_READ_BATCH = 200_000


class _EdgeReader:
    """Reads ``a,b,score`` rows in batches with whole-array checks, collecting every problem."""

    def __init__(self, ids: Sequence[str], path: Path) -> None:
        self.path = path
        self.index = {pid.strip().lower(): i for i, pid in enumerate(ids)}
        n = len(ids)
        self.scores = np.zeros((n, n), dtype=np.float32)
        self.seen = np.zeros((n, n), dtype=bool)  # n^2 bytes; a set of pairs costs ~100x more
        self.problems: list[tuple[int, str]] = []

    def read(self, rows: Iterator[list[str]]) -> None:
        header = next(rows, [])
        if [c.strip().lower() for c in header] != ["a", "b", "score"]:
            self.problems.append((1, f'expected the header "a,b,score", got "{",".join(header)}"'))
        line = 2
        while batch := list(itertools.islice(rows, _READ_BATCH)):
            self.batch(batch, line)
            line += len(batch)

    def batch(self, batch: list[list[str]], first_line: int) -> None:
        width = np.array([len(r) for r in batch])
        lines = np.arange(first_line, first_line + len(batch))
        for k in np.flatnonzero((width != 3) & (width != 0)):  # an empty list is a blank line
            self.problems.append((int(lines[k]), f"expected 3 columns a,b,score, got {width[k]}"))
        full = [r for r in batch if len(r) == 3]
        if full:
            a, b, text = (list(column) for column in zip(*full, strict=True))
            self.store(a, b, text, lines[width == 3])

    def store(self, a: list[str], b: list[str], text: list[str], lines: np.ndarray) -> None:
        i, j = self.codes(a), self.codes(b)
        score, number = _floats(text)
        unknown = (i < 0) | (j < 0)
        checks = [
            (unknown, lambda k: "; ".join(f'unknown id "{x}"' for x in _unknown(a, b, i, j, k))),
            (~number, lambda k: f'score "{text[k].strip()}" is not a number'),
            (i == j, lambda k: f'"{a[k].strip()}" is paired with itself'),
            (~np.isfinite(score), lambda k: f'score "{text[k].strip()}" is not a finite number'),
        ]
        bad = np.zeros(len(a), dtype=bool)
        for failed, message in checks:
            for k in np.flatnonzero(failed & ~bad):  # one problem per line: the first found
                self.problems.append((int(lines[k]), message(k)))
            bad |= failed
        lo, hi = np.minimum(i, j)[~bad], np.maximum(i, j)[~bad]
        self.keep(lo, hi, score[~bad], lines[~bad])

    def codes(self, ids: list[str]) -> np.ndarray:
        """Each id's position, -1 if unknown."""
        index = self.index
        return np.array([index.get(x.strip().lower(), -1) for x in ids], dtype=np.intp)

    def keep(self, lo: np.ndarray, hi: np.ndarray, score: np.ndarray, lines: np.ndarray) -> None:
        """Store good rows; a pair given before (in this batch or an earlier one) is an error."""
        _, first = unique_first(lo * self.scores.shape[0] + hi)
        repeat = np.ones(len(lo), dtype=bool)
        repeat[first] = False
        repeat |= self.seen[lo, hi]
        for k in np.flatnonzero(repeat):
            self.problems.append((int(lines[k]), "this pair was already given on an earlier line"))
        lo, hi, score = lo[~repeat], hi[~repeat], score[~repeat]
        self.seen[lo, hi] = True
        self.scores[lo, hi] = self.scores[hi, lo] = score

    def report(self) -> str:
        listed = [f"{self.path}:{line}: {msg}" for line, msg in sorted(self.problems)]
        if len(listed) > _MAX_LISTED:
            listed[_MAX_LISTED:] = [f"... and {len(listed) - _MAX_LISTED} more problems"]
        return "\n".join(listed)


def _unknown(a: list[str], b: list[str], i: np.ndarray, j: np.ndarray, k: int) -> list[str]:
    return [x.strip() for x, code in ((a[k], i[k]), (b[k], j[k])) if code < 0]


def _floats(text: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The numbers in ``text`` (NaN where none) and which cells held one."""
    try:
        return np.array(text).astype(np.float64), np.ones(len(text), dtype=bool)
    except ValueError:  # some cell is not a number: find which, one by one
        parsed = [_float(t) for t in text]
        number = np.array([v is not None for v in parsed])
        return np.array([math.nan if v is None else v for v in parsed]), number


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def affinity_from_edges(ids: Sequence[str], path: str | Path) -> Affinity:
    """An :class:`Affinity` whose scores come from a CSV table ``a,b,score``.

    The header ``a,b,score`` is required; ``a`` and ``b`` are ids (emails, compared
    lower-case) from ``ids``; a pair may appear once, in either order. Pairs not in the table
    score 0. Scores may be negative (a pair to discourage), but must be finite numbers.

    Raises
    ------
    ValueError
        Listing every problem as ``file:line: message`` (up to 50, then a count).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "edges.csv"
    >>> _ = path.write_text("a,b,score\\nana@x.org,kofi@x.org,2.5\\n")
    >>> aff = affinity_from_edges(["ana@x.org", "kofi@x.org", "li@x.org"], path)
    >>> aff.score(1, 0), aff.score(0, 2), aff.reasons(0, 1)
    (2.5, 0.0, ('Score 2.50 from edges.csv',))
    """
    path = Path(path)
    reader = _EdgeReader(ids, path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader.read(csv.reader(fh))
    if reader.problems:
        raise ValueError(reader.report())
    scores, name = reader.scores, path.name
    return Affinity(
        ids=tuple(ids),
        scores=scores,
        explainer=lambda i, j: (f"Score {scores[i, j]:.2f} from {name}",) if scores[i, j] else (),
    )


# score cells per chunk when writing edges: each chunk's text stays in the tens of megabytes
_WRITE_CELLS = 1 << 20
# scores are written from integer millionths; int64 holds them below this
_MAX_WRITTEN = 1e12


def write_edges(affinity: Affinity, path: str | Path) -> int:
    """Write ``a,b,score`` for every allowed pair ``i < j`` with a positive score.

    Scores are rounded to 6 decimals (pairs that round to 0 are left out), ids are written
    as in ``affinity.ids``. Returns the number of rows written.

    Rows are made in numpy chunks of about half a million and streamed to the file: for
    10,000 people (50 million rows, 3.4 GB of text) this takes about a minute, and memory
    holds one chunk at a time (a few hundred megabytes at most), never the whole table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> scores = np.array([[0, 1.25, 0], [1.25, 0, 3], [0, 3, 0]], dtype=np.float32)
    >>> aff = Affinity(("a@x", "b@x", "c@x"), scores)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "edges.csv"
    >>> write_edges(aff, path)
    2
    >>> print(path.read_text(), end="")
    a,b,score
    a@x,b@x,1.25
    b@x,c@x,3
    """
    ids = id_bytes(affinity.ids)
    forbidden = np.array(sorted(affinity.forbidden), dtype=np.intp).reshape(-1, 2)
    forbidden.sort(axis=1)
    written = 0
    with Path(path).open("wb") as fh:
        fh.write(b"a,b,score\n")
        for rows, cols, micro in _positive_pairs(affinity.scores, forbidden):
            fh.write(csv_rows(ids[rows], ids[cols], micro))
            written += len(rows)
    return written


def _positive_pairs(scores: np.ndarray, forbidden: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
    """Chunks of ``(rows, cols, millionths)`` of the allowed upper-triangle pairs above 0."""
    n = scores.shape[0]
    step = max(1, _WRITE_CELLS // max(n, 1))
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = scores[start:stop].astype(np.float64)
        positive = block > 0  # NaN is not
        if (block[positive] >= _MAX_WRITTEN).any():
            raise ValueError(f"scores of {_MAX_WRITTEN:g} or more cannot be written")
        micro = np.rint(np.where(positive, block, 0) * 1e6).astype(np.int64)
        keep = np.triu(micro > 0, k=start + 1)
        mine = forbidden[(forbidden[:, 0] >= start) & (forbidden[:, 0] < stop)]
        keep[mine[:, 0] - start, mine[:, 1]] = False
        rows, cols = np.nonzero(keep)
        if len(rows):
            yield rows + start, cols, micro[rows, cols]
