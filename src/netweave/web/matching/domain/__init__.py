"""The curation verbs: plans between the database and the pure core, and every change to them.

One module per noun (see each for its rules): :mod:`.inputs` (what the planner is given),
:mod:`.storage` (plans to rows and back), :mod:`.versions` (numbering, locking, refusing a
stale page), :mod:`.generate` and :mod:`.request` (planning in the background),
:mod:`.checks`, :mod:`.curation`, :mod:`.forbidden` and :mod:`.publish`; the inbox:
:mod:`.sending` (preview and the press), :mod:`.delivery` (the schedule emails the task sends)
and :mod:`.reminders` (before the event, by ``netweave send-due``); what the organizer pages
read is in :mod:`netweave.web.matching.queries`.

Every verb that changes a plan runs inside ``transaction.atomic()``: it happens completely or
not at all. Changes create new versions instead of editing old ones (pins excepted), so an
organizer can always go back: "nothing that can't be undone".

This package re-exports the public names so that other apps' imports keep working; inside
this app (and in tests) import from the module that owns the name.
"""

from __future__ import annotations

from netweave.core.newcomers import connection_boost
from netweave.web.matching.domain.checks import plan_violations
from netweave.web.matching.domain.curation import pin_group, pin_meeting, swap_people
from netweave.web.matching.domain.errors import PlanConflictError, PlanError
from netweave.web.matching.domain.forbidden import forbid_pair, forbidden_pairs, unforbid_pair
from netweave.web.matching.domain.generate import generate_plan
from netweave.web.matching.domain.inputs import community_history, event_config, event_people
from netweave.web.matching.domain.publish import publish_plan
from netweave.web.matching.domain.request import replan, request_plan
from netweave.web.matching.domain.storage import plan_from_version, save_plan
from netweave.web.matching.heartbeat import settle_stale

__all__ = [
    "PlanConflictError",
    "PlanError",
    "community_history",
    "connection_boost",
    "event_config",
    "event_people",
    "forbid_pair",
    "forbidden_pairs",
    "generate_plan",
    "pin_group",
    "pin_meeting",
    "plan_from_version",
    "plan_violations",
    "publish_plan",
    "replan",
    "request_plan",
    "save_plan",
    "settle_stale",
    "swap_people",
    "unforbid_pair",
]
