"""The live day: re-plan a round for whoever came, adjust the groups.

Everything here is pure and fast, because it runs while a host is waiting:

- :func:`replan_round` keeps every planned meeting whose people all came and pairs the
  rest (max-weight matching over allowed pairs that have not met), in well under a second
  for hundreds of people;
- :func:`replan_for_present` does it for a round as it stands on the day: it keeps the
  rooms and reasons of what stays, avoids today the pairs planned for later rounds when that
  costs nobody a partner, and words the changes for the organizer;
- :func:`regroup` takes the absent out of the small groups and seats late arrivals.

Who is here comes from :mod:`netweave.core.attendees` (Zoom's participant lists), the host's
and the pairs' words from :mod:`netweave.core.live_words`: both text only, without numpy.

People are positions ``0..n-1`` of an :class:`~netweave.core.affinity.Affinity`, as in
:func:`~netweave.core.rounds.plan_rounds`.

Examples
--------
>>> import numpy as np
>>> from netweave.core.affinity import Affinity
>>> s = np.array([[0, 9, 2, 1], [9, 0, 1, 2], [2, 1, 0, 9], [1, 2, 9, 0]], np.float32)
>>> aff = Affinity(("a", "b", "c", "d"), s)
>>> res = replan_round(aff, ["live"] * 4, [(0, 1), (2, 3)], present=[0, 1, 2], already_met=[])
>>> res.meetings, res.dissolved
(((0, 1, 2),), ((2, 3),))

Here ``d`` stayed away: ``c`` would have been alone, so ``c`` joins ``a`` and ``b`` as a
trio (``a`` and ``b`` still meet, as planned).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import rustworkx as rx

from netweave.core.affinity import Affinity
from netweave.core.people import Person
from netweave.core.plan import Meeting
from netweave.core.planner import describe_meeting
from netweave.core.watching import WatchLoad

__all__ = [
    "PresentReplan",
    "RegroupResult",
    "ReplanResult",
    "regroup",
    "replan_for_present",
    "replan_round",
]

Pair = tuple[int, int]

#: integer scale of the matching weights (blossom needs integers for exact comparisons)
_SCALE = 1_000
#: partners per person in the sparse candidate graph of the people to pair
_CANDIDATES = 30
#: the most a pair's own part of the weight can be: normalised score (1) + request (2)
_PART = 3


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def _pairs_of(members: Sequence[int]) -> Iterable[Pair]:
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            yield _pair(a, b)


# --------------------------------------------------------------------------- re-planning


@dataclass(frozen=True)
class ReplanResult:
    """One round re-planned. Meetings are sorted tuples of positions: a pair, a trio, or
    ``(i,)`` for a person meeting the host.

    ``meetings`` is the whole round (kept, then trimmed, then new); the other fields say how
    it differs from the planned round.
    """

    meetings: tuple[tuple[int, ...], ...]
    #: planned meetings that happen exactly as planned
    kept: tuple[tuple[int, ...], ...]
    #: ``(planned trio, pair left of it)``: one of three did not come, the other two still meet
    trimmed: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    #: meetings that were not in the plan
    new: tuple[tuple[int, ...], ...]
    #: planned meetings that no longer happen (someone is absent, or they would repeat or
    #: break a rule); their present people were paired anew
    dissolved: tuple[tuple[int, ...], ...]
    #: ``(person, why)`` for present people (or async slots) left without a meeting
    alone: tuple[tuple[int, str], ...]

    @property
    def changed_people(self) -> frozenset[int]:
        """Everyone whose meeting differs from the plan."""
        touched = [*self.new, *self.dissolved, *(t for t, _ in self.trimmed)]
        return frozenset(p for m in touched for p in m) | {p for p, _ in self.alone}


@dataclass
class _Round:
    """The round being built, and the rules every meeting in it must keep."""

    aff: Affinity
    is_async: list[bool]
    met: set[Pair]
    trio_history: frozenset[int]
    capacity: Counter[int]
    used: Counter[int]
    meetings: list[tuple[int, ...]]
    #: intros each live person watches at this event, against the cap
    watch: WatchLoad

    def can_meet(self, a: int, b: int) -> bool:
        return (
            a != b
            and self.aff.allowed(a, b)
            and _pair(a, b) not in self.met
            and not (self.is_async[a] and self.is_async[b])
        )

    def valid(self, members: Sequence[int]) -> bool:
        """Whether ``members`` may meet now: everyone free, every pair allowed and new, async
        people only in pairs with a live person."""
        if len(set(members)) != len(members) or not 1 <= len(members) <= 3:
            return False
        if any(self.used[p] >= self.capacity[p] for p in members):
            return False
        if len(members) != 2 and any(self.is_async[p] for p in members):
            return False
        if len(members) == 3 and (self.has_trio() or self.trio_history.intersection(members)):
            return False
        if len(members) == 2 and not self.watch.pair_ok(*members):
            return False
        return all(self.can_meet(a, b) for a, b in _pairs_of(members))

    def has_trio(self) -> bool:
        return any(len(m) == 3 for m in self.meetings)

    def add(self, members: Sequence[int]) -> tuple[int, ...]:
        meeting = tuple(sorted(members))
        self.meetings.append(meeting)
        self.used.update(meeting)
        self.watch.add(meeting)
        return meeting

    def remove(self, meeting: tuple[int, ...]) -> None:
        self.meetings.remove(meeting)
        self.used.subtract(meeting)
        self.watch.remove(meeting)

    def free_slots(self, people: Iterable[int]) -> list[int]:
        """People with room left, once per open slot (async people may have several)."""
        return [p for p in people for _ in range(self.capacity[p] - self.used[p])]


def replan_round(
    affinity: Affinity,
    modes: Sequence[str],
    planned: Sequence[tuple[int, ...]],
    present: Collection[int],
    already_met: Iterable[tuple[int, int]],
    *,
    odd: Literal["trio", "host"] = "trio",
    seed: int = 0,
    trio_history: Collection[int] = (),
    watch_cap: int | None = None,
    watched: Iterable[Sequence[int]] = (),
) -> ReplanResult:
    """Re-plan one round for the people who are there.

    Parameters
    ----------
    affinity : Affinity
        Pair scores, forbidden pairs and requests, over everyone (walk-ins included).
    modes : sequence of ``"live"`` / ``"async"``
        One per person.
    planned : sequence of meetings
        The round as planned (or as last re-planned): pairs, trios, ``(i,)`` host meetings.
    present : collection of int
        Who takes part now. Live people not in ``planned`` (walk-ins, people the plan left
        out) are paired too. An async person takes part through their intro video and keeps
        at most as many meetings as the plan gave them this round.
    already_met : iterable of pairs
        Pairs that met before (earlier rounds, earlier events): they do not meet again.
    odd : ``"trio"`` or ``"host"``
        What the odd one out does: join a pair as its third, or meet the host. When the
        first choice is impossible the other is tried, so that nobody is left alone.
    seed : int
        Breaks ties; the same inputs and seed give the same round.
    trio_history : collection of int
        People who already sat in a trio at this event: nobody sits in two.
    watch_cap : int, optional
        The most intros one live person watches at this event
        (:func:`~netweave.core.watching.watch_cap`); None: no cap.
    watched : iterable of meetings
        Meetings of the event's other rounds (held, or planned later): the intros watched
        in them count against ``watch_cap``.

    Returns
    -------
    ReplanResult

    Notes
    -----
    1. Keep every planned meeting whose people are all present and still allowed to meet
       (a pair that met since the plan was made, or is now forbidden, is dissolved). A trio
       missing one person keeps its other two as a pair. At most one trio is kept.
    2. Pair everyone else (present people without a kept meeting, and open async slots) by
       maximum-weight matching (rustworkx's blossom, exact) on a sparse graph: each
       person's 30 best allowed partners among them plus every requested pair. Weights are
       tiered: each live person paired is worth more than any scores, so as many live
       people as possible get a partner; a live person watching an async intro counts less
       than meeting someone live; then normalised score, plus a bonus for a request.
    3. People the sparse graph left out are paired greedily over all allowed pairs.
    4. An odd one out joins the pair (new pairs first) where they add most, or meets the
       host (see ``odd``); anyone still alone is reported with the reason.

    Complexity: ``O(p^2)`` to build the candidate graph for the ``p`` people to pair, plus
    blossom on ``O(30 p)`` edges. Measured (``benchmarks/bench_live.py``, 2 cores): 1,000
    present with 10 % absent and 5 % walk-ins in about 0.03 s; 1,000 all to pair (nothing
    kept) in about 0.4 s.

    Examples
    --------
    Kofi (2) walked in; Ana (0) stays away. Bo and Cy still meet; Dee's partner is gone, so
    Dee meets Kofi.

    >>> aff = Affinity(("ana", "bo", "cy", "dee", "kofi"), np.ones((5, 5), np.float32))
    >>> res = replan_round(aff, ["live"] * 5, [(1, 2), (0, 3)], [1, 2, 3, 4], already_met=[])
    >>> res.kept, res.new, res.dissolved
    (((1, 2),), ((3, 4),), ((0, 3),))
    """
    n = affinity.n
    if len(modes) != n:
        raise ValueError(f"modes has {len(modes)} entries for {n} people")
    if odd not in ("trio", "host"):
        raise ValueError(f"odd must be 'trio' or 'host', got {odd!r}")
    here = sorted({int(p) for p in present})
    if here and (here[0] < 0 or here[-1] >= n):
        raise ValueError(f"present holds positions outside 0..{n - 1}")
    state = _Round(
        aff=affinity,
        is_async=[m == "async" for m in modes],
        met={_pair(int(a), int(b)) for a, b in already_met if a != b},
        trio_history=frozenset(int(p) for p in trio_history),
        capacity=Counter(),
        used=Counter(),
        meetings=[],
        watch=WatchLoad([m == "async" for m in modes], watch_cap, fixed=watched),
    )
    plan = _normalised(planned, n)
    _set_capacity(state, here, plan)
    kept, trimmed = _keep(state, plan, set(here))
    _match(state, here, np.random.default_rng(seed))
    _greedy(state, here)
    alone = _place_odd(state, here, odd, frozenset(kept))
    return _result(state, plan, trimmed, alone)


def _normalised(planned: Sequence[tuple[int, ...]], n: int) -> list[tuple[int, ...]]:
    out = []
    for m in planned:
        members = tuple(sorted(int(p) for p in m))
        if not members:
            continue
        if any(not 0 <= p < n for p in members):
            raise ValueError(f"planned meeting {tuple(m)} holds positions outside 0..{n - 1}")
        out.append(members)
    return out


def _set_capacity(state: _Round, here: list[int], plan: list[tuple[int, ...]]) -> None:
    """Live people meet once a round; an async person as often as the plan had them."""
    planned_slots = Counter(p for m in plan for p in m)
    for p in here:
        state.capacity[p] = planned_slots[p] if state.is_async[p] else 1


def _keep(
    state: _Round, plan: list[tuple[int, ...]], here: set[int]
) -> tuple[list[tuple[int, ...]], list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Step 1: keep what still works; return the kept meetings and the trimmed trios."""
    kept, trimmed = [], []
    for m in plan:
        if len(m) == 1:
            continue  # a host meeting is decided afresh: the odd one out may have changed
        there = tuple(p for p in m if p in here)
        if there == m and state.valid(m):
            kept.append(state.add(m))
        elif len(m) == 3 and (pair := _best_pair_of(state, there)) is not None:
            trimmed.append((m, state.add(pair)))
    return kept, trimmed


def _best_pair_of(state: _Round, there: tuple[int, ...]) -> tuple[int, ...] | None:
    """The pair left of a planned trio that cannot meet as three: the two present when one
    is missing, or (when a member already sat in a trio) the best valid pair of the three."""
    if len(there) < 2:
        return None
    pairs = [p for p in _pairs_of(there) if state.valid(p)]
    pairs.sort(key=lambda p: -state.aff.score(*p))
    return pairs[0] if pairs else None


def _match(state: _Round, here: list[int], rng: np.random.Generator) -> None:
    """Step 2: maximum-weight matching of everyone with room left, on a sparse graph."""
    nodes = state.free_slots(here)
    if len(nodes) < 2:
        return
    order = rng.permutation(len(nodes))  # ties fall differently with another seed
    nodes = [nodes[k] for k in order]
    people = sorted(set(nodes))
    edges = _candidate_edges(state, people)
    if not edges:
        return
    copies: dict[int, list[int]] = {}
    for k, p in enumerate(nodes):
        copies.setdefault(p, []).append(k)
    graph = rx.PyGraph()
    graph.add_nodes_from(nodes)
    n_live = sum(1 for p in nodes if not state.is_async[p])
    tier = (_PART * (n_live + 1) + 1) * _SCALE  # above any sum of pair parts
    weights: list[int] = []
    for (a, b), part in edges.items():
        live_ends = (not state.is_async[a]) + (not state.is_async[b])
        # watching an intro is worth less than meeting live: one live person is paired either
        # way, and the discount makes two live people meet rather than each watch a video
        w = live_ends * tier + part - (_PART * _SCALE if live_ends == 1 else 0)
        for u in copies[a]:
            for v in copies[b]:
                graph.add_edge(u, v, len(weights))
                weights.append(w)
    mate = rx.max_weight_matching(graph, weight_fn=lambda e: weights[e])
    for u, v in sorted(mate):
        a, b = nodes[u], nodes[v]
        if state.valid((a, b)):  # two copies of one async person never meet one live twice
            state.add((a, b))


def _candidate_edges(state: _Round, people: list[int]) -> dict[Pair, int]:
    """Allowed new pairs among ``people``: each one's best partners plus requested pairs,
    with the integer "pair part" of their matching weight."""
    aff = state.aff
    idx = np.array(people, dtype=np.int64)
    sub = aff.scores[np.ix_(idx, idx)].astype(np.float64)
    ok = _allowed_matrix(state, people)
    masked = np.where(ok, sub, -np.inf)
    k = min(_CANDIDATES, len(people) - 1)
    best = np.argpartition(-masked, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((0, 0), int)
    chosen: set[Pair] = set()
    for row, cols in enumerate(best):
        for col in cols.tolist():
            if ok[row, col]:
                chosen.add(_pair(row, col))
    pos = {p: k for k, p in enumerate(people)}
    for asker, asked in (*aff.requests, *aff.must_meet):
        if asker in pos and asked in pos and ok[pos[asker], pos[asked]]:
            chosen.add(_pair(pos[asker], pos[asked]))
    if not chosen:
        return {}
    values = np.array([sub[a, b] for a, b in chosen])
    low, span = float(values.min()), float(values.max() - values.min())
    out = {}
    for (a, b), value in zip(chosen, values.tolist(), strict=True):
        p, q = people[a], people[b]
        norm = (value - low) / span if span > 1e-12 else 0.5
        out[(p, q)] = round((norm + _request_bonus(aff, p, q)) * _SCALE)
    return out


def _request_bonus(aff: Affinity, a: int, b: int) -> float:
    """2 for a mutual request or a must-meet pair, 1 for a one-way request."""
    if aff.mutual(a, b) or _pair(a, b) in aff.must_meet:
        return 2.0
    return 1.0 if aff.requested(a, b) or aff.requested(b, a) else 0.0


def _allowed_matrix(state: _Round, people: list[int]) -> np.ndarray:
    """``ok[i, j]``: ``people[i]`` and ``people[j]`` may meet now."""
    m = len(people)
    pos = {p: k for k, p in enumerate(people)}
    ok = ~np.eye(m, dtype=bool)
    asyn = np.array([state.is_async[p] for p in people], dtype=bool)
    ok &= ~(asyn[:, None] & asyn[None, :]) & state.watch.pair_mask(np.array(people, np.int64))
    for a, b in (*state.aff.forbidden, *state.met):
        if a in pos and b in pos:
            ok[pos[a], pos[b]] = ok[pos[b], pos[a]] = False
    return ok


def _greedy(state: _Round, here: list[int]) -> None:
    """Step 3: pair leftovers over all allowed pairs, best score first (the sparse graph can
    miss a pair that is someone's only chance)."""
    left = state.free_slots(here)
    people = sorted(set(left))
    if len(people) < 2:
        return
    ok = _allowed_matrix(state, people)
    idx = np.array(people)
    sub = state.aff.scores[np.ix_(idx, idx)]
    rows, cols = np.nonzero(np.triu(ok, 1))
    for r in np.argsort(-sub[rows, cols], kind="stable").tolist():
        pair = (people[rows[r]], people[cols[r]])
        if state.valid(pair):
            state.add(pair)


def _place_odd(
    state: _Round, here: list[int], odd: str, kept: frozenset[tuple[int, ...]]
) -> list[tuple[int, str]]:
    """Step 4: the odd ones out join a trio or meet the host; return who is still alone."""
    alone = []
    for person in state.free_slots(here):
        if state.is_async[person]:
            alone.append((person, "no live person was free to watch their intro this round"))
            continue
        ways = (_join_trio, _meet_host) if odd == "trio" else (_meet_host, _join_trio)
        if not any(way(state, person, kept) for way in ways):
            alone.append((person, _why_alone(state, person, here)))
    return alone


def _join_trio(state: _Round, person: int, kept: frozenset[tuple[int, ...]]) -> bool:
    options = [m for m in state.meetings if len(m) == 2 and _fits_third(state, m, person)]
    if not options:
        return False
    # a new pair first (the plan's pairs stay as announced), then where the third adds most
    best = min(
        options,
        key=lambda m: (m in kept, -(state.aff.score(person, m[0]) + state.aff.score(person, m[1]))),
    )
    state.remove(best)
    state.add((*best, person))
    return True


def _fits_third(state: _Round, pair: tuple[int, ...], person: int) -> bool:
    """Whether ``person`` may join ``pair`` (both live) as the round's only trio."""
    trio = (*pair, person)
    return (
        not state.has_trio()
        and not any(state.is_async[p] for p in trio)
        and not state.trio_history.intersection(trio)
        and all(state.can_meet(person, p) for p in pair)
    )


def _meet_host(state: _Round, person: int, kept: frozenset[tuple[int, ...]]) -> bool:
    if any(len(m) == 1 for m in state.meetings):
        return False
    state.add((person,))
    return True


def _why_alone(state: _Round, person: int, here: list[int]) -> str:
    if not any(state.can_meet(person, q) for q in here if q != person):
        return "has already met, or is kept apart from, everyone here"
    return "odd number of people: no pair could take a third and the host is busy"


def _result(
    state: _Round,
    plan: list[tuple[int, ...]],
    trimmed: list[tuple[tuple[int, ...], tuple[int, ...]]],
    alone: list[tuple[int, str]],
) -> ReplanResult:
    final = set(state.meetings)
    planned = list(dict.fromkeys(plan))
    kept = [m for m in planned if m in final]
    trimmed = [(t, p) for t, p in trimmed if p in final]
    shown = set(kept) | {p for _, p in trimmed}
    new = sorted(m for m in final if m not in shown)
    trimmed_from = {t for t, _ in trimmed}
    where = {p: f for f in final for p in f if len(f) == 3}

    def gone(m: tuple[int, ...]) -> bool:
        # a kept pair that took a third still meets: it shows as the new trio, not as gone
        grew = len(m) == 2 and m[0] in where and set(m) < set(where[m[0]])
        return m not in final and m not in trimmed_from and not grew

    return ReplanResult(
        meetings=(*kept, *(p for _, p in trimmed), *new),
        kept=tuple(kept),
        trimmed=tuple(trimmed),
        new=tuple(new),
        dissolved=tuple(m for m in planned if gone(m)),
        alone=tuple(dict.fromkeys(alone)),
    )


# --------------------------------------------------------------------------- who is present


@dataclass(frozen=True)
class PresentReplan:
    """A round re-planned for the people present, as it is shown and stored."""

    #: the round, numbered rooms first and async meetings last. A meeting kept as it was
    #: keeps its room, order and reasons (Zoom's rooms stay as uploaded), the pair left of a
    #: trio keeps the trio's room, and a new meeting gets the planner's score and reasons
    #: and a free room number
    meetings: tuple[Meeting, ...]
    #: how the round differs from the one it was re-planned from
    result: ReplanResult
    #: that difference by name, for the organizer: ``kept`` (a count), ``trimmed``, ``new``,
    #: ``dissolved`` (lists of names) and ``alone`` (``[name, why]``)
    changes: dict[str, Any]


def replan_for_present(
    affinity: Affinity,
    people: Sequence[Person],
    base: Sequence[Meeting],
    present: Collection[int],
    *,
    held: Iterable[Sequence[str]] = (),
    later: Iterable[Meeting] = (),
    odd: Literal["trio", "host"] = "trio",
    seed: int = 0,
    watch_cap: int | None = None,
) -> PresentReplan:
    """Re-plan the round ``base`` for the people ``present``, in the words it is stored in.

    Parameters
    ----------
    affinity : Affinity
        The scores the planner used, over ``people`` (plus any forbidden pairs).
    people : sequence of Person
        Everyone registered; positions in ``present`` are positions here.
    base : sequence of Meeting
        The round as it stands (the newest re-plan, else the published plan), by id.
    present : collection of int
        Who takes part now (async people through their intro).
    held : iterable of id tuples
        The one-on-one meetings already held at this event: they are not repeated, and
        nobody who sat in a trio sits in another.
    later : iterable of Meeting
        Meetings planned for later rounds: their pairs are avoided when that costs nobody
        a partner, so that later rounds stay as planned.
    odd, seed, watch_cap
        As for :func:`replan_round`; the intros watched in ``held`` and ``later`` (with an
        async person present) count against ``watch_cap``.

    Returns
    -------
    PresentReplan

    Examples
    --------
    >>> people = [Person(p, p, p.title()) for p in ("ana", "bo", "cy", "dee", "eve")]
    >>> aff = Affinity(tuple(p.id for p in people), np.ones((5, 5), np.float32))
    >>> base = [Meeting("Room 1", ("ana", "bo")), Meeting("Room 2", ("cy", "dee"))]
    >>> out = replan_for_present(aff, people, base, present=[0, 1, 2, 4])
    >>> [(m.room, m.members) for m in out.meetings]
    [('Room 1', ('ana', 'bo')), ('Room 2', ('cy', 'eve'))]
    >>> out.changes["dissolved"], out.changes["new"]
    ([['Cy', 'Dee']], [['Cy', 'Eve']])
    """
    index = {p.id: i for i, p in enumerate(people)}
    modes = [p.mode for p in people]
    planned = [tuple(index[p] for p in m.members if p in index) for m in base]
    held = [tuple(m) for m in held]
    seen = [[index[p] for p in m if p in index] for m in held]
    met = {pair for m in seen for pair in _pairs_of(m)}
    in_trio = {index[p] for m in held if len(m) == 3 for p in m if p in index}
    planned_later = {
        (index[a], index[b]) for m in later for a, b in m.pairs() if a in index and b in index
    }

    here = {int(p) for p in present}
    watched = [m for m in seen if len(m) == 2] + [
        pair for pair in planned_later if any(p in here and modes[p] == "async" for p in pair)
    ]

    def run(avoid: set[Pair]) -> ReplanResult:
        pairs = {_pair(a, b) for a, b in met | avoid}
        return replan_round(
            affinity,
            modes,
            planned,
            present,
            pairs,
            odd=odd,
            seed=seed,
            trio_history=in_trio,
            watch_cap=watch_cap,
            watched=watched,
        )

    result = run(planned_later)
    if result.alone:
        # keeping later rounds intact must not cost anybody their partner today
        fallback = run(set())
        if len(fallback.alone) < len(result.alone):
            result = fallback
    meetings = _as_stored(affinity, result, base, index, people)
    return PresentReplan(meetings, result, _changes(result, people))


def _as_stored(
    aff: Affinity,
    result: ReplanResult,
    base: Sequence[Meeting],
    index: Mapping[str, int],
    people: Sequence[Person],
) -> tuple[Meeting, ...]:
    """The re-planned round as meetings by id (see :attr:`PresentReplan.meetings`)."""
    before = {frozenset(index[p] for p in m.members if p in index): m for m in base}
    trio_of = {pair: trio for trio, pair in result.trimmed}
    rooms_taken = {
        before[frozenset(m)].room
        for m in (*result.meetings, *trio_of.values())
        if frozenset(m) in before
    }
    free = (f"Room {k}" for k in range(1, 100_000) if f"Room {k}" not in rooms_taken)
    rows = []
    for members in result.meetings:
        old = before.get(frozenset(members))
        if old is not None:
            rows.append(Meeting(old.room, old.members, old.score, old.reasons, old.is_async))
            continue
        is_async = any(people[i].mode == "async" for i in members)
        live_first = tuple(sorted(members, key=lambda i: people[i].mode == "async"))
        trio = before.get(frozenset(trio_of.get(members, ())))
        room = None if is_async else (trio.room if trio is not None else next(free))
        fresh = describe_meeting(aff, live_first, room)
        pids = tuple(people[i].id for i in live_first)
        rows.append(Meeting(room, pids, fresh.score, fresh.reasons, is_async))
    return tuple(sorted(rows, key=_room_order))


def _room_order(meeting: Meeting) -> tuple[int, int, str]:
    room = meeting.room or ""
    digits = "".join(ch for ch in room if ch.isdigit())
    return (1 if meeting.is_async else 0, int(digits) if digits else 0, room)


def _changes(result: ReplanResult, people: Sequence[Person]) -> dict[str, Any]:
    def names(members: Sequence[int]) -> list[str]:
        if len(members) == 1:
            return [f"{people[members[0]].name} with the host"]
        return [people[i].name for i in members]

    return {
        "kept": len(result.kept),
        "trimmed": [names(pair) for _, pair in result.trimmed],
        "new": [names(m) for m in result.new],
        "dissolved": [names(m) for m in result.dissolved],
        "alone": [[people[i].name, why] for i, why in result.alone],
    }


# --------------------------------------------------------------------------- small groups


@dataclass(frozen=True)
class RegroupResult:
    """The groups for the people who are there: ``groups[k]`` is planned group ``k``'s
    present members plus anyone seated there (it may be empty when all left)."""

    groups: tuple[tuple[int, ...], ...]
    #: ``(person, group)``: people seated in a group the plan did not put them in
    seated: tuple[tuple[int, int], ...]
    #: present people no group could take (everyone there is on their avoid list)
    alone: tuple[int, ...]


def regroup(
    affinity: Affinity, groups: Sequence[Sequence[int]], present: Collection[int]
) -> RegroupResult:
    """Take the absent out of the planned groups and seat the others.

    Somebody whose group emptied around them, and present live people in no group
    (walk-ins), join the smallest group where nobody is kept apart from them (ties: where
    they add most). Having met before is fine in a group: the planner only discourages it.

    Examples
    --------
    >>> import numpy as np
    >>> aff = Affinity(tuple("abcdefg"), np.ones((7, 7), np.float32))
    >>> regroup(aff, [(0, 1, 2), (3, 4, 5)], present=[0, 1, 2, 3, 4, 6]).groups
    ((0, 1, 2), (3, 4, 6))
    """
    here = {int(p) for p in present}
    kept = [[p for p in g if p in here] for g in groups]
    waiting = sorted(here - {p for g in groups for p in g})
    for g in kept:
        if len(g) == 1:
            waiting.append(g.pop())
    seated, alone = [], []
    for person in sorted(waiting):
        k = _group_for(affinity, kept, person)
        if k is None:
            alone.append(person)
            continue
        kept[k].append(person)
        seated.append((person, k))
    return RegroupResult(tuple(tuple(g) for g in kept), tuple(seated), tuple(alone))


def _group_for(affinity: Affinity, groups: list[list[int]], person: int) -> int | None:
    options = [k for k, g in enumerate(groups) if g and all(affinity.allowed(person, q) for q in g)]
    if not options:
        return None
    return min(
        options,
        key=lambda k: (len(groups[k]), -sum(affinity.score(person, q) for q in groups[k]), k),
    )
