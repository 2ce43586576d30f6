"""check_plan: one labelled violation per broken rule, on small hand-made plans."""

from __future__ import annotations

from netweave.core.check import CODES, Violation, check_plan
from netweave.core.people import Person
from netweave.core.plan import Group, Meeting, Plan, Round, Unmatched

NAMES = {
    "ana": "Ana Lima",
    "kofi": "Kofi Mensah",
    "li": "Li Wei",
    "sam": "Sam Okafor",
    "tom": "Tomás Ruiz",
    "mei": "Mei Chen",
}


def pid(key: str) -> str:
    return f"{key}@x.org"


def person(key: str, mode: str = "live", avoid: tuple[str, ...] = ()) -> Person:
    return Person(pid(key), pid(key), NAMES[key], mode, avoid=tuple(pid(a) for a in avoid))  # type: ignore[arg-type]


def people(**avoid: tuple[str, ...]) -> list[Person]:
    """Five live people and Mei, who is async; ``avoid`` gives avoid lists by key."""
    return [
        person(k, "async" if k == "mei" else "live", avoid.get(k, ()))
        for k in ("ana", "kofi", "li", "sam", "tom", "mei")
    ]


def live(room: str | None, *keys: str) -> Meeting:
    return Meeting(room, tuple(pid(k) for k in keys))


def remote(live_key: str, async_key: str, room: str | None = None) -> Meeting:
    return Meeting(room, (pid(live_key), pid(async_key)), is_async=True)


def group(room: str, *keys: str, remote: tuple[str, ...] = (), pinned: bool = False) -> Group:
    return Group(
        room, tuple(pid(k) for k in keys), remote=tuple(pid(k) for k in remote), pinned=pinned
    )


def plan(*rounds: tuple[Meeting, ...], groups: tuple[Group, ...] = (), unmatched=()) -> Plan:
    numbered = tuple(Round(n, ms) for n, ms in enumerate(rounds, start=1))
    return Plan((), numbered, groups, tuple(unmatched))


ROUND_1 = (live("Room 1", "ana", "kofi"), live("Room 2", "li", "sam"), remote("tom", "mei"))
ROUND_2 = (live("Room 1", "ana", "li"), live("Room 2", "kofi", "sam", "tom"))
GROUPS = (group("Group 1", "ana", "kofi", "li", "sam", "tom", remote=("mei",)),)


def clean_plan() -> Plan:
    return plan(ROUND_1, ROUND_2, groups=GROUPS)


def of(code: str, violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.code == code]


def test_check_plan_clean_plan_no_violations():
    assert check_plan(clean_plan(), people(), async_matches=1) == []


def test_check_plan_unknown_person():
    rounds = (live("Room 1", "ana", "kofi"), Meeting("Room 2", (pid("li"), "zed@x.org")))
    found = of("unknown-person", check_plan(plan(rounds), people()))
    assert [(v.round, v.ids) for v in found] == [(1, ("zed@x.org",))]


def test_check_plan_unknown_person_in_unmatched():
    bad = plan(ROUND_1, ROUND_2, unmatched=[Unmatched(2, "zed@x.org", "left")])
    assert [v.ids for v in of("unknown-person", check_plan(bad, people()))] == [("zed@x.org",)]


def test_check_plan_double_booked():
    rounds = (*ROUND_1, live("Room 3", "sam", "ana"))
    found = of("double-booked", check_plan(plan(rounds), people()))
    assert [v.ids for v in found] == [(pid("ana"),), (pid("sam"),)]


def test_check_plan_repeat_meeting_message_names_people():
    again = (live("Room 1", "ana", "kofi"), live("Room 2", "li", "tom"))
    found = of("repeat-meeting", check_plan(plan(ROUND_1, again), people()))
    assert [v.message for v in found] == [
        "Round 2: Ana Lima and Kofi Mensah already met in round 1"
    ]


