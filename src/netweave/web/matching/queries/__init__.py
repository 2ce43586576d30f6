"""What the organizer pages show of a plan, read with a fixed number of queries.

Reading only: every change goes through :mod:`netweave.web.matching.domain`. Each function
loads rows in bulk (a query or two, whatever the size of the event) and returns plain
dataclasses the templates can render without touching the database again. One module per
page part: :mod:`.cards` (the board), :mod:`.person_rows`, :mod:`.quality`,
:mod:`.run_sheet` and :mod:`.versions` (the list, the diff, which version an export uses);
:mod:`.schedule` is a participant's schedule and :mod:`.recipients` who gets it by email
(that one reads each person's schedules, so it is for the sending page and task only).

This package re-exports the public names for other apps; inside this app (and in tests)
import from the module that owns the name.
"""

from __future__ import annotations

from netweave.web.matching.queries.cards import (
    Card,
    GroupCard,
    Seated,
    group_card,
    group_cards,
    meeting_card,
    round_cards,
)
from netweave.web.matching.queries.person_rows import PersonRow, person_rows
from netweave.web.matching.queries.quality import Quality, quality
from netweave.web.matching.queries.run_sheet import RunSheet, run_sheet
from netweave.web.matching.queries.versions import diff_plans, version_for_export, versions_of

__all__ = [
    "Card",
    "GroupCard",
    "PersonRow",
    "Quality",
    "RunSheet",
    "Seated",
    "diff_plans",
    "group_card",
    "group_cards",
    "meeting_card",
    "person_rows",
    "quality",
    "round_cards",
    "run_sheet",
    "version_for_export",
    "versions_of",
]
