"""Reasons: the short sentences that explain why people were matched, as a person would write.

:class:`ProfileReasons` is the explainer of an :class:`~netweave.core.affinity.Affinity` built
from profiles: for one pair at a time (never for all pairs) it recomputes each part of the
score from the :class:`~netweave.core.features.Features` and turns the largest into
:class:`~netweave.core.reason_words.Fact` s: what the two asked for, what they have in common
(tags, the kind of community, a phrase both wrote) or can give each other (one knows what the
other is looking for), then context (the same country, similar working hours).
:func:`meeting_reasons` words the facts of a whole meeting, naming whom each is about, so a
trio's reasons never repeat and every meeting has at least one.

What is never a reason: a time zone, or how far apart two are (they say nothing two people
share; working hours that overlap do, as "easy to follow up"); a zone or place nobody gave
(a missing zone reads as UTC in the profile, so UTC alone is taken as not given).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse

from netweave.core.config import Weights
from netweave.core.features import DAY, GENERIC_TAIL, Features, Pair, closeness, pair
from netweave.core.people import Person, same_organization
from netweave.core.reason_words import (
    DIRECTED,
    MAX_LENGTH,
    Fact,
    join,
    plural,
    short_names,
    with_article,
    word,
)

__all__ = ["NO_REASON", "ProfileReasons", "meeting_reasons", "why_apart"]

# a weighted part below this is not worth a sentence (text is: it is what people wrote)
_NEGLIGIBLE = 0.1
_MAX_REASONS = 3
_MAX_TRIO_REASONS = 4
# working days overlap enough to follow up when the zones are at most this many minutes apart
_FOLLOW_UP = 3 * 60
# zones that may just mean "not given": the profile reads a missing zone as UTC
_NOT_GIVEN = frozenset(("", "utc", "etc/utc", "gmt", "etc/gmt", "uct", "etc/uct", "zulu"))
#: the reason of a meeting nothing else explains (scores from an edge table, no profiles)
NO_REASON = "New to each other: a chance to hear another view"


def _name(p: Person) -> str:
    return p.name.strip() or p.email


def _row_dot(left: sparse.csr_matrix, i: int, right: sparse.csr_matrix, j: int) -> float:
    """Row ``i`` of ``left`` dot row ``j`` of ``right``, read straight from the CSR arrays
    (slicing a row out of a scipy matrix costs ~100x more, and reasons need thousands)."""
    a, b = slice(left.indptr[i], left.indptr[i + 1]), slice(right.indptr[j], right.indptr[j + 1])
    _, ia, ib = np.intersect1d(
        left.indices[a], right.indices[b], assume_unique=True, return_indices=True
    )
    return float(left.data[a][ia] @ right.data[b][ib])


def _country(p: Person) -> str:
    """The country as the person wrote it (last comma part of the location), else ""."""
    return p.location.rsplit(",", 1)[-1].strip() if p.location.strip() else ""


def _free_text(p: Person) -> str:
    # full stops keep phrases from running across fields
    return ". ".join(t for t in (p.about, p.looking_for, *(v for _, v in p.extra)) if t.strip())


def _rank(facts: Sequence[Fact]) -> list[Fact]:
    """What was asked for first, then what is shared, then context; larger parts first."""
    order = {id(f): k for k, f in enumerate(facts)}
    return sorted(facts, key=lambda f: (f.tier, -abs(f.weight), order[id(f)]))


def _sentence(fact: Fact, name: Callable[[int], str]) -> str | None:
    """The fact's sentence, with fewer tags when too long; None when it cannot fit."""
    sentence = word(fact, name)
    if len(sentence) > MAX_LENGTH and fact.kind == "tags" and " and " in fact.what:
        sentence = word(replace(fact, what=fact.what.split(" and ")[0].split(", ")[0]), name)
    return sentence if len(sentence) <= MAX_LENGTH else None


