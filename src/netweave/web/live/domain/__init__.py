"""The live run of an event: check-in, the host's clock, re-planning a round, and the record
of what really happened.

Verbs here are what the live console and the participant's live page call; views only
validate and delegate. One module per noun: :mod:`.state` (the transitions, one at a time),
:mod:`.checkin`, :mod:`.replan` (all or nothing), :mod:`.record` (the record is the truth),
:mod:`.groups`, :mod:`.welcome` (a walk-in's email), and below them :mod:`.rounds` and
:mod:`.roster`. What the console and the live page read is in
:mod:`netweave.web.live.queries`.

This package re-exports the public names so that other apps' imports keep working; inside
this app (and in tests) import from the module that owns the name.
"""

from __future__ import annotations

from netweave.web.live.domain.checkin import add_walk_in, mark_present, set_attendance
from netweave.web.live.domain.errors import LiveError, StaleStateError
from netweave.web.live.domain.replan import replan_missing_intros, replan_next_round
from netweave.web.live.domain.state import (
    end_event,
    live_state,
    next_round,
    set_messages,
    start_event,
    start_groups,
    start_round,
)

__all__ = [
    "LiveError",
    "StaleStateError",
    "add_walk_in",
    "end_event",
    "live_state",
    "mark_present",
    "next_round",
    "replan_missing_intros",
    "replan_next_round",
    "set_attendance",
    "set_messages",
    "start_event",
    "start_groups",
    "start_round",
]
