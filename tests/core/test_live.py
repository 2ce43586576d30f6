"""The live day's core: re-planning a round for who is there, and regrouping."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.core import live
from netweave.core.affinity import Affinity
from netweave.core.live import regroup, replan_for_present, replan_round
from netweave.core.people import Person
from netweave.core.plan import Meeting


def _affinity(n: int, seed: int = 0, forbidden: set[tuple[int, int]] | None = None) -> Affinity:
    rng = np.random.default_rng(seed)
    s = rng.random((n, n)).astype(np.float32)
    s = (s + s.T) / 2
    np.fill_diagonal(s, 0)
    return Affinity(tuple(f"p{i}" for i in range(n)), s, forbidden=frozenset(forbidden or ()))


def _pairs(m: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(a, b) for k, a in enumerate(m) for b in m[k + 1 :]]


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    """A planned round (valid or not), then absences, walk-ins and history on the day."""
    n = draw(st.integers(2, 14))
    modes = draw(
        st.lists(st.sampled_from(["live", "live", "live", "async"]), min_size=n, max_size=n)
    )
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).map(lambda p: tuple(sorted(p)))
    pair = pair.filter(lambda p: p[0] != p[1])
    forbidden = draw(st.sets(pair, max_size=n))
    met = draw(st.sets(pair, max_size=n))
    planned_people = draw(st.sets(st.integers(0, n - 1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    live_people = [p for p in rng.permutation(n).tolist() if p in planned_people]
    planned: list[tuple[int, ...]] = []
    for a in [p for p in live_people if modes[p] == "async"]:
        watchers = [p for p in live_people if modes[p] == "live"]
        if watchers:
            live_people.remove(watchers[0])
            planned.append(tuple(sorted((watchers[0], a))))
        live_people.remove(a)
    while len(live_people) >= 2:
        planned.append(tuple(sorted((live_people.pop(), live_people.pop()))))
    if live_people:
        if planned and len(planned[-1]) == 2 and draw(st.booleans()):
            planned[-1] = tuple(sorted((*planned[-1], live_people.pop())))
        else:
            planned.append((live_people.pop(),))
    return {
        "affinity": _affinity(n, draw(st.integers(0, 99)), forbidden),
        "modes": modes,
        "planned": planned,
        "present": sorted(draw(st.sets(st.integers(0, n - 1)))),
        "already_met": sorted(met),
        "odd": draw(st.sampled_from(["trio", "host"])),
        "trio_history": sorted(draw(st.sets(st.integers(0, n - 1), max_size=3))),
    }


def _run(s: dict) -> live.ReplanResult:
    return replan_round(
        s["affinity"],
        s["modes"],
        s["planned"],
        s["present"],
        s["already_met"],
        odd=s["odd"],
        trio_history=s["trio_history"],
    )


def _still_valid(s: dict, m: tuple[int, ...]) -> bool:
    """A planned meeting the re-plan must keep: everyone there, every pair allowed and new,
    async people only in pairs, nobody in a second trio."""
    aff, modes = s["affinity"], s["modes"]
    if len(m) < 2 or not set(m) <= set(s["present"]):
        return False
    if len(m) == 3 and (set(m) & set(s["trio_history"]) or any(modes[p] == "async" for p in m)):
        return False
    met = set(s["already_met"])
    return all(aff.allowed(a, b) and (a, b) not in met for a, b in _pairs(m))


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_replan_any_absences_and_walk_ins_give_a_valid_round(s):
    result = _run(s)
    aff, modes = s["affinity"], s["modes"]
    seats = Counter(p for m in result.meetings for p in m)
    planned_slots = Counter(p for m in s["planned"] for p in m)
    assert set(seats) <= set(s["present"])
    for p, count in seats.items():
        assert count <= (planned_slots[p] if modes[p] == "async" else 1)
    for m in result.meetings:
        assert m == tuple(sorted(m))
        assert 1 <= len(m) <= 3
        if any(modes[p] == "async" for p in m):
            assert len(m) == 2
            assert sum(modes[p] == "async" for p in m) == 1
        for a, b in _pairs(m):
            assert aff.allowed(a, b)
            assert (a, b) not in set(s["already_met"])
    trios = [m for m in result.meetings if len(m) == 3]
    assert len(trios) <= 1
    assert not (trios and set(trios[0]) & set(s["trio_history"]))
    assert sum(len(m) == 1 for m in result.meetings) <= 1


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_replan_keeps_every_planned_pair_whose_people_came(s):
    result = _run(s)

    for m in s["planned"]:
        if _still_valid(s, m):
            assert any(set(m) <= set(r) for r in result.meetings), m


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_replan_accounts_for_every_present_live_person(s):
    result = _run(s)

    placed = {p for m in result.meetings for p in m} | {p for p, _ in result.alone}
    assert {p for p in s["present"] if s["modes"][p] == "live"} <= placed


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_replan_reports_changes_consistently(s):
    result = _run(s)
    planned = set(s["planned"])

    assert set(result.kept) <= planned & set(result.meetings)
    assert not set(result.new) & planned
    assert not set(result.dissolved) & set(result.meetings)
    assert set(result.kept) | set(result.new) | {p for _, p in result.trimmed} == set(
        result.meetings
    )


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 30),
    st.sets(st.integers(0, 29)),
    st.sampled_from(["trio", "host"]),
)
def test_replan_leaves_nobody_alone_without_constraints(n, absent, odd):
    aff = _affinity(n)
    planned = [(k, k + 1) for k in range(0, n - 1, 2)]
    present = [p for p in range(n) if p not in absent]

    result = replan_round(aff, ["live"] * n, planned, present, [], odd=odd)

    assert result.alone == () or len(present) < 2


def test_replan_same_inputs_same_round():
    aff = _affinity(40, seed=3)
    planned = [(k, k + 1) for k in range(0, 40, 2)]
    present = [p for p in range(40) if p % 7]

    first = replan_round(aff, ["live"] * 40, planned, present, [], seed=5)
    again = replan_round(aff, ["live"] * 40, planned, present, [], seed=5)

    assert first == again


def test_replan_keeps_trio_as_pair_when_one_is_absent():
    aff = _affinity(5)

    result = replan_round(aff, ["live"] * 5, [(0, 1, 2), (3, 4)], [0, 1, 3, 4], [])

    assert result.trimmed == (((0, 1, 2), (0, 1)),)
    assert set(result.meetings) == {(0, 1), (3, 4)}


def test_replan_pairs_a_walk_in_with_the_partner_of_an_absent():
    aff = _affinity(5)

    result = replan_round(aff, ["live"] * 5, [(0, 1), (2, 3)], [0, 1, 2, 4], [])

    assert result.kept == ((0, 1),)
    assert result.new == ((2, 4),)
    assert result.dissolved == ((2, 3),)


def test_replan_never_repeats_a_pair_that_met_since_the_plan():
    aff = _affinity(4)

    result = replan_round(aff, ["live"] * 4, [(0, 1), (2, 3)], range(4), [(0, 1)])

    assert (0, 1) not in result.meetings
    assert (0, 1) in result.dissolved


def test_replan_respects_forbidden_pairs_for_new_meetings():
    aff = _affinity(4, forbidden={(0, 2), (1, 3)})

    result = replan_round(aff, ["live"] * 4, [], range(4), [(0, 1)])

    assert set(result.meetings) == {(0, 3), (1, 2)}


def test_replan_odd_one_meets_host_when_asked():
    aff = _affinity(3)

    result = replan_round(aff, ["live"] * 3, [], range(3), [], odd="host")

    assert sorted(len(m) for m in result.meetings) == [1, 2]


def test_replan_odd_one_skips_trio_for_someone_who_had_one():
    aff = _affinity(3)

    result = replan_round(aff, ["live"] * 3, [], range(3), [], trio_history=[0, 1, 2])

    assert sorted(len(m) for m in result.meetings) == [1, 2]


def test_replan_reports_who_has_met_everyone():
    aff = _affinity(3)

    result = replan_round(aff, ["live"] * 3, [], range(3), [(0, 1), (0, 2)], odd="host")

    assert result.meetings == ((1, 2),) or (0,) in result.meetings
    assert all("met" in why or "odd" in why for _, why in result.alone)


def test_replan_prefers_live_partner_over_async_intro():
    aff = _affinity(3)
    modes = ["live", "live", "async"]

    result = replan_round(aff, modes, [(0, 2), (1,)], [0, 1, 2], [(0, 2)])

    assert result.meetings == ((0, 1),)
    assert result.alone == ((2, "no live person was free to watch their intro this round"),)


def test_replan_walk_in_watches_the_intro_whose_watcher_is_absent():
    aff = _affinity(5)
    modes = ["live", "live", "live", "async", "live"]

    result = replan_round(aff, modes, [(0, 1), (2, 3)], [0, 1, 3, 4], [])

    assert result.meetings == ((0, 1), (3, 4))


def test_replan_pays_a_mutual_request_first():
    scores = np.ones((4, 4), np.float32)
    aff = Affinity(tuple("abcd"), scores, requests=frozenset({(0, 3), (3, 0)}))

    result = replan_round(aff, ["live"] * 4, [], range(4), [])

    assert (0, 3) in result.meetings


def test_replan_rejects_positions_outside_the_people():
    with pytest.raises(ValueError, match="outside"):
        replan_round(_affinity(2), ["live"] * 2, [], [0, 5], [])


def test_regroup_seats_a_walk_in_in_the_smallest_group():
    aff = _affinity(8)

    result = regroup(aff, [(0, 1, 2, 3), (4, 5, 6)], present=range(8))

    assert result.groups == ((0, 1, 2, 3), (4, 5, 6, 7))
    assert result.seated == ((7, 1),)


def test_regroup_moves_someone_left_alone_in_a_group():
    aff = _affinity(6)

    result = regroup(aff, [(0, 1, 2), (3, 4, 5)], present=[0, 1, 2, 3])

    assert result.groups == ((0, 1, 2, 3), ())


def test_regroup_keeps_avoided_people_apart():
    aff = _affinity(5, forbidden={(0, 4), (1, 4)})

    result = regroup(aff, [(0, 1)], present=range(5))

    assert 4 not in result.groups[0]


# ---------------------------------------- replan_for_present: the round as it is stored on the day

NAMES = ("ana", "bo", "cy", "dee", "eve", "fay", "gus")


def _people(modes: dict[str, str] | None = None) -> list[Person]:
    modes = modes or {}
    return [Person(p, p, p.title(), mode=modes.get(p, "live")) for p in NAMES]


def _scores(people: list[Person], seed: int = 4) -> Affinity:
    aff = _affinity(len(people), seed)
    return Affinity(tuple(p.id for p in people), aff.scores)


def _positions(*ids: str) -> list[int]:
    return [NAMES.index(i) for i in ids]


def test_replan_for_present_kept_meeting_keeps_room_and_reasons():
    people = _people()
    base = [
        Meeting("Room 7", ("ana", "bo"), 1.5, ("As planned",)),
        Meeting("Room 2", ("cy", "dee"), 1.0, ("Also planned",)),
    ]

    out = replan_for_present(_scores(people), people, base, _positions("ana", "bo", "cy", "dee"))

    assert [(m.room, m.members, m.score, m.reasons) for m in out.meetings] == [
        ("Room 2", ("cy", "dee"), 1.0, ("Also planned",)),
        ("Room 7", ("ana", "bo"), 1.5, ("As planned",)),
    ]
    assert out.changes == {"kept": 2, "trimmed": [], "new": [], "dissolved": [], "alone": []}


def test_replan_for_present_new_meeting_gets_a_free_room_and_the_planners_score():
    people = _people()
    aff = _scores(people)
    base = [Meeting("Room 1", ("ana", "bo")), Meeting("Room 2", ("cy", "dee"))]

    out = replan_for_present(aff, people, base, _positions("ana", "bo", "cy", "eve"))

    # Room 2 is free again: the meeting planned there is dissolved
    (new,) = [m for m in out.meetings if m.members == ("cy", "eve")]
    assert (new.room, new.score) == ("Room 2", pytest.approx(aff.score(2, 4), abs=1e-6))
    assert out.changes["new"] == [["Cy", "Eve"]]
    assert out.changes["dissolved"] == [["Cy", "Dee"]]


def test_replan_for_present_walk_ins_get_the_next_room_number():
    people = _people()
    base = [Meeting("Room 1", ("ana", "bo")), Meeting("Room 2", ("cy", "dee"))]

    out = replan_for_present(_scores(people), people, base, range(6))

    assert [(m.room, m.members) for m in out.meetings] == [
        ("Room 1", ("ana", "bo")),
        ("Room 2", ("cy", "dee")),
        ("Room 3", ("eve", "fay")),
    ]


def test_replan_for_present_pair_left_of_a_trio_keeps_its_room():
    people = _people()
    base = [Meeting("Room 4", ("ana", "bo", "cy")), Meeting("Room 5", ("dee", "eve"))]

    out = replan_for_present(_scores(people), people, base, _positions("ana", "bo", "dee", "eve"))

    assert [(m.room, m.members) for m in out.meetings] == [
        ("Room 4", ("ana", "bo")),
        ("Room 5", ("dee", "eve")),
    ]
    assert out.changes["trimmed"] == [["Ana", "Bo"]]


def test_replan_for_present_never_repeats_a_held_meeting():
    people = _people()
    base = [Meeting("Room 1", ("ana", "bo")), Meeting("Room 2", ("cy", "dee"))]

    out = replan_for_present(
        _scores(people), people, base, _positions("ana", "bo", "cy", "dee"), held=[("ana", "bo")]
    )

    pairs = {frozenset(m.members) for m in out.meetings}
    assert frozenset(("ana", "bo")) not in pairs
    assert len(pairs) == 2


def test_replan_for_present_avoids_later_pairs_when_it_costs_nobody():
    people = _people()
    base = [Meeting("Room 1", ("ana", "bo")), Meeting("Room 2", ("cy", "dee"))]
    present = _positions("ana", "bo", "cy", "eve")
    later = [Meeting("Room 1", ("cy", "eve"))]

    out = replan_for_present(_scores(people), people, base, present, later=later)

    # cy and eve meet later, so cy joins ana and bo instead of meeting eve today
    assert frozenset(("cy", "eve")) not in {frozenset(m.members) for m in out.meetings}
    assert out.result.alone == ()


def test_replan_for_present_uses_a_later_pair_rather_than_leave_someone_alone():
    people = _people()
    base = [Meeting("Room 1", ("ana", "bo"))]
    later = [Meeting("Room 1", ("cy", "dee"))]

    out = replan_for_present(_scores(people), people, base, _positions("cy", "dee"), later=later)

    assert [m.members for m in out.meetings] == [("cy", "dee")]


def test_replan_for_present_async_meetings_come_last_without_a_room():
    people = _people({"gus": "async"})
    base = [Meeting("Room 1", ("ana", "bo")), Meeting(None, ("cy", "gus"), is_async=True)]

    out = replan_for_present(_scores(people), people, base, _positions("ana", "bo", "dee", "gus"))

    assert [(m.room, m.members, m.is_async) for m in out.meetings] == [
        ("Room 1", ("ana", "bo"), False),
        (None, ("dee", "gus"), True),
    ]


def test_replan_for_present_names_the_host_meeting():
    people = _people()
    base = [Meeting("Room 1", ("ana", "bo"))]

    out = replan_for_present(
        _scores(people), people, base, _positions("ana", "bo", "cy"), odd="host"
    )

    assert out.changes["new"] == [["Cy with the host"]]
