"""Reading the time zone a person wrote into an IANA zone, and saying how when it was not one.

A form's time-zone question gets every kind of answer: ``Europe/Berlin``, ``GMT+1``,
``EST``, ``Central European Time``, ``(UTC+01:00) Amsterdam, Berlin, Rome`` (Outlook's list),
``Sydney`` or ``Berlin, Germany``. :func:`read_zone` reads each into one zone and, for every
answer that was not an IANA name, says in :attr:`ZoneReading.note` how it was read and what
to write instead, so the organizer can check it: an abbreviation is read as the zone most
people mean by it, a city or country as its zone, and an offset stays a fixed offset (it is
exactly what the person wrote) with the zones it could be suggested, because a fixed offset
does not follow summer time. Typos ("Australia/Melborne") and unknown places are errors with
"did you mean" suggestions.

Examples
--------
>>> read_zone("Europe/Berlin")
ZoneReading(zone='Europe/Berlin', note='')
>>> read_zone("EST").zone, read_zone("Sydney").zone, read_zone("GMT+1").zone
('America/New_York', 'Australia/Sydney', 'Etc/GMT-1')
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process, utils

from netweave.core.issues import CellError

__all__ = ["ZoneReading", "read_zone"]


@dataclass(frozen=True, slots=True)
class ZoneReading:
    """The zone an answer was read as; ``note`` says how, when the answer was not an IANA
    name (an abbreviation, an offset, a city), so that an organizer can check it."""

    zone: str
    note: str = ""


# zones that exist in the database but are never what a person means
_NOT_ZONES = frozenset({"localtime", "Factory"})
_UNIVERSAL = frozenset({"utc", "gmt", "z", "zulu", "uct", "universal", "greenwich", "gmt0"})
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-−])\s*(\d{1,2})(?:[:.h]?(\d{2}))?", re.IGNORECASE)
_HINT = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
# words that decorate a zone's name without changing it: "Eastern Standard Time"
_DECORATION = re.compile(r"\b(?:standard|daylight|summer|winter|time|zone)\b")

#: abbreviations and names of zones -> the zone most people mean, and who else uses it
_NAMED: dict[str, tuple[str, str]] = {
    "est": ("America/New_York", "US Eastern"), "edt": ("America/New_York", "US Eastern"),
    "et": ("America/New_York", "US Eastern"), "eastern": ("America/New_York", "US Eastern"),
    "cst": ("America/Chicago", "US Central; China Standard Time is Asia/Shanghai"),
    "cdt": ("America/Chicago", "US Central"), "ct": ("America/Chicago", "US Central"),
    "central": ("America/Chicago", "US Central"),
    "mst": ("America/Denver", "US Mountain; Arizona is America/Phoenix"),
    "mdt": ("America/Denver", "US Mountain"), "mountain": ("America/Denver", "US Mountain"),
    "pst": ("America/Los_Angeles", "US Pacific"), "pdt": ("America/Los_Angeles", "US Pacific"),
    "pt": ("America/Los_Angeles", "US Pacific"), "pacific": ("America/Los_Angeles", "US Pacific"),
    "akst": ("America/Anchorage", "Alaska"), "hst": ("Pacific/Honolulu", "Hawaii"),
    "ast": ("America/Halifax", "Atlantic; Arabia Standard Time is Asia/Riyadh"),
    "nst": ("America/St_Johns", "Newfoundland"), "brt": ("America/Sao_Paulo", "Brasília"),
    "art": ("America/Argentina/Buenos_Aires", "Argentina"),
    "bst": ("Europe/London", "British Summer Time"), "british": ("Europe/London", "UK"),
    "wet": ("Europe/Lisbon", "Western European"), "western european": ("Europe/Lisbon", ""),
    "cet": ("Europe/Berlin", "Central European: also Europe/Paris, Europe/Rome, ..."),
    "cest": ("Europe/Berlin", "Central European"), "mez": ("Europe/Berlin", "Central European"),
    "met": ("Europe/Berlin", "Central European"),
    "central european": ("Europe/Berlin", "also Europe/Paris, Europe/Rome, ..."),
    "eet": ("Europe/Athens", "Eastern European: also Europe/Helsinki, Europe/Kyiv, ..."),
    "eest": ("Europe/Athens", "Eastern European"),
    "eastern european": ("Europe/Athens", "also Europe/Helsinki, Europe/Kyiv, ..."),
    "msk": ("Europe/Moscow", "Moscow"), "wat": ("Africa/Lagos", "West Africa"),
    "cat": ("Africa/Maputo", "Central Africa"), "eat": ("Africa/Nairobi", "East Africa"),
    "sast": ("Africa/Johannesburg", "South Africa"),
    "gst": ("Asia/Dubai", "Gulf"), "pkt": ("Asia/Karachi", "Pakistan"),
    "ist": ("Asia/Kolkata", "India; Irish is Europe/Dublin, Israel is Asia/Jerusalem"),
    "india": ("Asia/Kolkata", "India"), "sgt": ("Asia/Singapore", "Singapore"),
    "hkt": ("Asia/Hong_Kong", "Hong Kong"), "pht": ("Asia/Manila", "Philippines"),
    "wib": ("Asia/Jakarta", "Western Indonesia"), "jst": ("Asia/Tokyo", "Japan"),
    "kst": ("Asia/Seoul", "Korea"), "awst": ("Australia/Perth", "Western Australia"),
    "acst": ("Australia/Adelaide", "Central Australia"),
    "aest": ("Australia/Sydney", "Eastern Australia; Queensland is Australia/Brisbane"),
    "aedt": ("Australia/Sydney", "Eastern Australia"),
    "nzst": ("Pacific/Auckland", "New Zealand"), "nzdt": ("Pacific/Auckland", "New Zealand"),
}  # fmt: skip

#: big cities that are not in a zone's name, and countries with one zone
_PLACES: dict[str, str] = {
    "new york city": "America/New_York", "nyc": "America/New_York",
    "boston": "America/New_York", "washington": "America/New_York",
    "atlanta": "America/New_York", "miami": "America/New_York", "montreal": "America/Toronto",
    "ottawa": "America/Toronto", "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "austin": "America/Chicago", "houston": "America/Chicago", "dallas": "America/Chicago",
    "rio de janeiro": "America/Sao_Paulo", "milan": "Europe/Rome", "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin", "cologne": "Europe/Berlin",
    "barcelona": "Europe/Madrid", "geneva": "Europe/Zurich", "lyon": "Europe/Paris",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "cambridge": "Europe/London",
    "oxford": "Europe/London", "rotterdam": "Europe/Amsterdam", "krakow": "Europe/Warsaw",
    "porto": "Europe/Lisbon", "st petersburg": "Europe/Moscow", "cape town": "Africa/Johannesburg",
    "abuja": "Africa/Lagos", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "pune": "Asia/Kolkata",
    "beijing": "Asia/Shanghai", "shenzhen": "Asia/Shanghai", "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo", "canberra": "Australia/Sydney", "wellington": "Pacific/Auckland",
    "uk": "Europe/London", "united kingdom": "Europe/London", "england": "Europe/London",
    "scotland": "Europe/London", "ireland": "Europe/Dublin", "france": "Europe/Paris",
    "germany": "Europe/Berlin", "italy": "Europe/Rome", "spain": "Europe/Madrid",
    "netherlands": "Europe/Amsterdam", "belgium": "Europe/Brussels",
    "switzerland": "Europe/Zurich", "austria": "Europe/Vienna", "poland": "Europe/Warsaw",
    "sweden": "Europe/Stockholm", "norway": "Europe/Oslo", "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki", "greece": "Europe/Athens", "turkey": "Europe/Istanbul",
    "ukraine": "Europe/Kyiv", "nigeria": "Africa/Lagos", "ghana": "Africa/Accra",
    "kenya": "Africa/Nairobi", "ethiopia": "Africa/Addis_Ababa", "egypt": "Africa/Cairo",
    "south africa": "Africa/Johannesburg", "india": "Asia/Kolkata", "pakistan": "Asia/Karachi",
    "bangladesh": "Asia/Dhaka", "china": "Asia/Shanghai", "japan": "Asia/Tokyo",
    "korea": "Asia/Seoul", "south korea": "Asia/Seoul", "singapore": "Asia/Singapore",
    "philippines": "Asia/Manila", "vietnam": "Asia/Ho_Chi_Minh", "thailand": "Asia/Bangkok",
    "israel": "Asia/Jerusalem", "uae": "Asia/Dubai", "new zealand": "Pacific/Auckland",
    "colombia": "America/Bogota", "peru": "America/Lima", "chile": "America/Santiago",
    "argentina": "America/Argentina/Buenos_Aires", "portugal": "Europe/Lisbon",
}  # fmt: skip

#: zones to suggest for a whole-hour offset, the most-used first
_BY_OFFSET: dict[int, tuple[str, ...]] = {
    0: ("Europe/London", "Africa/Accra"), 1: ("Europe/Berlin", "Africa/Lagos", "Europe/London"),
    2: ("Europe/Athens", "Africa/Johannesburg", "Europe/Berlin"),
    3: ("Europe/Moscow", "Africa/Nairobi", "Europe/Athens"), 4: ("Asia/Dubai",),
    5: ("Asia/Karachi",), 6: ("Asia/Dhaka",), 7: ("Asia/Bangkok", "Asia/Jakarta"),
    8: ("Asia/Singapore", "Asia/Shanghai", "Australia/Perth"), 9: ("Asia/Tokyo", "Asia/Seoul"),
    10: ("Australia/Brisbane", "Australia/Sydney"), 11: ("Australia/Sydney",),
    12: ("Pacific/Auckland",), 13: ("Pacific/Auckland",), -3: ("America/Sao_Paulo",),
    -4: ("America/New_York", "America/Halifax", "America/Santiago"),
    -5: ("America/New_York", "America/Chicago", "America/Bogota"),
    -6: ("America/Chicago", "America/Mexico_City", "America/Denver"),
    -7: ("America/Denver", "America/Phoenix", "America/Los_Angeles"),
    -8: ("America/Los_Angeles",), -10: ("Pacific/Honolulu",),
}  # fmt: skip
#: offsets that are not whole hours, which only a few places use: read as the main one
_PART_HOURS: dict[tuple[str, int, int], str] = {
    ("+", 5, 30): "Asia/Kolkata", ("+", 5, 45): "Asia/Kathmandu",
    ("+", 9, 30): "Australia/Adelaide",
    ("+", 3, 30): "Asia/Tehran", ("+", 4, 30): "Asia/Kabul", ("+", 6, 30): "Asia/Yangon",
    ("+", 10, 30): "Australia/Lord_Howe", ("+", 12, 45): "Pacific/Chatham",
    ("+", 8, 45): "Australia/Eucla", ("-", 3, 30): "America/St_Johns",
    ("-", 9, 30): "Pacific/Marquesas",
}  # fmt: skip


@functools.cache
def _zones() -> dict[str, str]:
    """Lower-cased zone name -> its canonical spelling."""
    return {z.lower(): z for z in zoneinfo.available_timezones() - _NOT_ZONES}


@functools.cache
def _suggestion_zones() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Modern zone names to suggest, and their city part (``"new york"``) for city matches."""
    names = tuple(
        sorted(z for z in _zones().values() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    )
    return names, tuple(n.rsplit("/", 1)[1].replace("_", " ").lower() for n in names)


@functools.cache
def _cities() -> dict[str, str]:
    """City part of a zone's name and the places above -> zone ("sydney" -> Australia/Sydney)."""
    names, cities = _suggestion_zones()
    found: dict[str, str] = {}
    for name, city in zip(names, cities, strict=True):
        found.setdefault(city, name)  # several zones share a city part rarely; first is fine
    return {**found, **_PLACES}


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("'", "")).split())


