"""Small groups: sizes, constraints, quality against brute force, remote members, themes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.core.affinity import Affinity
from netweave.core.group_remote import attach_remote
from netweave.core.group_wording import describe_group
from netweave.core.groups import (
    GroupsResult,
    InfeasibleGroupsError,
    group_score,
    group_sizes,
    plan_groups,
)
from netweave.core.people import Person

# --------------------------------------------------------------------------- helpers


def make_affinity(
    n: int, seed: int = 0, forbidden: frozenset[tuple[int, int]] = frozenset()
) -> Affinity:
    """Random symmetric scores in [0, 1), zero diagonal."""
    rng = np.random.default_rng(seed)
    s = rng.random((n, n), dtype=np.float32)
    s = (s + s.T) / 2
    np.fill_diagonal(s, 0)
    return Affinity(ids=tuple(f"p{i}@x.org" for i in range(n)), scores=s, forbidden=forbidden)


def planted_affinity(n: int, size: int, seed: int = 0) -> tuple[Affinity, set[tuple[int, ...]]]:
    """Scores 1 inside hidden groups of ``size``, small noise elsewhere: the optimum is known."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    label = np.empty(n, dtype=int)
    label[perm] = np.arange(n) // size
    s = 0.1 * rng.random((n, n), dtype=np.float32)
    s = (s + s.T) / 2 + (label[:, None] == label[None, :])
    np.fill_diagonal(s, 0)
    hidden = {tuple(sorted(np.flatnonzero(label == g).tolist())) for g in range(n // size)}
    return Affinity(ids=tuple(map(str, range(n))), scores=s.astype(np.float32)), hidden


def brute_force_best(aff: Affinity, sizes: list[int]) -> float:
    """The best total over every split of everyone into groups of ``sizes`` (tiny n only)."""

    def best(rest: tuple[int, ...], sizes: list[int]) -> float:
        if not sizes:
            return 0.0
        first, others = rest[0], rest[1:]
        top = -np.inf
        for size in set(sizes):  # the group of the first person left may have any size left
            later = list(sizes)
            later.remove(size)
            for mates in itertools.combinations(others, size - 1):
                group = (first, *mates)
                left = tuple(p for p in others if p not in mates)
                if all(aff.allowed(i, j) for i, j in itertools.combinations(group, 2)):
                    top = max(top, group_score(aff, group) + best(left, later))
        return top

    return best(tuple(range(aff.n)), sizes)


def random_split_score(aff: Affinity, sizes: list[int], seed: int) -> float:
    perm = np.random.default_rng(seed).permutation(aff.n)
    bounds = np.cumsum([0, *sizes])
    return sum(group_score(aff, perm[a:b]) for a, b in itertools.pairwise(bounds))


def together(result: GroupsResult, i: int, j: int) -> bool:
    return any(i in g and j in g for g in result.groups)


def person(i: int, **kw: object) -> Person:
    return Person(id=f"p{i}@x.org", email=f"p{i}@x.org", name=f"P{i}", **kw)


# --------------------------------------------------------------------------- group_sizes


def test_group_sizes_sixty_is_twelve_fives() -> None:
    assert group_sizes(60) == [5] * 12


def test_group_sizes_sixty_two_uses_only_fives_and_sixes() -> None:
    assert sorted(group_sizes(62)) == [5] * 10 + [6] * 2


def test_group_sizes_in_range_and_within_one_of_each_other() -> None:
    for n in range(8, 500):
        sizes = group_sizes(n, 4, 6)
        assert sum(sizes) == n
        assert (min(sizes), max(sizes)) in {(4, 4), (4, 5), (5, 5), (5, 6), (6, 6)}, n


def test_group_sizes_below_minimum_is_one_group() -> None:
    assert group_sizes(3, 4, 6) == [3]


def test_group_sizes_zero_people_is_no_groups() -> None:
    assert group_sizes(0) == []


def test_group_sizes_fixed_size_twelve() -> None:
    assert group_sizes(36, 12, 12) == [12, 12, 12]


def test_group_sizes_target_sets_the_count() -> None:
    assert group_sizes(24, 4, 6, target=4) == [4] * 6


def test_group_sizes_impossible_split_names_nearest_options() -> None:
    with pytest.raises(InfeasibleGroupsError, match=r"7 people.*4 or 8 people.*3-4"):
        group_sizes(7, 4, 4)


def test_group_sizes_target_outside_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="target"):
        group_sizes(20, 4, 6, target=8)


# --------------------------------------------------------------------------- plan_groups: shape


def test_plan_groups_everyone_exactly_once() -> None:
    result = plan_groups(make_affinity(60), max_iterations=20)
    assert sorted(p for g in result.groups for p in g) == list(range(60))


def test_plan_groups_sizes_follow_group_sizes() -> None:
    result = plan_groups(make_affinity(62), max_iterations=50)
    assert sorted(len(g) for g in result.groups) == sorted(group_sizes(62))


def test_plan_groups_fixed_sizes() -> None:
    result = plan_groups(make_affinity(36), size_min=12, size_max=12, max_iterations=10)
    assert [len(g) for g in result.groups] == [12, 12, 12]


def test_plan_groups_groups_sorted_and_ordered_by_smallest_member() -> None:
    result = plan_groups(make_affinity(30), max_iterations=10)
    assert all(list(g) == sorted(g) for g in result.groups)
    assert [g[0] for g in result.groups] == sorted(g[0] for g in result.groups)


def test_plan_groups_scores_are_group_scores() -> None:
    aff = make_affinity(30)
    result = plan_groups(aff, max_iterations=10)
    assert result.scores == pytest.approx([group_score(aff, g) for g in result.groups])
    assert result.score == pytest.approx(sum(result.scores))


def test_plan_groups_only_members_are_grouped() -> None:
    members = list(range(0, 40, 2))
    result = plan_groups(make_affinity(40), members, max_iterations=10)
    assert sorted(p for g in result.groups for p in g) == members


def test_plan_groups_no_members_gives_no_groups() -> None:
    result = plan_groups(make_affinity(5), [])
    assert result.groups == ()


def test_plan_groups_iterations_capped() -> None:
    result = plan_groups(make_affinity(30), max_iterations=7)
    assert result.iterations == 7


def test_plan_groups_same_seed_same_groups() -> None:
    aff = make_affinity(50, seed=3)
    # the count ends the search, not the clock: a busy machine must not change the groups
    first = plan_groups(aff, seed=11, max_iterations=40, time_limit=600)
    again = plan_groups(aff, seed=11, max_iterations=40, time_limit=600)
    assert first.groups == again.groups


# ------------------------------------------------------------------------ plan_groups: constraints


def test_plan_groups_forbidden_pairs_never_together() -> None:
    rng = np.random.default_rng(5)
    pairs = {tuple(sorted(rng.choice(40, size=2, replace=False).tolist())) for _ in range(80)}
    aff = make_affinity(40, forbidden=frozenset(pairs))
    result = plan_groups(aff, max_iterations=30)
    assert not any(together(result, i, j) for i, j in pairs)


def test_plan_groups_forbidden_pairs_apart_even_without_search_time() -> None:
    pairs = {(i, i + 1) for i in range(0, 20)}
    result = plan_groups(make_affinity(24, forbidden=frozenset(pairs)), time_limit=0)
    assert not any(together(result, i, j) for i, j in pairs)


def test_plan_groups_unavoidable_forbidden_raises() -> None:
    # three people who must all be apart, but only two groups
    triangle = frozenset({(0, 1), (0, 2), (1, 2)})
    with pytest.raises(InfeasibleGroupsError, match="apart"):
        plan_groups(make_affinity(8, forbidden=triangle), size_min=4, size_max=4, max_iterations=5)


def test_plan_groups_one_group_with_forbidden_pair_raises() -> None:
    with pytest.raises(InfeasibleGroupsError, match=r"p0@x\.org & p1@x\.org"):
        plan_groups(make_affinity(5, forbidden=frozenset({(0, 1)})))


def test_plan_groups_pinned_group_kept_exactly() -> None:
    result = plan_groups(make_affinity(33), pinned=[[7, 3, 30]], max_iterations=10)
    assert (3, 7, 30) in result.groups
    assert sorted(p for g in result.groups for p in g) == list(range(33))


def test_plan_groups_pinned_group_with_forbidden_pair_raises() -> None:
    aff = make_affinity(20, forbidden=frozenset({(3, 7)}))
    with pytest.raises(InfeasibleGroupsError, match="pinned"):
        plan_groups(aff, pinned=[[3, 7, 9]])


def test_plan_groups_pinned_outside_members_rejected() -> None:
    with pytest.raises(ValueError, match="not among the members"):
        plan_groups(make_affinity(20), members=range(10), pinned=[[12, 13]])


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=8, max_value=40),
    seed=st.integers(min_value=0, max_value=10_000),
    n_forbidden=st.integers(min_value=0, max_value=40),
)
def test_plan_groups_valid_on_random_feasible_instances(
    n: int, seed: int, n_forbidden: int
) -> None:
    # forbidden pairs only across the groups of a hidden split, so a valid plan exists
    rng = np.random.default_rng(seed)
    hidden = np.repeat(np.arange(len(group_sizes(n))), group_sizes(n))[rng.permutation(n)]
    pairs = {
        tuple(sorted(rng.choice(n, size=2, replace=False).tolist())) for _ in range(n_forbidden)
    }
    pairs = {(i, j) for i, j in pairs if hidden[i] != hidden[j]}
    result = plan_groups(make_affinity(n, seed, frozenset(pairs)), seed=seed, max_iterations=5)
    assert sorted(len(g) for g in result.groups) == sorted(group_sizes(n))
    assert sorted(p for g in result.groups for p in g) == list(range(n))
    assert not any(together(result, i, j) for i, j in pairs)


