"""What changed between two plans, meeting by meeting and group by group.

A meeting is its member set: a pair moved to another room is unchanged. Pure value objects
over :class:`~netweave.core.plan.Plan`, so the organizer's comparison page needs no solver.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from netweave.core.plan import Plan

__all__ = ["MeetingChange", "PlanDiff", "RoundDiff", "compare_plans"]


@dataclass(frozen=True)
class MeetingChange:
    """A meeting (or group) that one version has and the other has not."""

    members: tuple[str, ...]
    names: tuple[str, ...]
    room: str | None


@dataclass(frozen=True)
class RoundDiff:
    number: int
    added: tuple[MeetingChange, ...]
    removed: tuple[MeetingChange, ...]
    kept: int


@dataclass(frozen=True)
class PlanDiff:
    """What changed between two versions, meeting by meeting (a meeting is its member set:
    a pair moved to another room is unchanged)."""

    rounds: tuple[RoundDiff, ...]
    groups_added: tuple[MeetingChange, ...]
    groups_removed: tuple[MeetingChange, ...]
    groups_kept: int

    @property
    def meetings_added(self) -> int:
        return sum(len(r.added) for r in self.rounds)

    @property
    def meetings_removed(self) -> int:
        return sum(len(r.removed) for r in self.rounds)

    @property
    def meetings_kept(self) -> int:
        return sum(r.kept for r in self.rounds)

    @property
    def people_affected(self) -> int:
        changes = [*self.groups_added, *self.groups_removed]
        changes += [c for r in self.rounds for c in (*r.added, *r.removed)]
        return len({pid for c in changes for pid in c.members})

    @property
    def changed(self) -> bool:
        return bool(
            self.meetings_added or self.meetings_removed or self.groups_added or self.groups_removed
        )


def _changes(
    ours: Sequence[tuple[tuple[str, ...], str | None]],
    theirs: set[frozenset[str]],
    names: Mapping[str, str],
) -> tuple[MeetingChange, ...]:
    return tuple(
        MeetingChange(members, tuple(names.get(p, p) for p in members), room)
        for members, room in ours
        if frozenset(members) not in theirs
    )


def compare_plans(old: Plan, new: Plan) -> PlanDiff:
    """What changed from ``old`` to ``new``, per round and for the groups.

    Parameters
    ----------
    old, new : Plan
        Two versions of one event's plan; people are named as either plan's participants.

    Returns
    -------
    PlanDiff

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> people = tuple(Participant(p, p.upper()) for p in "abcd")
    >>> def plan(*pairs):
    ...     return Plan(people, (Round(1, tuple(Meeting(f"Room {k}", p)
    ...                                          for k, p in enumerate(pairs, start=1))),))
    >>> diff = compare_plans(plan(("a", "b"), ("c", "d")), plan(("a", "c"), ("b", "d")))
    >>> [c.names for c in diff.rounds[0].added], diff.meetings_removed, diff.people_affected
    ([('A', 'C'), ('B', 'D')], 2, 4)
    >>> compare_plans(plan(("a", "b")), plan(("b", "a"))).changed
    False
    """
    names = {p.id: p.name for p in (*old.participants, *new.participants)}
    rounds = []
    numbers = sorted({r.number for r in (*old.rounds, *new.rounds)})
    for n in numbers:
        before = [(m.members, m.room) for r in old.rounds if r.number == n for m in r.meetings]
        after = [(m.members, m.room) for r in new.rounds if r.number == n for m in r.meetings]
        b_sets, a_sets = {frozenset(m) for m, _ in before}, {frozenset(m) for m, _ in after}
        rounds.append(
            RoundDiff(
                n,
                _changes(after, b_sets, names),
                _changes(before, a_sets, names),
                len(a_sets & b_sets),
            )
        )
    g_before = [((*g.members, *g.remote), g.room) for g in old.groups]
    g_after = [((*g.members, *g.remote), g.room) for g in new.groups]
    gb, ga = {frozenset(m) for m, _ in g_before}, {frozenset(m) for m, _ in g_after}
    return PlanDiff(
        rounds=tuple(rounds),
        groups_added=_changes(g_after, gb, names),
        groups_removed=_changes(g_before, ga, names),
        groups_kept=len(ga & gb),
    )
