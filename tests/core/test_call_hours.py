"""Shared waking hours across time zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.core.call_hours import merged, shared_slots

ZONES = [
    "Australia/Melbourne",
    "Africa/Nairobi",
    "Europe/Berlin",
    "America/Toronto",
    "Pacific/Honolulu",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
]
UTC = dt.UTC


def local_ok(slot: dt.datetime, zone: str, start: dt.time, end: dt.time) -> bool:
    tz = zoneinfo.ZoneInfo(zone)
    a, b = slot.astimezone(tz), (slot + dt.timedelta(hours=1)).astimezone(tz)
    return a.date() == b.date() and start <= a.time() and b.time() <= end


moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
hours = st.integers(min_value=0, max_value=22)


@settings(max_examples=60, deadline=None)
@given(
    zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=5),
    start=moments,
    first=hours,
    span=st.integers(min_value=1, max_value=16),
    days=st.integers(min_value=1, max_value=4),
)
def test_shared_slots_are_exactly_the_hours_everyone_is_awake(zones, start, first, span, days):
    day_start = dt.time(first)
    day_end = dt.time(min(first + span, 23), 59 if first + span > 23 else 0)
    slots = shared_slots(zones, start, days=days, day_start=day_start, day_end=day_end)
    hour0 = start.replace(minute=0, second=0, microsecond=0)
    hour0 += dt.timedelta(hours=1) if hour0 != start else dt.timedelta(0)
    candidates = [hour0 + dt.timedelta(hours=k) for k in range(24 * days)]
    expected = [c for c in candidates if all(local_ok(c, z, day_start, day_end) for z in zones)]
    assert slots == expected
    assert all(s >= start for s in slots)


def test_melbourne_and_toronto_share_their_evenings_and_mornings():
    start = dt.datetime(2026, 12, 7, tzinfo=UTC)
    slots = shared_slots(["Australia/Melbourne", "America/Toronto"], start, days=1)
    # Toronto 16:00-21:00 (UTC-5) is Melbourne 08:00-13:00 the next day (UTC+11)
    assert [s.hour for s in slots] == [0, 1, 21, 22, 23]
    assert [(a.hour, b.hour) for a, b in merged(slots)] == [(0, 2), (21, 0)]


def test_spring_forward_shifts_the_window_by_an_hour():
    before = shared_slots(["Europe/Berlin"], dt.datetime(2026, 3, 28, tzinfo=UTC), days=1)
    after = shared_slots(["Europe/Berlin"], dt.datetime(2026, 3, 29, 2, tzinfo=UTC), days=1)
    assert (before[0].hour, after[0].hour) == (7, 6)


def test_merged_joins_neighbouring_hours():
    t = dt.datetime(2026, 12, 7, 9, tzinfo=UTC)
    windows = merged([t, t + dt.timedelta(hours=1)])
    assert windows == [(t, t + dt.timedelta(hours=2))]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": dt.datetime(2026, 1, 1)}, "aware"),
        ({"day_start": dt.time(21), "day_end": dt.time(8)}, "start before it ends"),
        ({"zones": []}, "at least one"),
    ],
)
def test_shared_slots_bad_input_says_what_is_wrong(kwargs, message):
    args = {"zones": ["Europe/Berlin"], "start": dt.datetime(2026, 1, 1, tzinfo=UTC), **kwargs}
    with pytest.raises(ValueError, match=message):
        shared_slots(args.pop("zones"), args.pop("start"), **args)
