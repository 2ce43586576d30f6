"""A proof for small events: the rounds solved exactly as an integer program (HiGHS).

:func:`solve_rounds` takes the rounds :func:`~netweave.core.rounds.plan_rounds` planned and
solves the *same* problem exactly (the model of :mod:`netweave.core.exact_model`, HiGHS
through ``highspy``) within a node count and a time cap. It returns the better of the two
plans and what is proven: "optimal", "within 0.1 % of the optimum", or the proven gap when
the budget ran out. ``highspy`` rather than :func:`scipy.optimize.milp` (the same HiGHS):
only it starts from a given plan, and starting from the heuristic's made the proof for 80
people 2 s instead of 16 s.

**What is optimal.** The heuristic's tiers come first, in its order: mutual requests and
must-meet pairs met, then nobody left alone, then one-way requests met. A tier the heuristic
already has at its best (every such request met, nobody alone) is kept as a constraint;
otherwise that tier is maximised first. Then the objective is what the heuristic maximises
apart from its fairness device: the total score, favoured by the newcomer boost when one is
given. The fairness factor of :func:`~netweave.core.rounds.plan_rounds` reweights pairs round
by round and defines no objective of its own; instead, with ``keep_fairness`` everyone's share
must reach the heuristic plan's worst-off share. So the optimum is the best total among plans
at least as fair, and meeting at least as many requests, as the heuristic's own: that plan is
one of them, and its share of the optimum compares like with like.

**The solve.** (1) The LP relaxation, tightened by triangle cuts where trios happen: a bound,
without trios usually within 0.01 % of the integer optimum. (2) A neighbourhood search
(RINS): HiGHS, started from the heuristic's plan, on the pairs the LP or that plan uses, in
any round. (3) Every column whose LP reduced cost shows it cannot appear in a plan as good as
the best so far is fixed, and HiGHS, started from the best plan, proves the rest.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np
import scipy.sparse as sp

from netweave.core.affinity import Affinity
from netweave.core.exact_model import RoundsModel, RoundsProblem, rounds_problem
from netweave.core.highs import QuietHighs
from netweave.core.rounds import RoundsResult

__all__ = ["ExactResult", "solve_rounds"]

#: a gap up to this (relative) is "optimal": solver tolerances, not a missed improvement
OPTIMAL_GAP = 1e-6
#: a gap up to this is "within 0.1 % of the optimum"
CLOSE_GAP = 1e-3
#: a plan counts as better than another only by this much (relative), and reduced-cost
#: fixing keeps this margin, so that solver tolerances never exclude a better plan
_MARGIN = 1e-7
#: LP solves with trio cuts added (see RoundsModel.trio_cuts) before the integer program
_CUT_ROUNDS = 8
#: at most this share of the time cap goes to those LP solves
_CUT_SHARE = 0.3
#: share of the budget the neighbourhood search (RINS) may use before the proof
_RINS_SHARE = 0.5
#: the reason for a request the integer plan leaves unmet that the heuristic's plan met
WHY_TRADED = "no room in any round: the optimal plan meets other requests instead"
#: the reason for someone the integer plan leaves alone whom the heuristic's plan did not
WHY_ALONE = (
    "no plan seats everyone in every round: each way would repeat a pair, pair people kept "
    "apart or put someone in a second trio"
)


@dataclass(frozen=True)
class ExactResult:
    """The outcome of :func:`solve_rounds`: the rounds to use and what is proven about them.

    Values are *planned* totals: the real scores, or the favoured ones with a boost.
    """

    #: the better plan: the integer program's when it beat the heuristic's, else the heuristic's
    result: RoundsResult
    #: the integer program found a better plan than the heuristic
    improved: bool
    #: ``"optimal"``, ``"node limit"``, ``"time limit"``, or why no proof was possible
    status: str
    #: the heuristic plan's planned total
    heuristic: float
    #: ``result``'s planned total
    value: float
    #: proven: no plan (with the tiers and fairness kept) has a larger planned total
    bound: float
    #: the LP relaxation of the per-round model (a weaker bound), ``nan`` if not solved
    lp_bound: float
    #: branch-and-bound nodes HiGHS explored
    nodes: int
    seconds: float
    #: what the tiers were fixed at: ``{"strong": met, "alone": left alone, "one_way": met}``
    tiers: Mapping[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """``(bound - value) / bound``: how far ``result`` may be from the optimum."""
        if not math.isfinite(self.bound):
            return math.inf
        return max(0.0, self.bound - self.value) / max(abs(self.bound), 1e-12)

    @property
    def claim(self) -> str:
        """What the plan summary says.

        Examples
        --------
        >>> from netweave.core.rounds import RoundsResult
        >>> empty = RoundsResult((), (), (), np.ones(0), 0.0)
        >>> ExactResult(empty, False, "optimal", 99.0, 99.0, 99.0, 99.0, 1, 0.1).claim
        'optimal'
        >>> ExactResult(empty, False, "node limit", 99.0, 99.0, 99.05, 99.1, 9, 0.1).claim
        'within 0.1 % of the optimum'
        >>> ExactResult(empty, False, "time limit", 99.0, 99.0, 100.0, 100.0, 9, 5.0).claim
        'within 1.00 % of the optimum (time limit)'
        """
        gap = self.gap
        if gap <= OPTIMAL_GAP:
            return "optimal"
        if gap <= CLOSE_GAP:
            return "within 0.1 % of the optimum"
        if not math.isfinite(gap):
            return f"not proven ({self.status})"
        return f"within {100 * gap:.2f} % of the optimum ({self.status})"

    def metrics(self) -> dict[str, object]:
        """The figures the plan's metrics carry (plan.json, the CLI table, the web panel)."""
        finite = math.isfinite(self.bound)
        return {
            "optimality": self.claim,
            "optimality_status": self.status,
            "optimality_gap_pct": round(100 * self.gap, 4) if finite else None,
            "optimum_bound": round(self.bound, 4) if finite else None,
            "rounds_lp_bound": round(self.lp_bound, 4) if math.isfinite(self.lp_bound) else None,
            "exact_improved": self.improved,
            "exact_nodes": self.nodes,
        }


