"""compare_plans: what changed between two plans, meeting by meeting."""

from __future__ import annotations

from netweave.core.diff import compare_plans
from netweave.core.plan import Group, Meeting, Participant, Plan, Round

PEOPLE = tuple(Participant(p, p.title()) for p in ("ana", "bo", "cy", "dee", "eve", "fay"))


def plan(*rounds: tuple[tuple[str, ...], ...], groups: tuple[tuple[str, ...], ...] = ()) -> Plan:
    return Plan(
        PEOPLE,
        tuple(
            Round(n, tuple(Meeting(f"Room {k}", m) for k, m in enumerate(ms, start=1)))
            for n, ms in enumerate(rounds, start=1)
        ),
        tuple(Group(f"Group {k}", g) for k, g in enumerate(groups, start=1)),
    )


def test_compare_plans_swap_shows_two_added_two_removed():
    old = plan((("ana", "bo"), ("cy", "dee")), (("ana", "cy"), ("bo", "dee")))
    new = plan((("ana", "bo"), ("cy", "dee")), (("ana", "dee"), ("bo", "cy")))

    diff = compare_plans(old, new)

    assert (diff.meetings_added, diff.meetings_removed, diff.meetings_kept) == (2, 2, 2)
    assert (diff.rounds[0].kept, diff.people_affected, diff.changed) == (2, 4, True)


def test_compare_plans_names_people():
    diff = compare_plans(plan((("ana", "bo"),)), plan((("ana", "cy"),)))

    assert [c.names for c in diff.rounds[0].added] == [("Ana", "Cy")]
    assert [c.names for c in diff.rounds[0].removed] == [("Ana", "Bo")]


def test_compare_plans_another_room_or_order_is_no_change():
    old = plan((("ana", "bo"), ("cy", "dee")))
    new = plan((("dee", "cy"), ("bo", "ana")))

    assert compare_plans(old, new).changed is False


def test_compare_plans_a_round_only_one_plan_has():
    diff = compare_plans(plan((("ana", "bo"),)), plan((("ana", "bo"),), (("ana", "cy"),)))

    assert [(r.number, len(r.added), len(r.removed)) for r in diff.rounds] == [(1, 0, 0), (2, 1, 0)]


def test_compare_plans_group_change():
    old = plan(groups=(("ana", "bo", "cy"), ("dee", "eve", "fay")))
    new = plan(groups=(("ana", "bo", "dee"), ("cy", "eve", "fay")))

    diff = compare_plans(old, new)

    assert (len(diff.groups_added), len(diff.groups_removed), diff.groups_kept) == (2, 2, 0)
    assert diff.people_affected == 6
