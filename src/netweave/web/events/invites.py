"""The emails that carry a participant's personal link: the confirmation of a registration
(with a calendar invite), "your link again", and the owner's confirmation request.

Each is rendered in the recipient's time zone and recorded in the outbox
(:func:`netweave.web.mail.domain.send_email`); tasks call these, pages never do.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from netweave.web.common import onetime
from netweave.web.community.models import Member
from netweave.web.events.links import personal_url
from netweave.web.events.meeting import join_info
from netweave.web.events.models import Event, Registration, RegistrationRequest
from netweave.web.events.timeline import event_ends_at, night_notice
from netweave.web.mail.domain import Attachment, send_email, send_email_once
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "calendar_host",
    "calendar_ics",
    "confirmation_url",
    "invite_context",
    "registration_ics",
    "removal_url",
    "send_dates_changed",
    "send_link_email",
    "send_once_with_invite",
    "send_registration_email",
    "send_registration_request",
    "send_with_invite",
]


def confirmation_url(secret: str) -> str:
    return settings.BASE_URL + reverse("portal:registration_confirm", args=[secret])


def removal_url(registration: Registration) -> str:
    """Where someone who never asked to take part removes everything held about them (the
    page emails its owner a confirmation link first)."""
    return settings.BASE_URL + reverse("portal:privacy_delete", args=[registration.token])


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
    consent_link, asked = _consent_link(consents)
    return send_with_invite(
        registration,
        "registration",
        updated=updated,
        night=night,
        consent_link=consent_link,
        consents_asked=" and to ".join(asked),
    )


def send_with_invite(registration: Registration, kind: str, **extra: object) -> OutboxMessage:
    """Email ``mail/<kind>.txt`` to the participant with their link, the event's join
    information and calendar invite, rendered in their time zone."""
    context = invite_context(registration, **extra)
    invite = Attachment("invite.ics", registration_ics(registration), "text/calendar")
    member = registration.member
    return send_email(
        member.email,
        kind,
        context,
        tz=member.timezone,
        community=registration.event.community,
        kind=kind,
        attachments=[invite],
    )


def send_once_with_invite(
    registration: Registration, kind: str, key: str, **extra: object
) -> OutboxMessage | None:
    """:func:`send_with_invite` at most once per ``key`` (None when it went already).

    Like every email with a personal link, it goes only to the owner's own address.
    """
    context = invite_context(registration, **extra)
    invite = Attachment("invite.ics", registration_ics(registration), "text/calendar")
    member = registration.member
    return send_email_once(
        key,
        member.email,
        kind,
        context,
        tz=member.timezone,
        community=registration.event.community,
        kind=kind,
        attachments=[invite],
    )


def invite_context(registration: Registration, **extra: object) -> dict[str, object]:
    """What every email with a personal link is rendered with: the person, the event, the
    link, their zone, the end time, the join information and the way out for someone who
    never asked to take part; ``extra`` on top."""
    member, event = registration.member, registration.event
    return {
        "registration": registration,
        "member": member,
        "event": event,
        "link": personal_url(registration),
        "tz_name": member.timezone,
        "ends_at": event_ends_at(event),
        "join": join_info(registration),
        "remove_link": removal_url(registration),
        **extra,
    }


def send_dates_changed(event: Event) -> int:
    """Email each person registered for ``event`` its new times, with an invite that updates
    their calendar entry (same UID); at most once per person and set of times, so a task run
    twice, or a save that changes nothing else, sends nothing more. How many were sent."""
    stamp = event_ends_at(event).isoformat()
    sent = 0
    people = event.registrations.select_related("member", "event__community").order_by("pk")
    for registration in people:
        key = f"dates-changed:{registration.pk}:{event.starts_at.isoformat()}:{stamp}"
        sent += send_once_with_invite(registration, "dates_changed", key) is not None
    return sent


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


def calendar_ics(
    uid: str,
    starts: dt.datetime,
    ends: dt.datetime,
    summary: str,
    description: str,
    url: str,
    location: str = "",
) -> bytes:
    """A calendar file with one entry, times in UTC (right in every zone); ``uid`` stable
    per entry, so a second invite updates it (no token in it: calendars get shared)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//netweave//netweave//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", uid)
    entry.add("dtstamp", timezone.now().astimezone(dt.UTC))
    entry.add("dtstart", starts.astimezone(dt.UTC))
    entry.add("dtend", ends.astimezone(dt.UTC))
    entry.add("summary", summary)
    entry.add("description", description)
    if location:
        # calendars offer LOCATION as the place to click on the day
        entry.add("location", location)
    entry.add("url", url)
    cal.add_component(entry)
    return cal.to_ical()


def calendar_host() -> str:
    """The host part of calendar entries' uids."""
    return urlsplit(settings.BASE_URL).hostname or "netweave"


def registration_ics(registration: Registration) -> bytes:
    """A calendar file for the registration's event, times in UTC (right in every zone)."""
    event = registration.event
    link = personal_url(registration)
    join = join_info(registration)
    lines = [*(join.lines if join else ()), f"Your page with whom you meet and why: {link}"]
    join_url = join.url if join and join.url else ""
    return calendar_ics(
        f"event-{event.pk}-registration-{registration.pk}@{calendar_host()}",
        event.starts_at,
        event_ends_at(event),
        event.title,
        "\n".join(lines),
        join_url or link,
        join_url,
    )