# --------------------------------------------------------------------------- HiGHS


@dataclass
class _Budget:
    """What is left of the node count and the time cap."""

    nodes: int | None
    deadline: float
    seconds: float
    used_nodes: int = 0

    def share_left(self) -> float:
        """The share of the time cap not used yet."""
        return max(0.0, self.deadline - time.perf_counter()) / max(self.seconds, 1e-9)

    def left(self, share: float = 1.0) -> tuple[float, int | None]:
        """Seconds and nodes for the next solve, ``share`` of what is left."""
        seconds = max(0.05, (self.deadline - time.perf_counter()) * share)
        if self.nodes is None:
            return seconds, None
        return seconds, max(0, math.ceil((self.nodes - self.used_nodes) * share))


@dataclass
class _Constraints:
    """The model's rows plus the ones added on the way (fairness, tiers)."""

    a: sp.csr_array
    lb: np.ndarray
    ub: np.ndarray

    def add(self, rows: sp.csr_array | np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
        extra = rows if sp.issparse(rows) else sp.csr_array(np.atleast_2d(rows))
        self.a = sp.vstack([self.a, extra], format="csr")
        self.lb = np.r_[self.lb, lb]
        self.ub = np.r_[self.ub, ub]


@dataclass
class _Run:
    """How one HiGHS solve of ``min c x`` ended."""

    status: str
    #: the best solution found, or None
    x: np.ndarray | None
    #: a lower bound on ``c x`` (the LP optimum, or the MIP dual bound), ``nan`` if none
    bound: float
    #: reduced costs (LP only): >= 0 for a column at its lower bound, <= 0 at its upper bound
    reduced: np.ndarray | None = None
    nodes: int = 0


_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kTimeLimit: "time limit",
    highspy.HighsModelStatus.kSolutionLimit: "node limit",
}


