"""Hand edits of a plan: swap two people in a round, then rescore what changed.

An organizer's edit never goes through the planner again: :func:`swap_in_round` exchanges
two people's places (pinning both meetings, so a re-plan keeps them), and :func:`rescored`
gives the meetings that changed the score and reasons the planner would give them and
brings the plan's metrics up to date (:func:`refreshed_metrics`). Checking that an edit
breaks no rule is :func:`netweave.core.check.check_plan`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from netweave.core.affinity import Affinity
from netweave.core.people import Person
from netweave.core.plan import Plan
from netweave.core.planner import describe_meeting

__all__ = ["CurationError", "refreshed_metrics", "rescored", "swap_in_round"]


class CurationError(ValueError):
    """A hand edit that cannot be made; the message says why, in the organizer's words."""


def swap_in_round(
    plan: Plan, number: int, a: str, b: str, names: Mapping[str, str] | None = None
) -> Plan:
    """``plan`` with ``a`` and ``b`` (ids) exchanging places in round ``number``.

    Both meetings that change are pinned: an organizer's hand choice must survive a
    re-plan. Scores and reasons are left as they were (see :func:`rescored`).

    Parameters
    ----------
    plan : Plan
    number : int
        The round (1-based).
    a, b : str
        Ids of the two people.
    names : mapping id -> name, optional
        How messages name people (default: their ids).

    Raises
    ------
    CurationError
        When the round does not exist, either person has no meeting in it, or both are in
        the same meeting.

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> rnd = Round(1, (Meeting("Room 1", ("ana", "bo")), Meeting("Room 2", ("cy", "dee"))))
    >>> swapped = swap_in_round(Plan((), (rnd,)), 1, "bo", "cy")
    >>> [(m.members, m.pinned) for m in swapped.rounds[0].meetings]
    [(('ana', 'cy'), True), (('bo', 'dee'), True)]
    >>> swap_in_round(Plan((), (rnd,)), 1, "ana", "bo", {"ana": "Ana", "bo": "Bo"})
    Traceback (most recent call last):
    ...
    netweave.core.curation.CurationError: Ana and Bo are already in the same meeting in round 1.
    """
    names = names or {}
    rnd = next((r for r in plan.rounds if r.number == number), None)
    if rnd is None:
        raise CurationError(f"The plan has no round {number}.")
    where = {pid: k for k, m in enumerate(rnd.meetings) for pid in m.members}
    for pid in (a, b):
        if pid not in where:
            raise CurationError(f"{names.get(pid, pid)} has no meeting in round {number} to swap.")
    if where[a] == where[b]:
        raise CurationError(
            f"{names.get(a, a)} and {names.get(b, b)} are already in the same meeting "
            f"in round {number}."
        )
    swap = {a: b, b: a}
    meetings = list(rnd.meetings)
    for k in (where[a], where[b]):
        m = meetings[k]
        meetings[k] = replace(m, members=tuple(swap.get(p, p) for p in m.members), pinned=True)
    rounds = tuple(replace(r, meetings=tuple(meetings)) if r is rnd else r for r in plan.rounds)
    return replace(plan, rounds=rounds)