# --------------------------------------------------------------------------- plan_groups: quality


@pytest.mark.parametrize("seed", range(6))
def test_plan_groups_tiny_instances_reach_the_optimum(seed: int) -> None:
    aff = make_affinity(8, seed)
    result = plan_groups(aff, size_min=4, size_max=4, seed=seed, max_iterations=30)
    assert result.score == pytest.approx(brute_force_best(aff, [4, 4]))


@pytest.mark.parametrize("seed", range(4))
def test_plan_groups_tiny_unequal_sizes_reach_the_optimum(seed: int) -> None:
    aff = make_affinity(9, seed, forbidden=frozenset({(0, 1), (2, 3)}))
    result = plan_groups(aff, size_min=4, size_max=5, seed=seed, max_iterations=30)
    assert result.score == pytest.approx(brute_force_best(aff, [5, 4]))


def test_plan_groups_search_beats_construction_and_random() -> None:
    aff = make_affinity(60, seed=2)
    built = plan_groups(aff, time_limit=0).score
    searched = plan_groups(aff, max_iterations=200, time_limit=30).score
    assert random_split_score(aff, group_sizes(60), seed=0) < built < searched


def test_plan_groups_first_local_optimum_has_no_improving_swap() -> None:
    aff = make_affinity(40, seed=4)
    result = plan_groups(aff, max_iterations=0, time_limit=30)
    groups = [list(g) for g in result.groups]
    for a, b in itertools.combinations(range(len(groups)), 2):
        for p, q in itertools.product(groups[a], groups[b]):
            before = group_score(aff, groups[a]) + group_score(aff, groups[b])
            ga = [q if x == p else x for x in groups[a]]
            gb = [p if x == q else x for x in groups[b]]
            assert group_score(aff, ga) + group_score(aff, gb) <= before + 1e-6


