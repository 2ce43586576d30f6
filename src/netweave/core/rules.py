"""The organizers' rules about who meets whom, besides the scores: colleagues apart,
first-timers with veterans, seekers with offerers, meetings across kinds of community,
popular people shared.

The scores already favour first-timer x veteran and seeker x offerer pairs (the ``first_timer``
and ``offers`` weights, built in :mod:`netweave.core.scoring`). What a score cannot promise,
:func:`ensure_partners` does once the rounds are planned: a first-timer who met no veteran (a
seeker who met nobody offering their topic) swaps into a pair with one, in a round both attend,
when the swap breaks no rule: ``(f, x), (v, y)`` becomes ``(f, v), (x, y)``, all pairs new and
allowed, no request or pinned meeting broken, nobody losing the only partner they needed.
:func:`rule_metrics` counts how well the plan keeps the rules, for the quality report.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from netweave.core.affinity import Affinity
from netweave.core.config import EventConfig
from netweave.core.people import Person, organization_key
from netweave.core.rounds import RoundsResult

__all__ = [
    "Free",
    "cap_requests",
    "colleague_pairs",
    "ensure_partners",
    "first_timer_needs",
    "keep_rules",
    "kind_needs",
    "met_pairs",
    "rule_metrics",
    "seeker_needs",
]

Needs = Mapping[int, frozenset[int]]


def colleague_pairs(people: Sequence[Person]) -> list[tuple[str, str]]:
    """The id pairs of people of one organization: they never meet one-on-one.

    Examples
    --------
    >>> people = [Person(e, e, e, organization=o) for e, o in
    ...           (("ana", "Acme"), ("bo", "acme"), ("cy", ""), ("dee", ""))]
    >>> colleague_pairs(people)
    [('ana', 'bo')]
    """
    by_org: dict[str, list[str]] = {}
    for p in people:
        if key := organization_key(p):
            by_org.setdefault(key, []).append(p.id)
    return [(a, b) for ids in by_org.values() for k, a in enumerate(ids) for b in ids[k + 1 :]]


def cap_requests(
    people: Sequence[Person], cap: int | None
) -> tuple[list[Person], list[tuple[str, str]]]:
    """Share popular people: at most ``cap`` one-way requests to any one person are kept
    (the earliest registered askers'); the rest are dropped from the askers' requests and
    returned as ``(asker, asked)`` id pairs. Mutual requests are always kept.

    Examples
    --------
    >>> star = Person("star", "star", "Star")
    >>> fans = [Person(f"f{k}", f"f{k}", "F", requests=("star",)) for k in range(3)]
    >>> people, dropped = cap_requests([star, *fans], 2)
    >>> dropped, people[3].requests
    ([('f2', 'star')], ())
    """
    if cap is None:
        return list(people), []
    asked = {p.id: set(p.requests) for p in people}
    seen: dict[str, int] = {}
    dropped: list[tuple[str, str]] = []
    for p in people:
        for target in p.requests:
            if p.id in asked.get(target, ()):
                continue  # mutual: both asked, never dropped
            seen[target] = seen.get(target, 0) + 1
            if seen[target] > cap:
                dropped.append((p.id, target))
    if not dropped:
        return list(people), []
    gone = set(dropped)
    kept = [
        replace(p, requests=tuple(r for r in p.requests if (p.id, r) not in gone))
        if any((p.id, r) in gone for r in p.requests)
        else p
        for p in people
    ]
    return kept, dropped


def first_timer_needs(people: Sequence[Person]) -> dict[int, frozenset[int]]:
    """Per first-timer (a position), the veterans who would do; nobody when all are new.

    >>> people = [Person(e, e, e, first_time=t) for e, t in (("a", True), ("b", False))]
    >>> first_timer_needs(people)
    {0: frozenset({1})}
    """
    veterans = frozenset(i for i, p in enumerate(people) if not p.first_time)
    if not veterans:
        return {}
    return {i: veterans for i, p in enumerate(people) if p.first_time}


def seeker_needs(people: Sequence[Person]) -> dict[int, frozenset[int]]:
    """Per seeker (a position), the people who offer one of the topics they seek.

    >>> people = [Person("a", "a", "A", seeks=("grants",)), Person("b", "b", "B",
    ...           offers=("Grants",)), Person("c", "c", "C", seeks=("maps",))]
    >>> seeker_needs(people)
    {0: frozenset({1})}
    """
    offering: dict[str, set[int]] = {}
    for i, p in enumerate(people):
        for topic in p.offers:
            offering.setdefault(_topic(topic), set()).add(i)
    out = {}
    for i, p in enumerate(people):
        found = set().union(*(offering.get(_topic(t), set()) for t in p.seeks)) - {i}
        if found:
            out[i] = frozenset(found)
    return out


def kind_needs(people: Sequence[Person]) -> dict[int, frozenset[int]]:
    """Per person with a ``community_kind`` (a position), the people of another non-empty
    kind; nobody when everyone gives the same kind (case and spacing do not matter).

    >>> people = [Person(e, e, e, community_kind=k) for e, k in
    ...           (("a", "Open source"), ("b", "open  source"), ("c", "Lab"), ("d", ""))]
    >>> kind_needs(people)
    {0: frozenset({2}), 1: frozenset({2}), 2: frozenset({0, 1})}
    """
    by_kind: dict[str, set[int]] = {}
    for i, p in enumerate(people):
        if key := _topic(p.community_kind):
            by_kind.setdefault(key, set()).add(i)
    if len(by_kind) < 2:
        return {}
    everyone = frozenset().union(*by_kind.values())
    return {i: everyone - ids for ids in by_kind.values() for i in sorted(ids)}


def _topic(text: str) -> str:
    return " ".join(text.casefold().split())


def met_pairs(rounds: Iterable[Iterable[tuple[int, ...]]]) -> set[tuple[int, int]]:
    """Every pair that meets in ``rounds`` (a trio's three), smaller position first.

    Examples
    --------
    >>> sorted(met_pairs([[(3, 1)], [(0, 2, 1)]]))
    [(0, 1), (0, 2), (1, 2), (1, 3)]
    """
    return {_pair(a, b) for r in rounds for m in r for k, a in enumerate(m) for b in m[k + 1 :]}


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


class Free:
    """Whether a partner is *free* for someone: the two may meet (no avoid list, not
    colleagues, not met before), are not both async, and attend a round together.

    >>> attends = np.array([[True, False], [False, True], [True, True]])
    >>> free = Free(lambda a, b: True, attends, np.zeros(3, bool))
    >>> free(0, 1), free(0, 2), free.anyone(0, {1, 2})
    (False, True, True)
    """

    def __init__(self, allowed: object, attends: np.ndarray, asyn: np.ndarray) -> None:
        self.allowed, self.attends, self.asyn = allowed, attends, asyn

    def __call__(self, p: int, q: int) -> bool:
        return (
            p != q
            and bool(self.allowed(p, q))  # type: ignore[operator]
            and not (self.asyn[p] and self.asyn[q])
            and bool((self.attends[p] & self.attends[q]).any())
        )

    def anyone(self, p: int, partners: Iterable[int]) -> bool:
        return any(self(p, q) for q in partners)


def ensure_partners(
    rounds: Sequence[Sequence[tuple[int, ...]]],
    needs: Needs,
    free: Free,
    *,
    fixed: Collection[frozenset[int]] = frozenset(),
    score: object = None,
    protect: Sequence[Needs] = (),
) -> tuple[list[list[tuple[int, ...]]], int]:
    """Swap pairs so that everyone in ``needs`` meets one of the partners listed there.

    Parameters
    ----------
    rounds
        Each round's meetings (sorted position tuples), as the planner made them.
    needs
        Person -> the partners any one of whom would do (:func:`first_timer_needs`).
    free
        Who may be paired with whom (:class:`Free`).
    fixed
        Meetings never taken apart: pins, requests and must-meet pairs.
    score
        ``score(a, b)``: which partner to prefer when several would do.
    protect
        Needs met already that no swap may undo (an earlier rule's).

    Returns
    -------
    rounds, swaps
        The new rounds and how many swaps were made.

    Examples
    --------
    Ana is a first-timer, paired with Bo (also new); Cy and Dee are veterans. One swap:

    >>> free = Free(lambda a, b: True, np.ones((4, 1), bool), np.zeros(4, bool))
    >>> ensure_partners([[(0, 1), (2, 3)]], {0: frozenset({2, 3}), 1: frozenset({2, 3})}, free)
    ([[(0, 2), (1, 3)]], 1)
    """
    swapper = _Swapper([sorted(r) for r in rounds], needs, free, fixed, protect)
    swaps = 0
    for p in sorted(needs):
        if swapper.served(p, needs[p]):
            continue
        for meetings in swapper.rounds:
            seated = [q for m in meetings for q in m if q in needs[p]]
            seated.sort(key=lambda q: (-float(score(p, q)) if score else 0.0, q))  # type: ignore[operator]
            if swapper.swap_in(p, meetings, seated):
                swaps += 1
                break
    return swapper.rounds, swaps


class _Swapper:
    """The state of :func:`ensure_partners`: the rounds, who met whom, what may not move."""

    def __init__(
        self,
        rounds: list[list[tuple[int, ...]]],
        needs: Needs,
        free: Free,
        fixed: Collection[frozenset[int]],
        protect: Sequence[Needs],
    ) -> None:
        self.rounds, self.free, self.fixed = rounds, free, fixed
        self.rules = (needs, *protect)
        self.met = met_pairs(rounds)
        self.partners: dict[int, set[int]] = {}
        for a, b in self.met:
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)

    def served(self, p: int, needed: Collection[int], lost: int | None = None) -> bool:
        """Whether ``p`` meets someone in ``needed`` (``lost`` apart)."""
        return any(q in needed for q in self.partners.get(p, ()) if q != lost)

    def movable(self, m: tuple[int, ...]) -> bool:
        """A pair of live people that is no pin, request or must-meet pair."""
        asyn = self.free.asyn
        return len(m) == 2 and frozenset(m) not in self.fixed and not (asyn[m[0]] or asyn[m[1]])

    def keeps(self, p: int, lost: int, gained: int) -> bool:
        """``p`` losing ``lost`` for ``gained`` still meets someone they need under every
        rule (the new partner counts: two of one kind swapping across stay across)."""
        for rule in self.rules:
            needed = rule.get(p, frozenset())
            if lost in needed and gained not in needed and not self.served(p, needed, lost):
                return False
        return True

    def fits(self, a: int, b: int) -> bool:
        """Whether ``a`` and ``b`` may be paired in this round: free and not met."""
        return _pair(a, b) not in self.met and self.free(a, b)

    def swap_in(self, p: int, meetings: list[tuple[int, ...]], ranked: Sequence[int]) -> bool:
        """In one round, ``(p, x), (v, y)`` -> ``(p, v), (x, y)`` for the first ``v`` of
        ``ranked`` that allows it, or with a third pair ``(a, b)``: ``(x, a), (y, b)``;
        whether a swap was made."""
        seat = {q: m for m in meetings for q in m}
        mine = seat.get(p)
        if mine is None or not self.movable(mine):
            return False
        x = mine[0] if mine[1] == p else mine[1]
        for v in ranked:
            theirs = seat[v]
            if theirs == mine or not self.movable(theirs) or not self.fits(p, v):
                continue
            y = theirs[0] if theirs[1] == v else theirs[1]
            swapped = ((p, x, v), (x, p, y), (v, y, p), (y, v, x))
            if not all(self.keeps(a, lost, gained) for a, lost, gained in swapped):
                continue
            if self.fits(x, y):
                self.replace(meetings, [mine, theirs], [_pair(p, v), _pair(x, y)])
                return True
            for third in meetings:
                if third in (mine, theirs) or not self.movable(third):
                    continue
                for a, b in (third, third[::-1]):
                    if (
                        self.fits(x, a)
                        and self.fits(y, b)
                        and self.keeps(a, b, x)
                        and self.keeps(b, a, y)
                    ):
                        new = [_pair(p, v), _pair(x, a), _pair(y, b)]
                        self.replace(meetings, [mine, theirs, third], new)
                        return True
        return False

    def replace(
        self,
        meetings: list[tuple[int, ...]],
        old: Sequence[tuple[int, ...]],
        new: Sequence[tuple[int, int]],
    ) -> None:
        for m in old:
            meetings.remove(m)
            a, b = m
            self.partners[a].discard(b)
            self.partners[b].discard(a)
            self.met.discard(_pair(a, b))
        for a, b in new:
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)
            self.met.add((a, b))
        meetings.extend(new)
        meetings.sort()


def rule_metrics(
    people: Sequence[Person],
    rounds: Sequence[Sequence[tuple[int, ...]]],
    wanted: Mapping[str, Needs],
    free: Free,
) -> dict[str, int]:
    """How well the rounds keep the rules: ``seekers``/``seekers_met_offerer``,
    ``first_timers``/``first_timers_met_veteran`` and, when ``wanted`` has ``kinds``,
    ``kinds``/``kinds_met_other`` (counting those with someone free), and
    ``same_organization_pairs`` (always 0 when the rule is on).

    Examples
    --------
    >>> people = [Person("a", "a", "A", seeks=("grants",), first_time=True),
    ...           Person("b", "b", "B", offers=("grants",))]
    >>> wanted = {"seekers": seeker_needs(people), "first_timers": first_timer_needs(people)}
    >>> free = Free(lambda a, b: True, np.ones((2, 1), bool), np.zeros(2, bool))
    >>> rule_metrics(people, [[(0, 1)]], wanted, free)["seekers_met_offerer"]
    1
    """
    met = met_pairs(rounds)
    partners: dict[int, set[int]] = {}
    for a, b in met:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    keys = [organization_key(p) for p in people]
    out: dict[str, int] = {}
    labels = [("seekers", "seekers_met_offerer"), ("first_timers", "first_timers_met_veteran")]
    if "kinds" in wanted:  # an optional rule: its figures only when it is on
        labels.append(("kinds", "kinds_met_other"))
    for name, label in labels:
        needs = wanted.get(name, {})
        served = [p for p in needs if partners.get(p, set()) & needs[p]]
        out[label] = len(served)
        out[name] = len(served) + sum(
            1 for p in needs if p not in set(served) and free.anyone(p, needs[p])
        )
    out["same_organization_pairs"] = sum(1 for a, b in met if keys[a] and keys[a] == keys[b])
    return out


def keep_rules(
    aff: Affinity,
    result: RoundsResult,
    people: Sequence[Person],
    config: EventConfig,
    attends: np.ndarray,
    pinned: Collection[frozenset[int]] = frozenset(),
) -> tuple[RoundsResult, dict[str, object]]:
    """The planned rounds with first-timers meeting veterans, seekers meeting offerers and
    (when ``across_community_kinds``) everyone with a kind meeting another kind, where a swap
    allows (:func:`ensure_partners`, each rule protecting the earlier ones'), and the rules'
    metrics.

    ``total`` is summed again from the real scores; each person's share moves with what
    they achieve (``share * new / old``).
    """
    asyn = np.array([p.mode == "async" for p in people], dtype=bool).reshape(len(people))
    free = Free(aff.allowed, attends, asyn)
    wanted = {
        "first_timers": first_timer_needs(people) if config.first_timers_meet_veterans else {},
        "seekers": seeker_needs(people) if config.weights.offers > 0 else {},
    }
    if config.across_community_kinds:
        wanted["kinds"] = kind_needs(people)
    fixed = set(pinned) | {frozenset(p) for p in (*aff.requests, *aff.must_meet)}
    rounds: list[list[tuple[int, ...]]] = [list(r) for r in result.rounds]
    swaps = 0
    done: list[Needs] = []
    for name in wanted:  # first-timers, then seekers, then kinds: the earlier are protected
        rounds, made = ensure_partners(
            rounds, wanted[name], free, fixed=fixed, score=aff.score, protect=done
        )
        swaps += made
        done.append(wanted[name])
    metrics: dict[str, object] = {**rule_metrics(people, rounds, wanted, free), "rule_swaps": swaps}
    if not swaps:
        return result, metrics
    return _rescored(aff, result, rounds), metrics


def _achieved(
    aff: Affinity, rounds: Iterable[Iterable[tuple[int, ...]]]
) -> tuple[np.ndarray, float]:
    """Per person, the sum of their pairs' scores, and the total over all pairs."""
    met = np.array(sorted(met_pairs(rounds)), dtype=np.intp).reshape(-1, 2)
    scores = aff.pair_scores(met[:, 0], met[:, 1])
    out = np.zeros(aff.n)
    np.add.at(out, met[:, 0], scores)
    np.add.at(out, met[:, 1], scores)
    return out, float(sum(scores.tolist()))


def _rescored(
    aff: Affinity, result: RoundsResult, rounds: list[list[tuple[int, ...]]]
) -> RoundsResult:
    (before, _), (after, total) = _achieved(aff, result.rounds), _achieved(aff, rounds)
    ratio = np.divide(after, before, out=np.ones(aff.n), where=np.abs(before) > 1e-12)
    return replace(
        result,
        rounds=tuple(tuple(sorted(r)) for r in rounds),
        shares=np.asarray(result.shares) * ratio,
        total=total,
    )
