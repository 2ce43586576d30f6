"""The iterated local search netweave used for small groups before the memetic search.

Kept only as the baseline of ``bench_groups.py`` (old search vs new, in the same run): the
code of ``netweave.core.groups`` at the commit before ``core/group_search.py`` replaced it,
reduced to a function of a score matrix. Construct (best free pair, best marginal gain),
descend (best swap or move per group, a ``G x n`` gain matrix), then iterated local search:
2-6 random swaps, half of them towards a liked group, and record-to-record acceptance within
one standard deviation of a pair score.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable

import numpy as np

_CHUNK = 256
_KICK_MIN, _KICK_MAX = 2, 6
_KICK_NEAR = 3
_ACCEPT = 1.0
_DENSE_MAX = 2048


class _Search:
    """Groups over local people ``0..m-1`` with the incremental ``W`` matrix.

    ``gidx[i]`` is the position of local person ``i`` in the score matrix (``None``: the
    identity, so rows are plain views and nothing is gathered).
    """

    def __init__(
        self,
        scores: np.ndarray,
        gidx: np.ndarray | None,
        forb: list[np.ndarray],
        sizes: list[int],
    ) -> None:
        self.S, self.gidx, self.forb, self.sizes = scores, gidx, forb, sizes
        self.m = len(forb)
        self.G = len(sizes)
        self.lo, self.hi = min(sizes), max(sizes)
        sel = np.arange(self.m) if gidx is None else gidx
        self.diag = scores[sel, sel].astype(np.float64)
        self.M = 0.0  # forbidden-pair penalty, set by scan() once the score range is known
        self.eps = 1e-9
        self.spread = 0.0  # standard deviation of the pair scores, set by scan()
        self.WT = np.zeros((self.G, self.m))
        self.own = np.zeros(self.m)  # W[grp[i], i] minus i's own diagonal
        self.grp = np.full(self.m, -1, dtype=np.intp)
        self.size = np.zeros(self.G, dtype=np.intp)
        self.members: list[list[int]] = [[] for _ in range(self.G)]
        self.value = 0.0  # penalised objective: score - M * violations
        self.violations = 0
        self.log: list[tuple[int, int, int]] = []  # (person, from, to) since the last accept
        self.dense: np.ndarray | None = None  # rows() ready-made, for small m (see scan)

    # --------------------------------------------------------------------------- reading scores

    def raw_rows(self, people: np.ndarray) -> np.ndarray:
        if self.gidx is None:
            return self.S[people]
        return self.S[np.ix_(self.gidx[people], self.gidx)]

    def rows(self, people: np.ndarray) -> np.ndarray:
        """Score rows (float64) of ``people`` with forbidden partners at ``-M``."""
        if self.dense is not None:
            return self.dense[people]
        out = self.raw_rows(people).astype(np.float64)
        for k, p in enumerate(people.tolist()):
            if len(self.forb[p]):
                out[k, self.forb[p]] -= self.M
        return out

    def row(self, p: int) -> np.ndarray:
        return self.dense[p] if self.dense is not None else self.rows(np.array([p]))[0]

    def scan(self) -> np.ndarray:
        """One pass over the matrix: each person's best allowed partner; sets ``M``, ``eps``.

        O(m²) time, O(_CHUNK · m) memory.
        """
        best = np.full(self.m, -1, dtype=np.intp)
        best_score = np.full(self.m, -np.inf)
        scale = total = squares = 0.0
        for start in range(0, self.m, _CHUNK):
            people = np.arange(start, min(start + _CHUNK, self.m))
            block = self.raw_rows(people).astype(np.float64)
            scale = max(scale, float(np.abs(block).max()))
            total += float(block.sum()) - float(self.diag[people].sum())
            squares += float(np.square(block).sum()) - float(np.square(self.diag[people]).sum())
            block[np.arange(len(people)), people] = -np.inf
            for k, p in enumerate(people.tolist()):
                block[k, self.forb[p]] = -np.inf
            best[people] = np.argmax(block, axis=1)
            best_score[people] = block[np.arange(len(people)), best[people]]
        scale = max(scale, 1e-12)
        # Any two groupings differ by less than m * hi * scale, so one violation always
        # costs more than all the score there is: feasibility first, then score.
        self.M = 2.0 ** math.ceil(math.log2(2 * self.m * self.hi * scale + 1))
        self.eps = 1e-9 * scale
        count = max(self.m * (self.m - 1), 1)
        self.spread = math.sqrt(max(squares / count - (total / count) ** 2, 0.0))
        if self.m <= _DENSE_MAX:
            # Small enough to keep the penalised rows ready: most of a small run's time is
            # spent reading rows, and this copy is at most 32 MB.
            self.dense = self.rows(np.arange(self.m))
        ok = np.isfinite(best_score)
        order = np.lexsort((np.arange(self.m), -best_score))
        return np.stack([order, best[order]], axis=1)[ok[order]]

    # --------------------------------------------------------------------------- changing groups

    def _refresh_own(self, g: int) -> None:
        mem = np.asarray(self.members[g], dtype=np.intp)
        self.own[mem] = self.WT[g, mem] - self.diag[mem]

    def _forbidden_in(self, p: int, g: int) -> int:
        return int(np.count_nonzero(self.grp[self.forb[p]] == g)) if len(self.forb[p]) else 0

    def place(self, p: int, g: int) -> None:
        """Put unassigned ``p`` into ``g`` (construction)."""
        row = self.row(p)
        self.value += self.WT[g, p]
        self.violations += self._forbidden_in(p, g)
        self.WT[g] += row
        self.grp[p] = g
        self.size[g] += 1
        self.members[g].append(p)
        self._refresh_own(g)

    def move(self, p: int, b: int) -> None:
        """Move ``p`` to group ``b``, updating ``W``: O(m)."""
        a = int(self.grp[p])
        row = self.row(p)
        self.value += self.WT[b, p] - self.own[p]
        self.violations += self._forbidden_in(p, b) - self._forbidden_in(p, a)
        self.WT[a] -= row
        self.WT[b] += row
        self.grp[p] = b
        self.size[a] -= 1
        self.size[b] += 1
        self.members[a].remove(p)
        self.members[b].append(p)
        self._refresh_own(a)
        self._refresh_own(b)
        self.log.append((p, a, b))

    def swap(self, p: int, q: int) -> None:
        a, b = int(self.grp[p]), int(self.grp[q])
        self.move(p, b)
        self.move(q, a)

    def undo(self) -> None:
        """Take back every move since the last :meth:`accept` (cheaper than copying ``W``)."""
        moves, self.log = self.log, []
        for p, a, _ in reversed(moves):
            self.move(p, a)
        self.log = []

    def accept(self) -> None:
        self.log = []

    # --------------------------------------------------------------------------- improving

    def best_swap(self, a: int, mem: np.ndarray, base: np.ndarray) -> tuple[float, int, int]:
        """Best swap of a member of ``a`` with anyone outside: O(k·m) for k members."""
        # gain[p, q] = W[p, grp q] - own p + W[q, a] - own q - 2 s(p, q), built in place:
        # this is the hot loop of the whole search
        gain = np.take(self.WT.T[mem], self.grp, axis=1)
        rows = self.rows(mem)
        rows *= -2.0
        gain += rows
        gain += base
        gain -= self.own[mem][:, None]
        gain[:, mem] = -np.inf
        flat = int(np.argmax(gain))
        i, q = divmod(flat, self.m)
        return float(gain[i, q]), int(mem[i]), q

    def best_move_out(self, a: int, mem: np.ndarray) -> tuple[float, int, int]:
        if self.size[a] != self.hi or self.lo == self.hi:
            return -np.inf, -1, -1
        smaller = np.flatnonzero(self.size == self.lo)
        gain = self.WT[:, mem][smaller] - self.own[mem]
        g, i = divmod(int(np.argmax(gain)), len(mem))
        return float(gain[g, i]), int(mem[i]), int(smaller[g])

    def best_move_in(self, a: int, base: np.ndarray) -> tuple[float, int, int]:
        if self.size[a] != self.lo or self.lo == self.hi:
            return -np.inf, -1, -1
        gain = np.where(self.size[self.grp] == self.hi, base, -np.inf)
        r = int(np.argmax(gain))
        return float(gain[r]), r, a

    def improve(self, a: int) -> tuple[int, ...]:
        """Apply the best improving swap or move involving group ``a``; the groups touched."""
        mem = np.asarray(self.members[a], dtype=np.intp)
        if len(mem) == 0:
            return ()
        base = self.WT[a] - self.own  # gain of anyone joining a, before they leave their group
        swap = self.best_swap(a, mem, base)
        out = self.best_move_out(a, mem)
        into = self.best_move_in(a, base)
        best = max(swap, out, into, key=lambda t: t[0])
        if best[0] <= self.eps:
            return ()
        _, p, target = best
        b = int(self.grp[target]) if best is swap else target
        src = int(self.grp[p])
        if best is swap:
            self.swap(p, target)
        else:
            self.move(p, target)
        return (src, b)

    def descend(self, start: Iterable[int], stop: Callable[[], bool]) -> None:
        """Improve until no group has an improving swap or move (or ``stop()``).

        Only groups touched by a change can have new improving moves: any swap or move
        between two untouched groups has the same gain as before.
        """
        queue = deque(dict.fromkeys(start))
        queued = np.zeros(self.G, dtype=bool)
        queued[list(queue)] = True
        while queue and not stop():
            a = queue.popleft()
            queued[a] = False
            for g in self.improve(a):
                if not queued[g]:
                    queue.append(g)
                    queued[g] = True

    def kick(self, rng: np.random.Generator, strength: int) -> list[int]:
        """Swap ``strength`` random pairs of people in different groups; the groups touched.

        Half of the time the second group is one of the three the first person likes best:
        with many groups a uniformly random pair is usually unrelated and the descent just
        swaps back (measured: +0.4 % on a 1,000-person synthetic community).
        """
        touched: list[int] = []
        for _ in range(strength):
            a, b = (int(x) for x in rng.choice(self.G, size=2, replace=False))
            p = self.members[a][int(rng.integers(len(self.members[a])))]
            if rng.random() < 0.5:
                b = self.liked_group(p, a, rng)
            q = self.members[b][int(rng.integers(len(self.members[b])))]
            self.swap(p, q)
            touched += [a, b]
        return touched

    def liked_group(self, p: int, a: int, rng: np.random.Generator) -> int:
        """One of the ``_KICK_NEAR`` groups other than ``a`` that ``p`` likes best, at random."""
        liking = self.WT[:, p].copy()
        liking[a] = -np.inf
        near = min(_KICK_NEAR, self.G - 1)
        best = np.sort(np.argpartition(-liking, near - 1)[:near])
        return int(best[int(rng.integers(near))])


# --------------------------------------------------------------------------- plan_groups


def _construct(search: _Search, pairs: np.ndarray) -> None:
    """Each group in turn: seed with the best still-free pair, fill by best marginal gain.

    O(m²): each placement reads one row and scans one row of ``W``.
    """
    free = np.zeros(search.m)  # 0 while free, -inf once placed: added to W rows for argmax
    cursor = 0
    for g, size in enumerate(search.sizes):
        while cursor < len(pairs) and not (free[pairs[cursor]] == 0).all():
            cursor += 1
        seed = pairs[cursor].tolist() if cursor < len(pairs) else [int(np.argmax(free))]
        for p in seed[:size]:
            search.place(p, g)
            free[p] = -np.inf
        while search.size[g] < size:
            p = int(np.argmax(search.WT[g] + free))
            search.place(p, g)
            free[p] = -np.inf


def _iterate(
    search: _Search,
    stop: Callable[[], bool],
    feasible_stop: Callable[[], bool],
    max_iterations: int | None,
    rng: np.random.Generator,
) -> tuple[int, np.ndarray]:
    """Iterated local search; the rounds run and the best grouping seen (``grp`` array).

    Acceptance is record-to-record travel: a new local optimum is kept when it is within
    ``_ACCEPT`` standard deviations of a pair score of the best one, otherwise undone. Keeping
    only improvements stalled in one basin on random instances; a wider band lost on
    structured (profile-like) ones.
    """
    best = search.value
    best_grp = search.grp.copy()
    band = _ACCEPT * search.spread + search.eps
    done = 0
    while (max_iterations is None or done < max_iterations) and not stop():
        done += 1
        strength = int(rng.integers(_KICK_MIN, _KICK_MAX + 1))
        search.descend(search.kick(rng, strength), feasible_stop)
        if search.value > best + search.eps:
            best, best_grp = search.value, search.grp.copy()
        if search.value >= best - band:
            search.accept()
        else:
            search.undo()
    return done, best_grp


def old_search(
    scores: np.ndarray,
    sizes: list[int],
    forbidden: Iterable[tuple[int, int]] = (),
    *,
    seed: int = 0,
    iterations: int | None = 400,
    time_limit: float = 10.0,
) -> tuple[np.ndarray, int]:
    """The old ``plan_groups`` search on everyone: labels and ILS rounds run."""
    started = time.perf_counter()
    n = len(scores)
    adj: list[list[int]] = [[] for _ in range(n)]
    for i, j in forbidden:
        adj[i].append(j)
        adj[j].append(i)
    forb = [np.array(sorted(a), dtype=np.intp) for a in adj]
    rng = np.random.default_rng(seed)
    search = _Search(scores, None, forb, sizes)
    _construct(search, search.scan())
    search.accept()

    def stop() -> bool:
        return time.perf_counter() >= started + time_limit

    def feasible_stop() -> bool:
        return search.violations == 0 and stop()

    search.descend(range(search.G), feasible_stop)
    search.accept()
    done, best = _iterate(search, stop, feasible_stop, iterations, rng)
    return best, done