def read_zone(value: str, location: str = "") -> ZoneReading:
    """The zone a person's answer names, and how it was read when it was not an IANA name.

    Parameters
    ----------
    value
        The answer as written: an IANA name (any case, spaces for underscores), ``UTC+10``,
        ``EST``, ``Central European Time``, a city or a country. Blank reads as ``UTC``.
    location
        Where the person said they are, if they did: it picks the zone to suggest for an
        offset ("UTC+1" from someone in "Lagos, Nigeria" suggests Africa/Lagos).

    Returns
    -------
    ZoneReading
        The zone, and a note for anything but an IANA name or UTC.

    Raises
    ------
    CellError
        ``code="bad-timezone"``, for an answer no zone can be read from, with "did you
        mean" suggestions when there are close zone names.

    Examples
    --------
    >>> read_zone("america/new york")
    ZoneReading(zone='America/New_York', note='')
    >>> print(read_zone("EST").note)
    read 'EST' as America/New_York (US Eastern): if they meant another zone, write its IANA name
    >>> print(read_zone("GMT+1", location="Lagos, Nigeria").note)
    'GMT+1' is a fixed offset, which does not follow summer time: did you mean Africa/Lagos?
    >>> read_zone("Berlin, Germany").zone
    'Europe/Berlin'
    >>> try:
    ...     read_zone("Australia/Melborne")
    ... except CellError as exc:
    ...     print(exc)
    unknown time zone 'Australia/Melborne': did you mean Australia/Melbourne?
    """
    text = " ".join(value.split())
    if not text or text.lower() in _UNIVERSAL:
        return ZoneReading(_zones().get(text.lower(), "UTC") if text else "UTC")
    exact = _zones().get(text.lower().replace(" ", "_"))
    if exact and "/" in exact:
        return ZoneReading(exact)
    reading = _read_words(text, location)
    if reading:
        return reading
    if exact:  # the database's old names: "EST5EDT", "NZ", ...
        return ZoneReading(exact)
    hint = _or_list(_zone_suggestions(text))
    advice = f"did you mean {hint}?" if hint else "use an IANA name like Europe/Berlin or UTC+10"
    raise CellError(f"unknown time zone {text!r}: {advice}", "bad-timezone")