class ProfileReasons:
    """Reasons for one pair at a time, recomputed from the features (never for all pairs).

    Each part gives a :class:`~netweave.core.reason_words.Fact` with its weighted
    contribution; requests and the organizers' wishes come first, then what the two share
    (largest first), then context. The answer does not depend on the order of ``i`` and
    ``j``. Sentences name both people (their first names), as the organizer reads them;
    :func:`~netweave.core.reason_words.for_viewer` rewrites them for one of the two.

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
    excluded : set of pairs
        Pairs kept apart for having met before (they never meet, so they get no reason, but
        a request between them is explained by :meth:`apart`).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana Lima", timezone="Europe/Paris",
    ...              interests=("mentoring",), location="Lyon, France")
    >>> bo = Person("bo@x.org", "bo@x.org", "Bo Carter", timezone="Europe/London",
    ...             interests=("mentoring", "events"), location="Paris, France")
    >>> f = Features.of([ana, bo], "tfidf", datetime(2026, 1, 15, 12, tzinfo=UTC))
    >>> for reason in ProfileReasons(f, Weights(), {(1, 0)}, set(), set())(0, 1):
    ...     print(reason)
    Bo asked to meet Ana
    Ana and Bo both work on mentoring
    Easy to follow up: Ana and Bo work similar hours
    >>> ProfileReasons(f, Weights(), set(), set(), set()).facts(0, 1)[-1].kind
    'region'
    """

    def __init__(
        self,
        f: Features,
        w: Weights,
        requests: set[Pair],
        must: set[Pair],
        met: set[Pair],
        excluded: set[Pair] | frozenset[Pair] = frozenset(),
    ) -> None:
        self.f, self.w, self.requests, self.must, self.met = f, w, requests, must, met
        self.excluded = excluded
        self.parts: tuple[Callable[[int, int], Fact | None], ...] = (
            self.request,
            self.must_meet,
            self.history,
            self.offers,
            self.first_timer,
            self.interests,
            self.looking_for,
            self.community,
            self.profile,
            self.workday,
            self.region,
        )

    def __call__(self, i: int, j: int) -> tuple[str, ...]:
        if i == j:
            return ()
        names = dict(zip((i, j), short_names([self.name(i), self.name(j)]), strict=True))
        sentences = (_sentence(fact, names.__getitem__) for fact in self.facts(i, j))
        return tuple(s for s in sentences if s)[:_MAX_REASONS]

    def name(self, i: int) -> str:
        """Person ``i``'s name as written (their email when they gave none)."""
        return _name(self.f.people[i])

    def facts(self, i: int, j: int) -> list[Fact]:
        """Every fact about the pair worth a sentence, best first."""
        i, j = pair(i, j)
        found = []
        for part in self.parts:
            fact = part(i, j)
            if fact and (abs(fact.weight) >= _NEGLIGIBLE or fact.kind == "text"):
                found.append(fact)
        return _rank(found)

    def apart(self, i: int, j: int) -> str | None:
        """Why ``i`` and ``j`` may not meet, naming who excluded whom; None if not known."""
        a, b = self.f.people[i], self.f.people[j]
        a_avoids = b.id in {x.strip().lower() for x in a.avoid}
        b_avoids = a.id in {x.strip().lower() for x in b.avoid}
        if a_avoids and b_avoids:
            return f"{_name(a)} and {_name(b)} each asked not to be paired with the other"
        if a_avoids or b_avoids:
            who, whom = (a, b) if a_avoids else (b, a)
            return f"{_name(who)} asked not to be paired with {_name(whom)}"
        if pair(i, j) in self.excluded:
            return "they met at a past event, and this event pairs only people who have not met"
        if same_organization(a, b):
            where = a.organization.strip()
            return f"{_name(a)} and {_name(b)} both work at {where}: colleagues meet others"
        return None

    def request(self, i: int, j: int) -> Fact | None:
        ij, ji = (i, j) in self.requests, (j, i) in self.requests
        if ij and ji:
            return Fact("mutual", (i, j), weight=self.w.mutual_request, tier=0)
        if ij or ji:
            return Fact("request", (i, j) if ij else (j, i), weight=self.w.request, tier=0)
        return None

    def offers(self, i: int, j: int) -> Fact | None:
        """One offers a topic the other seeks: what the seeker asked for, so tier 0."""
        if not self.w.offers:
            return None
        for seeker, offerer in ((i, j), (j, i)):
            if topic := self.f.offered(seeker, offerer):
                return Fact("offers", (seeker, offerer), _lower(topic), self.w.offers, tier=0)
        return None

    def first_timer(self, i: int, j: int) -> Fact | None:
        ft = self.f.first_time
        if not self.w.first_timer or ft[i] == ft[j]:
            return None
        new, veteran = (i, j) if ft[i] else (j, i)
        return Fact("first_timer", (new, veteran), weight=self.w.first_timer)

    def must_meet(self, i: int, j: int) -> Fact | None:
        if (i, j) in self.must:
            return Fact("must", (i, j), weight=self.w.must_meet, tier=0)
        return None

    def history(self, i: int, j: int) -> Fact | None:
        if (i, j) in self.met:
            return Fact("history", (i, j), weight=-self.w.history_penalty, tier=0)
        return None

    def interests(self, i: int, j: int) -> Fact | None:
        mine, theirs = self.f.tags[i], self.f.tags[j]
        shared = sorted(set(mine) & set(theirs), key=lambda t: (self.f.tag_people[t], t))
        if not shared:
            return None
        jaccard = len(shared) / len(set(mine) | set(theirs))
        words = [_lower(mine[t]) for t in shared[:2]]  # the rarest say the most
        return Fact("tags", (i, j), join(words), self.w.interests * jaccard)

    def looking_for(self, i: int, j: int) -> Fact | None:
        f = self.f
        ij, ji = _row_dot(f.looking, i, f.about, j), _row_dot(f.looking, j, f.about, i)
        weight = self.w.looking_for * (ij + ji) / 2
        if weight < _NEGLIGIBLE:
            return None  # not worth a sentence: skip the text work
        seeker, expert = (i, j) if ij >= ji else (j, i)
        a, b = f.people[seeker], f.people[expert]
        terms = f.model.shared_terms(a.looking_for, b.about, k=1)
        return Fact("seeking", (seeker, expert), terms[0], weight) if terms else None

    def community(self, i: int, j: int) -> Fact | None:
        f = self.f
        a, b = f.people[i].community.strip(), f.people[j].community.strip()
        if f.same_kind(i, j):
            kind = _lower(GENERIC_TAIL.sub(" community", a))
            return Fact("kind", (i, j), plural(kind), self.w.community)
        similarity = _row_dot(f.kind_vectors, f.kind[i], f.kind_vectors, f.kind[j])
        weight = self.w.community * similarity
        if weight < _NEGLIGIBLE:
            return None
        mine, theirs = with_article(_lower(a)), with_article(_lower(b))
        return Fact("similar", (i, j), mine, weight, other=theirs)

    def profile(self, i: int, j: int) -> Fact | None:
        """A phrase both wrote, when their texts are alike (not one a tag already names)."""
        similarity = _row_dot(self.f.profile, i, self.f.profile, j)
        if similarity <= 0 or not self.w.profile:
            return None
        a, b = self.f.people[i], self.f.people[j]
        # what another reason names, and places: where they live is not what they work on
        named = [*self.f.tags[i].values(), *self.f.tags[j].values(), a.community, b.community]
        named += [a.location, b.location]
        model = self.f.model
        terms = model.shared_terms(_free_text(a), _free_text(b), k=1, avoid=named)
        return Fact("text", (i, j), terms[0], self.w.profile * similarity) if terms else None

    def workday(self, i: int, j: int) -> Fact | None:
        """Working hours that overlap make a follow-up easy; nothing is said otherwise."""
        a, b = self.f.people[i], self.f.people[j]
        if {a.timezone.strip().lower(), b.timezone.strip().lower()} & _NOT_GIVEN:
            return None
        oa, ob = self.f.offset(i), self.f.offset(j)
        if math.isnan(oa) or math.isnan(ob):
            return None
        gap = abs(oa - ob) % DAY
        gap = min(gap, DAY - gap)
        if gap > _FOLLOW_UP:
            return None
        near = float(closeness(np.array([gap]))[0])
        return Fact("workday", (i, j), weight=self.w.timezone * near, tier=2)

    def region(self, i: int, j: int) -> Fact | None:
        """The same country, only when both gave a location (a zone's area is no place)."""
        a, b = _country(self.f.people[i]), _country(self.f.people[j])
        if a and a.casefold() == b.casefold():
            return Fact("region", (i, j), a, self.w.region, tier=2)
        return None


