"""plan_rounds: one-on-one rounds that never repeat a pair, honour requests and pins, and
report everyone they could not place."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from netweave.core import matching as matching_module
from netweave.core.affinity import Affinity
from netweave.core.bounds import upper_bound
from netweave.core.round_spec import InfeasibleError
from netweave.core.rounds import RoundsResult, plan_rounds


def ids(n: int) -> tuple[str, ...]:
    return tuple(f"p{i}@x.org" for i in range(n))


def random_affinity(
    n: int,
    seed: int,
    *,
    forbidden: frozenset[tuple[int, int]] = frozenset(),
    requests: frozenset[tuple[int, int]] = frozenset(),
) -> Affinity:
    rng = np.random.default_rng(seed)
    s = rng.random((n, n), dtype=np.float32)
    s = (s + s.T) / 2
    np.fill_diagonal(s, 0)
    return Affinity(ids(n), s, forbidden=forbidden, requests=requests)


def clustered_affinity(n: int, seed: int) -> Affinity:
    """Scores from interests on a sphere, scaled by how sociable each person is: some people
    are everybody's second choice, which is where fairness matters."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    s = (x @ x.T + 1).astype(np.float32) * rng.uniform(0.3, 1, n).astype(np.float32)[:, None]
    s = (s + s.T) / 2
    np.fill_diagonal(s, 0)
    return Affinity(ids(n), s)


def pairs_of(meeting: tuple[int, ...]) -> list[tuple[int, int]]:
    return [(a, b) for k, a in enumerate(meeting) for b in meeting[k + 1 :]]


def all_pairs(result: RoundsResult) -> list[tuple[int, int]]:
    return [p for r in result.rounds for m in r for p in pairs_of(m)]


def assert_valid(
    result: RoundsResult,
    aff: Affinity,
    modes: Sequence[str],
    rounds: int,
    *,
    odd: str = "trio",
    async_matches: int | None = None,
    present: set[int] | None = None,
    already_met: Sequence[tuple[int, int]] = (),
) -> None:
    """Every rule of a plan (see plan_rounds) holds for ``result``."""
    n = aff.n
    present = set(range(n)) if present is None else present
    live = {i for i in present if modes[i] == "live"}
    matches = rounds if async_matches is None else async_matches
    per_round = math.ceil(matches / rounds)
    assert len(result.rounds) == rounds
    pairs = all_pairs(result)
    assert len(pairs) == len(set(pairs)), "a pair met twice"
    assert not set(pairs) & {tuple(sorted(p)) for p in already_met}, "a pair met again"
    assert all(aff.allowed(a, b) for a, b in pairs), "a forbidden pair met"
    assert all(modes[a] == "live" or modes[b] == "live" for a, b in pairs), "async met async"
    trios = [m for r in result.rounds for m in r if len(m) == 3]
    assert all(modes[p] == "live" for t in trios for p in t), "an async person in a trio"
    assert len(trios) == len({p for t in trios for p in t}) / 3, "someone in two trios"
    for number, meetings in enumerate(result.rounds, start=1):
        assert all(m == tuple(sorted(m)) and 1 <= len(m) <= 3 for m in meetings)
        assert sum(len(m) == 3 for m in meetings) <= 1, "two trios in one round"
        hosts = [m for m in meetings if len(m) == 1]
        assert len(hosts) <= (1 if odd == "host" else 0)
        assert all(modes[m[0]] == "live" for m in hosts)
        seats = Counter(p for m in meetings for p in m)
        assert set(seats) <= present, "someone absent was placed"
        assert all(c <= (per_round if modes[p] == "async" else 1) for p, c in seats.items())
        alone = {p for r, p, why in result.unmatched if r == number and why}
        assert live <= set(seats) | alone, "a live person neither placed nor reported"
    async_partners = Counter(p for pair in pairs for p in pair if modes[p] == "async")
    assert all(c <= matches for c in async_partners.values())
    total = sum(float(aff.scores[a, b]) for a, b in pairs)
    assert result.total == pytest.approx(total, rel=1e-6, abs=1e-6)


# --------------------------------------------------------------------------- basics