def _read_words(text: str, location: str) -> ZoneReading | None:
    """An abbreviation, offset or place in ``text``; Outlook's "(UTC+01:00) Amsterdam, ..."
    is tried without its brackets first, then by what is in them."""
    bare = _HINT.sub(" ", text).strip()
    inside = [a or b for a, b in _HINT.findall(text)]
    reading = _named(text, text) or _offset(text, text, location) or _named(bare, text)
    for part in (bare, *bare.split(","), *bare.split("/")):
        if reading is None and part.strip() and (zone := _cities().get(_key(part))):
            reading = ZoneReading(zone, _read_as(text, zone, ""))
    for part in inside:
        reading = reading or _named(part, text) or _offset(part, text, location)
    return reading


def _named(part: str, text: str) -> ZoneReading | None:
    key = _key(part)
    found = _NAMED.get(key) or _NAMED.get(" ".join(_DECORATION.sub(" ", key).split()))
    if not found:
        return None
    zone, who = found
    return ZoneReading(zone, _read_as(text, zone, who))


def _read_as(text: str, zone: str, who: str) -> str:
    about = f" ({who})" if who else ""
    return f"read {text!r} as {zone}{about}: if they meant another zone, write its IANA name"


def _offset(part: str, text: str, location: str) -> ZoneReading | None:
    """``"UTC+10"`` -> ``Etc/GMT-10`` (POSIX inverts the sign in Etc zone names)."""
    match = _OFFSET.fullmatch(part.strip())
    if not match:
        return None
    sign = "-" if match.group(1) in "-−" else "+"
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes:
        zone = _PART_HOURS.get((sign, hours, minutes))
        if zone is None:
            message = f"time zone {text!r} is not a real UTC offset: use an IANA name"
            raise CellError(message, "bad-timezone")
        return ZoneReading(zone, _read_as(text, zone, "the main zone with that offset"))
    if hours == 0:
        return ZoneReading("UTC")
    zone = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    if zone.lower() not in _zones():
        raise CellError(f"time zone {text!r} is not a real UTC offset", "bad-timezone")
    offset = hours if sign == "+" else -hours
    hint = _or_list(_offset_suggestions(offset, location))
    note = f"{text!r} is a fixed offset, which does not follow summer time: did you mean {hint}?"
    return ZoneReading(zone, note)