def _lower(words: str) -> str:
    """ "Mentoring" -> "mentoring" mid-sentence, but "DEI" and "GitHub" keep their capitals."""
    first = words.split(" ", 1)[0]
    return words if any(c.isupper() for c in first[1:]) else words[:1].lower() + words[1:]


def _merged(facts: Sequence[Fact], members: Sequence[int]) -> list[Fact]:
    """The facts of a meeting's pairs, one per shared thing: a tag all three share is one
    fact about the three, not three facts about pairs."""
    seat = {p: k for k, p in enumerate(members)}
    out: dict[object, Fact] = {}
    for fact in facts:
        key = (fact.kind, fact.who) if fact.kind in DIRECTED else fact.key()
        old = out.get(key)
        if old is None:
            out[key] = fact
            continue
        who = tuple(sorted(set(old.who) | set(fact.who), key=seat.__getitem__))
        out[key] = replace(old, who=who, weight=max(old.weight, fact.weight, key=abs))
    return list(out.values())


def meeting_reasons(aff: object, members: Sequence[int]) -> tuple[str, ...]:
    """The reasons of a meeting of ``members`` (positions in ``aff``), best first.

    Every sentence names whom it is about, none repeats, and a meeting always has one: when
    nothing explains it, the people are new to each other. A pair gets up to three reasons,
    a trio up to four, covering each of its pairs before the next-best reason of any.

    Parameters
    ----------
    aff : Affinity
        The scores; its explainer gives the facts (an edge table's gives sentences only).
    members : sequence of int
        Two or three positions.

    Examples
    --------
    >>> from netweave.core.affinity import build_affinity
    >>> ps = [Person(f"{p}@x.org", f"{p}@x.org", p.title(), interests=("mentoring",))
    ...       for p in ("ana", "bo", "cy")]
    >>> meeting_reasons(build_affinity(ps), [0, 1, 2])
    ('Ana, Bo and Cy all work on mentoring',)
    >>> meeting_reasons(build_affinity(ps[:1] + [Person("x@y", "x@y", "Xu")]), [0, 1])
    ('New to each other: Ana and Xu bring different experience',)
    """
    explainer = getattr(aff, "explainer", None)
    pairs = [(a, b) for k, a in enumerate(members) for b in members[k + 1 :]]
    limit = _MAX_REASONS if len(members) == 2 else _MAX_TRIO_REASONS
    if not isinstance(explainer, ProfileReasons):
        per_pair = [aff.reasons(a, b) for a, b in pairs]  # type: ignore[attr-defined]
        return _interleaved(per_pair, limit) or (NO_REASON,)
    labels = dict(zip(members, short_names([explainer.name(p) for p in members]), strict=True))
    per_pair_facts = [explainer.facts(a, b) for a, b in pairs]
    facts = _rank(_merged([f for fs in per_pair_facts for f in fs], members))
    # each pair's best fact first, so a trio's reasons say something about each of its pairs
    firsts = [fs[0].key() for fs in per_pair_facts if fs]
    facts.sort(key=lambda f: 0 if f.key() in firsts else 1)
    sentences = [_sentence(f, labels.__getitem__) for f in facts]
    reasons = tuple(dict.fromkeys(s for s in sentences if s))[:limit]
    if reasons:
        return reasons
    return (word(Fact("fresh", tuple(members)), labels.__getitem__),)


def _interleaved(per_pair: Sequence[Sequence[str]], limit: int) -> tuple[str, ...]:
    reasons: list[str] = []
    for depth in range(max((len(r) for r in per_pair), default=0)):
        reasons += [r[depth] for r in per_pair if depth < len(r) and r[depth] not in reasons]
    return tuple(reasons[:limit])


def why_apart(aff: object, a: int, b: int) -> str:
    """Why ``a`` and ``b`` (positions in ``aff``) are kept apart, naming who excluded whom.

    Examples
    --------
    >>> from netweave.core.affinity import build_affinity
    >>> nina = Person("nina@x.org", "nina@x.org", "Nina Petrova", requests=("kwame@x.org",))
    >>> kwame = Person("kwame@x.org", "kwame@x.org", "Kwame Mensah", avoid=("nina@x.org",))
    >>> why_apart(build_affinity([nina, kwame]), 0, 1)
    'Kwame Mensah asked not to be paired with Nina Petrova'
    """
    explainer = getattr(aff, "explainer", None)
    why = explainer.apart(a, b) if isinstance(explainer, ProfileReasons) else None
    return why or "the organizers keep these two apart"