def rescored(old: Plan, new: Plan, affinity: Affinity, people: Sequence[Person]) -> Plan:
    """``new`` (``old`` edited by hand) with fresh scores and reasons for the meetings that
    are not in ``old``'s same round, and its metrics brought up to date.

    Parameters
    ----------
    old, new : Plan
        The plan before and after the edit.
    affinity : Affinity
        The scores the planner used (the event's weights, history and must-meet pairs);
        ``people`` must be its people.
    people : sequence of Person
        Everyone registered: whose requests the metrics count.

    Examples
    --------
    >>> from netweave.core.affinity import build_affinity
    >>> from netweave.core.plan import Round
    >>> people = [Person(f"{p}@x.org", f"{p}@x.org", p.title(), interests=tags)
    ...           for p, tags in (("ana", ("events",)), ("bo", ("events",)),
    ...                           ("cy", ("grants",)), ("dee", ("grants",)))]
    >>> aff = build_affinity(people)
    >>> rnd = Round(1, (describe_meeting(aff, [0, 1], "Room 1"),
    ...                 describe_meeting(aff, [2, 3], "Room 2")))
    >>> old = Plan((), (rnd,), metrics={"total_score": 10.0})
    >>> [(m.score, m.reasons[0]) for m in rnd.meetings]
    [(5.0, 'Ana and Bo both work on events'), (5.0, 'Cy and Dee both work on grants')]
    >>> new = rescored(old, swap_in_round(old, 1, "bo@x.org", "cy@x.org"), aff, people)
    >>> for m in new.rounds[0].meetings:  # nothing in common: still a reason
    ...     print(m.score, m.reasons)
    1.0 ('New to each other: Ana and Cy bring different experience',)
    1.0 ('New to each other: Bo and Dee bring different experience',)
    >>> new.metrics["total_score"], new.metrics["edited_by_hand"]
    (2.0, True)
    """
    before = {r.number: {m.members for m in r.meetings} for r in old.rounds}

    def explain(number: int, m: Any) -> Any:
        if m.members in before.get(number, ()):
            return m
        members = [affinity.index(p) for p in m.members]
        fresh = describe_meeting(affinity, members, m.room, pinned=m.pinned)
        return replace(m, score=fresh.score, reasons=fresh.reasons)

    rounds = tuple(
        replace(r, meetings=tuple(explain(r.number, m) for m in r.meetings)) for r in new.rounds
    )
    fresh = replace(new, rounds=rounds)
    return replace(fresh, metrics=refreshed_metrics(old, fresh, people))


def _met_pairs(plan: Plan) -> set[tuple[str, str]]:
    return {pair for r in plan.rounds for m in r.meetings for pair in m.pairs()}


def refreshed_metrics(old: Plan, new: Plan, people: Sequence[Person]) -> dict[str, Any]:
    """The metrics a hand edit can change, recomputed; shares and the optimality claim are
    dropped (they come from the planner's own bookkeeping) and the plan is marked as edited
    by hand.

    Requests the edit split up join ``unmet_requests``; the total moves by the change in
    the meetings' scores, and the quality figure with it (against the same bound).

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Round
    >>> ana = Person("ana", "ana", "Ana", requests=("bo",))
    >>> old = Plan((), (Round(1, (Meeting("Room 1", ("ana", "bo"), 3.0),)),),
    ...            metrics={"total_score": 3.0, "upper_bound": 4.0})
    >>> new = Plan((), (Round(1, (Meeting("Room 1", ("ana", "cy"), 1.0),)),))
    >>> metrics = refreshed_metrics(old, new, [ana])
    >>> metrics["unmet_requests"]
    [{'asker': 'ana', 'asked': 'bo', 'why': 'split up by a swap made by hand'}]
    >>> metrics["total_score"], metrics["quality_pct"], metrics["one_way_requests_met"]
    (1.0, 25.0, 0)
    """
    met, met_before = _met_pairs(new), _met_pairs(old)
    asked = {(p.id, r) for p in people for r in p.requests}
    mutual = {(a, b) for a, b in asked if a < b and (b, a) in asked}
    one_way = [(a, b) for a, b in asked if (b, a) not in asked]

    def pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)

    unmet = [
        u for u in old.metrics.get("unmet_requests", []) if pair(u["asker"], u["asked"]) not in met
    ]
    unmet += [
        {"asker": a, "asked": b, "why": "split up by a swap made by hand"}
        for a, b in sorted(asked)
        if pair(a, b) in met_before and pair(a, b) not in met
    ]
    meetings = [m for r in new.rounds for m in r.meetings]
    total = sum(m.score for m in meetings)
    old_total = sum(m.score for r in old.rounds for m in r.meetings)
    metrics = dict(old.metrics)
    total_score = float(metrics.get("total_score", old_total)) + total - old_total
    bound = float(metrics.get("upper_bound") or 0)
    metrics.update(
        meetings=len(meetings),
        trios=sum(1 for m in meetings if len(m.members) == 3),
        host_meetings=sum(1 for m in meetings if len(m.members) == 1),
        mutual_requests=len(mutual),
        mutual_requests_met=sum(1 for p in mutual if p in met),
        one_way_requests=len(one_way),
        one_way_requests_met=sum(1 for a, b in one_way if pair(a, b) in met),
        unmet_requests=unmet,
        total_score=round(total_score, 4),
        quality_pct=round(100.0 * total_score / bound, 2) if bound > 0 else 100.0,
        worst_off_share=None,
        median_share=None,
        # the proof was of the planned rounds; a hand edit may fall below it
        optimality=None,
        edited_by_hand=True,
    )
    return metrics