def test_plan_rounds_pairs_everyone_every_round_when_even() -> None:
    result = plan_rounds(random_affinity(10, 0), ["live"] * 10, 3)
    assert all(sorted(p for m in r for p in m) == list(range(10)) for r in result.rounds)
    assert result.unmatched == ()


def test_plan_rounds_never_repeats_a_pair() -> None:
    result = plan_rounds(random_affinity(8, 1), ["live"] * 8, 7)
    pairs = all_pairs(result)
    assert len(pairs) == len(set(pairs)) == 28


def test_plan_rounds_one_round_is_the_best_matching() -> None:
    aff = random_affinity(12, 2)
    best = upper_bound(aff, [1] * 12, candidates=11).value
    assert plan_rounds(aff, ["live"] * 12, 1, fairness=0).total == pytest.approx(best)


def test_plan_rounds_total_counts_the_real_scores() -> None:
    aff = random_affinity(9, 3)
    result = plan_rounds(aff, ["live"] * 9, 2)
    assert result.total == pytest.approx(sum(float(aff.scores[p]) for p in all_pairs(result)))


def test_plan_rounds_shares_are_one_when_everyone_meets_their_best() -> None:
    s = np.zeros((4, 4), dtype=np.float32)
    s[0, 1] = s[1, 0] = s[2, 3] = s[3, 2] = 1.0
    result = plan_rounds(Affinity(ids(4), s), ["live"] * 4, 1)
    assert result.shares.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_plan_rounds_reports_progress_after_each_round() -> None:
    seen: list[tuple[int, int]] = []
    plan_rounds(random_affinity(6, 4), ["live"] * 6, 3, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_plan_rounds_same_seed_gives_the_same_plan() -> None:
    aff = random_affinity(31, 5)
    first = plan_rounds(aff, ["live"] * 31, 4, seed=7)
    again = plan_rounds(aff, ["live"] * 31, 4, seed=7)
    assert first.rounds == again.rounds
    assert first.unmatched == again.unmatched


# --------------------------------------------------------------------------- odd counts


def test_plan_rounds_odd_count_makes_exactly_one_trio_per_round() -> None:
    result = plan_rounds(random_affinity(11, 6), ["live"] * 11, 3)
    assert [sum(len(m) == 3 for m in r) for r in result.rounds] == [1, 1, 1]


def test_plan_rounds_nobody_sits_in_two_trios() -> None:
    result = plan_rounds(random_affinity(15, 7), ["live"] * 15, 4)
    in_trios = [p for r in result.rounds for m in r if len(m) == 3 for p in m]
    assert len(in_trios) == len(set(in_trios)) == 12


def test_plan_rounds_host_mode_sends_the_odd_one_to_the_host() -> None:
    result = plan_rounds(random_affinity(9, 8), ["live"] * 9, 3, odd="host")
    assert [[m for m in r if len(m) == 1] != [] for r in result.rounds] == [True] * 3
    assert all(len(m) <= 2 for r in result.rounds for m in r)


def test_plan_rounds_host_mode_nobody_meets_the_host_twice() -> None:
    result = plan_rounds(random_affinity(7, 9), ["live"] * 7, 5, odd="host")
    visitors = [m[0] for r in result.rounds for m in r if len(m) == 1]
    assert len(visitors) == len(set(visitors)) == 5


def test_plan_rounds_reports_who_could_not_join_a_trio() -> None:
    # five people, four rounds: trios would need twelve seats, so someone is left alone
    result = plan_rounds(random_affinity(5, 10), ["live"] * 5, 4)
    assert result.unmatched
    assert all("third person" in why or "everyone" in why for _, _, why in result.unmatched)


# --------------------------------------------------------------------------- async


def test_plan_rounds_async_people_get_their_matches_from_live_people() -> None:
    modes = ["async", "async", *["live"] * 8]
    result = plan_rounds(random_affinity(10, 11), modes, 3, async_matches=2)
    partners = Counter(p for pair in all_pairs(result) for p in pair)
    assert (partners[0], partners[1]) == (2, 2)
    assert (0, 1) not in all_pairs(result)


def test_plan_rounds_async_matches_spread_over_rounds() -> None:
    modes = ["async", *["live"] * 6]
    result = plan_rounds(random_affinity(7, 12), modes, 2, async_matches=4)
    per_round = [sum(0 in m for m in r) for r in result.rounds]
    assert per_round == [2, 2]


def test_plan_rounds_live_person_watches_one_video_per_round() -> None:
    modes = ["async", "async", "async", "live", "live", "live"]
    result = plan_rounds(random_affinity(6, 13), modes, 2, async_matches=2)
    assert_valid(result, random_affinity(6, 13), modes, 2, async_matches=2)
    assert all(
        Counter(p for m in r for p in m if p >= 3).most_common(1)[0][1] == 1 for r in result.rounds
    )


def test_plan_rounds_splits_a_live_pair_for_open_async_slots() -> None:
    # the graph links both async people to Ana (0) only, and Ana and Bo (1) score best: the
    # matching pairs the four live people and leaves both async slots open, with nobody live
    # left alone to take them; splitting Ana and Bo seats both
    s = np.zeros((6, 6), np.float32)
    for (a, b), v in {(0, 1): 5, (2, 3): 5, (1, 2): 1, (0, 4): 2, (0, 5): 2}.items():
        s[a, b] = s[b, a] = v
    aff = Affinity(ids(6), None, graph=sp.csr_matrix(s))
    modes = ["live"] * 4 + ["async"] * 2
    result = plan_rounds(aff, modes, 1)
    assert result.unmatched == ()
    assert sorted(result.rounds[0]) == [(0, 4), (1, 5), (2, 3)]


# --------------------------------------------------------------------------- requests


def test_plan_rounds_meets_a_mutual_request_with_a_low_score() -> None:
    aff = random_affinity(12, 14)
    low = min(((i, j) for i in range(12) for j in range(i + 1, 12)), key=lambda p: aff.scores[p])
    aff = random_affinity(12, 14, requests=frozenset({low, low[::-1]}))
    assert low in all_pairs(plan_rounds(aff, ["live"] * 12, 2))


def test_plan_rounds_meets_a_one_way_request() -> None:
    aff = random_affinity(12, 15)
    low = min(((i, j) for i in range(12) for j in range(i + 1, 12)), key=lambda p: aff.scores[p])
    aff = random_affinity(12, 15, requests=frozenset({low}))
    assert low in all_pairs(plan_rounds(aff, ["live"] * 12, 2))


def test_plan_rounds_meets_mutual_requests_beyond_the_candidate_graph() -> None:
    wanted = frozenset({(0, 1), (1, 0), (2, 3), (3, 2), (4, 5), (5, 4)})
    aff = random_affinity(40, 16, requests=wanted)
    pairs = set(all_pairs(plan_rounds(aff, ["live"] * 40, 1, candidates=1)))
    assert {(0, 1), (2, 3), (4, 5)} <= pairs


@pytest.mark.parametrize(
    ("modes", "forbidden", "already_met", "present", "why"),
    [
        (["live"] * 4, {(0, 1)}, [], None, "the organizers keep these two apart"),
        (["live"] * 4, set(), [(0, 1)], None, "met before"),
        (["async", "async", "live", "live"], set(), [], None, "p0@x.org is async"),
        (["live"] * 4, set(), [], {0, 2, 3}, "not placed: p1@x.org is not taking part"),
    ],
)
def test_plan_rounds_reports_why_a_request_was_not_met(
    modes: list[str],
    forbidden: set[tuple[int, int]],
    already_met: list[tuple[int, int]],
    present: set[int] | None,
    why: str,
) -> None:
    aff = random_affinity(4, 17, forbidden=frozenset(forbidden), requests=frozenset({(0, 1)}))
    result = plan_rounds(
        aff, modes, 1, async_matches=1, present=present, already_met=already_met, odd="host"
    )
    assert len(result.unmet_requests) == 1
    assert result.unmet_requests[0][:2] == (0, 1)
    assert why in result.unmet_requests[0][2]


def test_plan_rounds_reports_requests_that_found_no_room() -> None:
    asks = frozenset((0, j) for j in range(1, 6))
    result = plan_rounds(random_affinity(8, 18, requests=asks), ["live"] * 8, 2)
    assert len(result.unmet_requests) == 3
    assert all(why.startswith("no room in any round") for *_, why in result.unmet_requests)


# --------------------------------------------------------------------------- pins, presence


def test_plan_rounds_keeps_pinned_meetings_exactly() -> None:
    pins = {2: [(0, 5), (1, 2, 3)]}
    result = plan_rounds(random_affinity(9, 19), ["live"] * 9, 3, pinned=pins)
    assert {(0, 5), (1, 2, 3)} <= set(result.rounds[1])
    assert_valid(result, random_affinity(9, 19), ["live"] * 9, 3)


def test_plan_rounds_pinned_pair_is_not_used_in_an_earlier_round() -> None:
    aff = random_affinity(6, 20)
    best = max(((i, j) for i in range(6) for j in range(i + 1, 6)), key=lambda p: aff.scores[p])
    result = plan_rounds(aff, ["live"] * 6, 3, pinned={3: [best]})
    assert all_pairs(result).count(best) == 1
    assert best in result.rounds[2]


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        ({1: [(0, 1), (1, 2)]}, "pinned twice in round 1"),
        ({1: [(0, 3)]}, "kept apart"),
        ({1: [(1, 2)], 2: [(2, 1)]}, "meet twice"),
        ({4: [(1, 2)]}, "round 4 does not exist"),
        ({1: [(0, 1, 2)], 2: [(1, 4, 5)]}, "two trios"),
    ],
)
def test_plan_rounds_rejects_impossible_pins(pins: dict, message: str) -> None:
    aff = random_affinity(8, 21, forbidden=frozenset({(0, 3)}))
    with pytest.raises(InfeasibleError, match=message):
        plan_rounds(aff, ["live"] * 8, 3, pinned=pins)


