"""Zoom's files for the rounds and groups as they will run (or ran): breakout-room CSVs and the
lines to paste in the chat."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netweave.core.exports import write_csv, zoom_groups_table, zoom_round_table
from netweave.core.live_words import chat_lines
from netweave.core.plan import Meeting as CoreMeeting
from netweave.core.plan import Participant, Plan, Round
from netweave.web.events.models import Event
from netweave.web.events.rooms import chat_header
from netweave.web.live.domain.errors import LiveError
from netweave.web.live.domain.groups import groups_now
from netweave.web.live.domain.roster import roster_of
from netweave.web.live.domain.rounds import require_published, round_base, round_numbers

__all__ = ["chat_text", "groups_zoom_csv", "round_chat_text", "round_zoom_csv"]


def _round_plan(event: Event, number: int) -> tuple[Plan, list[CoreMeeting]]:
    """Round ``number`` as it will run (or ran), as a one-round core plan."""
    version = require_published(event)
    if number not in round_numbers(version):
        raise LiveError(f"The published plan has no round {number}.")
    roster = roster_of(event)
    meetings, _ = round_base(event, version, number, roster)
    people = tuple(Participant(pid, roster.name[pid], roster.mode[pid]) for pid in roster.pk)
    return Plan(participants=people, rounds=(Round(number, tuple(meetings)),)), meetings


def _csv_bytes(table: Any) -> bytes:
    # the core's writer, so these files are byte for byte the plan exports' files
    with tempfile.TemporaryDirectory(prefix="netweave-live-") as tmp:
        path = Path(tmp) / "round.csv"
        write_csv(table, path)
        return path.read_bytes()


def round_zoom_csv(event: Event, number: int) -> bytes:
    """Zoom's breakout-room CSV for round ``number`` as it stands now (re-planned or not)."""
    plan, _ = _round_plan(event, number)
    return _csv_bytes(zoom_round_table(plan, number))


def chat_text(
    event: Event, number: int, meetings: Sequence[CoreMeeting], names: Mapping[str, str]
) -> str:
    """What the host pastes in Zoom's chat for round ``number``: how to reach the rooms in
    the event's room mode, then "Round 2: Room 03 - Ana & Kofi", ... (the rooms as named on
    every participant's page)."""
    return "\n".join([chat_header(event, number), *chat_lines(number, meetings, names)])


def round_chat_text(event: Event, number: int) -> str:
    """:func:`chat_text` for round ``number`` as it stands now (re-planned or not)."""
    plan, meetings = _round_plan(event, number)
    names = {p.id: p.name for p in plan.participants}
    return chat_text(event, number, meetings, names)


def groups_zoom_csv(event: Event) -> bytes:
    """Zoom's CSV for the small groups as they run (or will run) for the people there."""
    version = require_published(event)
    groups = groups_now(event, version, roster_of(event))
    return _csv_bytes(zoom_groups_table(Plan(participants=(), groups=tuple(groups))))
