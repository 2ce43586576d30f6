"""A participant's summary: everyone they met, with profiles, contact details where both
agreed, and their own feedback so far; and the links to it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from netweave.web.events.models import Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.followup.models import EventFeedback, MeetingFeedback, StayInTouch
from netweave.web.followup.queries.held import meetings_happened
from netweave.web.live.models import HeldMeeting

__all__ = [
    "Conversation",
    "Summary",
    "absolute_url",
    "summary_for",
    "summary_url",
]


@dataclass(frozen=True, slots=True)
class Conversation:
    """A held meeting from one participant's side: the others, why, and their own answer."""

    meeting_pk: int
    #: 0 for the small group
    round: int
    room: str | None
    is_async: bool
    people: tuple[PartnerView, ...]
    reasons: tuple[str, ...]
    feedback: MeetingFeedback | None
    #: registration pks the participant wished to stay in touch with after this meeting
    wishes: frozenset[int] = frozenset()
    #: a small group's theme
    theme: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    registration: Registration
    conversations: tuple[Conversation, ...]
    group: Conversation | None
    event_feedback: EventFeedback | None
    people: tuple[PartnerView, ...] = field(default=())

    @property
    def met_anyone(self) -> bool:
        return bool(self.conversations or self.group)

    @property
    def shared_contacts(self) -> int:
        return sum(1 for p in self.people if p.email)


def summary_for(registration: Registration) -> Summary:
    """Everyone ``registration`` met (rounds, async meetings whose intro was watched and
    answered, their group), with profiles,
    contact details where both agreed, and the participant's own feedback so far."""
    happened = meetings_happened(registration.event)
    # the consents are read fresh, so a withdrawal shows at once everywhere
    me = Registration.objects.select_related("event").get(pk=registration.pk)
    meetings = list(
        HeldMeeting.objects.filter(seats__registration=registration, pk__in=happened)
        .prefetch_related("seats__registration__member")
        .order_by("round", "id")
    )
    others = {
        s.registration_id: s.registration
        for m in meetings
        for s in m.seats.all()
        if s.registration_id != me.pk
    }
    views = {v.pk: v for v in partner_views(me, list(others.values()))}
    answers = {f.meeting_id: f for f in MeetingFeedback.objects.filter(registration=registration)}
    wishes: dict[int, set[int]] = defaultdict(set)
    for meeting_pk, to_pk in StayInTouch.objects.filter(from_registration=registration).values_list(
        "meeting_id", "to_registration_id"
    ):
        wishes[meeting_pk].add(to_pk)
    talks = [_conversation(m, me, views, answers, wishes) for m in meetings]
    return Summary(
        registration=registration,
        conversations=tuple(t for t in talks if t.round > 0),
        group=next((t for t in talks if t.round == 0), None),
        event_feedback=EventFeedback.objects.filter(registration=registration).first(),
        people=tuple(sorted(views.values(), key=lambda p: p.name.casefold())),
    )


def _conversation(
    meeting: HeldMeeting,
    me: Registration,
    views: dict[int, PartnerView],
    answers: dict[int, MeetingFeedback],
    wishes: dict[int, set[int]],
) -> Conversation:
    return Conversation(
        meeting_pk=meeting.pk,
        round=meeting.round,
        room=meeting.room,
        is_async=meeting.is_async,
        people=tuple(
            views[s.registration_id] for s in meeting.seats.all() if s.registration_id != me.pk
        ),
        reasons=tuple(str(r) for r in meeting.reasons or ()),
        feedback=answers.get(meeting.pk),
        wishes=frozenset(wishes.get(meeting.pk, ())),
        theme=getattr(meeting, "theme", ""),
    )


def summary_url(registration: Registration) -> str:
    return absolute_url("portal:summary", registration.token)


def absolute_url(name: str, *args: object) -> str:
    return settings.BASE_URL + reverse(name, args=args)