def test_check_plan_repeat_meeting_inside_trio():
    again = (live("Room 1", "ana", "li", "sam"), live("Room 2", "kofi", "tom"))
    found = of("repeat-meeting", check_plan(plan(ROUND_1, again), people()))
    assert [v.ids for v in found] == [(pid("li"), pid("sam"))]


def test_check_plan_forbidden_pair_says_who_asked():
    found = of("forbidden-pair", check_plan(clean_plan(), people(kofi=("ana",))))
    assert "Kofi Mensah asked not to meet Ana Lima" in found[0].message


def test_check_plan_forbidden_pair_both_asked():
    found = of("forbidden-pair", check_plan(plan(ROUND_1), people(ana=("kofi",), kofi=("ana",))))
    assert [v.message.endswith("both asked not to meet each other") for v in found] == [True]


def test_check_plan_forbidden_pair_in_group():
    found = of("forbidden-pair", check_plan(plan(groups=GROUPS), people(tom=("mei",))))
    assert [(v.round, v.ids) for v in found] == [(0, (pid("mei"), pid("tom")))]


def test_check_plan_met_before_either_order_any_case():
    found = check_plan(clean_plan(), people(), history=[("KOFI@x.org", "ana@x.org")])
    assert [(v.code, v.round) for v in found] == [("met-before", 1)]


def test_check_plan_meeting_size_four():
    rounds = (live("Room 1", "ana", "kofi", "li", "sam"), remote("tom", "mei"))
    assert [v.ids for v in of("meeting-size", check_plan(plan(rounds), people()))] == [
        tuple(pid(k) for k in ("ana", "kofi", "li", "sam"))
    ]


def test_check_plan_meeting_size_empty():
    rounds = (*ROUND_1, Meeting("Room 3", ()))
    assert len(of("meeting-size", check_plan(plan(rounds), people()))) == 1


def test_check_plan_host_meeting_with_odd_live_count_allowed():
    # five live people in rooms: two pairs and one person with the host
    rounds = (live("Room 1", "ana", "kofi"), live("Room 2", "li", "sam"), live("Room 3", "tom"))
    assert of("host-meeting", check_plan(plan(rounds), people())) == []


def test_check_plan_host_meeting_with_even_live_count():
    # six live people in rooms: Tomás could have joined the trio's third person instead
    xu = Person("xu@x.org", "xu@x.org", "Xu Ming")
    rounds = (
        Meeting("Room 1", (pid("ana"), pid("kofi"), xu.id)),
        live("Room 2", "li", "sam"),
        live("Room 3", "tom"),
    )
    found = of("host-meeting", check_plan(plan(rounds), [*people(), xu]))
    assert [v.ids for v in found] == [(pid("tom"),)]


def test_check_plan_host_meeting_twice_in_round():
    rounds = (live("Room 1", "ana", "kofi", "li"), live("Room 2", "sam"), live("Room 3", "tom"))
    found = of("host-meeting", check_plan(plan(rounds), people()))
    assert [v.ids for v in found] == [(pid("sam"), pid("tom"))]


def test_check_plan_async_pair_two_live():
    rounds = (live("Room 1", "ana", "kofi"), remote("li", "sam"), remote("tom", "mei"))
    found = of("async-pair", check_plan(plan(rounds), people()))
    assert [v.ids for v in found] == [(pid("li"), pid("sam"))]


def test_check_plan_async_pair_async_in_live_meeting():
    rounds = (*ROUND_1[:2], live("Room 3", "tom", "mei"))
    found = of("async-pair", check_plan(plan(rounds), people()))
    assert [v.ids for v in found] == [(pid("mei"),)]


def test_check_plan_async_room_on_async_meeting():
    rounds = (*ROUND_1[:2], remote("tom", "mei", room="Room 3"))
    assert len(of("async-room", check_plan(plan(rounds), people()))) == 1


def test_check_plan_async_room_missing_on_live_meeting():
    rounds = (live(None, "ana", "kofi"), *ROUND_1[1:])
    assert len(of("async-room", check_plan(plan(rounds), people()))) == 1


