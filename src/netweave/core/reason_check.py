"""A quality check of a plan's reasons: do they read as a person would write them?

:func:`check_reasons` lists every reason that breaks one of the rules the planner's wording
keeps (see :mod:`netweave.core.reason_words`): a meeting with no reason, a reason longer than
:data:`~netweave.core.reason_words.MAX_LENGTH` characters, a reason said twice in one
meeting, a time zone or a distance between zones given as a reason, and a phrase that is in
neither person's text nor tags. Tests run it on the example community and on realistic
profiles; an organizer's tool may run it on any plan.

Text only: this module loads no numpy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from netweave.core.people import Person
from netweave.core.phrases import normalise
from netweave.core.plan import Plan
from netweave.core.reason_words import MAX_LENGTH

__all__ = ["check_reasons", "quoted_phrases"]

_TIME_ZONE = re.compile(r"\btime ?zones?\b|\bUTC\b|\bGMT\b|\b(hours?|minutes) apart\b", re.I)
# the sentences that quote people's words, and where the quote is
_QUOTES = (
    re.compile(r" (?:both|all) work on (?P<what>.+)$"),
    re.compile(r" (?:both|all) wrote about (?P<what>.+)$"),
    re.compile(r"^.+? knows? about (?P<what>.+?), which "),
    re.compile(r"^.+? offers? (?P<what>.+?), which "),
    re.compile(r" (?:both|all) based in (?P<what>.+)$"),
    re.compile(r" (?:both|all) run (?P<what>.+)$"),
    re.compile(r"^.+? runs? (?:an? )?(?P<what>.+?), .+? (?:an? )?(?P<other>.+)$"),
)


def quoted_phrases(reason: str) -> list[str]:
    """The words of people a reason quotes (tags, a phrase, a place, a kind of community).

    Examples
    --------
    >>> quoted_phrases("Ana and Bo both work on mentoring and events")
    ['mentoring and events']
    >>> quoted_phrases("Kofi knows about grant funding, which Ana is looking for")
    ['grant funding']
    >>> quoted_phrases("Ana runs a lab network, Bo an open science nonprofit")
    ['lab network', 'open science nonprofit']
    >>> quoted_phrases("Bo asked to meet Ana")
    []
    """
    for pattern in _QUOTES:
        if m := pattern.search(reason):
            return [v for v in m.groupdict().values() if v]
    return []


def _singular(words: str) -> str:
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words[:-1] if words.endswith("s") else words


def _found(phrase: str, haystack: str) -> bool:
    """``phrase`` (or its singular, or each tag of "a and b") is in ``haystack``."""

    def has(words: str) -> bool:
        norm = normalise(words)
        return f" {norm} " in haystack or f" {_singular(norm)} " in haystack

    return has(phrase) or all(has(part) for part in re.split(r", | and ", phrase) if part)


def _haystack(people: Iterable[Person]) -> str:
    texts = [
        t
        for p in people
        for t in (p.about, p.looking_for, p.community, p.location, *p.interests, *p.offers)
    ]
    texts += [v for p in people for _, v in p.extra]
    return f" {' '.join(normalise(t) for t in texts)} "


def _meeting_problems(where: str, reasons: Sequence[str], people: Sequence[Person]) -> list[str]:
    problems = []
    if not reasons:
        problems.append(f"{where}: no reason")
    seen: set[str] = set()
    haystack = _haystack(people)
    for reason in reasons:
        if len(reason) > MAX_LENGTH:
            problems.append(f"{where}: {reason!r} is {len(reason)} characters (> {MAX_LENGTH})")
        if reason in seen:
            problems.append(f"{where}: {reason!r} is said twice")
        seen.add(reason)
        if _TIME_ZONE.search(reason):
            problems.append(f"{where}: {reason!r} gives a time zone as a reason")
        for phrase in quoted_phrases(reason):
            if not _found(phrase, haystack):
                problems.append(f"{where}: {reason!r} quotes {phrase!r}, which nobody wrote")
    return problems


def check_reasons(plan: Plan, people: Sequence[Person] | Mapping[str, Person]) -> list[str]:
    """Every reason in ``plan`` that breaks a wording rule, as ``"where: what"`` lines.

    Meetings of one (with the host) are left out; a group's reasons are checked like a
    meeting's, its members' words being the haystack.

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Round
    >>> ana = Person("ana", "ana", "Ana", interests=("mentoring",))
    >>> bo = Person("bo", "bo", "Bo", interests=("mentoring",))
    >>> good = Meeting("Room 1", ("ana", "bo"), reasons=("Ana and Bo both work on mentoring",))
    >>> check_reasons(Plan((), (Round(1, (good,)),)), [ana, bo])
    []
    >>> bad = Meeting("Room 1", ("ana", "bo"),
    ...               reasons=("Time zones 6 hours apart", "Ana and Bo both work on grants"))
    >>> for problem in check_reasons(Plan((), (Round(1, (bad,)),)), [ana, bo]):
    ...     print(problem)
    Round 1, Room 1: 'Time zones 6 hours apart' gives a time zone as a reason
    Round 1, Room 1: 'Ana and Bo both work on grants' quotes 'grants', which nobody wrote
    """
    by_id = dict(people) if isinstance(people, Mapping) else {p.id: p for p in people}
    problems = []
    for rnd in plan.rounds:
        for m in rnd.meetings:
            if len(m.members) > 1:
                where = f"Round {rnd.number}, {m.room or 'async ' + ' & '.join(m.members)}"
                members = [by_id[p] for p in m.members if p in by_id]
                problems += _meeting_problems(where, m.reasons, members)
    for g in plan.groups:
        members = [by_id[p] for p in (*g.members, *g.remote) if p in by_id]
        problems += [
            p for p in _meeting_problems(g.room, g.reasons, members) if "no reason" not in p
        ]
    return problems
