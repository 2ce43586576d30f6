"""Labelled violations of a plan, in sentences an organizer can act on.

:func:`check_plan` works on any :class:`~netweave.core.plan.Plan`, also one read from a
hand-edited ``plan.json``: it assumes none of the planner's own guarantees. Each check is one
pass over the meetings with dicts and sets, so a plan for 10,000 people and 6 rounds is checked
in well under a second.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from netweave.core.people import Person, organization_key
from netweave.core.plan import Group, Meeting, Plan, Round

__all__ = ["CODES", "Violation", "check_plan"]

#: Every violation code and what it means (this table feeds the documentation).
CODES: Mapping[str, str] = {
    "unknown-person": "An id in the plan is not one of the registered people.",
    "double-booked": "Somebody is in more than one meeting of a round.",
    "repeat-meeting": "Two people meet more than once across the rounds.",
    "forbidden-pair": "Two people are matched although one asked not to meet the other.",
    "met-before": "Two people are matched although they met at an earlier event.",
    "meeting-size": "A meeting has no members or more than three.",
    "host-meeting": "Somebody meets the host alone although a partner was possible.",
    "async-pair": "An async meeting is not one live and one async person, or a live meeting "
    "has an async member.",
    "async-room": "An async meeting has a room, or a live meeting has none.",
    "async-matches": "An async person has more partners than asked for.",
    "second-trio": "A round has more than one trio, or somebody is in a trio twice.",
    "missing-person": "A live person has no meeting in a round they attend and is not listed as "
    "unmatched.",
    "unavailable": "A live person is placed in a round they said they cannot attend.",
    "same-organization": "Two people of one organization meet one-on-one.",
    "room-name": "A room name is empty or used twice in a round (or among the groups).",
    "group-size": "A group (not pinned) is smaller or larger than the group sizes allow.",
    "not-in-group": "A live person is in no group and is not listed as unmatched.",
    "in-two-groups": "Somebody is in more than one group.",
    "async-group": "An async person is a live group member, or a live person is listed as remote.",
}


@dataclass(frozen=True)
class Violation:
    """One thing wrong with a plan.

    Parameters
    ----------
    code : str
        A short label from :data:`CODES`, e.g. ``"repeat-meeting"``.
    message : str
        A sentence naming people by name, e.g.
        ``"Round 3: Ana Lima and Kofi Mensah already met in round 1"``.
    round : int or None
        The round it happens in; ``0`` for the group stage, ``None`` when it spans rounds.
    ids : tuple of str
        The ids of the people concerned.
    """

    code: str
    message: str
    round: int | None = None
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


@dataclass(frozen=True)
class _Context:
    known: frozenset[str]
    names: Mapping[str, str]
    async_ids: frozenset[str]
    live_ids: tuple[str, ...]
    avoid: Mapping[str, frozenset[str]]
    history: frozenset[tuple[str, str]]
    excused: frozenset[tuple[int, str]]
    #: live people's rounds, for those who gave them (``available``)
    attends: Mapping[str, frozenset[int]]
    #: each person's organization key, when colleagues are kept apart
    organization: Mapping[str, str]

    def away(self, pid: str, n: int) -> bool:
        rounds = self.attends.get(pid)
        return rounds is not None and n not in rounds

    def name(self, pid: str) -> str:
        return self.names.get(pid, pid)

    def names_of(self, ids: Iterable[str]) -> str:
        names = [self.name(i) for i in ids]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_plan(
    plan: Plan,
    people: Sequence[Person],
    *,
    history: Iterable[tuple[str, str]] = (),
    group_size: tuple[int, int] | None = (4, 6),
    async_matches: int | None = None,
    apart_same_organization: bool = False,
) -> list[Violation]:
    """Every violation of the event's rules in ``plan``, sorted by round then code.

    Parameters
    ----------
    plan : Plan
        The plan to check, as planned or as edited by hand.
    people : sequence of Person
        The registered people; their modes and ``avoid`` lists are the truth, not the
        plan's ``participants``.
    history : iterable of (str, str)
        Pairs of ids who met at earlier events (either order).
    group_size : (int, int) or None
        Smallest and largest group (live members); ``None`` skips the size check. Pinned
        groups are never size-checked: an organizer made them so.
    async_matches : int or None
        Most partners an async person may have over all rounds; ``None`` skips the check.
    apart_same_organization : bool
        Whether people of one organization may not meet one-on-one (the event's rule).

    Returns
    -------
    list of Violation
        Empty when the plan keeps every rule. Round ``0`` (groups) comes first and
        violations spanning rounds (``round=None``) last.

    Notes
    -----
    Time and memory are linear in the size of the plan plus the people's ``avoid`` lists.

    Examples
    --------
    >>> from netweave.core.plan import Meeting, Participant, Round
    >>> ana = Person("ana@x.org", "ana@x.org", "Ana Lima")
    >>> kofi = Person("kofi@x.org", "kofi@x.org", "Kofi Mensah")
    >>> pair = Meeting("Room 1", ("ana@x.org", "kofi@x.org"))
    >>> plan = Plan((), rounds=(Round(1, (pair,)), Round(2, (pair,))))
    >>> for v in check_plan(plan, [ana, kofi]):
    ...     print(v)
    Round 2: Ana Lima and Kofi Mensah already met in round 1 [repeat-meeting]
    """
    ctx = _context(plan, people, history, apart_same_organization)
    rounds = sorted(plan.rounds, key=lambda r: r.number)
    found: list[Violation] = []
    for rnd in rounds:
        found += _check_round(ctx, rnd)
    found += _repeats(rounds, ctx)
    found += _trios_across_rounds(rounds, ctx)
    if async_matches is not None:
        found += _async_partners(rounds, ctx, async_matches)
    if plan.groups:
        found += _check_groups(plan.groups, ctx, group_size)
    found += _unknown_unmatched(plan, ctx)
    # sorted() is stable: within one round and code the order of discovery is kept.
    return sorted(found, key=lambda v: (v.round is None, v.round or 0, v.code))


def _context(
    plan: Plan, people: Sequence[Person], history: Iterable[tuple[str, str]], apart: bool
) -> _Context:
    # Names and modes of people missing from ``people`` come from the plan itself, so a message
    # about an unknown id still reads well.
    names = {p.id: p.name for p in plan.participants}
    names.update((p.id, p.name) for p in people)
    modes = {p.id: p.mode for p in plan.participants}
    modes.update((p.id, p.mode) for p in people)
    return _Context(
        known=frozenset(p.id for p in people),
        names=names,
        async_ids=frozenset(pid for pid, mode in modes.items() if mode == "async"),
        live_ids=tuple(p.id for p in people if not p.is_async),
        avoid={p.id: frozenset(a.lower() for a in p.avoid) for p in people if p.avoid},
        history=frozenset(_pair(a.lower(), b.lower()) for a, b in history),
        excused=frozenset((u.round, u.id) for u in plan.unmatched),
        attends={p.id: frozenset(p.available) for p in people if p.available and not p.is_async},
        organization={p.id: k for p in people if apart and (k := organization_key(p))},
    )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _where(m: Meeting) -> str:
    if m.room and m.room.strip():
        return m.room
    return "an async meeting" if m.is_async else "a meeting without a room"


def _room(g: Group) -> str:
    return g.room if g.room.strip() else "a group without a name"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --------------------------------------------------------------------------- one round


def _check_round(ctx: _Context, rnd: Round) -> list[Violation]:
    out: list[Violation] = []
    for m in rnd.meetings:
        out += _meeting_shape(ctx, rnd.number, m)
        out += _forbidden(ctx, rnd.number, m.members, f"are matched in {_where(m)}")
        out += _met_before(ctx, rnd.number, m)
        out += _colleagues(ctx, rnd.number, m)
    out += _unavailable(ctx, rnd)
    out += _unknown(ctx, rnd.number, (pid for m in rnd.meetings for pid in m.members))
    out += _double_booked(ctx, rnd)
    out += _room_names(rnd.number, [m.room for m in rnd.meetings if not m.is_async])
    out += _trios_in_round(rnd)
    out += _host_meetings(ctx, rnd)
    out += _missing(ctx, rnd)
    return out


def _meeting_shape(ctx: _Context, n: int, m: Meeting) -> Iterator[Violation]:
    who = ctx.names_of(m.members) if m.members else "nobody"
    if not 1 <= len(m.members) <= 3:
        yield Violation(
            "meeting-size",
            f"Round {n}: {_where(m)} has {_plural(len(m.members), 'member')} ({who}); a meeting "
            "has 2, 3, "
            "or 1 (meeting the host)",
            n,
            m.members,
        )
    asyncs = [pid for pid in m.members if pid in ctx.async_ids]
    if m.is_async:
        if len(m.members) != 2 or len(asyncs) != 1:
            yield Violation(
                "async-pair",
                f"Round {n}: the async meeting of {who} must pair one live and one async person",
                n,
                m.members,
            )
        if m.room is not None:
            yield Violation(
                "async-room",
                f"Round {n}: the async meeting of {who} has a room ({m.room}); async meetings "
                "have none",
                n,
                m.members,
            )
        return
    if asyncs:
        yield Violation(
            "async-pair",
            f"Round {n}: {ctx.names_of(asyncs)} cannot attend live but "
            f"{'is' if len(asyncs) == 1 else 'are'} in the live meeting {_where(m)} ({who})",
            n,
            tuple(asyncs),
        )
    if m.room is None:
        yield Violation(
            "async-room", f"Round {n}: the live meeting of {who} has no room", n, m.members
        )


def _forbidden(ctx: _Context, n: int, members: Sequence[str], how: str) -> Iterator[Violation]:
    # Walk the avoid lists, not all pairs: linear even for a (wrongly) huge group.
    inside = set(members)
    askers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in dict.fromkeys(members):
        for b in ctx.avoid.get(a, frozenset()) & inside:
            if b != a:
                askers[_pair(a, b)].append(a)
    where = f"Round {n}" if n else "Groups"
    for (a, b), who in askers.items():
        if len(who) == 2:
            why = "both asked not to meet each other"
        else:
            other = b if who[0] == a else a
            why = f"{ctx.name(who[0])} asked not to meet {ctx.name(other)}"
        yield Violation(
            "forbidden-pair", f"{where}: {ctx.names_of((a, b))} {how}, but {why}", n, (a, b)
        )


def _met_before(ctx: _Context, n: int, m: Meeting) -> Iterator[Violation]:
    for a, b in m.pairs():
        if (a, b) in ctx.history:
            yield Violation(
                "met-before",
                f"Round {n}: {ctx.names_of((a, b))} already met at an earlier event",
                n,
                (a, b),
            )


def _unknown(ctx: _Context, n: int, ids: Iterable[str]) -> Iterator[Violation]:
    where = f"Round {n}" if n else "Groups"
    for pid in dict.fromkeys(ids):
        if pid not in ctx.known:
            yield Violation(
                "unknown-person", f"{where}: {pid} is not one of the registered people", n, (pid,)
            )


def _double_booked(ctx: _Context, rnd: Round) -> Iterator[Violation]:
    places: dict[str, list[str]] = defaultdict(list)
    for m in rnd.meetings:
        for pid in m.members:
            places[pid].append(_where(m))
    for pid, where in places.items():
        if len(where) > 1:
            yield Violation(
                "double-booked",
                f"Round {rnd.number}: {ctx.name(pid)} is in {len(where)} meetings "
                f"({', '.join(where)})",
                rnd.number,
                (pid,),
            )


def _room_names(n: int, rooms: Sequence[str | None]) -> Iterator[Violation]:
    where = f"Round {n}" if n else "Groups"
    if any(room is not None and not room.strip() for room in rooms):
        yield Violation("room-name", f"{where}: a room has an empty name", n)
    for room, count in Counter(r for r in rooms if r and r.strip()).items():
        if count > 1:
            yield Violation("room-name", f"{where}: {room} is used {count} times", n)


def _trios_in_round(rnd: Round) -> Iterator[Violation]:
    trios = [m for m in rnd.meetings if len(m.members) == 3]
    if len(trios) > 1:
        rooms = ", ".join(_where(m) for m in trios)
        yield Violation(
            "second-trio",
            f"Round {rnd.number}: {len(trios)} trios ({rooms}); a round has at most one",
            rnd.number,
            tuple(pid for m in trios for pid in m.members),
        )


def _host_meetings(ctx: _Context, rnd: Round) -> Iterator[Violation]:
    # Meeting the host is the fallback for an odd number of live people, never a choice:
    # allowed once per round and only when the live people in rooms are odd in number.
    live = [m for m in rnd.meetings if not m.is_async]
    alone = [m.members[0] for m in live if len(m.members) == 1]
    placed = {pid for m in live for pid in m.members if pid not in ctx.async_ids}
    if not alone or (len(alone) == 1 and len(placed) % 2 == 1):
        return
    n = rnd.number
    if len(alone) == 1:
        message = (
            f"Round {n}: {ctx.name(alone[0])} meets the host alone, but {len(placed)} live "
            "people are in rooms, an even number: everyone can have a partner"
        )
    else:
        message = (
            f"Round {n}: {ctx.names_of(alone)} each meet the host alone; at most one person "
            "may, and only when the number of live people is odd"
        )
    yield Violation("host-meeting", message, n, tuple(alone))


def _unavailable(ctx: _Context, rnd: Round) -> Iterator[Violation]:
    n = rnd.number
    for pid in dict.fromkeys(pid for m in rnd.meetings for pid in m.members):
        if ctx.away(pid, n):
            rounds = ", ".join(str(r) for r in sorted(ctx.attends[pid]))
            message = f"Round {n}: {ctx.name(pid)} is placed, but comes only to rounds {rounds}"
            yield Violation("unavailable", message, n, (pid,))


def _colleagues(ctx: _Context, n: int, m: Meeting) -> Iterator[Violation]:
    if len(m.members) == 1 or not ctx.organization:
        return
    for a, b in m.pairs():
        org = ctx.organization.get(a)
        if org and org == ctx.organization.get(b):
            message = f"Round {n}: {ctx.names_of((a, b))} meet, but both work at {org}"
            yield Violation("same-organization", message, n, (a, b))


def _missing(ctx: _Context, rnd: Round) -> Iterator[Violation]:
    n = rnd.number
    placed = {pid for m in rnd.meetings for pid in m.members}
    for pid in ctx.live_ids:
        if pid not in placed and (n, pid) not in ctx.excused and not ctx.away(pid, n):
            yield Violation(
                "missing-person",
                f"Round {n}: {ctx.name(pid)} has no meeting and is not listed as unmatched",
                n,
                (pid,),
            )


# --------------------------------------------------------------------------- across rounds


def _repeats(rounds: Sequence[Round], ctx: _Context) -> Iterator[Violation]:
    first: dict[tuple[str, str], int] = {}
    for rnd in rounds:
        n = rnd.number
        for m in rnd.meetings:
            for pair in m.pairs():
                met = first.setdefault(pair, n)
                # A pair twice in the same round is already reported as double-booked.
                if met != n:
                    yield Violation(
                        "repeat-meeting",
                        f"Round {n}: {ctx.names_of(pair)} already met in round {met}",
                        n,
                        pair,
                    )


def _trios_across_rounds(rounds: Sequence[Round], ctx: _Context) -> Iterator[Violation]:
    first: dict[str, int] = {}
    for rnd in rounds:
        n = rnd.number
        for m in rnd.meetings:
            if len(m.members) != 3:
                continue
            again = [pid for pid in m.members if first.setdefault(pid, n) != n]
            if again:
                earlier = sorted({first[pid] for pid in again})
                when = _plural(len(earlier), "round").split(" ", 1)[1]
                yield Violation(
                    "second-trio",
                    f"Round {n}: {ctx.names_of(again)} already had a trio ({when} "
                    f"{', '.join(map(str, earlier))}); "
                    "nobody should be in two",
                    n,
                    tuple(again),
                )


def _async_partners(rounds: Sequence[Round], ctx: _Context, most: int) -> Iterator[Violation]:
    partners: Counter[str] = Counter()
    for rnd in rounds:
        for m in rnd.meetings:
            for pid in m.members:
                if pid in ctx.async_ids:
                    partners[pid] += len(m.members) - 1
    for pid, count in partners.items():
        if count > most:
            yield Violation(
                "async-matches",
                f"{ctx.name(pid)} (async) has {count} partners; at most {most} were asked for",
                None,
                (pid,),
            )


def _unknown_unmatched(plan: Plan, ctx: _Context) -> Iterator[Violation]:
    for u in plan.unmatched:
        if u.id not in ctx.known:
            where = f"Round {u.round}" if u.round else "Groups"
            yield Violation(
                "unknown-person",
                f"{where}: {u.id} is listed as unmatched but is not one of the registered people",
                u.round,
                (u.id,),
            )


# --------------------------------------------------------------------------- groups (round 0)


def _check_groups(
    groups: Sequence[Group], ctx: _Context, size: tuple[int, int] | None
) -> list[Violation]:
    out: list[Violation] = []
    out += _unknown(ctx, 0, (pid for g in groups for pid in (*g.members, *g.remote)))
    out += _room_names(0, [g.room for g in groups])
    for g in groups:
        out += _forbidden(ctx, 0, (*g.members, *g.remote), f"are both in {_room(g)}")
        out += _group_modes(ctx, g)
        if size is not None and not g.pinned:
            out += _group_size(g, size)
    out += _group_membership(ctx, groups)
    return out


def _group_size(g: Group, size: tuple[int, int]) -> Iterator[Violation]:
    lo, hi = size
    if not lo <= len(g.members) <= hi:
        yield Violation(
            "group-size",
            f"Groups: {_room(g)} has {_plural(len(g.members), 'live member')}; groups have "
            f"{lo} to {hi}",
            0,
            g.members,
        )


def _group_modes(ctx: _Context, g: Group) -> Iterator[Violation]:
    asyncs = tuple(pid for pid in g.members if pid in ctx.async_ids)
    if asyncs:
        yield Violation(
            "async-group",
            f"Groups: {ctx.names_of(asyncs)} cannot attend live but "
            f"{'is a live member' if len(asyncs) == 1 else 'are live members'} of {_room(g)}; "
            "async people join as remote",
            0,
            asyncs,
        )
    lives = tuple(pid for pid in g.remote if pid in ctx.known and pid not in ctx.async_ids)
    if lives:
        yield Violation(
            "async-group",
            f"Groups: {ctx.names_of(lives)} "
            f"{'attends live but is' if len(lives) == 1 else 'attend live but are'} "
            f"listed as remote in {_room(g)}",
            0,
            lives,
        )


def _group_membership(ctx: _Context, groups: Sequence[Group]) -> Iterator[Violation]:
    rooms: dict[str, list[str]] = defaultdict(list)
    for g in groups:
        for pid in (*g.members, *g.remote):
            rooms[pid].append(_room(g))
    for pid, where in rooms.items():
        if len(where) > 1:
            yield Violation(
                "in-two-groups",
                f"Groups: {ctx.name(pid)} is in {len(where)} groups ({', '.join(where)})",
                0,
                (pid,),
            )
    for pid in ctx.live_ids:
        if pid not in rooms and (0, pid) not in ctx.excused:
            yield Violation(
                "not-in-group",
                f"Groups: {ctx.name(pid)} is in no group and is not listed as unmatched",
                0,
                (pid,),
            )