def test_plan_groups_recovers_planted_groups() -> None:
    aff, hidden = planted_affinity(60, 5, seed=1)
    result = plan_groups(aff, max_iterations=20)
    assert set(result.groups) == hidden


def test_plan_groups_moves_balance_planted_groups_of_unequal_size() -> None:
    # 62 people: two hidden groups of six; moves between 5- and 6-groups must find them
    aff, hidden = planted_affinity(60, 5, seed=2)
    big = np.zeros((62, 62), dtype=np.float32)
    big[:60, :60] = aff.scores
    g1, g2 = sorted(hidden)[:2]
    for extra, group in ((60, g1), (61, g2)):
        big[extra, list(group)] = big[list(group), extra] = 1.0
    aff62 = Affinity(ids=tuple(map(str, range(62))), scores=big)
    result = plan_groups(aff62, max_iterations=50)
    assert {(*g1, 60), (*g2, 61)} <= set(result.groups)


# --------------------------------------------------------------------------- attach_remote


def test_attach_remote_spreads_evenly() -> None:
    aff = make_affinity(12)
    s = aff.scores.copy()
    s[6:, 0] = s[0, 6:] = 5.0  # every remote person loves group 0
    attached = attach_remote(Affinity(ids=aff.ids, scores=s), [(0, 1, 2), (3, 4, 5)], range(6, 12))
    assert sorted(len(a) for a in attached) == [3, 3]


def test_attach_remote_goes_to_best_group() -> None:
    s = np.zeros((7, 7), dtype=np.float32)
    s[6, [3, 4, 5]] = s[[3, 4, 5], 6] = 1.0
    aff = Affinity(ids=tuple("abcdefg"), scores=s)
    assert attach_remote(aff, [(0, 1, 2), (3, 4, 5)], [6]) == ((), (6,))


def test_attach_remote_respects_forbidden_live_member() -> None:
    s = np.zeros((7, 7), dtype=np.float32)
    s[6, [3, 4, 5]] = s[[3, 4, 5], 6] = 1.0
    aff = Affinity(ids=tuple("abcdefg"), scores=s, forbidden=frozenset({(3, 6)}))
    assert attach_remote(aff, [(0, 1, 2), (3, 4, 5)], [6]) == ((6,), ())