def _highs(
    c: np.ndarray,
    cons: _Constraints,
    cols: tuple[np.ndarray, np.ndarray],
    budget: _Budget,
    *,
    integer: bool = True,
    start: np.ndarray | None = None,
    share: float = 1.0,
) -> _Run:
    """Minimise ``c x`` with HiGHS, as an integer program or its LP relaxation; ``start`` is a
    feasible point to begin from (the incumbent)."""
    seconds, nodes = budget.left(share)
    if integer and nodes == 0:
        return _Run("node limit", None, math.nan)
    a = cons.a.tocsr()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(c), a.shape[0]
    lp.col_cost_ = c
    lp.col_lower_, lp.col_upper_ = cols
    lp.row_lower_, lp.row_upper_ = cons.lb, cons.ub
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(c)
    h = QuietHighs()
    h.passModel(lp)
    h.setOptionValue("time_limit", float(seconds))
    h.setOptionValue("mip_rel_gap", OPTIMAL_GAP / 10)
    if nodes is not None:
        h.setOptionValue("mip_max_nodes", int(nodes))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.tolist()
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    info, solution = h.getInfo(), h.getSolution()
    found = info.primal_solution_status == 2  # kSolutionStatusFeasible
    run = _Run(
        status=_STATUS.get(h.getModelStatus(), "solver failed"),
        x=np.asarray(solution.col_value) if found else None,
        bound=float(info.mip_dual_bound if integer else info.objective_function_value),
        reduced=None if integer else np.asarray(solution.col_dual),
        nodes=int(info.mip_node_count) if integer else 0,
    )
    budget.used_nodes += max(run.nodes, 0)
    return run


# --------------------------------------------------------------------------- the solve


