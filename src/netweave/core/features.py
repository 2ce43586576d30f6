"""What pair scores and their reasons are made of: everyone's features, computed once.

:class:`Features` holds, per person, the interest tags, the text vectors of the free-text
fields, the kind of community, the time zone's offset and the region.
:func:`~netweave.core.affinity.build_affinities` sums the parts of the scores from it, and
:class:`~netweave.core.reasons.ProfileReasons` explains one pair at a time from it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from scipy import sparse

from netweave.core.people import Person
from netweave.core.text import TextModel

__all__ = [
    "DAY",
    "GENERIC_TAIL",
    "Features",
    "Pair",
    "closeness",
    "first_timer_match",
    "offer_match",
    "pair",
]

# time zones this many minutes apart (or more) get no closeness at all
_TZ_HORIZON = 8 * 60
#: minutes in a day: time-zone offsets are compared around the clock
DAY = 24 * 60
#: "data science community" and "data science communities" are the same kind of community
GENERIC_TAIL = re.compile(r"\s+(community|communities)$", re.IGNORECASE)

#: an unordered pair of positions, ``i < j``
Pair = tuple[int, int]


def pair(i: int, j: int) -> Pair:
    """The unordered pair of ``i`` and ``j``, smaller first.

    Examples
    --------
    >>> pair(3, 1), pair(1, 3)
    ((1, 3), (1, 3))
    """
    return (i, j) if i < j else (j, i)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _profile_text(p: Person) -> str:
    # full stops keep phrases from running across fields ("mentoring. onboarding" is no phrase)
    return ". ".join((p.about, p.community, ". ".join(p.interests), p.looking_for))


def _utc_offset(zone: str, when: datetime, cache: dict[str, float]) -> float:
    """Minutes east of UTC at ``when``; NaN for an unknown zone (it then scores nothing)."""
    if zone not in cache:
        try:
            offset = ZoneInfo(zone).utcoffset(when)
        except (ZoneInfoNotFoundError, ValueError):
            offset = None
        cache[zone] = math.nan if offset is None else offset.total_seconds() / 60
    return cache[zone]


def _region(p: Person) -> str:
    """The country as written (last comma part of the location), else the time zone area."""
    if p.location.strip():
        return p.location.rsplit(",", 1)[-1].strip()
    area, slash, _ = p.timezone.partition("/")
    return area.replace("_", " ") if slash and area not in ("Etc", "SystemV") else ""


def _community_kind(community: str) -> str:
    return _norm(GENERIC_TAIL.sub("", community.strip()))


def _keys(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """A code per value (equal values, equal codes) and the distinct values by code.

    The empty value always gets the last code, so a lookup table can give it a row of
    zeros: an unknown community, zone or country matches nobody, not even another unknown.
    """
    distinct: dict[str, int] = {}
    for value in values:
        if value:
            distinct.setdefault(value, len(distinct))
    nobody = len(distinct)
    codes = np.array([distinct.get(v, nobody) for v in values], dtype=np.intp)
    return codes, [*distinct, ""]


@dataclass(eq=False)
class Features:
    """Everything about each person that pair scores and reasons are made of.

    Examples
    --------
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", timezone="Europe/Paris",
    ...              location="Lyon, France", community="Data science community")
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo", timezone="Europe/Berlin",
    ...             location="Paris, France", community="data science communities")
    >>> f = Features.of([ana, bo], "tfidf", datetime(2026, 1, 15, 12))
    >>> f.same_kind(0, 1), f.same_region(0, 1), f.offset(0) - f.offset(1)
    (True, True, 0.0)
    """

    people: Sequence[Person]
    index: dict[str, int]
    tags: list[dict[str, str]]  # normalised tag -> tag as written
    tag_matrix: sparse.csr_matrix  # person x tag, 0/1
    tag_counts: np.ndarray
    tag_people: dict[str, int]  # how many people carry each tag (rarer = more telling)
    model: TextModel  # fitted on whole profiles
    about: sparse.csr_matrix
    looking: sparse.csr_matrix
    profile: sparse.csr_matrix
    # few people share a text but many share a community kind, a zone or a country: those
    # parts are computed once per distinct value and looked up by code
    kind: np.ndarray
    kinds: list[str]
    kind_vectors: sparse.csr_matrix
    zone: np.ndarray
    zone_offsets: np.ndarray  # minutes east of UTC per distinct zone, NaN if unknown
    region: np.ndarray
    regions: list[str]  # distinct, case-folded
    region_names: list[str]  # as written, per person
    # what each offers and seeks (normalised topic -> as written), and both as person x
    # topic 0/1 matrices over one vocabulary, so seeks @ offers.T counts matching topics
    offers: list[dict[str, str]]
    seeks: list[dict[str, str]]
    offer_matrix: sparse.csr_matrix
    seek_matrix: sparse.csr_matrix
    first_time: np.ndarray  # bool per person: a first-timer (everyone else is a veteran)

    @classmethod
    def of(cls, people: Sequence[Person], backend: str, when: datetime) -> Features:
        tags = [{_norm(t): t.strip() for t in p.interests if _norm(t)} for p in people]
        tag_matrix, tag_people = _tag_matrix(tags)
        model = TextModel([_profile_text(p) for p in people], backend)
        kind, kinds = _keys([_community_kind(p.community) for p in people])
        zone, zones = _keys([p.timezone.strip() for p in people])
        cache: dict[str, float] = {}
        names = [_region(p) for p in people]
        region, regions = _keys([r.casefold() for r in names])
        offers = [{_norm(t): t.strip() for t in p.offers if _norm(t)} for p in people]
        seeks = [{_norm(t): t.strip() for t in p.seeks if _norm(t)} for p in people]
        offer_matrix, seek_matrix = _topic_matrices(offers, seeks)
        return cls(
            people=people,
            index=_index_of(people),
            tags=tags,
            tag_matrix=tag_matrix,
            tag_counts=np.array([len(t) for t in tags], dtype=np.float32),
            tag_people=tag_people,
            model=model,
            about=model.vectors([p.about for p in people]),
            looking=model.vectors([p.looking_for for p in people]),
            profile=model.corpus_vectors,
            kind=kind,
            kinds=kinds,
            kind_vectors=TextModel(kinds, backend).corpus_vectors,
            zone=zone,
            zone_offsets=np.array([_utc_offset(z, when, cache) for z in zones]),
            region=region,
            regions=regions,
            region_names=names,
            offers=offers,
            seeks=seeks,
            offer_matrix=offer_matrix,
            seek_matrix=seek_matrix,
            first_time=np.array([p.first_time for p in people], dtype=bool).reshape(len(people)),
        )

    def offset(self, i: int) -> float:
        return float(self.zone_offsets[self.zone[i]])

    def same_kind(self, i: int, j: int) -> bool:
        return self.kind[i] == self.kind[j] and self.kinds[self.kind[i]] != ""

    def same_region(self, i: int, j: int) -> bool:
        return self.region[i] == self.region[j] and self.regions[self.region[i]] != ""

    def pairs(self, emails: Iterable[tuple[str, str]]) -> set[Pair]:
        """Unordered index pairs of the email pairs whose people are both known."""
        out = set()
        for a, b in emails:
            i, j = self.index.get(a.strip().lower()), self.index.get(b.strip().lower())
            if i is not None and j is not None and i != j:
                out.add(pair(i, j))
        return out

    def requests(self) -> set[Pair]:
        return {
            (i, j)
            for i, p in enumerate(self.people)
            for j in (self.index.get(r.lower()) for r in p.requests)
            if j is not None and j != i
        }

    def avoided(self) -> set[Pair]:
        return self.pairs((p.id, a) for p in self.people for a in p.avoid)

    def offered(self, seeker: int, offerer: int) -> str | None:
        """A topic ``seeker`` looks for that ``offerer`` offers, as the offerer wrote it."""
        mine, theirs = self.seeks[seeker], self.offers[offerer]
        return next((theirs[t] for t in mine if t in theirs), None)


def _index_of(people: Sequence[Person]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, p in enumerate(people):
        if index.setdefault(p.id.lower(), i) != i:
            raise ValueError(f"duplicate person id {p.id!r}: ids must be unique")
    return index


def _tag_matrix(tags: Sequence[dict[str, str]]) -> tuple[sparse.csr_matrix, dict[str, int]]:
    columns: dict[str, int] = {}
    rows, cols = [], []
    for i, mine in enumerate(tags):
        for tag in mine:
            rows.append(i)
            cols.append(columns.setdefault(tag, len(columns)))
    ones = np.ones(len(rows), dtype=np.float32)
    matrix = sparse.csr_matrix((ones, (rows, cols)), shape=(len(tags), len(columns)))
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    return matrix, {tag: int(counts[c]) for tag, c in columns.items()}


def _topic_matrices(
    offers: Sequence[dict[str, str]], seeks: Sequence[dict[str, str]]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Offers and seeks as person x topic 0/1 matrices over one vocabulary."""
    columns: dict[str, int] = {}
    out = []
    for lists in (offers, seeks):
        rows, cols = [], []
        for i, mine in enumerate(lists):
            for topic in mine:
                rows.append(i)
                cols.append(columns.setdefault(topic, len(columns)))
        out.append((rows, cols))
    shape = (len(offers), len(columns))
    return tuple(  # type: ignore[return-value]
        sparse.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=shape) for r, c in out
    )