def test_attach_remote_keeps_forbidden_remote_pair_apart() -> None:
    s = np.zeros((8, 8), dtype=np.float32)
    s[[6, 7], :3] = s[:3, [6, 7]] = 1.0  # both prefer group 0
    aff = Affinity(ids=tuple("abcdefgh"), scores=s, forbidden=frozenset({(6, 7)}))
    attached = attach_remote(aff, [(0, 1, 2), (3, 4, 5)], [6, 7])
    assert sorted(len(a) for a in attached) == [1, 1]


def test_attach_remote_without_remote_people_is_empty() -> None:
    assert attach_remote(make_affinity(6), [(0, 1, 2), (3, 4, 5)], []) == ((), ())


def test_attach_remote_nowhere_to_go_raises() -> None:
    aff = make_affinity(5, forbidden=frozenset({(0, 4), (2, 4)}))
    with pytest.raises(InfeasibleGroupsError, match=r"p4@x\.org"):
        attach_remote(aff, [(0, 1), (2, 3)], [4])


# --------------------------------------------------------------------------- describe_group


def test_describe_group_theme_from_shared_interests() -> None:
    tags = [("onboarding", "mentoring"), ("onboarding", "mentoring"), ("onboarding",)]
    people = [person(i, interests=t) for i, t in enumerate(tags)]
    people += [person(3, interests=("mentoring", "onboarding")), person(4, interests=("python",))]
    theme, reasons = describe_group(people)
    assert theme == "onboarding & mentoring"
    assert reasons[:2] == ("4 of 5 work on onboarding", "3 of 5 work on mentoring")


def test_describe_group_theme_from_community_kind() -> None:
    kinds = ["data science community"] * 3 + ["open science nonprofit", "makerspace"]
    people = [person(i, community=k, interests=(f"t{i}",)) for i, k in enumerate(kinds)]
    assert describe_group(people) == (
        "data science communities",
        ("3 of 5 run data science communities",),
    )


def test_describe_group_time_zones_are_never_a_theme() -> None:
    zones = ["Europe/Berlin", "Europe/Lisbon", "Europe/Paris", "Europe/Oslo"]
    people = [person(i, timezone=z, interests=(f"t{i}",)) for i, z in enumerate(zones)]
    assert describe_group(people) == ("Mixed interests", ())


def test_describe_group_region_only_from_locations_not_a_zone_area() -> None:
    # a zone's area spans places people do not share: Milan and Bangalore are not "Africa"
    people = [
        person(0, timezone="Africa/Lagos", location="Milan, Italy"),
        person(1, timezone="Africa/Lagos", location="Bangalore, India"),
        person(2, timezone="Africa/Cairo"),
    ]
    assert describe_group(people) == ("Mixed interests", ())


def test_describe_group_country_when_everyone_gave_it() -> None:
    places = ["Lagos, Nigeria", "Abuja, Nigeria", "Kano, nigeria"]
    people = [person(i, timezone="UTC", location=loc) for i, loc in enumerate(places)]
    assert describe_group(people) == ("Nigeria", ("All based in Nigeria",))


def test_describe_group_country_of_some_is_no_theme() -> None:
    places = ["Lagos, Nigeria", "Abuja, Nigeria", "Oslo, Norway"]
    people = [person(i, timezone="UTC", location=loc) for i, loc in enumerate(places)]
    assert describe_group(people) == ("Mixed interests", ())


def test_describe_group_theme_from_a_phrase_most_wrote() -> None:
    abouts = [
        "We study volunteer burnout in hospices.",
        "Volunteer burnout, and how rotas help.",
        "Field work on coral reefs.",
    ]
    people = [person(i, about=text) for i, text in enumerate(abouts)]
    assert describe_group(people) == (
        "volunteer burnout",
        ("2 of 3 wrote about volunteer burnout",),
    )


def test_describe_group_mixed_when_nothing_is_shared() -> None:
    zones = ["Europe/Berlin", "Asia/Tokyo", "America/Lima"]
    people = [person(i, timezone=z, interests=(f"t{i}",)) for i, z in enumerate(zones)]
    assert describe_group(people) == ("Mixed interests", ())


def test_describe_group_order_of_members_does_not_matter() -> None:
    tags = [("a", "b"), ("b", "c"), ("c", "a"), ("a",)]
    people = [person(i, interests=t, community="Python meetup") for i, t in enumerate(tags)]
    assert describe_group(people) == describe_group(people[::-1])
