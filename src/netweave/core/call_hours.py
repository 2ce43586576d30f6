"""Hours that suit everyone: the times in the next days that fall inside every person's
waking day, each in their own time zone.

Two people in Melbourne and Toronto, or a small group spread from Honolulu to Tokyo, want a
call at an hour that is reasonable for all of them. :func:`shared_slots` lists the one-hour
slots (starting on whole UTC hours, so half-hour zones such as Kolkata get calls at half past)
that begin and end inside ``day_start``-``day_end`` local time for every zone, daylight-saving
changes included; :func:`merged` joins back-to-back slots into windows for display. Times are
aware ``datetime`` values in UTC: show them in each reader's zone.

Examples
--------
>>> import datetime as dt
>>> start = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)
>>> slots = shared_slots(["Europe/Berlin", "America/Toronto"], start, days=1)
>>> [s.strftime("%H:%M") for s in merged(slots)[0]]
['13:00', '20:00']
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

__all__ = ["DAY_END", "DAY_START", "SLOT", "merged", "shared_slots", "waking"]

#: default waking day, local time
DAY_START = dt.time(8, 0)
DAY_END = dt.time(21, 0)
#: the length of one call slot
SLOT = dt.timedelta(hours=1)


def waking(
    start: dt.datetime,
    zone: str,
    day_start: dt.time = DAY_START,
    day_end: dt.time = DAY_END,
    length: dt.timedelta = SLOT,
) -> bool:
    """Whether ``[start, start + length)`` lies inside one local waking day in ``zone``.

    Examples
    --------
    >>> import datetime as dt
    >>> nine_utc = dt.datetime(2026, 12, 7, 9, tzinfo=dt.timezone.utc)
    >>> waking(nine_utc, "Europe/Berlin"), waking(nine_utc, "Pacific/Honolulu")
    (True, False)
    """
    tz = zoneinfo.ZoneInfo(zone)
    begin, end = start.astimezone(tz), (start + length).astimezone(tz)
    return begin.date() == end.date() and day_start <= begin.time() and end.time() <= day_end


def shared_slots(
    zones: Sequence[str],
    start: dt.datetime,
    *,
    days: int = 3,
    day_start: dt.time = DAY_START,
    day_end: dt.time = DAY_END,
    length: dt.timedelta = SLOT,
) -> list[dt.datetime]:
    """The slot starts (UTC, whole hours) from ``start`` for ``days`` days that fall inside
    every zone's waking day.

    Parameters
    ----------
    zones : sequence of str
        IANA zone names, one per person (repeats are fine).
    start : datetime
        Aware; the first slot begins at the first whole UTC hour at or after it.
    days : int
        How many days (24-hour spans from ``start``) to look at.
    day_start, day_end : time
        Each person's waking day, local time; ``day_start`` must come before ``day_end``.
    length : timedelta
        A slot's length (at most a few hours).

    Returns
    -------
    list of datetime
        In time order; empty when the zones share no waking hour. Any two zones share at
        least one hour of a 13-hour day (no two are more than 12 hours apart); Honolulu,
        Berlin and Tokyo together share none of 08:00-21:00.

    Raises
    ------
    ValueError
        For a naive ``start``, a day that ends before it starts, or no zone.

    Notes
    -----
    ``24 * days`` candidates, each checked in every zone: ``O(days * len(zones))``.

    Examples
    --------
    >>> import datetime as dt
    >>> start = dt.datetime(2026, 12, 7, 0, 20, tzinfo=dt.timezone.utc)
    >>> slots = shared_slots(["Australia/Melbourne", "Europe/Berlin"], start, days=1)
    >>> [s.strftime("%H:%M") for s in slots]
    ['07:00', '08:00', '09:00']
    >>> shared_slots(["Pacific/Honolulu", "Europe/Berlin", "Asia/Tokyo"], start)
    []
    """
    if start.tzinfo is None:
        raise ValueError("shared_slots needs an aware start time (with a time zone).")
    if not day_start < day_end:
        raise ValueError(
            f"The waking day must start before it ends ({day_start:%H:%M}-{day_end:%H:%M})."
        )
    if not zones:
        raise ValueError("shared_slots needs at least one time zone.")
    first = start.astimezone(dt.UTC)
    if first != first.replace(minute=0, second=0, microsecond=0):
        first = first.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    unique = sorted(set(zones))
    candidates = (first + dt.timedelta(hours=k) for k in range(24 * days))
    return [c for c in candidates if all(waking(c, z, day_start, day_end, length) for z in unique)]


def merged(
    slots: Sequence[dt.datetime], length: dt.timedelta = SLOT
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Back-to-back slots joined into ``(begin, end)`` windows.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2026, 12, 7, 9, tzinfo=dt.timezone.utc)
    >>> hour = dt.timedelta(hours=1)
    >>> [(a.hour, b.hour) for a, b in merged([t, t + hour, t + 5 * hour])]
    [(9, 11), (14, 15)]
    """
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    for slot in slots:
        if windows and windows[-1][1] == slot:
            windows[-1] = (windows[-1][0], slot + length)
        else:
            windows.append((slot, slot + length))
    return windows
