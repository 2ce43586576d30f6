"""When things happen for each participant, in their own zone: the answer window closing and
the digest going out, and how such a moment is written in an email."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netweave.web.common.timezones import zone
from netweave.web.events.models import Event, Registration
from netweave.web.events.timeline import event_ends_at, intro_deadline
from netweave.web.intros.models import IntroSettings
from netweave.web.intros.queries.participants import digest_recipients
from netweave.web.intros.queries.settings import intro_settings

__all__ = [
    "AsyncTiming",
    "async_timing",
    "digest_due_at",
    "form_closes_at",
    "format_moment",
    "last_window_closes_at",
    "local_moment",
    "window_closes_at",
]


def local_moment(day: dt.date, at: dt.time, tz: str) -> dt.datetime:
    """``at`` o'clock on ``day`` in zone ``tz``, as an aware UTC datetime.

    zoneinfo gives each date its own offset, so 09:00 stays 09:00 on either side of a
    daylight-saving change. A wall time that does not exist (inside the spring-forward gap)
    comes out an hour later, as clocks show it.
    """
    return dt.datetime.combine(day, at, tzinfo=zone(tz)).astimezone(dt.UTC)


def window_closes_at(
    registration: Registration, limits: IntroSettings | None = None
) -> dt.datetime:
    """Fully async events: when ``registration``'s answer window closes (and their digest
    goes out): the first digest time in their zone at least the window's length after the
    start, so everyone gets the full window, ending in their own morning."""
    event = registration.event
    limits = limits or intro_settings(event)
    earliest = event.starts_at + dt.timedelta(days=limits.answer_window_days)
    tz = registration.member.timezone
    day = earliest.astimezone(zone(tz)).date()
    moment = local_moment(day, limits.digest_time, tz)
    if moment < earliest:
        moment = local_moment(day + dt.timedelta(days=1), limits.digest_time, tz)
    return moment


def last_window_closes_at(event: Event) -> dt.datetime:
    """When the last answer window of a fully async ``event`` closes (what makes it over:
    :func:`netweave.web.events.timeline.event_ends_at` reads it). Two queries.

    Without anyone registered, the window's length after the start."""
    limits = intro_settings(event)
    people = digest_recipients(event).select_related("member")
    closes = [window_closes_at(r, limits) for r in people]
    return max(closes, default=event.starts_at + dt.timedelta(days=limits.answer_window_days))


def digest_due_at(registration: Registration, limits: IntroSettings | None = None) -> dt.datetime:
    """When ``registration``'s digest goes out.

    Live events: at the digest time (default 09:00) in the participant's own zone, the
    configured number of days (default 1) after the day the event ends *in that zone*, and
    always after the event. Fully async events: when their answer window closes.
    """
    event = registration.event
    limits = limits or intro_settings(event)
    if event.fully_async:
        return window_closes_at(registration, limits)
    tz = registration.member.timezone
    end = event_ends_at(event)
    day = end.astimezone(zone(tz)).date() + dt.timedelta(days=limits.digest_days_after)
    moment = local_moment(day, limits.digest_time, tz)
    while moment <= end:  # "0 days after" with an event ending in the participant's evening
        day += dt.timedelta(days=1)
        moment = local_moment(day, limits.digest_time, tz)
    return moment


def form_closes_at(subject: Registration, limits: IntroSettings | None = None) -> dt.datetime:
    """When the forms written *for* ``subject`` stop taking answers: when ``subject``'s
    window closes in a fully async event, else when their digest goes out. It is the
    subject's time, not the writer's: a writer with partners in other zones has several."""
    if subject.event.fully_async:
        return window_closes_at(subject, limits)
    return digest_due_at(subject, limits)


@dataclass(frozen=True)
class AsyncTiming:
    """What of async participation is due at a moment, for the organizers' Async tab."""

    #: when intros are due, and whether that has passed (partners were then re-planned)
    intros_due_at: dt.datetime
    intros_past: bool
    #: partner forms open when the event starts: before, none is missing and nobody is
    #: reminded
    forms_open_at: dt.datetime
    forms_open: bool


def async_timing(event: Event, now: dt.datetime) -> AsyncTiming:
    """When intros and partner forms are due for ``event``, seen at ``now``."""
    due = intro_deadline(event)
    return AsyncTiming(due, now >= due, event.starts_at, now >= event.starts_at)


def format_moment(moment: dt.datetime, tz: str) -> str:
    """``moment`` as emails and forms write it, in zone ``tz``: "Monday 3 March, 09:00 (tz)"."""
    local = moment.astimezone(zone(tz))
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M} ({tz})"
