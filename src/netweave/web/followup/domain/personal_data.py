"""Follow-up's part of a person's data (:mod:`netweave.web.common.personal_data`): their email
preference, their feedback and their stay-in-touch wishes.

Everything here is deleted by the database's cascade with the member or the registration, so
this app adds nothing to an erasure or a purge beyond its counts.
"""

from __future__ import annotations

from typing import Any

from netweave.web.common.personal_data import PersonalData
from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.followup.models import EmailPreference, EventFeedback, MeetingFeedback

__all__ = ["FOLLOWUP_DATA", "counts", "profile", "registration"]


def profile(member: Member) -> dict[str, Any]:
    """The member's choice about optional emails (yes until they say no)."""
    pref = EmailPreference.objects.filter(member=member).first()
    return {"optional_emails": pref.optional_emails if pref else True}


def registration(registration: Registration) -> dict[str, Any]:
    """The feedback the person gave and whom they wished to stay in touch with (names only:
    the others' addresses are theirs)."""
    event = EventFeedback.objects.filter(registration=registration).first()
    meetings = MeetingFeedback.objects.filter(registration=registration).select_related("meeting")
    wishes = registration.stay_in_touch_wishes.select_related("to_registration__member")
    return {
        "feedback": {
            "event": {"overall": event.overall, "comment": event.comment} if event else None,
            "meetings": [
                {"round": f.meeting.round, "valuable": f.valuable, "note": f.note} for f in meetings
            ],
            "stay_in_touch_with": [w.to_registration.member.name for w in wishes],
        }
    }


def counts(event: Event) -> dict[str, int]:
    """The feedback answers an expired event had."""
    return {
        "event_feedback": EventFeedback.objects.filter(registration__event=event).count(),
        "meeting_feedback": MeetingFeedback.objects.filter(registration__event=event).count(),
    }


FOLLOWUP_DATA = PersonalData("followup", profile=profile, registration=registration, counts=counts)
