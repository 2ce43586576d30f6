"""Participant verbs: register, edit, get one's link again, and see one's published schedule.

Participants have no passwords. A registration's unguessable ``token`` is their key; every
function here takes the registration the token resolved to and never looks further, so a
token only ever shows its own registration.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from netweave.web import onetime
from netweave.web.community.models import Community, Member
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.mail.domain import Attachment, send_email
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import GroupSeat, Meeting, PlanVersion, Seat
from netweave.web.portal.answers import (
    PROFILE_TEXT,
    Change,
    RegistrationData,
    answers_json,
    normalized_email,
    pending_changes,
    request_data,
)

__all__ = [
    "Change",
    "ConfirmationInvalidError",
    "GroupSlot",
    "RegistrationClosedError",
    "RegistrationData",
    "RegistrationLockedError",
    "Schedule",
    "Slot",
    "confirm_registration",
    "confirmation_url",
    "event_ends_at",
    "interest_vocabulary",
    "is_night",
    "listed_members",
    "night_notice",
    "normalized_email",
    "parse_tags",
    "pending_changes",
    "personal_url",
    "plan_is_published",
    "published_plan",
    "register_for_event",
    "registration_ics",
    "registration_phase",
    "registration_request",
    "request_is_locked",
    "round_starts_at",
    "schedule_for",
    "send_link_again",
    "send_link_email",
    "send_registration_email",
    "send_registration_request",
    "update_registration",
    "zone",
]

#: local hours at which a live event counts as "at night" (22:00 up to 07:00)
NIGHT_STARTS, NIGHT_ENDS = 22, 7

_TAG_SPLIT = re.compile(r"[,;\n\r]+")
_NAME_SPLIT = re.compile(r"[,;\n\r]+")


class RegistrationClosedError(Exception):
    """The event does not take registrations now."""


class RegistrationLockedError(Exception):
    """The plan is published: the registration can no longer change."""


# --------------------------------------------------------------------------- time


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``, or UTC for a name this machine does not know."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def is_night(moment: dt.datetime, tz: str) -> bool:
    """Whether ``moment`` falls between 22:00 and 07:00 local time in ``tz``."""
    hour = moment.astimezone(zone(tz)).hour
    return hour >= NIGHT_STARTS or hour < NIGHT_ENDS


def night_notice(event: Event, tz: str, mode: str) -> str:
    """A gentle note when a live participant would meet in the middle of their night.

    Not an error: some people happily stay up; we only make sure they chose knowingly.
    """
    if mode != Registration.Mode.LIVE or event.fully_async or not is_night(event.starts_at, tz):
        return ""
    local = timezone.localtime(event.starts_at, zone(tz))
    return (
        f"The event starts at {local:%H:%M} on {local:%A} {local.day} {local:%B} in {tz}, "
        "which is night where you are. You can take part asynchronously instead: you record "
        "a short intro, your partners watch it during the event and you read their answers "
        "in your morning."
    )


def round_starts_at(event: Event, number: int) -> dt.datetime:
    """When round ``number`` (1-based) starts."""
    return event.starts_at + dt.timedelta(minutes=(number - 1) * event.minutes_per_round)


def _groups_start(event: Event) -> dt.datetime:
    return event.starts_at + dt.timedelta(minutes=event.rounds * event.minutes_per_round)


def event_ends_at(event: Event) -> dt.datetime:
    end = _groups_start(event)
    if event.groups_enabled:
        end += dt.timedelta(minutes=event.group_minutes)
    return end


# --------------------------------------------------------------------------- form support


def parse_tags(text: str) -> tuple[str, ...]:
    """``"Onboarding, open  science; onboarding"`` -> ``("onboarding", "open science")``.

    Normalised as the core reads a table (lower case, single spaces, first mention wins),
    so tags typed here match tags imported from a spreadsheet.
    """
    tags = (" ".join(part.lower().split()) for part in _TAG_SPLIT.split(text))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def interest_vocabulary(community: Community, limit: int = 300) -> list[str]:
    """The community's interests, most used first: suggestions for the tag input."""
    counts: Counter[str] = Counter()
    for interests in Member.objects.filter(community=community).values_list("interests", flat=True):
        counts.update(str(tag) for tag in interests or ())
    return [tag for tag, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


def listed_members(community: Community) -> QuerySet[Member]:
    """Members who agreed to appear in the list others pick from."""
    return Member.objects.filter(community=community, listed=True).order_by("name")


def registration_phase(event: Event) -> str:
    """``"open"``, ``"soon"`` (a draft, or open with a start still ahead) or ``"closed"``."""
    if event.registration_is_open:
        return "open"
    if event.status == Event.Status.DRAFT:
        return "soon"
    opens = event.registration_opens
    if event.status == Event.Status.OPEN and opens and timezone.now() < opens:
        return "soon"
    return "closed"


# --------------------------------------------------------------------------- plan state


def published_plan(event: Event) -> PlanVersion | None:
    """The plan participants may see: the most recently published version, if any."""
    return (
        PlanVersion.objects.filter(event=event, published_at__isnull=False)
        .order_by("-published_at", "-number")
        .first()
    )


def plan_is_published(event: Event) -> bool:
    return PlanVersion.objects.filter(event=event, published_at__isnull=False).exists()


# --------------------------------------------------------------------------- writes


def _set_profile(member: Member, data: RegistrationData, *, keep_existing: bool) -> None:
    """Copy the profile onto ``member``.

    From the public form (``keep_existing``) a blank answer keeps what we already knew, for
    instance from an organizer's import; from the participant's own edit page it clears.
    """
    for name in PROFILE_TEXT:
        value = getattr(data, name)
        if value or not keep_existing:
            setattr(member, name, value)
    if data.interests or not keep_existing:
        member.interests = list(data.interests)
    # time zone and consent are always the latest answer: they are choices, not facts
    member.timezone = data.timezone
    member.listed = data.listed


def _resolve_names(community: Community, text: str, exclude: Member) -> list[Member]:
    """Members of ``community`` named (by email or exact name, any case) in ``text``."""
    # a bound on the query's size: nobody lists fifty people to avoid
    wanted = list(dict.fromkeys(" ".join(p.lower().split()) for p in _NAME_SPLIT.split(text)))
    wanted = [w for w in wanted if w][:50]
    if not wanted:
        return []
    match = Q(email__in=wanted)
    for name in wanted:
        match |= Q(name__iexact=name)
    return list(Member.objects.filter(match, community=community).exclude(pk=exclude.pk))


def _set_registration(registration: Registration, data: RegistrationData) -> None:
    member, event = registration.member, registration.event
    requested = list(
        listed_members(event.community).filter(pk__in=data.requests).exclude(pk=member.pk)
    )
    registration.mode = data.mode
    registration.looking_for = data.looking_for
    # the names are kept as text too: organizers review requests next to imported ones
    registration.requests_text = "; ".join(m.name for m in requested)
    registration.avoid_text = data.avoid_text
    registration.consent_share_email = data.consent_share_email
    registration.save()
    registration.requests.set(requested)
    registration.avoid.set(_resolve_names(event.community, data.avoid_text, member))


def _save_registration(
    event: Event, data: RegistrationData, *, newcomer: bool
) -> tuple[Registration, bool] | None:
    """Write ``data`` as ``event``'s registration; returns it and whether it is new.

    ``newcomer``: only for an address nobody has here yet. None when the address turns out
    to be known (also when another request created it a moment ago: the insert then fails
    on the unique email), because then only its owner may change anything.
    """
    email = normalized_email(data.email)
    try:
        with transaction.atomic():
            member = Member.objects.filter(community=event.community, email=email).first()
            if member is not None and newcomer:
                return None
            member = member or Member(community=event.community, email=email)
            _set_profile(member, data, keep_existing=True)
            member.save()
            registration = Registration.objects.filter(event=event, member=member).first()
            if registration is not None and plan_is_published(event):
                raise RegistrationLockedError(registration.pk)
            created = registration is None
            registration = registration or Registration(event=event, member=member)
            _set_registration(registration, data)
    except IntegrityError:
        if newcomer:
            return None
        # the owner confirmed twice at once and the other request won the race: now there
        # is a row to update
        return _save_registration(event, data, newcomer=False)
    return registration, created


def register_for_event(event: Event, data: RegistrationData) -> None:
    """The public form: register ``data`` for ``event``, or ask the address's owner first.

    Whoever typed the address may not own it. A brand-new address (nobody here has it) is
    registered at once and its personal link emailed to it, with a way to remove it; what
    only the owner may decide (sharing the address with partners, being listed for other
    members) waits for them to confirm it from that email. An address that is known in the
    community (a member, perhaps already registered) changes nothing: the answers wait as a
    :class:`RegistrationRequest` and its owner gets a link to confirm them
    (:func:`confirm_registration`); until then they are in no plan.

    Returns nothing on purpose: the caller must answer the same either way, so nobody can
    find out who is a member, or obtain someone's link, by typing their address.
    """
    if not event.registration_is_open:
        raise RegistrationClosedError(event.pk)
    unconsented = replace(data, consent_share_email=False, listed=False)
    saved = _save_registration(event, unconsented, newcomer=True)
    if saved is None:
        _ask_owner(event, data)
        return
    consents = _new_request(event, data) if unconsented != data else None
    _enqueue_registration_email(saved[0], updated=False, consents=consents)


# --------------------------------------------------------------------------- confirmations


class ConfirmationInvalidError(Exception):
    """The confirmation link is unknown, already used or expired."""


def _new_request(event: Event, data: RegistrationData) -> RegistrationRequest:
    return RegistrationRequest.objects.create(
        event=event, email=normalized_email(data.email), answers=answers_json(data)
    )


def _ask_owner(event: Event, data: RegistrationData) -> RegistrationRequest:
    request = _new_request(event, data)
    # a task, like every email of a form; it makes the secret itself, so the secret is never
    # in the queue
    from netweave.web.portal import tasks

    tasks.send_registration_request_task.enqueue(request.pk)
    return request


def confirmation_url(secret: str) -> str:
    return settings.BASE_URL + reverse("portal:registration_confirm", args=[secret])


def send_registration_request(request: RegistrationRequest) -> OutboxMessage | None:
    """Email the owner of ``request.email`` the link that confirms it (once per request)."""
    lifetime = dt.timedelta(hours=settings.NETWEAVE_CONFIRM_REGISTRATION_HOURS)
    secret = onetime.arm(request, lifetime)
    if secret is None:
        return None
    event = request.event
    member = Member.objects.filter(community=event.community, email=request.email).first()
    context = {
        "event": event,
        "member": member,
        "registered": Registration.objects.filter(event=event, member=member).exists(),
        "link": confirmation_url(secret),
        "expires_at": request.expires_at,
    }
    tz = member.timezone if member else event.timezone
    context["tz_name"] = tz
    return send_email(
        request.email,
        "confirm_registration",
        context,
        tz=tz,
        community=event.community,
        kind="confirm_registration",
    )


def registration_request(secret: str) -> RegistrationRequest:
    """The pending request ``secret`` confirms (for the page that shows it, which changes
    nothing: mail scanners open links too)."""
    request = onetime.pending(
        RegistrationRequest.objects.select_related("event__community"), secret
    )
    if request is None:
        raise ConfirmationInvalidError
    return request


def request_is_locked(request: RegistrationRequest) -> bool:
    """Whether confirming ``request`` would change a registration whose plan is published."""
    event = request.event
    registered = Registration.objects.filter(event=event, member__email=request.email)
    return registered.exists() and plan_is_published(event)


def confirm_registration(secret: str) -> Registration:
    """The owner confirmed from their inbox: apply the request as the form would have.

    Raises :class:`ConfirmationInvalidError` for an unknown, used or expired link, and
    :class:`RegistrationClosedError` or :class:`RegistrationLockedError` when the event no
    longer takes the answers (the link then stays unused).
    """
    with transaction.atomic():
        request = onetime.redeem(RegistrationRequest.objects.select_related("event"), secret)
        if request is None:
            raise ConfirmationInvalidError
        if not request.event.registration_is_open:
            raise RegistrationClosedError(request.event.pk)
        saved = _save_registration(request.event, request_data(request), newcomer=False)
    assert saved is not None  # only a newcomer's save gives way
    registration, created = saved
    _enqueue_registration_email(registration, updated=not created)
    return registration


def update_registration(registration: Registration, data: RegistrationData) -> Registration:
    """The participant's own changes from their page, until the plan is published.

    The email stays: it is the person's identity in the community (and where their link goes).
    """
    if plan_is_published(registration.event):
        raise RegistrationLockedError(registration.pk)
    with transaction.atomic():
        member = registration.member
        _set_profile(member, data, keep_existing=False)
        member.save()
        _set_registration(registration, data)
    return registration


# --------------------------------------------------------------------------- email


def personal_url(registration: Registration) -> str:
    """The absolute address of the participant's page, for emails and calendars."""
    return settings.BASE_URL + reverse("portal:mine", args=[registration.token])


def _enqueue_registration_email(
    registration: Registration, *, updated: bool, consents: RegistrationRequest | None = None
) -> None:
    # a task, so a slow mail server never holds up the page; ids only, as tasks should
    from netweave.web.portal import tasks

    consents_pk = consents.pk if consents else None
    tasks.send_registration_email_task.enqueue(registration.pk, updated, consents_pk)


def _consent_link(request: RegistrationRequest | None) -> tuple[str, list[str]]:
    """The link that confirms a newcomer's consents, and what they asked for."""
    if request is None:
        return "", []
    asked = [
        wish
        for key, wish in (
            ("consent_share_email", "share your email with the people you meet"),
            ("listed", "list you so other members can ask to meet you"),
        )
        if request.answers.get(key)
    ]
    secret = onetime.arm(request, dt.timedelta(hours=settings.NETWEAVE_CONFIRM_REGISTRATION_HOURS))
    return (confirmation_url(secret), asked) if secret else ("", [])


def send_registration_email(
    registration: Registration, *, updated: bool, consents: RegistrationRequest | None = None
) -> OutboxMessage:
    """The confirmation: the personal link and a calendar invite, in the member's zone;
    for a newcomer, a way to remove it all, and the link that confirms ``consents``."""
    night = night_notice(registration.event, registration.member.timezone, registration.mode)
    remove = settings.BASE_URL + reverse("portal:privacy_delete", args=[registration.token])
    consent_link, asked = _consent_link(consents)
    return send_with_invite(
        registration,
        "registration",
        updated=updated,
        night=night,
        remove_link=remove,
        consent_link=consent_link,
        consents_asked=" and to ".join(asked),
    )


def send_with_invite(registration: Registration, kind: str, **extra: object) -> OutboxMessage:
    """Email ``mail/<kind>.txt`` to the participant with their link and the event's calendar
    invite, rendered in their time zone."""
    member, event = registration.member, registration.event
    context = {
        "registration": registration,
        "member": member,
        "event": event,
        "link": personal_url(registration),
        "tz_name": member.timezone,
        "ends_at": event_ends_at(event),
        **extra,
    }
    invite = Attachment("invite.ics", registration_ics(registration), "text/calendar")
    return send_email(
        member.email,
        kind,
        context,
        tz=member.timezone,
        community=event.community,
        kind=kind,
        attachments=[invite],
    )


def send_link_email(registration: Registration) -> OutboxMessage:
    member, event = registration.member, registration.event
    return send_email(
        member.email,
        "link",
        {"member": member, "event": event, "link": personal_url(registration)},
        tz=member.timezone,
        community=event.community,
        kind="link",
    )


def send_link_again(event: Event, email: str) -> None:
    """Email the personal link to ``email`` if it is registered for ``event``.

    Returns nothing on purpose: the caller must answer the same whether or not the address
    is registered, so nobody can find out who takes part by trying addresses.
    """
    registration = Registration.objects.filter(
        event=event, member__email=normalized_email(email)
    ).first()
    if registration is not None:
        from netweave.web.portal import tasks

        tasks.send_link_email_task.enqueue(registration.pk)


# --------------------------------------------------------------------------- calendar


def registration_ics(registration: Registration) -> bytes:
    """A calendar file for the registration's event, times in UTC (right in every zone)."""
    event = registration.event
    host = urlsplit(settings.BASE_URL).hostname or "netweave"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//netweave//netweave//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    entry = icalendar.Event()
    # stable per registration, so a second invite updates the calendar entry; no token in
    # it, because calendars get shared
    entry.add("uid", f"event-{event.pk}-registration-{registration.pk}@{host}")
    entry.add("dtstamp", timezone.now().astimezone(dt.UTC))
    entry.add("dtstart", event.starts_at.astimezone(dt.UTC))
    entry.add("dtend", event_ends_at(event).astimezone(dt.UTC))
    entry.add("summary", event.title)
    link = personal_url(registration)
    entry.add("description", f"Your page with whom you meet and why: {link}")
    entry.add("url", link)
    cal.add_component(entry)
    return cal.to_ical()


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True, slots=True)
class Slot:
    """One round for the participant; no partners means a free round."""

    round: int
    starts_at: dt.datetime
    room: str | None = None
    is_async: bool = False
    partners: tuple[PartnerView, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupSlot:
    starts_at: dt.datetime
    room: str
    theme: str
    members: tuple[PartnerView, ...]
    reasons: tuple[str, ...]
    #: the participant is attached remotely (async) rather than in the live room
    remote: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    plan: PlanVersion
    slots: tuple[Slot, ...]
    group: GroupSlot | None


Views = dict[int, PartnerView]


def _others(
    seats: list[Seat] | list[GroupSeat], me: Registration, views: Views
) -> tuple[PartnerView, ...]:
    return tuple(views[s.registration_id] for s in seats if s.registration_id != me.pk)


def _views(me: Registration, *seatings: list[Seat] | list[GroupSeat]) -> Views:
    """Everyone the participant meets in the plan, as they may see them (one rule, one go)."""
    people = {s.registration_id: s.registration for seats in seatings for s in seats}
    people.pop(me.pk, None)
    return {v.pk: v for v in partner_views(me, list(people.values()))}


def _seats() -> QuerySet[Seat]:
    return Seat.objects.select_related("registration__member").order_by("position")


def _meetings(plan: PlanVersion, registration: Registration) -> dict[int, Meeting]:
    meetings = (
        Meeting.objects.filter(plan=plan, seats__registration=registration)
        .prefetch_related(Prefetch("seats", queryset=_seats()))
        .order_by("round", "id")
    )
    return {m.round: m for m in meetings}


def _slots(
    by_round: dict[int, Meeting], registration: Registration, views: Views
) -> tuple[Slot, ...]:
    event = registration.event
    slots = []
    for number in range(1, max([event.rounds, *by_round]) + 1):
        meeting = by_round.get(number)
        start = round_starts_at(event, number)
        if meeting is None:
            slots.append(Slot(round=number, starts_at=start))
            continue
        slots.append(
            Slot(
                round=number,
                starts_at=start,
                room=meeting.room,
                is_async=meeting.is_async,
                partners=_others(list(meeting.seats.all()), registration, views),
                reasons=tuple(str(r) for r in meeting.reasons or ()),
            )
        )
    return tuple(slots)


def _group_seats(
    plan: PlanVersion, registration: Registration
) -> tuple[GroupSeat | None, list[GroupSeat]]:
    """The participant's own group seat and everyone's seats in that group."""
    mine = (
        GroupSeat.objects.filter(group__plan=plan, registration=registration)
        .select_related("group")
        .first()
    )
    if mine is None:
        return None, []
    seats = list(
        GroupSeat.objects.filter(group=mine.group)
        .select_related("registration__member")
        .order_by("remote", "position")
    )
    return mine, seats


def _group(
    mine: GroupSeat, seats: list[GroupSeat], registration: Registration, views: Views
) -> GroupSlot:
    group = mine.group
    return GroupSlot(
        starts_at=_groups_start(registration.event),
        room=group.room,
        theme=group.theme,
        members=_others(seats, registration, views),
        reasons=tuple(str(r) for r in group.reasons or ()),
        remote=mine.remote,
    )


def schedule_for(registration: Registration) -> Schedule | None:
    """The participant's rounds and group in the published plan; None before publishing.

    Only a published version is ever read: drafts the organizers are still curating stay
    private to them.
    """
    plan = published_plan(registration.event)
    if plan is None:
        return None
    by_round = _meetings(plan, registration)
    mine, group_seats = _group_seats(plan, registration)
    seats = [list(m.seats.all()) for m in by_round.values()]
    views = _views(registration, *seats, group_seats)
    return Schedule(
        plan=plan,
        slots=_slots(by_round, registration, views),
        group=_group(mine, group_seats, registration, views) if mine else None,
    )