def test_plan_rounds_only_places_people_present() -> None:
    present = {0, 2, 3, 5, 7, 8}
    result = plan_rounds(random_affinity(10, 22), ["live"] * 10, 2, present=present)
    assert {p for r in result.rounds for m in r for p in m} == present
    assert result.unmatched == ()
    assert result.shares[1] == 1.0


def test_plan_rounds_does_not_repeat_pairs_that_already_met() -> None:
    aff = random_affinity(6, 23)
    first = plan_rounds(aff, ["live"] * 6, 2)
    second = plan_rounds(aff, ["live"] * 6, 3, already_met=all_pairs(first))
    assert not set(all_pairs(first)) & set(all_pairs(second))


# --------------------------------------------------------------------------- infeasible asks


def test_plan_rounds_needs_at_least_one_round() -> None:
    with pytest.raises(InfeasibleError, match="at least one round"):
        plan_rounds(random_affinity(4, 0), ["live"] * 4, 0)


def test_plan_rounds_says_who_cannot_meet_enough_people() -> None:
    forbidden = frozenset({(0, 1), (0, 2), (0, 3)})
    aff = random_affinity(6, 24, forbidden=forbidden)
    with pytest.raises(InfeasibleError, match=r"p0@x\.org can meet at most 2 .*lower --rounds"):
        plan_rounds(aff, ["live"] * 6, 3)


