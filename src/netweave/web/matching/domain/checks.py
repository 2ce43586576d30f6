"""Every rule a plan breaks for its event today: the core's checks against the current
registrations and history, and the organizers' forbidden pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from netweave.core.check import Violation, check_plan
from netweave.core.fully_async import as_live
from netweave.core.people import Person
from netweave.core.plan import Plan
from netweave.web.events.models import Event
from netweave.web.events.wishes import planner_wishes
from netweave.web.matching.domain.forbidden import forbidden_ids
from netweave.web.matching.domain.inputs import (
    check_config,
    community_history,
    event_people,
    matchable_people,
)

__all__ = ["names_of", "plan_violations", "violation_key"]


def names_of(plan: Plan, people: Sequence[Person]) -> dict[str, str]:
    """Core id -> name, for everyone in ``plan`` or among ``people`` (today's names win)."""
    names = {p.id: p.name for p in plan.participants}
    names.update((p.id, p.name) for p in people)
    return names


def _organizer_forbidden(
    plan: Plan, pairs: Iterable[tuple[str, str]], names: Mapping[str, str]
) -> list[Violation]:
    forbidden = {(a, b) if a < b else (b, a) for a, b in pairs}
    return _together(plan, forbidden, names, "you forbade this pair")


def _together(
    plan: Plan, pairs: set[tuple[str, str]], names: Mapping[str, str], why: str
) -> list[Violation]:
    """Every meeting and group that puts one of ``pairs`` (sorted ids) together, with ``why``."""
    found = []
    for r in plan.rounds:
        for m in r.meetings:
            for pair in m.pairs():
                if pair in pairs:
                    who = " and ".join(names.get(p, p) for p in pair)
                    where = m.room or "an async meeting"
                    message = f"Round {r.number}: {who} are matched in {where}, but {why}"
                    found.append(Violation("forbidden-pair", message, r.number, pair))
    for g in plan.groups:
        inside = set(g.members) | set(g.remote)
        for a, b in sorted(pairs):
            if a in inside and b in inside:
                who = f"{names.get(a, a)} and {names.get(b, b)}"
                message = f"Groups: {who} are both in {g.room}, but {why}"
                found.append(Violation("forbidden-pair", message, 0, (a, b)))
    return found


def _private_pairs(event: Event) -> set[tuple[str, str]]:
    """The pairs (sorted ids) one of whom said "no thanks" to the other, whoever it was."""
    _, no = planner_wishes(event)
    return {(a, b) if a < b else (b, a) for a, targets in no.items() for b in targets}


def _without_private(people: Sequence[Person], private: set[tuple[str, str]]) -> list[Person]:
    """``people`` with no avoid entry of a private pair: the core words an avoid as "Ana
    asked not to meet Bo", which must never tell who said "no thanks"."""
    out = []
    for p in people:
        kept = tuple(a for a in p.avoid if ((p.id, a) if p.id < a else (a, p.id)) not in private)
        out.append(p if kept == p.avoid else replace(p, avoid=kept))
    return out


def _private_violations(
    plan: Plan, private: set[tuple[str, str]], names: Mapping[str, str]
) -> list[Violation]:
    """A private pair placed together, worded without saying which of the two asked."""
    why = "they cannot be paired (a participant's private wish; netweave does not say whose)"
    return _together(plan, private, names, why)


def plan_violations(
    event: Event, plan: Plan, people: Sequence[Person] | None = None
) -> list[Violation]:
    """Every rule ``plan`` breaks for ``event`` today: the core's checks against the current
    registrations and the event's rules (:func:`~.inputs.check_config`, the one reader), the
    community's history (when it excludes repeats), the organizers' forbidden pairs and the
    participants' private "no thanks" (worded so that it never says whose)."""
    people = event_people(event) if people is None else people
    if event.fully_async:
        people, plan = matchable_people(event, people), as_live(plan)
    config = check_config(event)
    history = community_history(event) if config.history_mode == "exclude" else ()
    private = _private_pairs(event)
    found = check_plan(
        plan,
        _without_private(people, private),
        history=history,
        group_size=(config.group_min, config.group_max) if event.groups_enabled else None,
        async_matches=config.matches_per_async,
        apart_same_organization=config.apart_same_organization,
    )
    names = names_of(plan, people)
    found += _private_violations(plan, private, names)
    return found + _organizer_forbidden(plan, forbidden_ids(event), names)


def violation_key(v: Violation) -> tuple[str, int | None, frozenset[str]]:
    """What makes two violations the same one, whatever their wording."""
    return (v.code, v.round, frozenset(v.ids))
