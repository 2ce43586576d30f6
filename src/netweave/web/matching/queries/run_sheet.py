"""The host's run sheet: each round's times, rooms and what to say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone

from netweave.core.rooms import room_label, room_number, rooms_needed
from netweave.web.common.timezones import zone
from netweave.web.events.models import Event
from netweave.web.events.rooms import how_to_reach, room_link, room_mode, round_steps
from netweave.web.events.timeline import groups_start_at, round_starts_at
from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.cards import Card, GroupCard, group_cards, round_cards
from netweave.web.matching.queries.hosts import host_duties

__all__ = ["RunRoom", "RunRound", "RunSheet", "run_sheet"]


@dataclass(frozen=True)
class RunRoom:
    """A room of a round as the host works through it: its name everywhere ("Room 07"), the
    people in it sorted by name (as Zoom's Assign list shows them), and its own link when
    the event gives each meeting one."""

    label: str
    names: tuple[str, ...]
    with_host: bool
    join_url: str | None


@dataclass(frozen=True)
class RunRound:
    number: int
    starts: dt.datetime
    ends: dt.datetime
    #: in room order, the order the host clicks in Zoom's Breakout Rooms window
    rooms: tuple[RunRoom, ...]
    remote: tuple[Card, ...]
    say: tuple[str, ...]
    #: what the host does in Zoom before the round (``events.rooms.round_steps``)
    steps: tuple[str, ...]
    #: (name, room) for everyone in a room, by name: for "Move to" one person at a time
    moves: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RunSheet:
    zone: str
    room_mode: str
    rounds: tuple[RunRound, ...]
    groups: tuple[GroupCard, ...]
    groups_start: dt.datetime
    groups_end: dt.datetime
    groups_say: tuple[str, ...]
    groups_steps: tuple[str, ...]


def _round_script(
    event: Event,
    number: int,
    total: int,
    cards: Sequence[Card],
    hosts: Mapping[tuple[int, str], str] | None = None,
) -> tuple[str, ...]:
    say = [
        f"Round {number} of {total} starts now: {how_to_reach(event)}. You have "
        f"{event.minutes_per_round} minutes.",
        "Take a minute each to say who you are and what you are looking for, then talk "
        "about what you have in common: the plan page lists why you were matched.",
    ]
    for c in cards:
        if c.with_host and (host := (hosts or {}).get((number, c.room or ""))):
            say.append(f"{host} (a host) joins {c.people[0].name} in {room_label(c.room)}.")
        elif c.with_host:
            say.append(f"You (the host) join {c.people[0].name} in {room_label(c.room)}.")
        elif c.is_trio:
            say.append(f"{room_label(c.room)} is a trio ({', '.join(p.name for p in c.people)}).")
    say.append("One minute before the end: “One minute left: swap contact details if you want.”")
    return tuple(say)


def _by_name(name: str) -> str:
    return name.casefold()


def _rooms(event: Event, number: int, cards: Sequence[Card]) -> tuple[RunRoom, ...]:
    ordered = sorted(cards, key=lambda c: (room_number(c.room) or 0, c.room or ""))
    return tuple(
        RunRoom(
            label=room_label(c.room),
            names=tuple(sorted((p.name for p in c.people), key=_by_name)),
            with_host=c.with_host,
            join_url=room_link(event, number, c.room),
        )
        for c in ordered
    )


def run_sheet(version: PlanVersion) -> RunSheet:
    """The host's run sheet: each round's times in the event's zone, rooms and what to say.

    The times are the event's timeline (:mod:`netweave.web.events.timeline`), the same that
    participants' pages and invites show; the rooms are named by the one rule of
    :mod:`netweave.core.rooms`, as on participants' pages and in the console.
    """
    event = version.event
    here = zone(event.timezone)
    step = dt.timedelta(minutes=event.minutes_per_round)
    cards = round_cards(version)
    groups = tuple(group_cards(version))
    numbers = version.round_numbers or sorted({c.round for c in cards})
    rooms = rooms_needed([c.room for c in cards] + [g.room for g in groups])
    # staff hosts fill the odd seats (queries.hosts); without them it is the organizer
    hosts = {(d.round, d.room): d.host_name for d in host_duties(event, version)}
    rounds = []
    for k, n in enumerate(numbers):
        live = [c for c in cards if c.round == n and not c.is_async]
        begins = timezone.localtime(round_starts_at(event, n), here)
        run_rooms = _rooms(event, n, live)
        rounds.append(
            RunRound(
                number=n,
                starts=begins,
                ends=begins + step,
                rooms=run_rooms,
                remote=tuple(c for c in cards if c.round == n and c.is_async),
                say=_round_script(event, n, len(numbers), live, hosts),
                steps=round_steps(event, n, rooms, first=k == 0),
                moves=tuple(
                    sorted(
                        ((name, r.label) for r in run_rooms for name in r.names),
                        key=lambda row: _by_name(row[0]),
                    )
                ),
            )
        )
    groups_start = timezone.localtime(groups_start_at(event), here)
    groups_say = (
        f"Last part: small groups for {event.group_minutes} minutes. Each group has a theme; "
        "start with a round of names and one thing you would like to learn from the others.",
    )
    return RunSheet(
        zone=event.timezone,
        room_mode=room_mode(event),
        rounds=tuple(rounds),
        groups=groups,
        groups_start=groups_start,
        groups_end=groups_start + dt.timedelta(minutes=event.group_minutes),
        groups_say=groups_say,
        groups_steps=round_steps(event, 0, rooms, first=not numbers),
    )