def test_plan_rounds_needs_two_live_people() -> None:
    with pytest.raises(InfeasibleError, match="at least 2 live"):
        plan_rounds(random_affinity(3, 0), ["live", "async", "async"], 1)


def test_plan_rounds_needs_live_people_for_async_ones() -> None:
    with pytest.raises(InfeasibleError, match="nobody live"):
        plan_rounds(random_affinity(3, 0), ["async"] * 3, 1)


def test_plan_rounds_suggests_fewer_async_matches_when_demand_is_too_high() -> None:
    modes = ["async"] * 4 + ["live"] * 3
    with pytest.raises(InfeasibleError, match="--async-matches 1"):
        plan_rounds(random_affinity(7, 25), modes, 2, async_matches=2)


# --------------------------------------------------------------------------- quality


def test_plan_rounds_fairness_raises_the_worst_share() -> None:
    aff = clustered_affinity(30, 0)
    plain = plan_rounds(aff, ["live"] * 30, 3, fairness=0)
    fair = plan_rounds(aff, ["live"] * 30, 3, fairness=1)
    assert fair.shares.min() > plain.shares.min() + 0.05
    assert fair.total >= 0.99 * plain.total


def test_plan_rounds_reaches_99_percent_of_the_bound() -> None:
    aff = random_affinity(200, 26)
    result = plan_rounds(aff, ["live"] * 200, 4)
    assert result.total >= 0.99 * upper_bound(aff, [4] * 200).value


