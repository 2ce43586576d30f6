"""Matching that knows people: offers and needs, availability, first-timers with veterans,
colleagues apart, popular people shared (issue 15, the core)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from netweave.core.affinity import AffinitySpec, build_affinities
from netweave.core.check import check_plan
from netweave.core.config import EventConfig, Weights, parse_config
from netweave.core.issues import RegistrationError
from netweave.core.people import Person, read_people
from netweave.core.plan import Meeting, Plan, Round
from netweave.core.planner import PlanningInput, plan_event
from netweave.core.reason_check import check_reasons
from netweave.core.reason_words import MAX_LENGTH
from netweave.core.round_spec import InfeasibleError
from netweave.core.rules import Free, cap_requests, ensure_partners, kind_needs

FAST = {"exact_up_to": 0}  # the proof is not what these tests are about


def person(name: str, **fields: object) -> Person:
    email = f"{name}@x.org"
    return Person(email, email, name.title(), **fields)  # type: ignore[arg-type]


def plan_for(people: list[Person], **config: object) -> Plan:
    settings_ = {**FAST, **config}
    return plan_event(PlanningInput(people, groups=False), EventConfig(**settings_))  # type: ignore[arg-type]


def met_pairs(plan: Plan) -> set[frozenset[str]]:
    return {
        frozenset((a, b))
        for r in plan.rounds
        for m in r.meetings
        for k, a in enumerate(m.members)
        for b in m.members[k + 1 :]
    }


def partners(plan: Plan, pid: str) -> set[str]:
    return {q for pair in met_pairs(plan) if pid in pair for q in pair if q != pid}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reading


def test_read_people_offers_and_seeks_split_on_semicolons_and_commas(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'email,name,offers,seeks\na@x.org,A,"Grant writing; events, maps",Data\n'
    )
    ana = read_people(path).people[0]
    assert (ana.offers, ana.seeks) == (("grant writing", "events", "maps"), ("data",))


@pytest.mark.parametrize(
    ("answer", "rounds"),
    [("1-2", (1, 2)), ("2-4", (2, 3, 4)), ("1,3", (1, 3)), ("", ()), ("rounds 1 and 3", (1, 3))],
)
def test_read_people_available_reads_round_lists(
    tmp_path: Path, answer: str, rounds: tuple
) -> None:
    path = write(tmp_path, f'email,name,available\na@x.org,A,"{answer}"\n')
    assert read_people(path).people[0].available == rounds


@pytest.mark.parametrize("answer", ["3-1", "0", "soon", "1-x"])
def test_read_people_bad_available_is_an_error_with_file_line_and_column(
    tmp_path: Path, answer: str
) -> None:
    path = write(
        tmp_path, f"email,name,Which rounds can you attend?\na@x.org,A,1\nb@x.org,B,{answer}\n"
    )
    with pytest.raises(RegistrationError) as caught:
        read_people(path, label="people.csv")
    (issue,) = caught.value.issues
    assert (issue.file, issue.line, issue.column, issue.code) == (
        "people.csv",
        3,
        "Which rounds can you attend?",
        "bad-available",
    )
    assert "write rounds like 1-2" in issue.message


def test_read_people_organization_is_a_field_not_profile_text(tmp_path: Path) -> None:
    path = write(tmp_path, "email,name,Company\na@x.org,A,  Acme   Labs \n")
    ana = read_people(path).people[0]
    assert (ana.organization, ana.extra) == ("Acme Labs", ())


@pytest.mark.parametrize(
    ("answer", "first"),
    [("yes", True), ("Yes, my first!", True), ("y", True), ("No - third time", False),
     ("returning", False), ("", False), ("TRUE", True)],
)  # fmt: skip
def test_read_people_first_time_reads_free_worded_yes_no(
    tmp_path: Path, answer: str, first: bool
) -> None:
    path = write(tmp_path, f'email,name,Is this your first time?\na@x.org,A,"{answer}"\n')
    assert read_people(path).people[0].first_time is first


def test_read_people_first_time_neither_yes_nor_no_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "email,name,first_time\na@x.org,A,maybe\n")
    with pytest.raises(RegistrationError) as caught:
        read_people(path)
    assert [(i.line, i.column, i.code) for i in caught.value.issues] == [
        (2, "first_time", "bad-yes-no")
    ]


def test_person_defaults_keep_old_callers_working() -> None:
    ana = Person("a", "a", "A")
    assert (ana.offers, ana.seeks, ana.available, ana.organization, ana.first_time) == (
        (),
        (),
        (),
        "",
        False,
    )


# --------------------------------------------------------------------------- availability


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    n=st.integers(4, 11),
    rounds=st.integers(1, 4),
    odd=st.sampled_from(["trio", "host"]),
)
def test_plan_nobody_meets_in_a_round_they_are_out(
    data: st.DataObject, n: int, rounds: int, odd: str
) -> None:
    subsets = st.lists(st.integers(1, rounds), max_size=rounds).map(lambda r: tuple(sorted(set(r))))
    available = data.draw(st.lists(subsets, min_size=n, max_size=n))
    people = [person(f"p{i}", interests=("x",), available=a) for i, a in enumerate(available)]
    try:
        plan = plan_for(people, rounds=rounds, odd=odd)
    except InfeasibleError:
        assume(False)
    attends = {p.id: set(p.available or range(1, rounds + 1)) for p in people}
    for r in plan.rounds:
        for m in r.meetings:
            assert all(r.number in attends[pid] for pid in m.members), (r.number, m.members)
    # in registration order, as the summary lists them
    away = {str(k): [p for p in attends if k not in attends[p]] for k in range(1, rounds + 1)}
    assert plan.metrics["sitting_out"] == {k: v for k, v in away.items() if v}


def test_plan_odd_round_of_present_people_gets_a_trio() -> None:
    # five people in round 1, four in round 2: a trio in round 1 only, nobody alone
    people = [person(f"p{i}", available=(1,) if i == 4 else ()) for i in range(5)]
    plan = plan_for(people, rounds=2)
    sizes = [sorted(len(m.members) for m in r.meetings) for r in plan.rounds]
    assert (sizes, plan.unmatched) == ([[2, 3], [2, 2]], ())


# --------------------------------------------------------------------------- organizations


@settings(max_examples=25, deadline=None)
@given(
    orgs=st.lists(st.sampled_from(["", "Acme", "acme ", "Beta", "Gamma"]), min_size=4, max_size=10),
    rounds=st.integers(1, 3),
)
def test_plan_never_pairs_people_of_one_organization(orgs: list[str], rounds: int) -> None:
    people = [person(f"p{i}", organization=o, interests=("x",)) for i, o in enumerate(orgs)]
    try:
        plan = plan_for(people, rounds=rounds)
    except InfeasibleError:
        assume(False)
    org = {p.id: " ".join(p.organization.lower().split()) for p in people}
    assert not [
        pair
        for pair in met_pairs(plan)
        if len({org[p] for p in pair} - {""}) == 1 and all(org[p] for p in pair)
    ]
    assert plan.metrics["same_organization_pairs"] == 0


def test_plan_colleagues_meet_when_the_rule_is_off() -> None:
    people = [person("ana", organization="Acme"), person("bo", organization="Acme")]
    plan = plan_for(people, rounds=1, apart_same_organization=False)
    assert met_pairs(plan) == {frozenset(("ana@x.org", "bo@x.org"))}


def test_plan_colleagues_only_is_refused_with_a_reason() -> None:
    people = [person("ana", organization="Acme"), person("bo", organization="acme")]
    with pytest.raises(InfeasibleError, match="can meet at most 0 people"):
        plan_for(people, rounds=1)


# --------------------------------------------------------------------------- first-timers


@settings(max_examples=30, deadline=None)
@given(flags=st.lists(st.booleans(), min_size=4, max_size=12), rounds=st.integers(1, 3))
def test_plan_every_first_timer_meets_a_veteran_when_veterans_are_enough(
    flags: list[bool], rounds: int
) -> None:
    # The case to reason about: an even number of people, all there every round, nobody
    # kept apart, and at least as many veterans as first-timers. Then every veteran is free
    # for every first-timer, and a round pairing two first-timers also pairs two veterans,
    # so one swap seats each first-timer with a veteran.
    assume(len(flags) % 2 == 0 and sum(flags) <= len(flags) - sum(flags))
    assume(rounds < len(flags))
    people = [person(f"p{i}", first_time=f, interests=("x",)) for i, f in enumerate(flags)]
    plan = plan_for(people, rounds=rounds)
    veterans = {p.id for p in people if not p.first_time}
    for p in people:
        if p.first_time:
            assert partners(plan, p.id) & veterans, p.id
    assert plan.metrics["first_timers_met_veteran"] == plan.metrics["first_timers"] == sum(flags)


def test_plan_first_timer_meets_a_veteran_though_first_timers_score_higher() -> None:
    # Eve and Fay (first-timers) share every tag; without the rule they would meet
    tags = ("open data", "grants")
    people = [
        person("eve", first_time=True, interests=tags),
        person("fay", first_time=True, interests=tags),
        person("gus"),
        person("hal"),
    ]
    plan = plan_for(people, rounds=1, weights=Weights(first_timer=0.0))
    assert partners(plan, "eve@x.org") <= {"gus@x.org", "hal@x.org"}
    assert partners(plan, "fay@x.org") <= {"gus@x.org", "hal@x.org"}


def test_plan_veteran_not_free_when_only_colleagues_or_other_rounds() -> None:
    # Eve's veterans are her colleague Gus (kept apart) and Hal, who comes only to round 2
    # while Eve leaves after round 1: no veteran is free for her, so she counts for nothing
    people = [
        person("eve", first_time=True, organization="Acme", available=(1,)),
        person("fay", first_time=True),
        person("gus", organization="Acme"),
        person("hal", available=(2,)),
    ]
    plan = plan_for(people, rounds=2)
    assert plan.metrics["first_timers"] == 1  # Fay only: Gus and Hal are free for her
    assert plan.metrics["first_timers_met_veteran"] == 1


def test_plan_first_timer_reason_names_both() -> None:
    people = [person("eve", first_time=True), person("gus")]
    (meeting,) = plan_for(people, rounds=1).rounds[0].meetings
    assert "Eve is new here and Gus knows the event" in meeting.reasons


def test_config_rule_off_drops_the_first_timer_weight() -> None:
    config = parse_config("[rules]\nfirst_timers_meet_veterans = false\n")
    people = [person("eve", first_time=True), person("fay", first_time=True), person("gus")]
    plan = plan_event(PlanningInput(people, groups=False), config.replace(rounds=1, **FAST))
    assert plan.metrics["first_timers"] == 0
    assert not any("new here" in r for m in plan.rounds[0].meetings for r in m.reasons)


# --------------------------------------------------------------------------- offers and needs


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 6).map(lambda k: 2 * k),
    rounds=st.integers(1, 3),
    seekers=st.integers(1, 3),
    data=st.data(),
)
def test_plan_seekers_meet_an_offerer_where_capacity_allows(
    n: int, rounds: int, seekers: int, data: st.DataObject
) -> None:
    # One offerer can meet ``rounds`` people: with at most that many seekers, all there
    # every round and nobody kept apart, each seeker meets them
    assume(seekers <= rounds < n - 1 and seekers < n)
    tags = data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    people = [person("offerer", offers=("Grant writing",), interests=(tags[0],))]
    people += [
        person(f"s{i}", seeks=("grant writing",), interests=(tags[i + 1],)) for i in range(seekers)
    ]
    people += [person(f"o{i}", interests=(tags[i],)) for i in range(n - 1 - seekers)]
    plan = plan_for(people, rounds=rounds)
    for i in range(seekers):
        assert "offerer@x.org" in partners(plan, f"s{i}@x.org")
    assert plan.metrics["seekers_met_offerer"] == plan.metrics["seekers"] == seekers


def test_plan_offer_reason_says_who_offers_what(tmp_path: Path) -> None:
    people = [
        person("ana", offers=("grant writing",)),
        person("kofi", seeks=("Grant Writing",)),
        person("bo", interests=("maps",)),
        person("cy", interests=("maps",)),
    ]
    plan = plan_for(people, rounds=1)
    meeting = next(m for m in plan.rounds[0].meetings if "ana@x.org" in m.members)
    assert meeting.reasons[0] == "Ana offers grant writing, which Kofi is looking for"
    assert all(len(r) <= MAX_LENGTH for m in plan.rounds[0].meetings for r in m.reasons)
    assert check_reasons(plan, people) == []


# --------------------------------------------------------------------------- popular people


def test_cap_requests_keeps_mutual_and_the_earliest_askers() -> None:
    star = person("star", requests=("f2@x.org",))
    fans = [person(f"f{k}", requests=("star@x.org",)) for k in range(4)]
    people, dropped = cap_requests([star, *fans], 1)
    # f2's request is mutual (the star asked for f2 too): kept, and not counted
    assert dropped == [("f1@x.org", "star@x.org"), ("f3@x.org", "star@x.org")]
    assert [p.requests for p in people[1:]] == [("star@x.org",), (), ("star@x.org",), ()]


def test_plan_request_cap_counts_the_spread_requests() -> None:
    star = person("star")
    fans = [person(f"f{k}", requests=("star@x.org",)) for k in range(5)]
    plan = plan_for([star, *fans], rounds=2, request_cap=2)
    assert plan.metrics["requests_beyond_cap"] == 3
    assert plan.metrics["one_way_requests"] == 2


# --------------------------------------------------------------------------- plan check


def test_check_plan_flags_a_person_placed_in_a_round_they_miss() -> None:
    people = [person("ana", available=(1,)), person("bo"), person("cy"), person("dee")]
    pair = Meeting("Room 1", ("ana@x.org", "bo@x.org"))
    other = Meeting("Room 2", ("cy@x.org", "dee@x.org"))
    plan = Plan((), rounds=(Round(1, (pair, other)), Round(2, (pair, other))))
    codes = [v.code for v in check_plan(plan, people, group_size=None) if v.round == 2]
    assert "unavailable" in codes
    # and Ana missing from round 2 is no missing person (Bo is)
    swapped = Meeting("Room 2", ("cy@x.org", "bo@x.org"))
    plan = Plan((), rounds=(Round(1, (pair, other)), Round(2, (swapped,))))
    found = check_plan(plan, people, group_size=None)
    assert [(v.code, v.ids) for v in found] == [("missing-person", ("dee@x.org",))]


def test_check_plan_flags_colleagues_only_when_the_rule_is_on() -> None:
    people = [person("ana", organization="Acme"), person("bo", organization="ACME")]
    plan = Plan((), rounds=(Round(1, (Meeting("Room 1", ("ana@x.org", "bo@x.org")),)),))
    assert check_plan(plan, people) == []
    (found,) = check_plan(plan, people, apart_same_organization=True)
    assert (found.code, found.ids) == ("same-organization", ("ana@x.org", "bo@x.org"))


def test_sparse_scores_agree_with_dense_on_offers_and_first_timers() -> None:
    people = [
        person(
            f"p{i}",
            interests=(("a", "b")[i % 2],),
            offers=("grants",) if i % 3 == 0 else (),
            seeks=("Grants",) if i % 4 == 1 else (),
            first_time=i % 5 == 0,
        )
        for i in range(30)
    ]
    (dense,) = build_affinities(people, [AffinitySpec()], sparse=False)
    (sparse,) = build_affinities(people, [AffinitySpec()], sparse=True, keep=4)
    i, j = np.triu_indices(30, 1)
    assert np.allclose(dense.pair_scores(i, j), sparse.pair_scores(i, j))
    assert dense.score(0, 1) > dense.score(2, 4)  # an offer and a first-timer beat a shared tag


# --------------------------------------------------------------------------- kinds of community


@pytest.mark.parametrize("header", ["community_kind", "Type of community", "Community type"])
def test_read_people_community_kind_is_a_field_not_profile_text(
    tmp_path: Path, header: str
) -> None:
    path = write(tmp_path, f"email,name,community,{header}\na@x.org,Ana,PyData,Open  source\n")
    ana = read_people(path).people[0]
    assert (ana.community, ana.community_kind, ana.extra) == ("PyData", "Open source", ())


@settings(max_examples=30, deadline=None)
@given(
    half=st.integers(1, 5),
    rounds=st.integers(1, 3),
    tags=st.lists(st.sampled_from(["a", "b", "c"]), min_size=10, max_size=10),
)
def test_plan_across_kinds_everyone_meets_another_kind(
    half: int, rounds: int, tags: list[str]
) -> None:
    # Two kinds of equal size, all there every round, nobody kept apart: a round pairing two
    # of one kind also pairs two of the other, so one swap seats both across
    assume(rounds < 2 * half)
    people = [
        person(f"p{i}", community_kind=("Open source", "research lab")[i % 2], interests=(t,))
        for i, t in enumerate(tags[: 2 * half])
    ]
    plan = plan_for(people, rounds=rounds, across_community_kinds=True)
    kind = {p.id: p.community_kind for p in people}
    for p in people:
        assert any(kind[q] != kind[p.id] for q in partners(plan, p.id)), p.id
    assert plan.metrics["kinds_met_other"] == plan.metrics["kinds"] == 2 * half


def test_plan_across_kinds_wins_over_shared_interests() -> None:
    # Eve and Fay (both open source) share every tag; without the rule they would meet
    tags = ("open data", "grants")
    people = [
        person("eve", community_kind="open source", interests=tags),
        person("fay", community_kind="Open Source", interests=tags),
        person("gus", community_kind="company"),
        person("hal", community_kind="research lab"),
    ]
    off = plan_for(people, rounds=1)
    assert "fay@x.org" in partners(off, "eve@x.org")
    plan = plan_for(people, rounds=1, across_community_kinds=True)
    assert partners(plan, "eve@x.org") <= {"gus@x.org", "hal@x.org"}
    assert partners(plan, "fay@x.org") <= {"gus@x.org", "hal@x.org"}
    assert plan.metrics["rule_swaps"] == 1


def test_ensure_partners_kinds_do_not_take_a_first_timers_only_veteran() -> None:
    # Eve (0, new, open source) meets Gus (1), the only veteran, also open source; Fay (2)
    # and Hal (3) run companies. Seating Eve across would cost her the veteran.
    people = [
        person("eve", first_time=True, community_kind="open source"),
        person("gus", community_kind="open source"),
        person("fay", first_time=True, community_kind="company"),
        person("hal", first_time=True, community_kind="company"),
    ]
    kinds, first = kind_needs(people), {0: frozenset({1})}
    free = Free(lambda a, b: True, np.ones((4, 1), bool), np.zeros(4, bool))
    rounds = [[(0, 1), (2, 3)]]
    assert ensure_partners(rounds, kinds, free, protect=[first]) == (rounds, 0)
    assert ensure_partners(rounds, kinds, free) == ([[(0, 2), (1, 3)]], 1)


def test_plan_across_kinds_off_leaves_the_plan_unchanged() -> None:
    tags = ("open data", "grants")
    kinds = ("open source", "open source", "company", "lab", "", "company")
    people = [
        person(f"p{i}", community_kind=k, interests=tags[: i % 3]) for i, k in enumerate(kinds)
    ]
    plain = [person(f"p{i}", interests=tags[: i % 3]) for i in range(len(kinds))]
    off, without = plan_for(people, rounds=3), plan_for(plain, rounds=3)
    assert met_pairs(off) == met_pairs(without)
    assert "kinds" not in off.metrics
    assert "kinds_met_other" not in off.metrics


def test_config_reads_across_community_kinds() -> None:
    assert EventConfig().across_community_kinds is False
    config = parse_config("[rules]\nacross_community_kinds = true\n")
    assert config.across_community_kinds is True
