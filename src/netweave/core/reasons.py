"""Reasons: the short sentences that explain why two people were matched.

:class:`ProfileReasons` is the explainer of an :class:`~netweave.core.affinity.Affinity` built
from profiles: for one pair at a time (never for all pairs) it recomputes each part of the
score from the :class:`~netweave.core.features.Features` and words the largest ones
("You both work on mentoring and events", "Time zones 1 hour apart").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from netweave.core.config import Weights
from netweave.core.features import DAY, GENERIC_TAIL, Features, Pair, closeness, pair
from netweave.core.people import Person

__all__ = ["ProfileReasons"]

# a weighted part below this is not worth a sentence
_NEGLIGIBLE = 0.1
_MAX_REASONS = 3


def _mid_sentence(words: str) -> str:
    """ "Mentoring" -> "mentoring" mid-sentence, but "DEI" and "GitHub" keep their capitals."""
    first = words.split(" ", 1)[0]
    return words if any(c.isupper() for c in first[1:]) else words[:1].lower() + words[1:]


def _join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _name(p: Person) -> str:
    return p.name.strip() or p.email


def _first_name(p: Person) -> str:
    return _name(p).split()[0]


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _gap(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:.0f} minutes"
    hours = minutes / 60
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def _utc(minutes: float) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(int(abs(minutes)), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def _row_dot(left: sparse.csr_matrix, i: int, right: sparse.csr_matrix, j: int) -> float:
    """Row ``i`` of ``left`` dot row ``j`` of ``right``, read straight from the CSR arrays
    (slicing a row out of a scipy matrix costs ~100x more, and reasons need thousands)."""
    a, b = slice(left.indptr[i], left.indptr[i + 1]), slice(right.indptr[j], right.indptr[j + 1])
    _, ia, ib = np.intersect1d(
        left.indices[a], right.indices[b], assume_unique=True, return_indices=True
    )
    return float(left.data[a][ia] @ right.data[b][ib])


# a reason: (weighted contribution, sentence)
Reason = tuple[float, str]


class ProfileReasons:
    """Reasons for one pair at a time, recomputed from the features (never for all pairs).

    Each part gives its weighted contribution and a sentence; the sentences of the largest
    contributions (by size: a penalty is worth knowing too) come first, ties in a fixed order.
    The answer does not depend on the order of ``i`` and ``j``.

    Parameters
    ----------
    f : Features
        Everyone's features.
    w : Weights
        The weights the scores were summed with.
    requests : set of (asker, asked)
        Directed requests.
    must, met : set of pairs
        The organizers' must-meet pairs, and pairs penalised for having met before.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana Lima", timezone="Europe/Paris",
    ...              interests=("mentoring",))
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo Carter", timezone="Europe/London",
    ...             interests=("mentoring", "events"))
    >>> f = Features.of([ana, bo], "tfidf", datetime(2026, 1, 15, 12, tzinfo=UTC))
    >>> ProfileReasons(f, Weights(), {(1, 0)}, set(), set())(0, 1)
    ('Bo Carter asked to meet Ana Lima', 'You both work on mentoring', 'Time zones 1 hour apart')
    """

    def __init__(
        self, f: Features, w: Weights, requests: set[Pair], must: set[Pair], met: set[Pair]
    ) -> None:
        self.f, self.w, self.requests, self.must, self.met = f, w, requests, must, met
        self.parts: tuple[Callable[[int, int], Reason | None], ...] = (
            self.request,
            self.must_meet,
            self.interests,
            self.looking_for,
            self.community,
            self.profile,
            self.timezone,
            self.region,
            self.history,
        )

    def __call__(self, i: int, j: int) -> tuple[str, ...]:
        if i == j:
            return ()
        i, j = pair(i, j)
        ranked = []
        for rank, part in enumerate(self.parts):
            reason = part(i, j)
            if reason and abs(reason[0]) >= _NEGLIGIBLE:
                ranked.append((-abs(reason[0]), rank, reason[1]))
        return tuple(sentence for *_, sentence in sorted(ranked)[:_MAX_REASONS])

    def request(self, i: int, j: int) -> Reason | None:
        a, b = self.f.people[i], self.f.people[j]
        ij, ji = (i, j) in self.requests, (j, i) in self.requests
        if ij and ji:
            return self.w.mutual_request, f"{_name(a)} and {_name(b)} asked to meet each other"
        if ij or ji:
            asker, asked = (a, b) if ij else (b, a)
            return self.w.request, f"{_name(asker)} asked to meet {_name(asked)}"
        return None

    def must_meet(self, i: int, j: int) -> Reason | None:
        if (i, j) in self.must:
            return self.w.must_meet, "The organizers want you two to meet"
        return None

    def history(self, i: int, j: int) -> Reason | None:
        if (i, j) in self.met:
            return -self.w.history_penalty, "You met at a past event"
        return None

    def interests(self, i: int, j: int) -> Reason | None:
        mine, theirs = self.f.tags[i], self.f.tags[j]
        shared = sorted(set(mine) & set(theirs), key=lambda t: (self.f.tag_people[t], t))
        if not shared:
            return None
        jaccard = len(shared) / len(set(mine) | set(theirs))
        words = [_mid_sentence(mine[t]) for t in shared[:3]]  # the rarest say the most
        return self.w.interests * jaccard, f"You both work on {_join(words)}"

    def looking_for(self, i: int, j: int) -> Reason | None:
        f = self.f
        ij, ji = _row_dot(f.looking, i, f.about, j), _row_dot(f.looking, j, f.about, i)
        if self.w.looking_for * (ij + ji) / 2 < _NEGLIGIBLE:
            return None  # not worth a sentence: skip the text work
        seeker, expert = (i, j) if ij >= ji else (j, i)
        a, b = f.people[seeker], f.people[expert]
        terms = f.model.shared_terms(a.looking_for, b.about, k=2)
        if not terms:
            return None
        sentence = (
            f"{_first_name(a)} is looking for someone who knows about {_join(terms)}: "
            f"{_first_name(b)} works on that"
        )
        return self.w.looking_for * (ij + ji) / 2, sentence

    def community(self, i: int, j: int) -> Reason | None:
        f = self.f
        a, b = f.people[i].community.strip(), f.people[j].community.strip()
        if f.same_kind(i, j):
            kind = _mid_sentence(GENERIC_TAIL.sub("", a))
            what = f"{kind} communities" if kind != _mid_sentence(a) else _a(kind)
            return self.w.community, f"You both run {what}"
        similarity = _row_dot(f.kind_vectors, f.kind[i], f.kind_vectors, f.kind[j])
        return self.w.community * similarity, f"Similar communities: {a} and {b}"

    def profile(self, i: int, j: int) -> Reason | None:
        similarity = _row_dot(self.f.profile, i, self.f.profile, j)
        if self.w.profile * similarity < _NEGLIGIBLE:
            return None  # not worth a sentence: skip the text work
        terms = self.f.model.shared_terms(i, j, k=3)
        if not terms:
            return None
        return self.w.profile * similarity, f"Your profiles both mention {_join(terms)}"

    def timezone(self, i: int, j: int) -> Reason | None:
        a, b = self.f.people[i], self.f.people[j]
        oa, ob = self.f.offset(i), self.f.offset(j)
        if math.isnan(oa) or math.isnan(ob):
            return None
        gap = abs(oa - ob) % DAY
        gap = min(gap, DAY - gap)
        near = float(closeness(np.array([gap]))[0])
        if gap:
            sentence = f"Time zones {_gap(gap)} apart"
        elif a.timezone == b.timezone:
            zone = a.timezone
            sentence = (
                f"Both in {zone}'s time zone" if "/" in zone else f"Both in the {zone} time zone"
            )
        else:
            sentence = f"Both on {_utc(oa)} time"
        return self.w.timezone * near, sentence

    def region(self, i: int, j: int) -> Reason | None:
        if self.f.same_region(i, j):
            return self.w.region, f"Both in {self.f.region_names[i]}"
        return None
