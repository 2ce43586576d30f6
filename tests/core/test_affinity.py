"""Pair scores from profiles, their reasons, and edge tables (a,b,score) in and out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from netweave.core.affinity import Affinity, affinity_from_edges, build_affinity, write_edges
from netweave.core.config import Weights
from netweave.core.people import Person
from netweave.synth import synthetic_rows

NOTHING = Weights(**dict.fromkeys(vars(Weights()), 0.0))


def only(**weights: float) -> Weights:
    """Weights with every part off except the named ones."""
    return Weights(**{**vars(NOTHING), **weights})


def person(email: str, name: str = "", **fields: object) -> Person:
    return Person(id=email.lower(), email=email, name=name or email.split("@")[0], **fields)  # type: ignore[arg-type]


def synthetic_people(n: int, seed: int = 0) -> list[Person]:
    rows = synthetic_rows(n, seed)
    emails = {r["email"] for r in rows}
    return [
        person(
            r["email"],
            r["name"],
            mode=r["mode"],
            timezone=r["timezone"],
            location=r["location"],
            community=r["community"],
            interests=tuple(r["interests"].split(";")),
            about=r["about"],
            looking_for=r["looking_for"],
            requests=tuple(x for x in [r["requests"]] if x in emails),
            avoid=tuple(x for x in [r["avoid"]] if x in emails),
        )
        for r in rows
    ]


def score(people: list[Person], weights: Weights, **kwargs: object) -> float:
    return build_affinity(people, weights, **kwargs).score(0, 1)  # type: ignore[arg-type]


ANA = person(
    "ana@x.org",
    "Ana Lima",
    timezone="Africa/Nairobi",
    location="Nairobi, Kenya",
    community="Data science community",
    interests=("Mentoring", "onboarding", "events"),
    about="I coordinate a data science community.",
    looking_for="Someone who knows about volunteer management.",
    requests=("kofi@x.org",),
)
KOFI = person(
    "kofi@x.org",
    "Kofi Mensah",
    timezone="Africa/Nairobi",
    location="Mombasa, kenya",
    community="data science communities",
    interests=("mentoring", "Onboarding", "funding"),
    about="I work on volunteer management and burnout.",
    looking_for="Grant funding advice.",
    requests=("ana@x.org",),
)
LI = person("li@x.org", "Li Wei", timezone="Asia/Shanghai", about="Planetarium shows.")


# --------------------------------------------------------------------------- scores


@pytest.fixture(scope="module")
def community_scores() -> np.ndarray:
    return build_affinity(synthetic_people(40)).scores


def test_build_affinity_scores_are_float32(community_scores):
    assert community_scores.dtype == np.float32


def test_build_affinity_scores_are_symmetric(community_scores):
    assert np.array_equal(community_scores, community_scores.T)


def test_build_affinity_diagonal_is_zero(community_scores):
    assert not np.diag(community_scores).any()


def test_build_affinity_ids_follow_people():
    assert build_affinity([ANA, KOFI, LI]).ids == ("ana@x.org", "kofi@x.org", "li@x.org")


def test_build_affinity_shared_interests_raise_the_score():
    a, b, c = (
        person(f"{x}@x.org", interests=tags)
        for x, tags in zip("abc", [("x", "y"), ("x",), ("z",)], strict=True)
    )
    aff = build_affinity([a, b, c], only(interests=3.0))
    assert aff.score(0, 1) > aff.score(0, 2)


def test_build_affinity_interests_are_jaccard_of_tag_sets():
    a = person("a@x.org", interests=("Mentoring", "events"))
    b = person("b@x.org", interests=("mentoring ", "funding"))
    assert score([a, b], only(interests=3.0)) == pytest.approx(3.0 / 3)


def test_build_affinity_request_adds_the_request_weight():
    a, b = person("a@x.org", requests=("b@x.org",)), person("b@x.org")
    assert score([a, b], only(request=4.0, mutual_request=8.0)) == 4.0


def test_build_affinity_mutual_request_replaces_two_requests():
    a, b = person("a@x.org", requests=("b@x.org",)), person("b@x.org", requests=("a@x.org",))
    assert score([a, b], only(request=4.0, mutual_request=7.0)) == 7.0


def test_build_affinity_records_every_request_as_index_pair():
    a = person("a@x.org", requests=("b@x.org", "c@x.org"))
    b = person("b@x.org", requests=("a@x.org",))
    aff = build_affinity([a, b, person("c@x.org")])
    assert aff.requests == {(0, 1), (0, 2), (1, 0)}


def test_build_affinity_ignores_requests_for_unknown_people():
    a = person("a@x.org", requests=("ghost@x.org", "a@x.org"))
    assert build_affinity([a, person("b@x.org")]).requests == frozenset()


@pytest.mark.parametrize("who_avoids", [0, 1])
def test_build_affinity_avoid_forbids_the_pair_both_ways(who_avoids):
    people = [person("a@x.org"), person("b@x.org")]
    other = people[1 - who_avoids].id
    people[who_avoids] = person(people[who_avoids].id, avoid=(other,))
    aff = build_affinity(people)
    assert (aff.allowed(0, 1), aff.allowed(1, 0)) == (False, False)


def test_build_affinity_history_exclude_forbids_the_pair():
    aff = build_affinity([ANA, KOFI, LI], history=[("KOFI@x.org", "ana@x.org")])
    assert aff.forbidden == {(0, 1)}


def test_build_affinity_history_penalise_subtracts_the_penalty():
    plain = score([ANA, KOFI], Weights())
    penalised = score(
        [ANA, KOFI], Weights(), history=[("ana@x.org", "kofi@x.org")], history_mode="penalise"
    )
    assert penalised == pytest.approx(plain - Weights().history_penalty)


def test_build_affinity_history_penalise_does_not_forbid():
    aff = build_affinity(
        [ANA, KOFI], history=[("ana@x.org", "kofi@x.org")], history_mode="penalise"
    )
    assert aff.forbidden == frozenset()


def test_build_affinity_history_ignore_changes_nothing():
    aff = build_affinity([ANA, KOFI], history=[("ana@x.org", "kofi@x.org")], history_mode="ignore")
    assert (aff.forbidden, aff.score(0, 1)) == (frozenset(), score([ANA, KOFI], Weights()))


def test_build_affinity_unknown_history_mode_raises():
    with pytest.raises(ValueError, match="unknown history mode 'forget'"):
        build_affinity([ANA, KOFI], history_mode="forget")


def test_build_affinity_must_meet_adds_its_weight_once():
    people = [person("a@x.org"), person("b@x.org")]
    pairs = [("a@x.org", "b@x.org"), ("B@x.org", "a@x.org")]
    assert score(people, only(must_meet=10.0), must_meet=pairs) == 10.0


def test_build_affinity_records_must_meet_and_ignores_unknown_ids():
    aff = build_affinity([ANA, KOFI], must_meet=[("ana@x.org", "kofi@x.org"), ("ana@x.org", "x@y")])
    assert aff.must_meet == {(0, 1)}


@pytest.mark.parametrize(
    ("zone_a", "zone_b", "closeness"),
    [
        ("Europe/Berlin", "Africa/Lagos", 1.0),  # different names, same offset in January
        ("UTC", "Europe/Berlin", 0.875),
        ("UTC", "America/New_York", 0.375),
        ("UTC", "Asia/Kolkata", 1 - 5.5 / 8),
        ("UTC", "Asia/Tokyo", 0.0),  # 9 hours apart
        ("Pacific/Kiritimati", "Pacific/Pago_Pago", 0.875),  # +14 and -11: 1 hour round the clock
        ("UTC", "Mars/Olympus_Mons", 0.0),  # an unknown zone matches nothing
    ],
)
def test_build_affinity_timezone_closeness(zone_a, zone_b, closeness):
    people = [person("a@x.org", timezone=zone_a), person("b@x.org", timezone=zone_b)]
    assert score(people, only(timezone=1.0)) == pytest.approx(closeness)


def test_build_affinity_timezone_offsets_at_the_given_instant():
    people = [person("a@x.org", timezone="UTC"), person("b@x.org", timezone="Europe/London")]
    july = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert score(people, only(timezone=1.0), when=july) == pytest.approx(0.875)


@pytest.mark.parametrize(
    ("place_a", "place_b", "same"),
    [
        ({"location": "Nairobi, Kenya"}, {"location": "Mombasa,  KENYA "}, True),
        ({"location": "Nairobi, Kenya"}, {"location": "Lagos, Nigeria"}, False),
        ({"timezone": "Australia/Sydney"}, {"timezone": "Australia/Perth"}, True),
        ({"location": "Sydney, Australia"}, {"timezone": "Australia/Perth"}, True),
        ({"timezone": "UTC"}, {"timezone": "UTC"}, False),  # no area, no region
        ({"location": ""}, {"location": ""}, False),
    ],
)
def test_build_affinity_region(place_a, place_b, same):
    people = [person("a@x.org", **place_a), person("b@x.org", **place_b)]
    assert score(people, only(region=0.5)) == (0.5 if same else 0.0)


def test_build_affinity_same_community_kind_scores_full_weight():
    a = person("a@x.org", community="Data Science community")
    b = person("b@x.org", community="data science")
    assert score([a, b], only(community=1.5)) == pytest.approx(1.5)


def test_build_affinity_similar_community_names_score_in_between():
    a = person("a@x.org", community="bioinformatics core facility")
    b = person("b@x.org", community="bioinformatics network")
    assert 0.0 < score([a, b], only(community=1.0)) < 1.0


def test_build_affinity_unrelated_community_names_score_zero():
    a = person("a@x.org", community="bioinformatics core facility")
    b = person("b@x.org", community="astronomy club")
    assert score([a, b], only(community=1.0)) == 0.0


def test_build_affinity_empty_communities_do_not_match():
    assert score([person("a@x.org"), person("b@x.org")], only(community=1.5)) == 0.0


def test_build_affinity_looking_for_meets_about():
    seeker = person("a@x.org", looking_for="volunteer management")
    expert = person("b@x.org", about="I do volunteer management")
    other = person("c@x.org", about="I build telescopes")
    aff = build_affinity([seeker, expert, other], only(looking_for=3.0))
    assert aff.score(0, 1) > 0.0 == aff.score(0, 2)


def test_build_affinity_profile_similarity():
    a, b = person("a@x.org", about="open science"), person("b@x.org", about="open science")
    assert score([a, b], only(profile=1.0)) == pytest.approx(1.0)


def test_build_affinity_zero_weights_give_zero_scores():
    assert not build_affinity(synthetic_people(20), NOTHING).scores.any()


def test_build_affinity_empty_profiles_do_not_raise():
    people = [person("a@x.org", timezone=""), person("b@x.org", timezone="")]
    assert build_affinity(people).score(0, 1) == 0.0


def test_build_affinity_no_people():
    assert build_affinity([]).scores.shape == (0, 0)


def test_build_affinity_duplicate_ids_raise():
    with pytest.raises(ValueError, match=r"duplicate person id 'a@x\.org'"):
        build_affinity([person("a@x.org"), person("a@x.org")])


def test_build_affinity_unknown_text_backend_raises():
    with pytest.raises(ValueError, match="unknown text backend 'bert'"):
        build_affinity([ANA, KOFI], text_backend="bert")


# --------------------------------------------------------------------------- reasons


def test_reasons_of_a_crafted_pair_best_first():
    assert build_affinity([ANA, KOFI, LI]).reasons(0, 1) == (
        "Ana and Kofi asked to meet each other",
        "Ana and Kofi both work on mentoring and onboarding",
        "Ana and Kofi both run data science communities",
    )


def test_reasons_looking_for_names_both_people():
    aff = build_affinity([ANA, KOFI], only(looking_for=3.0))
    assert aff.reasons(0, 1) == ("Kofi knows about volunteer management, which Ana is looking for",)


def test_reasons_do_not_depend_on_pair_order():
    aff = build_affinity([ANA, KOFI, LI])
    assert aff.reasons(1, 0) == aff.reasons(0, 1)


def test_reasons_one_way_request_names_the_asker():
    a, b = person("a@x.org", "Ana Lima", requests=("b@x.org",)), person("b@x.org", "Kofi Mensah")
    assert build_affinity([a, b], only(request=4.0)).reasons(1, 0) == ("Ana asked to meet Kofi",)


def test_reasons_organizers_must_meet():
    aff = build_affinity([ANA, LI], only(must_meet=10.0), must_meet=[("ana@x.org", "li@x.org")])
    assert aff.reasons(0, 1) == ("The organizers want Ana and Li to meet",)


def test_reasons_penalised_history():
    aff = build_affinity(
        [ANA, LI],
        only(history_penalty=3.0),
        history=[("ana@x.org", "li@x.org")],
        history_mode="penalise",
    )
    assert aff.reasons(0, 1) == ("Ana and Li met at a past event",)


def test_reasons_name_two_shared_interests_at_most():
    a = person("a@x.org", interests=("mentoring", "events", "funding", "metrics"))
    b = person("b@x.org", interests=("mentoring", "events", "funding", "metrics"))
    assert build_affinity([a, b], only(interests=3.0)).reasons(0, 1) == (
        "a and b both work on events and funding",
    )


@pytest.mark.parametrize(
    ("zone_a", "zone_b"),
    [
        ("Australia/Sydney", "Australia/Sydney"),
        ("Europe/Berlin", "Africa/Lagos"),
        ("Asia/Kolkata", "Asia/Kathmandu"),
        ("Europe/London", "Europe/Athens"),
    ],
)
def test_reasons_close_time_zones_only_say_a_follow_up_is_easy(zone_a, zone_b):
    people = [person("a@x.org", timezone=zone_a), person("b@x.org", timezone=zone_b)]
    assert build_affinity(people, only(timezone=1.0)).reasons(0, 1) == (
        "Easy to follow up: a and b work similar hours",
    )


@pytest.mark.parametrize(
    ("zone_a", "zone_b"),
    [
        ("UTC", "UTC"),  # a missing zone reads as UTC: it is no reason
        ("UTC", "Europe/London"),
        ("Europe/Berlin", "Asia/Kolkata"),  # 4.5 hours apart
        ("America/New_York", "Europe/Paris"),
    ],
)
def test_reasons_never_name_a_time_zone_or_a_distance(zone_a, zone_b):
    people = [person("a@x.org", timezone=zone_a), person("b@x.org", timezone=zone_b)]
    assert build_affinity(people, only(timezone=1.0)).reasons(0, 1) == ()


def test_reasons_region_uses_the_first_persons_spelling():
    people = [person("a@x.org", location="Nairobi, Kenya"), person("b@x.org", location="kenya")]
    assert build_affinity(people, only(region=0.5)).reasons(1, 0) == (
        "a and b are both based in Kenya",
    )


def test_reasons_region_only_from_locations_both_gave():
    people = [
        person("a@x.org", timezone="Africa/Lagos"),
        person("b@x.org", timezone="Africa/Cairo"),
    ]
    assert build_affinity(people, only(region=0.5)).reasons(0, 1) == ()


def test_reasons_similar_communities():
    a = person("a@x.org", community="bioinformatics core facility")
    b = person("b@x.org", community="bioinformatics network")
    assert build_affinity([a, b], only(community=1.5)).reasons(0, 1) == (
        "a runs a bioinformatics core facility, b a bioinformatics network",
    )


def test_reasons_same_community_without_generic_word():
    a = person("a@x.org", community="Open science nonprofit")
    b = person("b@x.org", community="open science nonprofit")
    assert build_affinity([a, b], only(community=1.5)).reasons(0, 1) == (
        "a and b both run open science nonprofits",
    )


def test_reasons_shared_profile_words():
    a = person("a@x.org", about="Hackathons and citizen science.")
    b = person("b@x.org", about="We love citizen science, and hackathons")
    assert build_affinity([a, b], only(profile=1.0)).reasons(0, 1) == (
        "a and b both wrote about citizen science",
    )


def test_reasons_skip_negligible_parts():
    people = [person("a@x.org", timezone="UTC"), person("b@x.org", timezone="Asia/Tokyo")]
    assert build_affinity(people).reasons(0, 1) == ()


def test_reasons_at_most_three():
    aff = build_affinity([ANA, KOFI], must_meet=[("ana@x.org", "kofi@x.org")])
    assert len(aff.reasons(0, 1)) == 3


def test_reasons_of_a_person_with_themself_are_empty():
    assert build_affinity([ANA, KOFI]).reasons(0, 0) == ()


def test_reasons_survive_subset():
    aff = build_affinity([LI, ANA, KOFI])
    assert aff.subset([1, 2]).reasons(0, 1) == aff.reasons(1, 2)


# --------------------------------------------------------------------------- edge tables


def edges(tmp_path: Path, *rows: str, header: str = "a,b,score") -> Path:
    path = tmp_path / "edges.csv"
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


IDS = ("ana@x.org", "kofi@x.org", "li@x.org")


def test_write_edges_then_read_gives_the_same_positive_scores(tmp_path):
    aff = build_affinity(synthetic_people(60), history=[])
    path = tmp_path / "edges.csv"
    write_edges(aff, path)
    back = affinity_from_edges(aff.ids, path)
    allowed = np.ones_like(aff.scores, dtype=bool)
    for i, j in aff.forbidden:
        allowed[i, j] = allowed[j, i] = False
    expected = np.where((aff.scores > 0) & allowed, aff.scores, 0)
    # 6 decimals, then float32 again: half a millionth plus float32 rounding
    assert np.allclose(back.scores, expected, rtol=1e-6, atol=5e-7)


FOUR = Affinity(
    ("a", "b", "c", "d"),
    np.array([[0, 1, -2, 3], [1, 0, 0, 4], [-2, 0, 0, 5], [3, 4, 5, 0]], dtype=np.float32),
    forbidden=frozenset({(1, 3)}),
)


def test_write_edges_leaves_out_forbidden_and_non_positive_pairs(tmp_path):
    write_edges(FOUR, tmp_path / "edges.csv")
    lines = (tmp_path / "edges.csv").read_text().splitlines()
    assert lines == ["a,b,score", "a,b,1", "a,d,3", "c,d,5"]


def test_write_edges_returns_the_number_of_rows(tmp_path):
    assert write_edges(FOUR, tmp_path / "edges.csv") == 3


def test_write_edges_rounds_to_six_decimals(tmp_path):
    scores = np.array([[0, 1 / 3], [1 / 3, 0]], dtype=np.float32)
    path = tmp_path / "edges.csv"
    write_edges(Affinity(("a", "b"), scores), path)
    assert path.read_text().splitlines()[1] == "a,b,0.333333"


def test_write_edges_leaves_out_scores_that_round_to_zero(tmp_path):
    scores = np.array([[0, 1e-7], [1e-7, 0]], dtype=np.float32)
    assert write_edges(Affinity(("a", "b"), scores), tmp_path / "edges.csv") == 0


def test_write_edges_large_scores(tmp_path):
    scores = np.array([[0, 123456.5], [123456.5, 0]], dtype=np.float32)
    path = tmp_path / "edges.csv"
    write_edges(Affinity(("a", "b"), scores), path)
    assert path.read_text().splitlines()[1] == "a,b,123456.5"


def test_write_edges_refuses_scores_too_large_to_write(tmp_path):
    scores = np.array([[0, 1e13], [1e13, 0]], dtype=np.float32)
    with pytest.raises(ValueError, match="cannot be written"):
        write_edges(Affinity(("a", "b"), scores), tmp_path / "edges.csv")


def test_write_edges_quotes_ids_with_commas(tmp_path):
    scores = np.array([[0, 2], [2, 0]], dtype=np.float32)
    path = tmp_path / "edges.csv"
    write_edges(Affinity(('x,"y"', "b"), scores), path)
    assert path.read_text().splitlines()[1] == '"x,""y""",b,2'


