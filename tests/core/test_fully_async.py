"""A fully async event, planned and checked as a live one."""

from __future__ import annotations

from netweave.core.check import check_plan
from netweave.core.config import EventConfig
from netweave.core.fully_async import all_async, as_live, as_live_people
from netweave.core.people import Person
from netweave.core.planner import PlanningInput, plan_event

PEOPLE = [Person(f"p{k}@x.org", f"p{k}@x.org", f"P{k}", mode="async") for k in range(7)]


def fully_async_plan():
    data = PlanningInput(as_live_people(PEOPLE), groups=False)
    return all_async(plan_event(data, EventConfig(rounds=3)))


def test_fully_async_plan_has_only_async_meetings_without_rooms():
    plan = fully_async_plan()

    meetings = [m for r in plan.rounds for m in r.meetings]
    assert {(m.room, m.is_async) for m in meetings} == {(None, True)}
    assert {p.mode for p in plan.participants} == {"async"}


def test_fully_async_plan_seen_as_live_keeps_every_rule():
    plan = as_live(fully_async_plan())

    assert check_plan(plan, as_live_people(PEOPLE)) == []


def test_fully_async_plan_as_live_numbers_its_places_per_round():
    plan = as_live(fully_async_plan())

    rooms = [m.room for m in plan.rounds[0].meetings]
    assert rooms == [f"async meeting {k}" for k in range(1, len(rooms) + 1)]


def test_as_live_people_keeps_everything_but_the_mode():
    ana = Person("ana@x.org", "ana@x.org", "Ana", mode="async", interests=("events",))

    (live,) = as_live_people([ana])

    assert (live.mode, live.interests, live.id) == ("live", ("events",), "ana@x.org")
