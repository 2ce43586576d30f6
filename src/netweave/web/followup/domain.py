"""Follow-up verbs: what really happened, whose contact details a participant may see,
feedback, summaries, reminders and email preferences.

Everything after the event reads one table, :class:`~netweave.web.live.models.HeldMeeting`:
the live run writes it as rounds happen; without a live run the published plan is copied
into it once the event is over (:func:`record_plan_as_held`).

Contact details follow double opt-in, decided by the one rule in
:mod:`netweave.web.events.partners`: a participant sees someone's email address only when
both agreed, both ticked "share my email" when registering or both said "I'd like to stay in
touch" after meeting (:func:`mutual_wishes`, which this app registers with that rule). A
one-sided wish changes nothing anyone can see, so nobody learns that somebody wished to stay
in touch and the other did not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.followup.models import (
    Delivery,
    EmailPreference,
    EventFeedback,
    MeetingFeedback,
    StayInTouch,
)
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.mail.domain import UNSUBSCRIBED, send_email
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import Group, GroupSeat, Meeting, Seat
from netweave.web.portal.domain import (
    event_ends_at,
    published_plan,
    send_with_invite,
    zone,
)

__all__ = [
    "DAY_ENDS",
    "DAY_STARTS",
    "REMINDER_LEAD",
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
    "mutual_wishes",
    "record_plan_as_held",
    "reminder_at",
    "send_due_reminders",
    "send_reminder",
    "send_summaries",
    "send_summary",
    "set_email_sharing",
    "set_optional_emails",
    "summary_for",
    "summary_url",
    "withdraw_consent",
]

#: the reminder goes this long before the event, moved into the recipient's daytime
REMINDER_LEAD = dt.timedelta(hours=24)
#: local hours a reminder may arrive: 08:00 up to 21:00
DAY_STARTS, DAY_ENDS = 8, 21
#: events whose reminders may be due now: the lead plus the most a reminder moves earlier
_REMINDER_HORIZON = REMINDER_LEAD + dt.timedelta(hours=24 - DAY_ENDS + 1)
_REMINDED = (
    Event.Status.OPEN,
    Event.Status.CLOSED,
    Event.Status.PLANNED,
    Event.Status.PUBLISHED,
)


class FollowupError(ValueError):
    """A participant's or organizer's request cannot be done; the message says why."""


# --------------------------------------------------------------------------- what happened


def event_is_over(event: Event, now: dt.datetime | None = None) -> bool:
    """Done, or published and past its end. A live event is over when the host says so."""
    if event.status == Event.Status.DONE:
        return True
    moment = now or timezone.now()
    return event.status == Event.Status.PUBLISHED and moment >= event_ends_at(event)


def meetings_held(event: Event) -> QuerySet[HeldMeeting]:
    """The meetings of ``event`` that really happened, groups as round 0.

    When the live run recorded nothing and the event is over, the published plan is taken
    as what happened, once, so that every reader downstream works from one table.
    """
    held = HeldMeeting.objects.filter(event=event)
    if not held.exists() and event_is_over(event):
        record_plan_as_held(event)
    return held.order_by("round", "id")


def record_plan_as_held(event: Event) -> int:
    """Copy the published plan of ``event`` into held meetings; how many were made.

    Does nothing (0) when the event already has held meetings or no published plan. Runs
    under a lock on the event, so two first readers cannot both copy.
    """
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        plan = published_plan(event)
        if plan is None or HeldMeeting.objects.filter(event=event).exists():
            return 0
        made = _copy_meetings(event, plan.pk) + _copy_groups(event, plan.pk)
    return made


def _copy_meetings(event: Event, plan_pk: int) -> int:
    seats: dict[int, list[int]] = defaultdict(list)
    for meeting_pk, reg_pk in (
        Seat.objects.filter(meeting__plan_id=plan_pk)
        .order_by("meeting_id", "position")
        .values_list("meeting_id", "registration_id")
    ):
        seats[meeting_pk].append(reg_pk)
    meetings = list(Meeting.objects.filter(plan_id=plan_pk).order_by("round", "id"))
    rows = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=m.round,
            room=m.room,
            is_async=m.is_async,
            reasons=list(m.reasons or ()),
            source=HeldMeeting.Source.PLAN,
        )
        for m in meetings
    )
    _seat(rows, [seats[m.pk] for m in meetings])
    return len(rows)


def _copy_groups(event: Event, plan_pk: int) -> int:
    seats: dict[int, list[int]] = defaultdict(list)
    for group_pk, reg_pk in (
        GroupSeat.objects.filter(group__plan_id=plan_pk)
        .order_by("group_id", "remote", "position")
        .values_list("group_id", "registration_id")
    ):
        seats[group_pk].append(reg_pk)
    groups = list(Group.objects.filter(plan_id=plan_pk).order_by("id"))
    rows = HeldMeeting.objects.bulk_create(
        HeldMeeting(
            event=event,
            round=0,
            room=g.room,
            reasons=list(g.reasons or ()),
            source=HeldMeeting.Source.GROUP,
            **_theme(g.theme),
        )
        for g in groups
    )
    _seat(rows, [seats[g.pk] for g in groups])
    return len(rows)


def _theme(theme: str) -> dict[str, str]:
    # HeldMeeting gains a ``theme`` with the live app's second migration; until then the
    # theme is simply not copied
    fields = {f.name for f in HeldMeeting._meta.get_fields()}
    return {"theme": theme} if "theme" in fields else {}


def _seat(rows: list[HeldMeeting], members: list[list[int]]) -> None:
    HeldSeat.objects.bulk_create(
        HeldSeat(meeting=row, registration_id=reg_pk, position=k)
        for row, regs in zip(rows, members, strict=True)
        for k, reg_pk in enumerate(regs)
    )


def _partners(registration: Registration) -> dict[int, set[int]]:
    """registration pk of everyone ``registration`` met -> the held meetings they shared."""
    mine = HeldSeat.objects.filter(registration=registration).values("meeting_id")
    rows = (
        HeldSeat.objects.filter(meeting_id__in=mine)
        .exclude(registration=registration)
        .values_list("registration_id", "meeting_id")
    )
    out: dict[int, set[int]] = defaultdict(set)
    for reg_pk, meeting_pk in rows:
        out[reg_pk].add(meeting_pk)
    return out


def meeting_of(registration: Registration, meeting_pk: int) -> HeldMeeting:
    """The held meeting ``meeting_pk`` if ``registration`` took part in it.

    Raises :class:`FollowupError` otherwise: a feedback link works only for the meeting's
    own members, whatever number is typed into it.
    """
    meeting = HeldMeeting.objects.filter(
        pk=meeting_pk, event_id=registration.event_id, seats__registration=registration
    ).first()
    if meeting is None:
        raise FollowupError("This feedback link is not for one of your meetings.")
    return meeting


# --------------------------------------------------------------------------- contact details


def mutual_wishes(viewer: Registration, candidates: Collection[int]) -> frozenset[int]:
    """The pks among ``candidates`` with whom ``viewer`` exchanged stay-in-touch wishes (each
    wished it of the other, after any of their meetings): the second consent of
    :mod:`netweave.web.events.partners`, registered there by this app. One query."""
    return frozenset(
        StayInTouch.objects.filter(
            from_registration=viewer,
            to_registration_id__in=list(candidates),
            to_registration__stay_in_touch_wishes__to_registration=viewer,
        ).values_list("to_registration_id", flat=True)
    )


def contacts_visible_to(registration: Registration) -> frozenset[int]:
    """The registrations whose email ``registration`` may see among the people they met
    (:func:`~netweave.web.events.partners.may_see_contact`). Read fresh each time, so a
    withdrawal shows at once everywhere."""
    met = _partners(registration)
    if not met:
        return frozenset()
    me = Registration.objects.select_related("event").get(pk=registration.pk)
    people = list(Registration.objects.filter(pk__in=met).select_related("member"))
    return frozenset(v.pk for v in partner_views(me, people) if v.email)


def set_email_sharing(registration: Registration, share: bool) -> Registration:
    """Give or withdraw the up-front consent to share one's email with people one met."""
    Registration.objects.filter(pk=registration.pk).update(consent_share_email=share)
    registration.consent_share_email = share
    return registration