class _Solver:
    """The stages of :func:`solve_rounds`, sharing the model, the budget and the best plan."""

    def __init__(
        self, prob: RoundsProblem, heuristic: RoundsResult, keep_fairness: bool, budget: _Budget
    ) -> None:
        self.prob, self.budget = prob, budget
        self.base = prob.figures(heuristic.rounds)
        alone = len(heuristic.unmatched)
        self.model = RoundsModel(prob, self.base.host, alone > 0)
        self.cons = _Constraints(*self.model.matrix())
        if keep_fairness and (prob.best > 1e-12).any():
            floor = float(self.base.shares[prob.best > 1e-12].min())
            rows, need = self.model.fairness_rows(floor)
            self.cons.add(rows, need, np.full(len(need), np.inf))
        self.tiers = {"strong": self.base.strong, "alone": alone, "one_way": self.base.one_way}
        self.tiers_proven = True
        self.x = self.model.vector_of(heuristic.rounds, heuristic.unmatched)
        self.value = self.base.value
        self.improved = False
        self.bound, self.lp_bound, self.status = math.inf, math.nan, "not solved"
        self.lp_seconds = 0.0

    @property
    def target(self) -> float:
        """What a plan must reach to count as better than the best so far."""
        return self.value + _MARGIN * max(1.0, abs(self.value))

    def take(self, x: np.ndarray | None) -> None:
        """Keep ``x`` if it is a better plan than the best so far."""
        if x is not None and float(self.model.objective @ x) > self.target:
            self.x, self.value, self.improved = x, float(self.model.objective @ x), True

    def fix_tiers(self) -> None:
        """Fix each tier at its best, in order (see the module's notes)."""
        prob, model = self.prob, self.model
        best = {"strong": int(prob.strong.sum()), "alone": 0, "one_way": int(prob.one_way.sum())}
        for name, sense in (("strong", 1), ("alone", -1), ("one_way", 1)):
            row = model.tier_row(name)
            if self.tiers[name] != best[name]:
                run = _highs(
                    -sense * row, self.cons, (model.lb, model.ub), self.budget, start=self.x
                )
                if (
                    run.x is not None
                    and sense * round(float(row @ run.x)) > sense * self.tiers[name]
                ):
                    # better in a tier is better, whatever the total
                    self.tiers[name] = round(float(row @ run.x))
                    self.x, self.value, self.improved = run.x, float(model.objective @ run.x), True
                self.tiers_proven &= run.status == "optimal"
            value = self.tiers[name]
            low, high = (value, np.inf) if sense > 0 else (-np.inf, value)
            self.cons.add(row, np.array([low]), np.array([high]))

    def prove(self) -> None:
        """LP bound, neighbourhood search, then the proof on the reduced-cost-fixed model."""
        model, c = self.model, -self.model.objective
        started = time.perf_counter()
        lp = _highs(c, self.cons, (model.lb, model.ub), self.budget, integer=False)
        self.lp_seconds = time.perf_counter() - started
        for _ in range(_CUT_ROUNDS):
            cuts = None if lp.x is None else model.trio_cuts(lp.x)
            if cuts is None or self.budget.share_left() < 1 - _CUT_SHARE:
                break
            self.cons.add(cuts, np.full(cuts.shape[0], -np.inf), np.zeros(cuts.shape[0]))
            tighter = _highs(
                c, self.cons, (model.lb, model.ub), self.budget, integer=False, share=_CUT_SHARE
            )
            if tighter.status != "optimal":
                break  # the cuts stay (every plan keeps them); the looser LP is still a bound
            lp = tighter
        if lp.status != "optimal" or lp.x is None or lp.reduced is None:
            self.status = f"LP {lp.status}"
            return
        self.lp_bound = self.bound = -lp.bound
        self.status = "optimal"
        if np.abs(lp.x - np.round(lp.x)).max(initial=0) < 1e-7:
            self.take(np.round(lp.x))  # an integral LP optimum is a plan, and optimal
        if self.bound <= self.target:
            return
        self._rins(c, lp)
        if self.bound <= self.target:
            return
        cols = self._fixed_by_reduced_cost(lp)
        if not self.fits(cols, 1.0):
            self.status = "time limit"
            return
        run = _highs(c, self.cons, cols, self.budget, start=self.x)
        self.status = "optimal" if run.status == "infeasible" else run.status
        self.take(run.x)
        if run.status == "infeasible":  # nothing at least as good: tolerances; the best is optimal
            self.bound = min(self.bound, self.target)
        elif math.isfinite(run.bound):
            self.bound = min(self.bound, max(-run.bound, self.value))

    def _rins(self, c: np.ndarray, lp: _Run) -> None:
        """Search the plans made of pairs the LP or the best plan uses, in any round: the
        LP's support holds nearly all of the optimum's pairs, and the round a pair meets in
        is left free (the LP and the heuristic seldom agree on it)."""
        model = self.model
        assert lp.x is not None
        used = model.pair_usage(lp.x) + model.pair_usage(self.x) > 1e-6
        lb, ub = model.lb.copy(), model.ub.copy()
        ub[model.pair_columns(~used)] = 0.0
        if self.fits((lb, ub), _RINS_SHARE):
            run = _highs(c, self.cons, (lb, ub), self.budget, start=self.x, share=_RINS_SHARE)
            self.take(run.x)

    def fits(self, cols: tuple[np.ndarray, np.ndarray], share: float) -> bool:
        """Whether ``share`` of the time left covers the root LP of a model with these free
        columns (as long as the full LP took, scaled): HiGHS cannot stop inside it, so a
        solve that cannot finish its root is not started."""
        free = float(np.mean(cols[0] != cols[1])) if len(cols[0]) else 0.0
        left = self.budget.share_left() * self.budget.seconds * share
        return left >= self.lp_seconds * free

    def _fixed_by_reduced_cost(self, lp: _Run) -> tuple[np.ndarray, np.ndarray]:
        """Column bounds with every 0/1 column fixed that no plan as good as the best moves.

        Moving a column off its LP bound costs at least its reduced cost (LP duality), so when
        that exceeds ``LP optimum - best`` no plan at least as good moves it (the best plan
        itself included: it stays a feasible start).
        """
        assert lp.reduced is not None
        slack = self.bound - self.value + 1e-6 * max(1.0, abs(self.bound))
        lb, ub = self.model.lb.copy(), self.model.ub.copy()
        binary = (lb == 0) & (ub == 1)
        ub[binary & (lp.reduced > slack)] = 0.0
        lb[binary & (-lp.reduced > slack)] = 1.0
        return lb, ub

    def plan(self) -> tuple[list[list[tuple[int, ...]]], list[tuple[int, int]]] | None:
        """The best plan's rounds and who it leaves alone (``(round, person)``), its free
        rounds best first as the heuristic plans them; None when it is the heuristic's."""
        if not self.improved:
            return None
        rounds, alone = self.model.rounds_of(self.x), self.model.alone_of(self.x)
        free = self.prob.free_rounds
        order = sorted(free, key=lambda r: -self.prob.value_of(rounds[r]))
        new_of = {old: new for new, old in zip(free, order, strict=True)}
        placed = [rounds[r] for r in range(self.prob.rounds)]
        for old, new in new_of.items():
            placed[new] = rounds[old]
        return placed, sorted((new_of.get(r, r), p) for r, p in alone)


