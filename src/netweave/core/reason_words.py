"""How reasons are worded: one sentence per fact, naming whom it is about, for any reader.

A :class:`Fact` is something two (or three) people have in common or can give each other,
found by :class:`~netweave.core.reasons.ProfileReasons`. :func:`word` turns it into the
sentence stored in the plan, which names the people ("Ana and Bo both work on mentoring"): the
organizer reads it as it is, and :func:`for_viewer` rewrites it for one of the people in the
meeting ("You and Bo both work on mentoring", "Bo asked to meet you"). Sentences never name a
time zone or a distance between zones, and hold at most one phrase from people's own words.

Text only: this module loads no numpy, so the web layer may import it where pages are made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "MAX_LENGTH",
    "Fact",
    "for_viewer",
    "join",
    "plural",
    "short_names",
    "with_article",
    "word",
]

#: no reason is longer than this many characters
MAX_LENGTH = 90

# kind -> sentence; {all} is the people named ("Ana and Bo"), {both} is "both" or "all",
# {0} and {1} are the first and second person of a directed fact, {what} the shared thing
_TEMPLATES = {
    "mutual": "{0} and {1} asked to meet each other",
    "request": "{0} asked to meet {1}",
    "must": "The organizers want {all} to meet",
    "history": "{all} met at a past event",
    "tags": "{all} {both} work on {what}",
    "seeking": "{1} knows about {what}, which {0} is looking for",
    "offers": "{1} offers {what}, which {0} is looking for",
    "first_timer": "{0} is new here and {1} knows the event",
    "kind": "{all} {both} run {what}",
    "similar": "{0} runs {what}, {1} {other}",
    "text": "{all} {both} wrote about {what}",
    "workday": "Easy to follow up: {all} work similar hours",
    "region": "{all} are {both} based in {what}",
    "fresh": "New to each other: {all} bring different experience",
}
#: facts about one direction between two people (asker and asked): never merged in a trio
DIRECTED = frozenset(("request", "seeking", "offers", "first_timer", "similar"))


@dataclass(frozen=True)
class Fact:
    """Something people have in common, or one can give another.

    ``who`` are positions of people (ordered for a directed fact: asker first, seeker first);
    ``what`` is the shared thing as they wrote it; ``weight`` its part of the score (its sign
    says whether it helped); ``tier`` orders facts before weight: 0 for what people or
    organizers asked for, 1 for what they share, 2 for context (same country, hours).
    """

    kind: str
    who: tuple[int, ...]
    what: str = ""
    weight: float = 0.0
    tier: int = 1
    #: the second person's thing, when each has their own ("a citizen science network")
    other: str = ""

    def key(self) -> tuple[str, str]:
        """What makes two facts the same fact about different people."""
        return self.kind, self.what.casefold()


def join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c".

    Examples
    --------
    >>> join(["Ana"]), join(["Ana", "Bo"]), join(["Ana", "Bo", "Cy"])
    ('Ana', 'Ana and Bo', 'Ana, Bo and Cy')
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def plural(kind: str) -> str:
    """The plural of a kind of community: "data science community" -> "... communities".

    Examples
    --------
    >>> plural("open science nonprofit"), plural("chemistry education community")
    ('open science nonprofits', 'chemistry education communities')
    >>> plural("neuroscience lab network"), plural("bioinformatics core facility")
    ('neuroscience lab networks', 'bioinformatics core facilities')
    """
    words = kind.split()
    if not words:
        return kind
    last = words[-1]
    if last.lower() in ("community", "communities"):
        last = "communities"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif not last.endswith("s"):
        last += "es" if last.endswith(("x", "ch", "sh")) else "s"
    return " ".join([*words[:-1], last])


def with_article(noun: str) -> str:
    """ "a network", "an open science nonprofit".

    Examples
    --------
    >>> with_article("open science nonprofit"), with_article("lab network")
    ('an open science nonprofit', 'a lab network')
    """
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def short_names(names: Sequence[str]) -> list[str]:
    """How the reasons of one meeting name its people: first names, unless two share one.

    Examples
    --------
    >>> short_names(["Ana Lima", "Bo Carter", "Ana Silva"])
    ['Ana Lima', 'Bo', 'Ana Silva']
    >>> short_names(["", "kofi@x.org"])
    ['someone', 'kofi@x.org']
    """
    firsts = [(n.split() or ["someone"])[0] for n in names]
    pairs = zip(names, firsts, strict=True)
    return [n.strip() if firsts.count(f) > 1 and n.strip() else f for n, f in pairs]


def word(fact: Fact, name: Callable[[int], str]) -> str:
    """The sentence for ``fact``, naming people with ``name(position)``.

    Examples
    --------
    >>> names = {0: "Ana", 1: "Bo", 2: "Cy"}.__getitem__
    >>> word(Fact("tags", (0, 1), "mentoring"), names)
    'Ana and Bo both work on mentoring'
    >>> word(Fact("text", (0, 1, 2), "volunteer burnout"), names)
    'Ana, Bo and Cy all wrote about volunteer burnout'
    >>> word(Fact("seeking", (1, 0), "online events"), names)
    'Ana knows about online events, which Bo is looking for'
    >>> word(Fact("offers", (1, 0), "grant writing"), names)
    'Ana offers grant writing, which Bo is looking for'
    >>> word(Fact("similar", (0, 1), "a lab network", other="a citizen science network"), names)
    'Ana runs a lab network, Bo a citizen science network'
    """
    people = [name(p) for p in fact.who]
    both = "both" if len(people) == 2 else "all"
    return _TEMPLATES[fact.kind].format(
        *people, all=join(people), both=both, what=fact.what, other=fact.other
    )


# after a reader's own name, the verb of "you": "Bo knows" -> "you know"
_YOU_VERBS = {
    "is": "are",
    "was": "were",
    "has": "have",
    "knows": "know",
    "offers": "offer",
    "wants": "want",
    "runs": "run",
    "works": "work",
}
# where a list of names may open a sentence
_LEADS = ("", "Easy to follow up: ", "New to each other: ", "The organizers want ")


def for_viewer(reason: str, viewer: str, names: Sequence[str]) -> str:
    """``reason`` (a stored sentence) as ``viewer`` reads it: their own name becomes "you".

    ``names`` are the full names of everyone in the meeting, ``viewer`` among them, as the
    reason was worded with (see :func:`short_names`). A sentence that does not name the
    viewer (or was worded before names were used) is returned as it is.

    Examples
    --------
    >>> names = ["Ana Lima", "Bo Carter"]
    >>> for_viewer("Ana and Bo both work on mentoring", "Ana Lima", names)
    'You and Bo both work on mentoring'
    >>> for_viewer("Ana and Bo both work on mentoring", "Bo Carter", names)
    'You and Ana both work on mentoring'
    >>> for_viewer("Bo asked to meet Ana", "Ana Lima", names)
    'Bo asked to meet you'
    >>> for_viewer("Ana knows about grants, which Bo is looking for", "Bo Carter", names)
    'Ana knows about grants, which you are looking for'
    >>> for_viewer("Ana knows about grants, which Bo is looking for", "Ana Lima", names)
    'You know about grants, which Bo is looking for'
    >>> for_viewer("Ana offers grant writing, which Bo is looking for", "Ana Lima", names)
    'You offer grant writing, which Bo is looking for'
    >>> for_viewer("Bo is new here and Ana knows the event", "Bo Carter", names)
    'You are new here and Ana knows the event'
    """
    labels = short_names(names)
    if viewer not in names:
        return reason
    me = labels[list(names).index(viewer)]
    others = sorted((x for x in labels if x != me), key=len, reverse=True)
    reason = _you_first(reason, me, others)
    mine = re.compile(rf"(?<![\w'])({re.escape(me)})(?![\w'])( (\w+))?")

    def you(m: re.Match[str]) -> str:
        verb = m.group(3)
        after = f" {_YOU_VERBS.get(verb, verb)}" if verb else ""
        return ("You" if m.start() == 0 else "you") + after

    return mine.sub(you, reason)


def _you_first(reason: str, me: str, others: Sequence[str]) -> str:
    """A list of names opening ``reason`` with ``me`` moved first: "You, Ana and Cy ..."."""
    lead = next(x for x in sorted(_LEADS, key=len, reverse=True) if reason.startswith(x))
    candidates = (me, *others)

    def name_at(at: int) -> str | None:
        for x in candidates:
            end = at + len(x)
            if reason.startswith(x, at) and not (end < len(reason) and reason[end].isalnum()):
                return x
        return None

    at = len(lead)
    label = name_at(at)
    if label is None:
        return reason
    items = [label]
    at += len(label)
    while reason.startswith(", ", at) and (label := name_at(at + 2)):
        items.append(label)
        at += 2 + len(label)
    if reason.startswith(" and ", at) and (label := name_at(at + 5)):
        items.append(label)
        at += 5 + len(label)
    if me not in items or len(items) < 2:
        return reason
    listed = join(["you" if lead else "You", *(x for x in items if x != me)])
    return reason[: len(lead)] + listed + reason[at:]