def test_check_plan_async_matches_above_limit():
    second = (live("Room 1", "ana", "li"), live("Room 2", "sam", "tom"), remote("kofi", "mei"))
    found = check_plan(plan(ROUND_1, second), people(), async_matches=1)
    assert [(v.code, v.round, v.ids) for v in found] == [("async-matches", None, (pid("mei"),))]


def test_check_plan_async_matches_unchecked_when_none():
    second = (live("Room 1", "ana", "li"), live("Room 2", "sam", "tom"), remote("kofi", "mei"))
    assert check_plan(plan(ROUND_1, second), people()) == []


def test_check_plan_second_trio_in_round():
    people_7 = [*people(), Person("x@x.org", "x@x.org", "Xu"), Person("y@x.org", "y@x.org", "Yu")]
    rounds = (
        live("Room 1", "ana", "kofi", "li"),
        Meeting("Room 2", (pid("sam"), pid("tom"), "x@x.org")),
        Meeting("Room 3", ("y@x.org",)),
    )
    found = of("second-trio", check_plan(plan(rounds), people_7))
    assert [v.round for v in found] == [1]


def test_check_plan_second_trio_across_rounds():
    second = (live("Room 1", "kofi", "li"), live("Room 2", "ana", "sam", "tom"))
    found = of("second-trio", check_plan(plan(ROUND_2, second), people()))
    assert [(v.round, v.ids) for v in found] == [(2, (pid("sam"), pid("tom")))]


def test_check_plan_missing_person():
    rounds = (live("Room 1", "ana", "kofi"), live("Room 2", "li", "sam"))
    assert [v.ids for v in of("missing-person", check_plan(plan(rounds), people()))] == [
        (pid("tom"),)
    ]


def test_check_plan_missing_person_excused_by_unmatched():
    rounds = (live("Room 1", "ana", "kofi"), live("Room 2", "li", "sam"))
    excused = plan(rounds, unmatched=[Unmatched(1, pid("tom"), "no partner left")])
    assert check_plan(excused, people()) == []


def test_check_plan_room_name_twice_in_round():
    rounds = (live("Room 1", "ana", "kofi"), live("Room 1", "li", "sam"), remote("tom", "mei"))
    assert [v.round for v in of("room-name", check_plan(plan(rounds), people()))] == [1]


def test_check_plan_room_name_empty():
    rounds = (live(" ", "ana", "kofi"), *ROUND_1[1:])
    assert [v.round for v in of("room-name", check_plan(plan(rounds), people()))] == [1]


def test_check_plan_room_name_twice_among_groups():
    groups = (group("Group 1", "ana", "kofi"), group("Group 1", "li", "sam", "tom"))
    found = check_plan(plan(groups=groups), people(), group_size=None)
    assert [(v.code, v.round) for v in found] == [("room-name", 0)]


def test_check_plan_group_size_too_small():
    groups = (group("Group 1", "ana", "kofi", "li"), group("Group 2", "sam", "tom"))
    found = of("group-size", check_plan(plan(groups=groups), people(), group_size=(3, 4)))
    assert [v.ids for v in found] == [(pid("sam"), pid("tom"))]


def test_check_plan_group_size_skips_pinned():
    groups = (group("Group 1", "ana", "kofi", "li"), group("Group 2", "sam", "tom", pinned=True))
    assert check_plan(plan(groups=groups), people(), group_size=(3, 4)) == []


def test_check_plan_group_size_counts_live_members_only():
    groups = (group("Group 1", "ana", "kofi", "li", remote=("mei",)), group("Group 2", "sam"))
    found = of("group-size", check_plan(plan(groups=groups), people(), group_size=(1, 3)))
    assert found == []


def test_check_plan_not_in_group():
    groups = (group("Group 1", "ana", "kofi", "li", "sam"),)
    found = check_plan(plan(groups=groups), people())
    assert [(v.code, v.ids) for v in found] == [("not-in-group", (pid("tom"),))]


