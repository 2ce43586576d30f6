"""The words of a small group: a theme label and the shared facts behind it.

:func:`describe_group` reads only the members' profiles (no scores), so the same group gets
the same words however it was formed: planned, pinned, or re-seated on the day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from netweave.core.people import Person
from netweave.core.phrases import common_phrases, normalise
from netweave.core.reason_words import MAX_LENGTH, plural

__all__ = ["describe_group"]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _shared(values: list[list[str]], k: int) -> list[tuple[str, int]]:
    """Values held by at least two and at least half of ``k`` people, most common first.

    Each value is shown in its most common spelling.
    """
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for held in values:
        seen = {_norm(v): v.strip() for v in held if v.strip()}
        counts.update(seen.keys())
        for key, raw in seen.items():
            spellings.setdefault(key, Counter())[raw] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for key, c in ranked:
        if c >= 2 and 2 * c >= k:
            label = min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            out.append((label, c))
    return out


def _how_many(c: int, k: int) -> str:
    if c == k:
        return "Both" if k == 2 else "All"
    return f"{c} of {k}"


def _country(person: Person) -> str:
    """The country the person wrote (last comma part of the location); never from a time
    zone, whose area ("Africa", "Europe") spans places people do not share."""
    return person.location.split(",")[-1].strip() if person.location.strip() else ""


def _text(person: Person) -> str:
    return ". ".join(t for t in (person.about, person.looking_for) if t.strip())


def _shared_phrase(people: Sequence[Person], named: Sequence[str]) -> tuple[str, int] | None:
    """The phrase most members wrote (at least two and half of them), not one a tag or a
    kind of community already names; longer and then alphabetically first on ties."""
    k = len(people)
    skip = {w for n in named for w in normalise(n).split()}
    holders: dict[tuple[str, ...], set[int]] = {}
    spelling: dict[tuple[str, ...], str] = {}
    texts = [_text(p) for p in people]
    for a in range(k):
        for b in range(a + 1, k):
            if texts[a] and texts[b]:
                for words, surface in common_phrases(texts[a], texts[b]).items():
                    holders.setdefault(words, set()).update((a, b))
                    spelling.setdefault(words, surface)
    fits = [
        (len(who), len(words), words)
        for words, who in holders.items()
        if len(who) >= 2 and 2 * len(who) >= k and not skip & set(words)
    ]
    if not fits:
        return None
    count, _, words = min(fits, key=lambda t: (-t[0], -t[1], t[2]))
    return spelling[words], count


def describe_group(people: Sequence[Person]) -> tuple[str, tuple[str, ...]]:
    """A theme label and the reasons behind it, from the members' profiles.

    The theme is the first that applies: the interests shared by most members (at most two,
    ``"onboarding & mentoring"``); the most common kind of community
    (``"data science communities"``); a phrase most members wrote about
    (``"volunteer burnout"``); the country everyone gave in their location; else
    ``"Mixed interests"``. "Shared" means by at least two members and at least half of
    them, except a country, which must be everyone's. The reasons list every shared fact
    found, in that order. A time zone is never a theme or a reason.

    Notes
    -----
    O(total profile size), and O(k^2) phrase comparisons for k members. Deterministic: ties
    are broken alphabetically.

    Examples
    --------
    >>> ps = [Person(id=f"p{i}", email=f"p{i}", name=f"P{i}", location="Lyon, France",
    ...              interests=("onboarding", "mentoring") if i < 3 else ("onboarding",))
    ...       for i in range(5)]
    >>> theme, reasons = describe_group(ps)
    >>> theme
    'onboarding & mentoring'
    >>> for reason in reasons:
    ...     print(reason)
    All work on onboarding
    3 of 5 work on mentoring
    All based in France
    """
    k = len(people)
    interests = _shared([list(p.interests) for p in people], k)[:2]
    kinds = _shared([[p.community] for p in people], k)[:1]
    named = [tag for tag, _ in interests] + [kind for kind, _ in kinds]
    phrase = _shared_phrase(people, named)
    countries = [(c, n) for c, n in _shared([[_country(p)] for p in people], k)[:1] if n == k]
    reasons = [f"{_how_many(c, k)} work on {tag}" for tag, c in interests]
    reasons += [f"{_how_many(c, k)} run {plural(kind)}" for kind, c in kinds]
    if phrase:
        reasons.append(f"{_how_many(phrase[1], k)} wrote about {phrase[0]}")
    reasons += [f"{_how_many(c, k)} based in {where}" for where, c in countries]
    if interests:
        theme = " & ".join(tag for tag, _ in interests)
    elif kinds:
        theme = plural(kinds[0][0])
    elif phrase:
        theme = phrase[0]
    elif countries:
        theme = countries[0][0]
    else:
        theme = "Mixed interests"
    return theme, tuple(r for r in reasons if len(r) <= MAX_LENGTH)