def _offset_suggestions(offset: int, location: str) -> tuple[str, ...]:
    """Zones with that offset in winter or summer: the person's own place first, if it has."""
    places = [_cities().get(_key(p)) for p in (location, *location.split(","))]
    here = [z for z in places if z and offset in _offsets(z)]
    return tuple(dict.fromkeys(here[:1] or _BY_OFFSET.get(offset, ())))


@functools.cache
def _offsets(zone: str) -> frozenset[int]:
    """The whole-hour UTC offsets of ``zone`` in January and July."""
    tz = zoneinfo.ZoneInfo(zone)
    found = set()
    for month in (1, 7):
        delta = datetime(2026, month, 15, 12, tzinfo=tz).utcoffset()
        if delta is not None:
            found.add(int(delta.total_seconds() // 3600))
    return frozenset(found)


@functools.lru_cache(maxsize=1024)
def _zone_suggestions(value: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` zones close to ``value``, best first (cached: bad values repeat)."""
    names, cities = _suggestion_zones()
    scored: dict[str, float] = {}
    # Matching the whole name catches typos in "Australia/Melborne"; matching the city part
    # catches people who write just "melborne".
    for query, choices in ((value, names), (value.rsplit("/", 1)[-1], cities)):
        hits = process.extract(
            query.replace("_", " "),
            choices,
            scorer=fuzz.ratio,
            processor=utils.default_process,
            limit=limit,
            score_cutoff=75,
        )
        for _, score, index in hits:
            scored[names[index]] = max(score, scored.get(names[index], 0))
    ranked = sorted(scored, key=lambda z: -scored[z])
    # Only near-ties with the best: a clear winner should not come with distracting runners-up.
    return tuple(z for z in ranked if scored[z] >= scored[ranked[0]] - 6)[:limit] if ranked else ()


def _or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"
