"""The reads of async participation, one module per noun: bulk, a fixed number of queries,
frozen dataclasses for the pages.

They never import :mod:`netweave.web.intros.domain` (the verbs read through them, not the other
way round). Inside this app, import from the module itself; this package re-exports the names
for other apps.
"""

from __future__ import annotations

from netweave.web.intros.queries.answers import (
    FormState,
    contact_question_for,
    form_state,
    questions_for,
)
from netweave.web.intros.queries.deadlines import (
    digest_due_at,
    format_moment,
    local_moment,
    window_closes_at,
)
from netweave.web.intros.queries.digests import DigestEntry, digest_entries, digest_sent
from netweave.web.intros.queries.groups import group_members, group_of
from netweave.web.intros.queries.intros import duration_text, intro_of, open_intro_media
from netweave.web.intros.queries.meetings import (
    can_watch,
    group_mates,
    meetings_of_event,
    partners_of,
    require_partners,
)
from netweave.web.intros.queries.organizer import (
    DigestStatus,
    FormStatus,
    digest_statuses,
    follow_up_rate,
    form_statuses,
)
from netweave.web.intros.queries.panel import Panel, panel_for
from netweave.web.intros.queries.participants import digest_recipients, is_async_participant
from netweave.web.intros.queries.partners import (
    Match,
    PartnerCard,
    PartnerQuestion,
    matches_of,
    partner_card,
)
from netweave.web.intros.queries.settings import intro_settings, max_request_bytes, max_upload_bytes

__all__ = [
    "DigestEntry",
    "DigestStatus",
    "FormState",
    "FormStatus",
    "Match",
    "Panel",
    "PartnerCard",
    "PartnerQuestion",
    "can_watch",
    "contact_question_for",
    "digest_due_at",
    "digest_entries",
    "digest_recipients",
    "digest_sent",
    "digest_statuses",
    "duration_text",
    "follow_up_rate",
    "form_state",
    "form_statuses",
    "format_moment",
    "group_mates",
    "group_members",
    "group_of",
    "intro_of",
    "intro_settings",
    "is_async_participant",
    "local_moment",
    "matches_of",
    "max_request_bytes",
    "max_upload_bytes",
    "meetings_of_event",
    "open_intro_media",
    "panel_for",
    "partner_card",
    "partners_of",
    "questions_for",
    "require_partners",
    "window_closes_at",
]
