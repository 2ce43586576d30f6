"""Staff hosts fill the odd seats: in turns, a new face first, never someone avoided."""

from __future__ import annotations

from netweave.core.config import EventConfig
from netweave.core.hosts import assign_hosts, host_seats
from netweave.core.people import Person
from netweave.core.plan import Meeting, Participant, Plan, Round
from netweave.core.planner import PlanningInput, plan_event


def _alone(*guests: str) -> Plan:
    rounds = tuple(
        Round(n, (Meeting("Room 1", ("x", "y")), Meeting("Room 2", (g,))))
        for n, g in enumerate(guests, 1)
    )
    return Plan(tuple(Participant(g, g.upper()) for g in {*guests, "x", "y"}), rounds)


def test_assign_hosts_takes_turns_with_new_faces_first():
    duties = assign_hosts(_alone("ana", "bo", "ana", "cy"), ["kim", "lee"])
    assert [(d.round, d.room, d.host, d.guest) for d in duties] == [
        (1, "Room 2", "kim", "ana"),
        (2, "Room 2", "lee", "bo"),
        (3, "Room 2", "lee", "ana"),  # kim met ana already
        (4, "Room 2", "kim", "cy"),
    ]


def test_assign_hosts_never_seats_someone_avoided_either_way():
    plan = _alone("ana", "bo")
    duties = assign_hosts(plan, ["kim"], {"ana": {"kim"}, "kim": {"bo"}})
    assert duties == []


def test_assign_hosts_without_odd_seats_or_hosts_is_empty():
    assert assign_hosts(_alone("ana"), []) == []
    assert host_seats(Plan((), (Round(1, (Meeting("Room 1", ("a", "b")),)),))) == []


def test_planner_with_odd_host_leaves_one_seat_per_odd_round_for_a_host():
    people = [Person(f"p{k}@x.org", f"p{k}@x.org", f"P{k}") for k in range(5)]
    plan = plan_event(PlanningInput(people, groups=False), EventConfig(rounds=3, odd="host"))
    seats = host_seats(plan)
    assert [r for r, _, _ in seats] == [1, 2, 3]
    duties = assign_hosts(plan, ["kim@x.org", "lee@x.org"])
    assert len({d.guest for d in duties}) == 3
    assert [d.host for d in duties] == ["kim@x.org", "lee@x.org", "kim@x.org"]
