"""What the live console and the participant's live page show, read with a fixed number of
queries: :mod:`.console`, :mod:`.page` and its :mod:`.poll`, a person's :mod:`.day`, the
check-in review (:mod:`.checkin`) and Zoom's files (:mod:`.exports`). Every change goes through
:mod:`netweave.web.live.domain`.

This package re-exports the public names for other apps; inside this app (and in tests)
import from the module that owns the name.
"""

from __future__ import annotations

from netweave.web.live.queries.checkin import CheckInReview, read_attendee_list
from netweave.web.live.queries.console import Console, attendance_of, console
from netweave.web.live.queries.day import day_for
from netweave.web.live.queries.exports import groups_zoom_csv, round_chat_text, round_zoom_csv
from netweave.web.live.queries.page import LiveMeeting, LivePage, live_page
from netweave.web.live.queries.poll import poll_version

__all__ = [
    "CheckInReview",
    "Console",
    "LiveMeeting",
    "LivePage",
    "attendance_of",
    "console",
    "day_for",
    "groups_zoom_csv",
    "live_page",
    "poll_version",
    "read_attendee_list",
    "round_chat_text",
    "round_zoom_csv",
]
