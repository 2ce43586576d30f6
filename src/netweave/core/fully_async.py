"""A fully async event: no live session, everyone watches their matches' intros.

The planner pairs live people with each other (an async person meets live ones only), so a
fully async event is planned with everyone as live (:func:`as_live_people`) and its meetings
are then made async, without rooms (:func:`all_async`). Checks look at such a plan the same
way (:func:`as_live`), so a fully async plan keeps the core's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from netweave.core.people import Person
from netweave.core.plan import Plan

__all__ = ["all_async", "as_live", "as_live_people"]


def as_live_people(people: Iterable[Person]) -> list[Person]:
    """``people``, everyone live: how the planner and the checks see a fully async event.

    Examples
    --------
    >>> [p.mode for p in as_live_people([Person("a", "a", "A", mode="async")])]
    ['live']
    """
    return [replace(p, mode="live") for p in people]


def all_async(plan: Plan) -> Plan:
    """Every meeting of ``plan`` async and without a room, everyone async.

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> plan = Plan((Participant("a", "A"), Participant("b", "B")),
    ...             (Round(1, (Meeting("Room 1", ("a", "b")),)),))
    >>> made = all_async(plan)
    >>> made.rounds[0].meetings[0].room, made.rounds[0].meetings[0].is_async
    (None, True)
    >>> [p.mode for p in made.participants]
    ['async', 'async']
    """
    rounds = tuple(
        replace(r, meetings=tuple(replace(m, room=None, is_async=True) for m in r.meetings))
        for r in plan.rounds
    )
    people = tuple(replace(p, mode="async") for p in plan.participants)
    return replace(plan, rounds=rounds, participants=people)


def as_live(plan: Plan) -> Plan:
    """A fully async ``plan`` as the core checks it: live meetings in numbered places.

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> plan = Plan((Participant("a", "A", "async"), Participant("b", "B", "async")),
    ...             (Round(1, (Meeting(None, ("a", "b"), is_async=True),)),))
    >>> seen = as_live(plan)
    >>> seen.rounds[0].meetings[0].room, [p.mode for p in seen.participants]
    ('async meeting 1', ['live', 'live'])
    """
    rounds = tuple(
        replace(
            r,
            meetings=tuple(
                replace(m, room=f"async meeting {k}", is_async=False)
                for k, m in enumerate(r.meetings, start=1)
            ),
        )
        for r in plan.rounds
    )
    people = tuple(replace(p, mode="live") for p in plan.participants)
    return replace(plan, rounds=rounds, participants=people)
