"""Plan / Round / Meeting / Group value objects, to and from ``plan.json``.

A plan refers to people by id (the lower-cased email) only; names and modes are carried in
``participants`` so that a plan file can be read on its own. See ``docs/plan-json.md`` and
``src/netweave/schemas/plan.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["Group", "Meeting", "Participant", "Plan", "Round", "Unmatched", "load_plan"]

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    mode: str = "live"


@dataclass(frozen=True, slots=True)
class Meeting:
    """Two people (or three: a trio) meeting in one round.

    An async meeting pairs a live person with an async one: the live person watches the
    async person's intro and fills in a form for them during the round. It has no room.
    """

    room: str | None
    members: tuple[str, ...]
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    is_async: bool = False
    pinned: bool = False

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Every unordered pair of members, each as a sorted tuple."""
        m = self.members
        for a in range(len(m)):
            for b in range(a + 1, len(m)):
                yield (m[a], m[b]) if m[a] < m[b] else (m[b], m[a])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "room": self.room,
            "members": list(self.members),
            "score": round(self.score, 6),
            "reasons": list(self.reasons),
            "async": self.is_async,
        }
        if self.pinned:
            out["pinned"] = True
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Meeting:
        return cls(
            room=d.get("room"),
            members=tuple(str(m).lower() for m in d["members"]),
            score=float(d.get("score", 0.0)),
            reasons=tuple(d.get("reasons", ())),
            is_async=bool(d.get("async", False)),
            pinned=bool(d.get("pinned", False)),
        )


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    meetings: tuple[Meeting, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "meetings": [m.to_dict() for m in self.meetings]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Round:
        return cls(int(d["number"]), tuple(Meeting.from_dict(m) for m in d.get("meetings", ())))


@dataclass(frozen=True, slots=True)
class Group:
    """A small group for the last stage. ``remote`` lists async members attached to it."""

    room: str
    members: tuple[str, ...]
    theme: str = ""
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    pinned: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "room": self.room,
            "members": list(self.members),
            "theme": self.theme,
            "score": round(self.score, 6),
            "reasons": list(self.reasons),
        }
        if self.remote:
            out["remote"] = list(self.remote)
        if self.pinned:
            out["pinned"] = True
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Group:
        return cls(
            room=str(d["room"]),
            members=tuple(str(m).lower() for m in d["members"]),
            theme=str(d.get("theme", "")),
            score=float(d.get("score", 0.0)),
            reasons=tuple(d.get("reasons", ())),
            remote=tuple(str(m).lower() for m in d.get("remote", ())),
            pinned=bool(d.get("pinned", False)),
        )


@dataclass(frozen=True, slots=True)
class Unmatched:
    """Somebody who has no partner in a round, and why (``round`` 0 means the group stage)."""

    round: int
    id: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "id": self.id, "why": self.why}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Unmatched:
        return cls(int(d["round"]), str(d["id"]).lower(), str(d.get("why", "")))


@dataclass(frozen=True, slots=True)
class Plan:
    participants: tuple[Participant, ...]
    rounds: tuple[Round, ...] = ()
    groups: tuple[Group, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def with_metrics(self, **metrics: Any) -> Plan:
        return replace(self, metrics={**self.metrics, **metrics})

    def participant(self, pid: str) -> Participant:
        for p in self.participants:
            if p.id == pid:
                return p
        raise KeyError(pid)

    def meetings_of(self, pid: str) -> list[tuple[int, Meeting]]:
        """``(round number, meeting)`` for every meeting ``pid`` is in, in round order."""
        return [(r.number, m) for r in self.rounds for m in r.meetings if pid in m.members]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "participants": [
                {"id": p.id, "name": p.name, "mode": p.mode} for p in self.participants
            ],
            "rounds": [r.to_dict() for r in self.rounds],
            "groups": [g.to_dict() for g in self.groups],
            "unmatched": [u.to_dict() for u in self.unmatched],
            "metrics": dict(self.metrics),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        return cls(
            participants=tuple(
                Participant(str(p["id"]).lower(), str(p.get("name", p["id"])), p.get("mode", "live"))
                for p in d.get("participants", ())
            ),
            rounds=tuple(Round.from_dict(r) for r in d.get("rounds", ())),
            groups=tuple(Group.from_dict(g) for g in d.get("groups", ())),
            unmatched=tuple(Unmatched.from_dict(u) for u in d.get("unmatched", ())),
            metrics=dict(d.get("metrics", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.from_dict(json.loads(text))


def load_plan(path: str | Path) -> Plan:
    """Read a ``plan.json`` file."""
    return Plan.from_json(Path(path).read_text(encoding="utf-8"))