def test_check_plan_not_in_group_excused_by_unmatched():
    groups = (group("Group 1", "ana", "kofi", "li", "sam"),)
    excused = plan(groups=groups, unmatched=[Unmatched(0, pid("tom"), "leaves early")])
    assert check_plan(excused, people()) == []


def test_check_plan_in_two_groups():
    groups = (group("Group 1", "ana", "kofi", "li"), group("Group 2", "li", "sam", "tom"))
    found = check_plan(plan(groups=groups), people(), group_size=None)
    assert [(v.code, v.ids) for v in found] == [("in-two-groups", (pid("li"),))]


def test_check_plan_async_group_async_as_live_member():
    groups = (group("Group 1", "ana", "kofi", "li", "sam", "tom", "mei"),)
    found = check_plan(plan(groups=groups), people(), group_size=None)
    assert [(v.code, v.ids) for v in found] == [("async-group", (pid("mei"),))]


def test_check_plan_async_group_live_as_remote():
    groups = (group("Group 1", "ana", "kofi", "li", "sam", remote=("tom",)),)
    found = check_plan(plan(groups=groups), people(), group_size=None)
    assert [(v.code, v.ids) for v in found] == [("async-group", (pid("tom"),))]


def test_check_plan_sorted_by_round_then_code():
    rounds_1 = (live("Room 1", "ana", "kofi"), live("Room 1", "li", "sam"))  # tom missing
    rounds_2 = (live("Room 1", "ana", "kofi"), live("Room 2", "li", "sam", "tom"))
    groups = (group("Group 1", "ana", "kofi", "li", "sam"),)
    found = check_plan(plan(rounds_1, rounds_2, groups=groups), people(), group_size=None)
    assert [(v.round, v.code) for v in found] == [
        (0, "not-in-group"),
        (1, "missing-person"),
        (1, "room-name"),
        (2, "repeat-meeting"),
        (2, "repeat-meeting"),
    ]


def test_check_plan_codes_all_documented():
    # a plan that breaks nearly everything at once
    rounds_1 = (
        live("Room 1", "ana", "kofi", "li", "sam"),
        Meeting("Room 1", (pid("tom"), pid("mei"), "zed@x.org")),
        remote("ana", "kofi", room="Room 3"),
    )
    groups = (group("", "ana", "mei", remote=("kofi",)), group("G", "ana"))
    found = check_plan(
        plan(rounds_1, rounds_1, groups=groups),
        people(ana=("kofi",)),
        history=[(pid("li"), pid("sam"))],
        async_matches=0,
    )
    assert {v.code for v in found} <= set(CODES)


def test_violation_str_ends_with_code():
    v = Violation("met-before", "Round 1: Ana Lima and Kofi Mensah already met", 1)
    assert str(v) == "Round 1: Ana Lima and Kofi Mensah already met [met-before]"


def test_check_plan_ten_thousand_people_six_rounds_finds_planted_violation():
    # Speed is measured in benchmarks/; this checks that nothing goes astray at full size.
    # Round r pairs i with i XOR 2**r: six rounds of distinct pairs within blocks of 1024.
    n = 10_240
    crowd = [
        Person(f"p{i}@x.org", f"p{i}@x.org", f"P {i}", avoid=(f"p{(i + 5000) % n}@x.org",))
        for i in range(n)
    ]
    ids = [p.id for p in crowd]
    rounds = [
        tuple(Meeting(f"Room {i + 1}", (ids[i], ids[i ^ bit])) for i in range(n) if i < i ^ bit)
        for bit in (1, 2, 4, 8, 16, 32)
    ]
    groups = tuple(Group(f"Group {k + 1}", tuple(ids[5 * k : 5 * k + 5])) for k in range(n // 5))
    found = check_plan(plan(*rounds, groups=groups), crowd, history=[(ids[9], ids[11])])
    assert [(v.code, v.round, v.ids) for v in found] == [("met-before", 2, (ids[11], ids[9]))]
