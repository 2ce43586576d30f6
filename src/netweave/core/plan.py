"""Plan / Round / Meeting / Group value objects, to and from ``plan.json``.

A plan refers to people by id (the lower-cased email) only; names and modes are carried in
``participants`` so that a plan file can be read on its own. See ``docs/plan-json.md`` and
``src/netweave/schemas/plan.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "Group",
    "Meeting",
    "Participant",
    "Plan",
    "Round",
    "Unmatched",
    "load_plan",
    "plan_schema",
]

SCHEMA_VERSION = 1


def _score(value: float) -> float:
    # plan.json holds scores to 6 places as plain floats (a numpy scalar is not JSON). Rounding
    # on construction, not only on writing, makes a plan equal to itself read back.
    return round(float(value), 6)


def _json_default(value: Any) -> Any:
    # Planners put numpy numbers and arrays into metrics; json knows neither.
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "score", _score(self.score))
        object.__setattr__(self, "reasons", tuple(self.reasons))

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
            "score": self.score,
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "meetings", tuple(self.meetings))

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

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "score", _score(self.score))
        object.__setattr__(self, "reasons", tuple(self.reasons))
        object.__setattr__(self, "remote", tuple(self.remote))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "room": self.room,
            "members": list(self.members),
            "theme": self.theme,
            "score": self.score,
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

    def __post_init__(self) -> None:
        # Lists passed in would make a plan unequal to itself read back (and unhashable parts).
        for name in ("participants", "rounds", "groups", "unmatched"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

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
                Participant(
                    str(p["id"]).lower(), str(p.get("name", p["id"])), str(p.get("mode", "live"))
                )
                for p in d.get("participants", ())
            ),
            rounds=tuple(Round.from_dict(r) for r in d.get("rounds", ())),
            groups=tuple(Group.from_dict(g) for g in d.get("groups", ())),
            unmatched=tuple(Unmatched.from_dict(u) for u in d.get("unmatched", ())),
            metrics=dict(d.get("metrics", {})),
        )

    def to_json(self) -> str:
        return (
            json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=_json_default) + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.from_dict(json.loads(text))


def load_plan(path: str | Path) -> Plan:
    """Read a ``plan.json`` file.

    Examples
    --------
    >>> import tempfile
    >>> plan = Plan((Participant("ana", "Ana"), Participant("bo", "Bo")),
    ...             (Round(1, (Meeting("Room 1", ("ana", "bo"), 2.5),)),))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "plan.json"
    ...     _ = path.write_text(plan.to_json(), encoding="utf-8")
    ...     load_plan(path) == plan
    True
    """
    return Plan.from_json(Path(path).read_text(encoding="utf-8"))


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``plan.json``, as :meth:`Plan.to_dict` writes it.

    Returns
    -------
    dict
        A fresh copy on every call, so callers may change it.

    Examples
    --------
    >>> plan_schema()["properties"]["version"]["const"] == SCHEMA_VERSION
    True
    """
    text = resources.files("netweave").joinpath("schemas/plan.schema.json").read_text("utf-8")
    return json.loads(text)
