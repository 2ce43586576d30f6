"""Hand edits: swap_in_round, rescored and refreshed_metrics, without a database."""

from __future__ import annotations

import pytest

from netweave.core.affinity import build_affinity
from netweave.core.curation import CurationError, refreshed_metrics, rescored, swap_in_round
from netweave.core.people import Person
from netweave.core.plan import Meeting, Plan, Round
from netweave.core.planner import describe_meeting

TAGS = {"ana": "events", "bo": "events", "cy": "grants", "dee": "grants", "eve": "grants"}


def people(**requests: str) -> list[Person]:
    return [
        Person(p, p, p.title(), interests=(tag,), requests=tuple(requests.get(p, "").split()))
        for p, tag in TAGS.items()
    ]


def planned(registrants: list[Person]) -> Plan:
    """Round 1: ana+bo, cy+dee+eve; round 2: ana+cy, bo+dee (eve meets the host)."""
    aff = build_affinity(registrants)
    rounds = (
        Round(
            1, (describe_meeting(aff, [0, 1], "Room 1"), describe_meeting(aff, [2, 3, 4], "Room 2"))
        ),
        Round(
            2, (describe_meeting(aff, [0, 2], "Room 1"), describe_meeting(aff, [1, 3], "Room 2"))
        ),
    )
    total = sum(m.score for r in rounds for m in r.meetings)
    return Plan((), rounds, metrics={"total_score": total, "upper_bound": 2 * total})


def test_swap_in_round_exchanges_places_and_pins_both_meetings():
    swapped = swap_in_round(planned(people()), 1, "bo", "cy")

    assert [(m.members, m.pinned) for m in swapped.rounds[0].meetings] == [
        (("ana", "cy"), True),
        (("bo", "dee", "eve"), True),
    ]


def test_swap_in_round_leaves_other_rounds_alone():
    plan = planned(people())

    assert swap_in_round(plan, 1, "bo", "cy").rounds[1] == plan.rounds[1]


@pytest.mark.parametrize(
    ("number", "a", "b", "message"),
    [
        (3, "ana", "bo", "The plan has no round 3."),
        (2, "ana", "eve", "Eve has no meeting in round 2 to swap."),
        (1, "cy", "eve", "Cy and Eve are already in the same meeting in round 1."),
    ],
)
def test_swap_in_round_refusals_say_why(number: int, a: str, b: str, message: str):
    names = {p.id: p.name for p in people()}

    with pytest.raises(CurationError) as refused:
        swap_in_round(planned(people()), number, a, b, names)

    assert str(refused.value) == message


def test_rescored_explains_only_the_changed_meetings():
    registrants = people()
    plan = planned(registrants)
    aff = build_affinity(registrants)

    new = rescored(plan, swap_in_round(plan, 1, "bo", "cy"), aff, registrants)

    fresh = [describe_meeting(aff, [0, 2], "Room 1"), describe_meeting(aff, [1, 3, 4], "Room 2")]
    assert [(m.score, m.reasons) for m in new.rounds[0].meetings] == [
        (m.score, m.reasons) for m in fresh
    ]
    assert new.rounds[1] == plan.rounds[1]


def test_rescored_moves_the_total_by_the_change_in_scores():
    registrants = people()
    plan = planned(registrants)

    new = rescored(
        plan, swap_in_round(plan, 1, "bo", "cy"), build_affinity(registrants), registrants
    )

    change = sum(m.score for m in new.rounds[0].meetings) - sum(
        m.score for m in plan.rounds[0].meetings
    )
    assert new.metrics["total_score"] == pytest.approx(
        plan.metrics["total_score"] + change, abs=1e-4
    )
    assert new.metrics["quality_pct"] == pytest.approx(
        100 * new.metrics["total_score"] / plan.metrics["upper_bound"], abs=0.01
    )


def test_refreshed_metrics_reports_a_request_split_by_the_edit():
    registrants = people(ana="bo", bo="ana", dee="cy")
    plan = planned(registrants)

    metrics = refreshed_metrics(plan, swap_in_round(plan, 1, "bo", "cy"), registrants)

    # ana and bo met in round 1, dee and cy too; after the swap neither pair meets
    assert (metrics["mutual_requests"], metrics["mutual_requests_met"]) == (1, 0)
    assert (metrics["one_way_requests"], metrics["one_way_requests_met"]) == (1, 0)
    assert [(u["asker"], u["asked"]) for u in metrics["unmet_requests"]] == [
        ("ana", "bo"),
        ("bo", "ana"),
        ("dee", "cy"),
    ]


def test_refreshed_metrics_drops_shares_and_marks_the_edit():
    plan = planned(people())
    plan = Plan(plan.participants, plan.rounds, metrics={**plan.metrics, "worst_off_share": 0.5})

    metrics = refreshed_metrics(plan, plan, people())

    assert (metrics["worst_off_share"], metrics["edited_by_hand"]) == (None, True)


def test_refreshed_metrics_counts_trios_and_host_meetings():
    host = Plan(
        (), (Round(1, (Meeting("Room 1", ("ana", "bo", "cy")), Meeting("Room 2", ("dee",)))),)
    )

    metrics = refreshed_metrics(host, host, people())

    assert (metrics["meetings"], metrics["trios"], metrics["host_meetings"]) == (2, 1, 1)
