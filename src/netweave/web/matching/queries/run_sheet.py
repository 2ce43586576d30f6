"""The host's run sheet: each round's times, rooms and what to say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from netweave.web.common.timezones import zone
from netweave.web.events.models import Event
from netweave.web.events.timeline import groups_start_at, round_starts_at
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.cards import Card, GroupCard, group_cards, round_cards

__all__ = ["RunRound", "RunSheet", "run_sheet"]


@dataclass(frozen=True)
class RunRound:
    number: int
    starts: dt.datetime
    ends: dt.datetime
    rooms: tuple[Card, ...]
    remote: tuple[Card, ...]
    say: tuple[str, ...]


@dataclass(frozen=True)
class RunSheet:
    zone: str
    rounds: tuple[RunRound, ...]
    groups: tuple[GroupCard, ...]
    groups_start: dt.datetime
    groups_end: dt.datetime
    groups_say: tuple[str, ...]


def _round_script(event: Event, number: int, total: int, cards: Sequence[Card]) -> tuple[str, ...]:
    say = [
        f"Round {number} of {total} starts now. Zoom moves you into your breakout room; you "
        f"have {event.minutes_per_round} minutes.",
        "Take a minute each to say who you are and what you are looking for, then talk "
        "about what you have in common: the plan page lists why you were matched.",
    ]
    for c in cards:
        if c.with_host:
            say.append(f"You (the host) join {c.people[0].name} in {c.room}.")
        elif c.is_trio:
            say.append(f"{c.room} is a trio ({', '.join(p.name for p in c.people)}).")
    say.append("One minute before the end: “One minute left: swap contact details if you want.”")
    return tuple(say)


def run_sheet(version: PlanVersion) -> RunSheet:
    """The host's run sheet: each round's times in the event's zone, rooms and what to say.

    The times are the event's timeline (:mod:`netweave.web.events.timeline`), the same that
    participants' pages and invites show.
    """
    event = version.event
    here = zone(event.timezone)
    step = dt.timedelta(minutes=event.minutes_per_round)
    cards = round_cards(version)
    numbers = version.round_numbers or sorted({c.round for c in cards})
    rounds = []
    for n in numbers:
        mine = [c for c in cards if c.round == n]
        live = tuple(c for c in mine if not c.is_async)
        say = _round_script(event, n, len(numbers), live)
        begins = timezone.localtime(round_starts_at(event, n), here)
        rounds.append(
            RunRound(n, begins, begins + step, live, tuple(c for c in mine if c.is_async), say)
        )
    groups_start = timezone.localtime(groups_start_at(event), here)
    groups_say = (
        f"Last part: small groups for {event.group_minutes} minutes. Each group has a theme; "
        "start with a round of names and one thing you would like to learn from the others.",
    )
    return RunSheet(
        zone=event.timezone,
        rounds=tuple(rounds),
        groups=tuple(group_cards(version)),
        groups_start=groups_start,
        groups_end=groups_start + dt.timedelta(minutes=event.group_minutes),
        groups_say=groups_say,
    )
