"""The quality panel: what the planner recorded about a version, in the organizer's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netweave.web.matching.models import PlanVersion
from netweave.web.matching.queries.hosts import Duty, host_duties

__all__ = ["Quality", "SittingOut", "Stat", "UnmetRequest", "quality"]


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    help: str
    tone: str = ""  # "", "ok", "warn" or "bad": the stat box's colour


@dataclass(frozen=True)
class UnmetRequest:
    asker: str
    asked: str
    why: str


@dataclass(frozen=True)
class SittingOut:
    """The people not there in one round (they said they cannot attend it)."""

    round: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class Quality:
    stats: tuple[Stat, ...]
    unmet: tuple[UnmetRequest, ...]
    edited_by_hand: bool
    sitting_out: tuple[SittingOut, ...] = ()
    #: which staff host fills each odd seat (``queries.hosts``); empty without hosts
    hosts: tuple[Duty, ...] = ()


def _of(met: Any, total: Any) -> tuple[str, str]:
    if not total:
        return "none asked", ""
    return f"{met or 0} of {total}", "ok" if met == total else "warn"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f} %"


def _sizes(sizes: Mapping[str, int]) -> str:
    if not sizes:
        return "no groups"
    return ", ".join(f"{n} × {size}" for size, n in sorted(sizes.items(), key=lambda x: int(x[0])))


def _optimality(m: Mapping[str, Any]) -> Stat:
    """The rounds' proof: small events are also solved exactly (an integer program)."""
    claim = m.get("optimality")
    if claim:
        help_text = (
            "The rounds were also solved exactly (an integer program): no plan that meets as "
            "many requests and is at least as fair scores more than the optimum."
        )
        if m.get("exact_improved"):
            help_text += " It found a better plan than the first one, and this is it."
        close = claim == "optimal" or claim.startswith("within 0.1 %")
        return Stat("Optimality", claim, help_text, "ok" if close else "")
    if m.get("edited_by_hand"):
        return Stat("Optimality", "—", "Not proven after a change by hand; re-plan to see it.")
    return Stat("Optimality", "—", "Proven for small events only (exact_up_to in the settings).")


def _rules(m: Mapping[str, Any]) -> tuple[Stat, ...]:
    """The organizers' rules (``core.rules.rule_metrics``); plans made before them have none."""
    if "same_organization_pairs" not in m:
        return ()
    seekers, seekers_tone = _of(m.get("seekers_met_offerer"), m.get("seekers"))
    firsts, firsts_tone = _of(m.get("first_timers_met_veteran"), m.get("first_timers"))
    broken = int(m.get("same_organization_pairs") or 0)
    spread = int(m.get("requests_beyond_cap") or 0)
    return (
        *_kinds(m),
        Stat(
            "Seekers who met an offerer",
            seekers,
            "People looking for help with a topic who meet someone offering it (counting those "
            "for whom such a person was free).",
            seekers_tone,
        ),
        Stat(
            "First-timers who met a veteran",
            firsts,
            "People new to the community's events who meet someone who came before (counting "
            "those for whom a veteran was free).",
            firsts_tone,
        ),
        Stat(
            "Rule violations",
            str(broken),
            "Colleagues (one organization) paired one-on-one while the event keeps them "
            "apart: always 0 in a generated plan.",
            "bad" if broken else "ok",
        ),
        Stat(
            "Requests spread",
            str(spread),
            "Requests to a popular person beyond the event's cap: planned as ordinary pairs, "
            "so the person is shared with others.",
        ),
    )


def _kinds(m: Mapping[str, Any]) -> tuple[Stat, ...]:
    """The optional rule "meet across kinds of community": its figure only when it was on."""
    if "kinds" not in m:
        return ()
    met, tone = _of(m.get("kinds_met_other"), m.get("kinds"))
    return (
        Stat(
            "Met another kind of community",
            met,
            "People who gave a kind of community (open source, research lab...) and meet "
            "someone of another kind (counting those for whom such a person was free).",
            tone,
        ),
    )


def _sitting_out(m: Mapping[str, Any], names: Mapping[str, str]) -> tuple[SittingOut, ...]:
    rows = (m.get("sitting_out") or {}).items()
    return tuple(
        SittingOut(int(n), tuple(sorted(names.get(pid, pid) for pid in ids)))
        for n, ids in sorted(rows, key=lambda kv: int(kv[0]))
    )


def quality(version: PlanVersion) -> Quality:
    """The quality panel of ``version``, from the metrics the planner recorded."""
    m = version.metrics or {}
    mutual, mutual_tone = _of(m.get("mutual_requests_met"), m.get("mutual_requests"))
    one_way, one_way_tone = _of(m.get("one_way_requests_met"), m.get("one_way_requests"))
    pct = m.get("quality_pct")
    stats = (
        Stat(
            "Mutual requests met", mutual, "Pairs who both asked to meet each other.", mutual_tone
        ),
        Stat("One-way requests met", one_way, "Somebody asked to meet somebody.", one_way_tone),
        Stat(
            "Worst-off share",
            _pct(m.get("worst_off_share")),
            "The person who did least well got this share of the best they could have had "
            "(their own top partners); 100 % = everyone got their best."
            if m.get("worst_off_share") is not None
            else "Not recomputed after a change by hand; re-plan to see it.",
        ),
        Stat("Trios", str(m.get("trios", 0)), "Meetings of three: at most one per round."),
        Stat(
            "Unmatched",
            str(m.get("unmatched", len(version.unmatched))),
            "Times somebody has no partner in a round (each reason is in the list by person).",
            "ok" if not m.get("unmatched") else "warn",
        ),
        Stat(
            "Quality",
            "—" if pct is None else f"{float(pct):.1f} %",
            "Total match score as a share of a proven upper bound: no plan can score more "
            "than 100 %.",
        ),
        _optimality(m),
        Stat("Group sizes", _sizes(m.get("group_sizes") or {}), "Number of groups × size."),
        *_rules(m),
    )
    names = {pid: name for pid, name, _ in version.participants}
    unmet = tuple(
        UnmetRequest(names.get(u["asker"], u["asker"]), names.get(u["asked"], u["asked"]), u["why"])
        for u in m.get("unmet_requests") or ()
    )
    return Quality(
        stats,
        unmet,
        bool(m.get("edited_by_hand")),
        _sitting_out(m, names),
        tuple(host_duties(version.event, version)),
    )
