"""Feedback: a participant's answer about one meeting (with stay-in-touch wishes) and about
the event, one answer each, replaced when given again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from netweave.web.events.models import Registration
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.models import EventFeedback, MeetingFeedback, StayInTouch
from netweave.web.live.models import HeldMeeting, HeldSeat

__all__ = [
    "MeetingAnswer",
    "give_event_feedback",
    "give_meeting_feedback",
]


@dataclass(frozen=True, slots=True)
class MeetingAnswer:
    """A participant's answer about one meeting, as a form validated it."""

    valuable: int
    note: str = ""
    #: registration pks of the meeting's other members to stay in touch with
    stay_in_touch: frozenset[int] = frozenset()


def give_meeting_feedback(
    registration: Registration, meeting: HeldMeeting, answer: MeetingAnswer
) -> MeetingFeedback:
    """Record ``registration``'s answer about ``meeting`` (all or nothing).

    One answer per person and meeting: answering again replaces the earlier answer, so a
    mis-click can be corrected and a stay-in-touch wish taken back, and aggregates still
    count each person once. Only the meeting's members may answer, and only about its
    other members.
    """
    members = set(meeting.seats.values_list("registration_id", flat=True))
    if registration.pk not in members or meeting.event_id != registration.event_id:
        raise FollowupError("This feedback link is not for one of your meetings.")
    if not 1 <= answer.valuable <= 5:
        raise FollowupError("Choose how valuable the conversation was, from 1 to 5.")
    if strangers := answer.stay_in_touch - (members - {registration.pk}):
        raise FollowupError(f"Not in this meeting: {len(strangers)} of the people chosen.")
    try:
        return _save_meeting_answer(registration, meeting, answer)
    except IntegrityError:
        # the same form sent twice at once: the other request created the row; update it
        return _save_meeting_answer(registration, meeting, answer)


def _save_meeting_answer(
    registration: Registration, meeting: HeldMeeting, answer: MeetingAnswer
) -> MeetingFeedback:
    with transaction.atomic():
        feedback, _ = MeetingFeedback.objects.update_or_create(
            meeting=meeting,
            registration=registration,
            defaults={"valuable": answer.valuable, "note": answer.note.strip()},
        )
        wishes = StayInTouch.objects.filter(meeting=meeting, from_registration=registration)
        wishes.exclude(to_registration__in=answer.stay_in_touch).delete()
        have = set(wishes.values_list("to_registration_id", flat=True))
        StayInTouch.objects.bulk_create(
            StayInTouch(meeting=meeting, from_registration=registration, to_registration_id=pk)
            for pk in sorted(answer.stay_in_touch - have)
        )
    return feedback


def give_event_feedback(
    registration: Registration, overall: int, comment: str = ""
) -> EventFeedback:
    """Record ``registration``'s answer about the event; answering again replaces it."""
    if not 1 <= overall <= 5:
        raise FollowupError("Choose how the event was for you, from 1 to 5.")
    if not HeldSeat.objects.filter(registration=registration).exists():
        raise FollowupError("Feedback on the event is for people who took part in it.")
    try:
        feedback, _ = EventFeedback.objects.update_or_create(
            registration=registration,
            defaults={"overall": overall, "comment": comment.strip()},
        )
    except IntegrityError:  # sent twice at once: the row exists now
        feedback, _ = EventFeedback.objects.update_or_create(
            registration=registration,
            defaults={"overall": overall, "comment": comment.strip()},
        )
    return feedback
