"""An event's times: when each round starts, when the groups start, when it is all over,
and whether a moment falls in someone's night.

The one owner of these rules: pages, emails, calendar invites, the live console and the
retention clock all read them from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from netweave.web.common.timezones import zone
from netweave.web.events.models import Event, Registration

__all__ = [
    "event_ends_at",
    "groups_start_at",
    "intro_deadline",
    "is_night",
    "night_notice",
    "register_window_end",
    "round_starts_at",
]

#: local hours at which a live event counts as "at night" (22:00 up to 07:00)
NIGHT_STARTS, NIGHT_ENDS = 22, 7


def round_starts_at(event: Event, number: int) -> dt.datetime:
    """When round ``number`` (1-based) starts."""
    return event.starts_at + dt.timedelta(minutes=(number - 1) * event.minutes_per_round)


def groups_start_at(event: Event) -> dt.datetime:
    """When the small groups start: right after the last round."""
    return event.starts_at + dt.timedelta(minutes=event.rounds * event.minutes_per_round)


#: a fully async event's end: when its last answer window closes. The window's settings
#: belong to the intros app, a higher layer, which registers the reader in its ``ready``.
_window_end: list[Callable[[Event], dt.datetime]] = []


def register_window_end(reader: Callable[[Event], dt.datetime]) -> None:
    """Register how a fully async event's last answer window closes (one reader)."""
    _window_end[:] = [reader]


def event_ends_at(event: Event) -> dt.datetime:
    """When ``event`` is over: the rounds, then the groups if any; a fully async event when
    its last answer window closes, days later.

    The one owner of "is over": summaries, feedback, the freezing of what happened, the
    calendar invite and the retention clock all read it, so a fully async event does not
    end 44 minutes into a three-day window."""
    end = groups_start_at(event)
    if event.groups_enabled:
        end += dt.timedelta(minutes=event.group_minutes)
    if event.fully_async and _window_end:
        end = max(end, _window_end[0](event))
    return end


def intro_deadline(event: Event) -> dt.datetime:
    """When async intros are due: the organizers' deadline, else a day before the start.

    Async people without an intro by then are taken out of the plan and their live partners
    meet someone live (``intros.domain.deadline``)."""
    if event.intro_deadline is not None:
        return event.intro_deadline
    # a fully async event has no live partners to re-plan: intros are due when it opens
    return event.starts_at if event.fully_async else event.starts_at - dt.timedelta(days=1)


def is_night(moment: dt.datetime, tz: str) -> bool:
    """Whether ``moment`` falls between 22:00 and 07:00 local time in ``tz``."""
    hour = moment.astimezone(zone(tz)).hour
    return hour >= NIGHT_STARTS or hour < NIGHT_ENDS


def night_notice(event: Event, tz: str, mode: str) -> str:
    """A gentle note when a live participant would meet in the middle of their night.

    Not an error: some people happily stay up; we only make sure they chose knowingly.
    """
    if mode != Registration.Mode.LIVE or event.fully_async or not is_night(event.starts_at, tz):
        return ""
    local = timezone.localtime(event.starts_at, zone(tz))
    return (
        f"The event starts at {local:%H:%M} on {local:%A} {local.day} {local:%B} in {tz}, "
        "which is night where you are. You can take part asynchronously instead: you record "
        "a short intro, your partners watch it during the event and you read their answers "
        "in your morning."
    )