def test_write_edges_no_people_writes_the_header(tmp_path):
    path = tmp_path / "edges.csv"
    write_edges(Affinity((), np.zeros((0, 0), dtype=np.float32)), path)
    assert path.read_text() == "a,b,score\n"


def test_affinity_from_edges_reads_scores_symmetrically(tmp_path):
    aff = affinity_from_edges(
        IDS, edges(tmp_path, "KOFI@x.org,ana@x.org,2.5", " li@x.org , ana@x.org , -1")
    )
    assert (aff.score(0, 1), aff.score(1, 0), aff.score(0, 2)) == (2.5, 2.5, -1.0)


def test_affinity_from_edges_missing_pairs_score_zero(tmp_path):
    aff = affinity_from_edges(IDS, edges(tmp_path, "ana@x.org,kofi@x.org,2.5"))
    assert aff.score(1, 2) == 0.0


def test_affinity_from_edges_explains_with_the_file_name(tmp_path):
    aff = affinity_from_edges(IDS, edges(tmp_path, "ana@x.org,kofi@x.org,2.5"))
    assert (aff.reasons(0, 1), aff.reasons(1, 2)) == (("Score 2.50 from edges.csv",), ())


def test_affinity_from_edges_skips_blank_lines(tmp_path):
    aff = affinity_from_edges(IDS, edges(tmp_path, "", "ana@x.org,kofi@x.org,1", ""))
    assert aff.score(0, 1) == 1.0


