"""The words of a small group: a theme label and the shared facts behind it.

:func:`describe_group` reads only the members' profiles (no scores), so the same group gets
the same words however it was formed: planned, pinned, or re-seated on the day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from netweave.core.people import Person

__all__ = ["describe_group"]

#: IANA time-zone areas -> region names
_REGIONS = {
    "Europe": "Europe",
    "America": "the Americas",
    "US": "the Americas",
    "Canada": "the Americas",
    "Brazil": "the Americas",
    "Mexico": "the Americas",
    "Chile": "the Americas",
    "Asia": "Asia",
    "Africa": "Africa",
    "Australia": "Oceania",
    "Pacific": "Oceania",
    "Atlantic": "the Atlantic",
    "Indian": "the Indian Ocean",
}


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


def _plural(kind: str) -> str:
    words = kind.split()
    if words and words[-1].lower() in ("community", "communities"):
        return " ".join([*words[:-1], "communities"])
    last = words[-1] if words else kind
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    elif not last.endswith("s"):
        last += "es" if last.endswith(("x", "ch", "sh")) else "s"
    return " ".join([*words[:-1], last])


def _region(person: Person) -> str:
    area = person.timezone.split("/")[0] if "/" in person.timezone else ""
    if area in _REGIONS:
        return _REGIONS[area]
    # No usable time zone (UTC, Etc/...): the country, the last part of the location.
    return person.location.split(",")[-1].strip()


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def describe_group(people: Sequence[Person]) -> tuple[str, tuple[str, ...]]:
    """A theme label and the reasons behind it, from the members' profiles.

    The theme is the first that applies: the interests shared by most members (at most two,
    ``"onboarding & mentoring"``); the most common kind of community
    (``"data science communities"``); a region from the time zones (or the country when the
    time zone says nothing); else ``"Mixed interests"``. "Shared" means by at least two
    members and at least half of them. The reasons list every shared fact found, in that order.

    Notes
    -----
    O(total profile size). Deterministic: ties are broken alphabetically.

    Examples
    --------
    >>> ps = [Person(id=f"p{i}", email=f"p{i}", name=f"P{i}", timezone="Europe/Paris",
    ...              interests=("onboarding", "mentoring") if i < 3 else ("onboarding",))
    ...       for i in range(5)]
    >>> theme, reasons = describe_group(ps)
    >>> theme
    'onboarding & mentoring'
    >>> for reason in reasons:
    ...     print(reason)
    All work on onboarding
    3 of 5 work on mentoring
    All in Europe's time zones
    """
    k = len(people)
    interests = _shared([list(p.interests) for p in people], k)[:2]
    kinds = _shared([[p.community] for p in people], k)[:1]
    regions = _shared([[_region(p)] for p in people], k)[:1]
    reasons = [f"{_how_many(c, k)} work on {tag}" for tag, c in interests]
    reasons += [f"{_how_many(c, k)} run {_plural(kind)}" for kind, c in kinds]
    for place, c in regions:
        zone = any(_region(p) == place and "/" in p.timezone for p in people)
        where = f"{_possessive(place)} time zones" if zone else place
        reasons.append(f"{_how_many(c, k)} in {where}")
    if interests:
        theme = " & ".join(tag for tag, _ in interests)
    elif kinds:
        theme = _plural(kinds[0][0])
    elif regions:
        theme = regions[0][0].removeprefix("the ")
    else:
        theme = "Mixed interests"
    return theme, tuple(reasons)