def offer_match(
    f: Features, rows: slice | np.ndarray, cols: np.ndarray | None = None
) -> np.ndarray:
    """1 where one of the two seeks a topic the other offers, else 0: for rows ``rows``
    against everyone (``cols=None``, a float32 block), or pairwise ``(rows[k], cols[k])``.

    Examples
    --------
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana", offers=("grant writing",))
    >>> kofi = Person("kofi@x.org", "kofi@x.org", "Kofi", seeks=("Grant  writing",))
    >>> f = Features.of([ana, kofi], "tfidf", datetime(2026, 1, 15, 12))
    >>> offer_match(f, slice(0, 2)).tolist(), f.offered(1, 0)
    ([[0.0, 1.0], [1.0, 0.0]], 'grant writing')
    """
    o, s = f.offer_matrix, f.seek_matrix
    if cols is None:
        both = (s[rows] @ o.T + o[rows] @ s.T).toarray()
        return (both > 0).astype(np.float32)
    i, j = np.asarray(rows), np.asarray(cols)
    found = np.asarray(s[i].multiply(o[j]).sum(axis=1)).ravel()
    found += np.asarray(o[i].multiply(s[j]).sum(axis=1)).ravel()
    return (found > 0).astype(np.float64)


def first_timer_match(
    f: Features, rows: slice | np.ndarray, cols: np.ndarray | None = None
) -> np.ndarray:
    """1 where one is a first-timer and the other a veteran, as :func:`offer_match`.

    Examples
    --------
    >>> people = [Person(e, e, e, first_time=t) for e, t in (("a", True), ("b", False))]
    >>> f = Features.of(people, "tfidf", datetime(2026, 1, 15, 12))
    >>> first_timer_match(f, slice(0, 2)).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    ft = f.first_time
    if cols is None:
        return (ft[rows][:, None] != ft[None, :]).astype(np.float32)
    return (ft[np.asarray(rows)] != ft[np.asarray(cols)]).astype(np.float64)


def closeness(minutes_apart: np.ndarray) -> np.ndarray:
    """1 for equal offsets, falling linearly to 0 at 8 hours apart, around the clock.

    Examples
    --------
    >>> closeness(np.array([0, 120, 480, 23 * 60])).tolist()
    [1.0, 0.75, 0.0, 0.875]
    """
    gap = np.abs(minutes_apart) % DAY
    gap = np.minimum(gap, DAY - gap)
    return np.nan_to_num(np.clip(1 - gap / _TZ_HORIZON, 0, 1), nan=0.0)