def test_affinity_from_edges_requires_the_header(tmp_path):
    path = edges(tmp_path, "ana@x.org,kofi@x.org,1", header="x,y,weight")
    with pytest.raises(
        ValueError, match=r'edges\.csv:1: expected the header "a,b,score", got "x,y,weight"'
    ):
        affinity_from_edges(IDS, path)


def test_affinity_from_edges_lists_every_problem(tmp_path):
    path = edges(
        tmp_path,
        "ana@x.org,kofi@x.org,1",  # line 2
        "ana@x.org,ghost@x.org,1",
        "ana@x.org,li@x.org,high",
        "ana@x.org,ana@x.org,1",
        "kofi@x.org,ana@x.org,2",
        "kofi@x.org,li@x.org,inf",
        "li@x.org,kofi@x.org",
    )
    with pytest.raises(ValueError, match="unknown id") as info:
        affinity_from_edges(IDS, path)
    assert str(info.value).splitlines() == [
        f'{path}:3: unknown id "ghost@x.org"',
        f'{path}:4: score "high" is not a number',
        f'{path}:5: "ana@x.org" is paired with itself',
        f"{path}:6: this pair was already given on an earlier line",
        f'{path}:7: score "inf" is not a finite number',
        f"{path}:8: expected 3 columns a,b,score, got 2",
    ]


def test_affinity_from_edges_caps_the_listed_problems(tmp_path):
    path = edges(tmp_path, *["ana@x.org,ghost@x.org,1"] * 60)
    with pytest.raises(ValueError, match="more problems") as info:
        affinity_from_edges(IDS, path)
    lines = str(info.value).splitlines()
    assert (len(lines), lines[-1]) == (51, "... and 10 more problems")


def test_build_affinities_match_separate_builds():
    from netweave.core.affinity import AffinitySpec, build_affinities
    from netweave.core.config import GROUP_WEIGHTS
    from netweave.synth import synthetic_rows

    people = [
        person(r["email"], r["name"], interests=tuple(r["interests"].split(";")), about=r["about"])
        for r in synthetic_rows(30, seed=4)
    ]
    specs = [AffinitySpec(Weights()), AffinitySpec(GROUP_WEIGHTS, "penalise")]
    both = build_affinities(people, specs)
    alone = [build_affinity(people, s.weights, history_mode=s.history_mode) for s in specs]
    assert all(np.array_equal(a.scores, b.scores) for a, b in zip(both, alone, strict=True))