def _as_result(
    prob: RoundsProblem,
    affinity: Affinity,
    heuristic: RoundsResult,
    plan: tuple[list[list[tuple[int, ...]]], list[tuple[int, int]]],
) -> RoundsResult:
    rounds, alone = plan
    figures = prob.figures(rounds)
    before = {(a, b): why for a, b, why in heuristic.unmet_requests}
    unmet = tuple(
        (a, b, before.get((a, b), WHY_TRADED))
        for a, b in sorted(affinity.requests)
        if (min(a, b), max(a, b)) not in figures.met
    )
    why = {p: w for _, p, w in heuristic.unmatched}
    return RoundsResult(
        rounds=tuple(tuple(r) for r in rounds),
        unmatched=tuple((r + 1, p, why.get(p, WHY_ALONE)) for r, p in alone),
        unmet_requests=unmet,
        shares=figures.shares,
        total=figures.total,
    )


def solve_rounds(
    affinity: Affinity,
    modes: Sequence[str],
    rounds: int,
    heuristic: RoundsResult,
    *,
    async_matches: int | None = None,
    odd: Literal["trio", "host"] = "trio",
    pinned: Mapping[int, Sequence[tuple[int, ...]]] | None = None,
    boost: Sequence[float] | None = None,
    keep_fairness: bool = True,
    watch_cap: int | None = None,
    time_limit: float = 5.0,
    node_limit: int | None = None,
) -> ExactResult:
    """Solve the rounds exactly, starting from the heuristic's plan; keep the better plan.

    Parameters
    ----------
    affinity, modes, rounds, async_matches, odd, pinned, boost
        As given to :func:`~netweave.core.rounds.plan_rounds` for ``heuristic``; everyone
        takes part and nobody met before (the history is in ``affinity.forbidden``).
    heuristic : RoundsResult
        The heuristic's plan: the plan to beat, and the fairness and tiers to keep.
    watch_cap : int, optional
        The most intros one live person watches, as for the heuristic; None: no cap.
    keep_fairness : bool
        Everyone's share (as in :attr:`RoundsResult.shares`) must reach the heuristic
        plan's worst-off share; False asks for the best total whatever the fairness.
    time_limit : float
        A safety cap in seconds for the whole solve; a solve stopped by it may end
        differently on another machine.
    node_limit : int, optional
        Branch-and-bound nodes at most, over all solves: a budget that stops at the same
        place on every machine, so that the same input gives the same plan.

    Returns
    -------
    ExactResult

    Examples
    --------
    Two clusters, two rounds: the heuristic's plan is optimal.

    >>> import numpy as np
    >>> from netweave.core.affinity import Affinity
    >>> from netweave.core.rounds import plan_rounds
    >>> s = np.array([[0, 9, 2, 1], [9, 0, 1, 2], [2, 1, 0, 9], [1, 2, 9, 0]], np.float32)
    >>> aff = Affinity(("a", "b", "c", "d"), s)
    >>> plan = plan_rounds(aff, ["live"] * 4, 2)
    >>> exact = solve_rounds(aff, ["live"] * 4, 2, plan)
    >>> exact.claim, exact.bound, exact.improved
    ('optimal', 22.0, False)
    """
    start = time.perf_counter()
    prob = rounds_problem(
        affinity, modes, rounds, async_matches, odd, pinned or {}, boost, watch_cap
    )
    budget = _Budget(node_limit, start + time_limit, time_limit)
    solver = _Solver(prob, heuristic, keep_fairness, budget)
    solver.fix_tiers()
    solver.prove()
    status = solver.status if solver.tiers_proven else f"{solver.status}; tiers not proven"
    better = solver.plan()
    return ExactResult(
        result=heuristic if better is None else _as_result(prob, affinity, heuristic, better),
        improved=better is not None,
        status=status,
        heuristic=solver.base.value,
        value=solver.value if better is not None else solver.base.value,
        bound=max(solver.bound, solver.value),
        lp_bound=solver.lp_bound,
        nodes=solver.budget.used_nodes,
        seconds=time.perf_counter() - start,
        tiers=dict(solver.tiers),
    )