def test_plan_rounds_large_rounds_stay_close_to_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # force the cycle-cover path that rounds beyond 600 people take
    monkeypatch.setattr(matching_module, "_EXACT_NODES", 20)
    aff = clustered_affinity(301, 27)
    result = plan_rounds(aff, ["live"] * 301, 3)
    assert_valid(result, aff, ["live"] * 301, 3)
    assert result.total >= 0.99 * upper_bound(aff, [3] * 301, trio_slots=9).value


# --------------------------------------------------------------------------- properties


@st.composite
def instances(draw: st.DrawFn) -> dict:
    n = draw(st.integers(2, 40))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    modes = [
        "async" if rng.random() < draw(st.sampled_from([0.0, 0.2, 0.4])) else "live"
        for _ in range(n)
    ]
    forbid = draw(st.sampled_from([0.0, 0.05, 0.3]))
    forbidden = frozenset(
        (i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < forbid
    )
    requests = frozenset((int(a), int(b)) for a, b in rng.integers(0, n, (n // 3, 2)) if a != b)
    return {
        "aff": random_affinity(n, seed, forbidden=forbidden, requests=requests),
        "modes": modes,
        "rounds": draw(st.integers(1, 4)),
        "odd": draw(st.sampled_from(["trio", "host"])),
        "async_matches": draw(st.sampled_from([None, 1, 2])),
        "seed": seed,
    }


@settings(max_examples=40, deadline=None)
@given(case=instances())
def test_plan_rounds_any_instance_gives_a_valid_plan_or_says_why(case: dict) -> None:
    try:
        result = plan_rounds(
            case["aff"],
            case["modes"],
            case["rounds"],
            odd=case["odd"],
            async_matches=case["async_matches"],
            seed=case["seed"],
        )
    except InfeasibleError:
        return  # the messages are checked one by one above
    assert_valid(
        result,
        case["aff"],
        case["modes"],
        case["rounds"],
        odd=case["odd"],
        async_matches=case["async_matches"],
    )
    assert all(why for *_, why in result.unmet_requests)


def shared_partner() -> Affinity:
    # "ana" and "new" both suit "xu" best; "yan" suits both a little
    s = np.array([[0, 0, 4, 1], [0, 0, 3.5, 1], [4, 3.5, 0, 0], [1, 1, 0, 0]], np.float32)
    return Affinity(("ana", "new", "xu", "yan"), s)


def test_plan_rounds_boost_gives_the_favoured_person_the_shared_partner() -> None:
    aff = shared_partner()

    plain = plan_rounds(aff, ["live"] * 4, 1)
    favoured = plan_rounds(aff, ["live"] * 4, 1, boost=[0, 0.5, 0, 0])

    assert (plain.rounds[0], favoured.rounds[0]) == (((0, 2), (1, 3)), ((0, 3), (1, 2)))


def test_plan_rounds_boost_reports_the_real_total() -> None:
    favoured = plan_rounds(shared_partner(), ["live"] * 4, 1, boost=[0, 0.5, 0, 0])

    assert favoured.total == pytest.approx(3.5 + 1.0)


def test_plan_rounds_zero_boost_changes_nothing() -> None:
    aff = random_affinity(40, 31)

    plain = plan_rounds(aff, ["live"] * 40, 3)
    zero = plan_rounds(aff, ["live"] * 40, 3, boost=[0.0] * 40)

    assert (zero.rounds, zero.total) == (plain.rounds, plain.total)


@pytest.mark.parametrize(
    ("boost", "message"),
    [([0.5] * 3, "boost has 3 entries for 4 people"), ([0, -1, 0, 0], "finite weights >= 0")],
)
def test_plan_rounds_bad_boost_refused(boost: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_rounds(shared_partner(), ["live"] * 4, 1, boost=boost)
