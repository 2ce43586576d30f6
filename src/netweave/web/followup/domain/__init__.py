"""Follow-up verbs: consent to share contact details and to optional emails (:mod:`.consent`),
feedback (:mod:`.feedback`), the summary email (:mod:`.sending`; reminders before the event
are the matching app's) and sending every summary (:mod:`.summaries`). What happened,
contacts and summaries are read in :mod:`netweave.web.followup.queries`; the error is
:mod:`netweave.web.followup.errors`.

This package re-exports the names it had as one module, so that other apps' imports keep
working; inside this app, import from the module itself.
"""

from __future__ import annotations

from netweave.web.followup.domain.consent import (
    set_email_sharing,
    set_optional_emails,
    withdraw_consent,
)
from netweave.web.followup.domain.feedback import (
    MeetingAnswer,
    give_event_feedback,
    give_meeting_feedback,
)
from netweave.web.followup.domain.sending import (
    send_summary,
)
from netweave.web.followup.domain.summaries import SummariesQueued, send_summaries
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.queries.contacts import contacts_visible_to, stay_in_touch_wishes
from netweave.web.followup.queries.held import (
    event_is_over,
    meeting_of,
    meetings_held,
    record_plan_as_held,
)
from netweave.web.followup.queries.summary import Conversation, Summary, summary_for, summary_url

__all__ = [
    "Conversation",
    "FollowupError",
    "MeetingAnswer",
    "SummariesQueued",
    "Summary",
    "contacts_visible_to",
    "event_is_over",
    "give_event_feedback",
    "give_meeting_feedback",
    "meeting_of",
    "meetings_held",
    "record_plan_as_held",
    "send_summaries",
    "send_summary",
    "set_email_sharing",
    "set_optional_emails",
    "stay_in_touch_wishes",
    "summary_for",
    "summary_url",
    "withdraw_consent",
]