def withdraw_consent(registration: Registration) -> Registration:
    """Stop sharing contact details altogether: the up-front consent and every stay-in-touch
    wish go, so no later page or email shows this person's email to anyone (an email
    already sent cannot be recalled)."""
    with transaction.atomic():
        set_email_sharing(registration, False)
        StayInTouch.objects.filter(from_registration=registration).delete()
    return registration


# --------------------------------------------------------------------------- summary


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
    """Everyone ``registration`` met (rounds, async meetings, their group), with profiles,
    contact details where both agreed, and the participant's own feedback so far."""
    meetings_held(registration.event)
    # the consents are read fresh, so a withdrawal shows at once everywhere
    me = Registration.objects.select_related("event").get(pk=registration.pk)
    meetings = list(
        HeldMeeting.objects.filter(seats__registration=registration)
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
    return _absolute("portal:summary", registration.token)


# --------------------------------------------------------------------------- feedback


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


# --------------------------------------------------------------------------- sending


def _claim(registration: Registration, kind: str) -> Delivery | None:
    """The delivery row that entitles this sender to send; None when another has it."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(registration=registration, kind=kind)
    except IntegrityError:
        return None


def _send_claimed(delivery: Delivery, send: partial[OutboxMessage]) -> OutboxMessage | None:
    """Send with the claim held. When sending failed (not: was held back because the person
    unsubscribed) the claim is given up, so the next run tries again."""
    try:
        message = send()
    except Exception:
        delivery.delete()
        raise
    if message.state == OutboxMessage.State.FAILED and message.error != UNSUBSCRIBED:
        delivery.delete()
        return message
    delivery.message = message
    delivery.save(update_fields=["message"])
    return message


@dataclass(frozen=True, slots=True)
class SummariesQueued:
    queued: int
    already_sent: int


def send_summaries(event: Event) -> SummariesQueued:
    """Queue a summary for everyone who met someone at ``event`` and has none yet.

    Safe to press twice: each registration's summary is claimed once (:func:`send_summary`).
    """
    if not event_is_over(event):
        raise FollowupError("Summaries go out after the event: mark the event as done first.")
    meetings_held(event)
    took_part = Registration.objects.filter(event=event, held_seats__isnull=False).distinct()
    sent = set(
        Delivery.objects.filter(registration__event=event, kind=Delivery.Kind.SUMMARY).values_list(
            "registration_id", flat=True
        )
    )
    todo = [pk for pk in took_part.values_list("pk", flat=True) if pk not in sent]
    from netweave.web.followup import tasks  # tasks import this module

    for pk in todo:
        transaction.on_commit(partial(tasks.send_summary_task.enqueue, pk))
    return SummariesQueued(queued=len(todo), already_sent=len(sent))


def send_summary(registration: Registration) -> OutboxMessage | None:
    """Email ``registration`` their summary, at most once; None when it was sent already."""
    delivery = _claim(registration, Delivery.Kind.SUMMARY)
    if delivery is None:
        return None
    return _send_claimed(delivery, partial(_summary_email, registration))


def _summary_email(registration: Registration) -> OutboxMessage:
    member, event = registration.member, registration.event
    summary = summary_for(registration)

    def with_link(talk: Conversation) -> tuple[Conversation, str]:
        return talk, _absolute("portal:feedback_meeting", registration.token, talk.meeting_pk)

    context = {
        "member": member,
        "event": event,
        "summary": summary,
        "link": summary_url(registration),
        "talks": [with_link(t) for t in summary.conversations],
        "group": with_link(summary.group) if summary.group else None,
        "event_feedback_link": _absolute("portal:feedback_event", registration.token),
    }
    return send_email(
        member.email,
        "summary",
        context,
        tz=member.timezone,
        community=event.community,
        kind="summary",
    )


def _absolute(name: str, *args: object) -> str:
    return settings.BASE_URL + reverse(name, args=args)


def reminder_at(event: Event, tz: str) -> dt.datetime:
    """When the reminder for ``event`` goes to someone in ``tz``: :data:`REMINDER_LEAD`
    before the start, moved into their daytime (08:00-21:00 local) so that it never
    arrives at night: a night-time moment before 08:00 moves on to 08:00 (still well before
    the event), one after 21:00 back to 20:00. Wall-clock arithmetic in the zone keeps it
    right across daylight-saving changes."""
    local = (event.starts_at - REMINDER_LEAD).astimezone(zone(tz))
    if local.hour < DAY_STARTS:
        local = local.replace(hour=DAY_STARTS, minute=0, second=0, microsecond=0)
    elif local.hour >= DAY_ENDS:
        local = local.replace(hour=DAY_ENDS - 1, minute=0, second=0, microsecond=0)
    return local.astimezone(dt.UTC)


def send_due_reminders(now: dt.datetime) -> int:
    """Send every reminder due at ``now``; how many went. Registered with ``send-due``.

    A registration gets at most one reminder (claimed before sending), none once the event
    has started, and none when it registered after its reminder time (its confirmation,
    with the invite, is fresh).
    """
    # a fully asynchronous event has no live start to remind of: the async app reminds
    # its participants of their answer window instead
    events = Event.objects.filter(
        status__in=_REMINDED,
        fully_async=False,
        starts_at__gt=now,
        starts_at__lte=now + _REMINDER_HORIZON,
    )
    regs = (
        Registration.objects.filter(event__in=events)
        .exclude(followup_deliveries__kind=Delivery.Kind.REMINDER)
        .select_related("member", "event__community")
        .order_by("pk")
    )
    sent = 0
    for registration in regs:
        due = reminder_at(registration.event, registration.member.timezone)
        if due <= now and registration.created < due:
            message = send_reminder(registration)
            sent += message is not None and message.state == OutboxMessage.State.SENT
    return sent


def send_reminder(registration: Registration) -> OutboxMessage | None:
    """The reminder with the calendar invite, at most once; None when it went already."""
    delivery = _claim(registration, Delivery.Kind.REMINDER)
    if delivery is None:
        return None
    return _send_claimed(delivery, partial(_reminder_email, registration))


def _reminder_email(registration: Registration) -> OutboxMessage:
    return send_with_invite(registration, "reminder")


# --------------------------------------------------------------------------- preferences


def set_optional_emails(member: Member, wanted: bool) -> EmailPreference:
    """Turn optional emails (reminders, summaries, nudges) on or off for ``member``."""
    preference, _ = EmailPreference.objects.update_or_create(
        member=member, defaults={"optional_emails": wanted}
    )
    return preference
