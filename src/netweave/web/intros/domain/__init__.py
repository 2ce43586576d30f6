"""Asynchronous participation: the verbs behind intros, partner forms, digests and reminders.

One module per noun (:mod:`.settings`, :mod:`.intros`, :mod:`.answers`, :mod:`.digests`,
:mod:`.nudges`, :mod:`.reminders`, :mod:`.threads`, and :mod:`.sending` for what the emails
share); the reads they use are in :mod:`netweave.web.intros.queries`, the errors in
:mod:`netweave.web.intros.errors`. Participants are registrations, reached by their token;
nothing here trusts a name, a file name or an id from a form without checking that it belongs
to the same event and to a partner.

Every write is all or nothing (``transaction.atomic``), and every email that goes out at a
time (digests, reminders) is marked sent in the transaction that sent it, under a row lock,
so ``netweave send-due`` run twice at once still sends each message once.

This package re-exports the names it had as one module, so that other apps' imports keep
working; inside this app, import from the module itself.
"""

from __future__ import annotations

from netweave.web.intros.domain.answers import save_answers
from netweave.web.intros.domain.digests import mark_followed_up, send_digest, send_due_digests
from netweave.web.intros.domain.intros import (
    check_video,
    remove_intro_video,
    save_intro_video,
    update_intro,
)
from netweave.web.intros.domain.nudges import nudge_authors, request_intro
from netweave.web.intros.domain.reminders import (
    send_due_reminders,
    send_intro_request_email,
    send_nudge_email,
)
from netweave.web.intros.domain.settings import update_intro_settings
from netweave.web.intros.domain.threads import post_group_message
from netweave.web.intros.errors import AnswersClosedError, IntroError, NotPartnerError
from netweave.web.intros.queries.answers import (
    FormState,
    contact_question_for,
    form_state,
    questions_for,
)
from netweave.web.intros.queries.deadlines import digest_due_at, local_moment, window_closes_at
from netweave.web.intros.queries.digests import DigestEntry, digest_entries, digest_sent
from netweave.web.intros.queries.groups import group_members, group_of
from netweave.web.intros.queries.intros import duration_text, intro_of, open_intro_media
from netweave.web.intros.queries.meetings import (
    can_watch,
    group_mates,
    meetings_of_event,
    partners_of,
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
    "AnswersClosedError",
    "DigestEntry",
    "DigestStatus",
    "FormState",
    "FormStatus",
    "IntroError",
    "Match",
    "NotPartnerError",
    "Panel",
    "PartnerCard",
    "PartnerQuestion",
    "can_watch",
    "check_video",
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
    "group_mates",
    "group_members",
    "group_of",
    "intro_of",
    "intro_settings",
    "is_async_participant",
    "local_moment",
    "mark_followed_up",
    "matches_of",
    "max_request_bytes",
    "max_upload_bytes",
    "meetings_of_event",
    "nudge_authors",
    "open_intro_media",
    "panel_for",
    "partner_card",
    "partners_of",
    "post_group_message",
    "questions_for",
    "remove_intro_video",
    "request_intro",
    "save_answers",
    "save_intro_video",
    "send_digest",
    "send_due_digests",
    "send_due_reminders",
    "send_intro_request_email",
    "send_nudge_email",
    "update_intro",
    "update_intro_settings",
    "window_closes_at",
]
