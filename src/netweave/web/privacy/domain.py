"""Privacy verbs: what netweave holds about a person, erasing it, and the retention purge.

A person is a :class:`~netweave.web.community.models.Member` of one community; everything
here stays inside that community. Other people's private data (their avoid lists, their
feedback, their answers about this person) is never part of someone's download.

This module reads the apps below it (profile, registrations, plans, held meetings, emails);
the apps above it (intros, follow-up) add their part through
:mod:`netweave.web.common.personal_data`, which they fill in their ``AppConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from netweave.web.common import onetime
from netweave.web.common.personal_data import (
    erase_registrations,
    event_counts,
    iso,
    merge_sections,
    profile_sections,
    purge_registrations,
    registration_sections,
)
from netweave.web.community.models import Community, Member
from netweave.web.events.models import Event, Registration, RegistrationRequest, Wish
from netweave.web.events.timeline import event_ends_at
from netweave.web.live.models import HeldMeeting, Replan
from netweave.web.mail.domain import send_email
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import Group, Meeting, PlanVersion
from netweave.web.privacy.models import PrivacyConfirmation, PurgeRecord

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "PurgeReport",
    "ask_owner",
    "confirmation",
    "confirmed_download",
    "confirmed_erasure",
    "erase_member",
    "member_data",
    "purge_expired",
    "retention_days",
    "send_confirmation",
    "without_keys",
]

DEFAULT_RETENTION_DAYS = 730
EXPORT_FORMAT = "netweave-personal-data/1"
#: who gives which key, for the message when an app's section clashes with this app's own
_MINE = {"source": "a personal data provider", "owner": "the privacy app"}


# ----------------------------------------------------------------------- access (download my data)


def _profile(member: Member) -> dict[str, Any]:
    fields = ["email", "name", "pronouns", "organization", "manages", "community_kind"]
    fields += ["location", "timezone"]
    data: dict[str, Any] = {f: getattr(member, f) for f in fields}
    data |= {
        "interests": member.interests,
        "offers": member.offers,
        "seeks": member.seeks,
        "about": member.about,
        "listed_for_others": member.listed,
        "extra_profile_fields": member.extra,
        # the GDPR right of access covers what organizers wrote about the person too
        "organizer_notes": member.notes,
        "organizer_tags": member.tags,
        "created": iso(member.created),
        "updated": iso(member.updated),
    }
    return merge_sections(data, profile_sections(member), **_MINE)


def _names(seats: Iterable[Any], registration: Registration) -> list[str]:
    # names only: partners' addresses are theirs (shared only through stay-in-touch)
    return [s.registration.member.name for s in seats if s.registration_id != registration.pk]


def _planned(registration: Registration) -> dict[str, Any]:
    published = PlanVersion.objects.filter(
        event=registration.event_id, published_at__isnull=False
    ).first()
    if published is None:
        return {"meetings": [], "groups": []}
    meetings = Meeting.objects.filter(plan=published, seats__registration=registration)
    groups = Group.objects.filter(plan=published, seats__registration=registration)
    return {
        "meetings": [
            {
                "round": m.round,
                "room": m.room,
                "async": m.is_async,
                "why": m.reasons,
                "with": _names(m.seats.select_related("registration__member"), registration),
            }
            for m in meetings.prefetch_related("seats")
        ],
        "groups": [
            {
                "room": g.room,
                "theme": g.theme,
                "with": _names(g.seats.select_related("registration__member"), registration),
            }
            for g in groups
        ],
    }


def _held(registration: Registration) -> list[dict[str, Any]]:
    held = HeldMeeting.objects.filter(seats__registration=registration).order_by("round", "pk")
    return [
        {
            "round": h.round,
            "room": h.room,
            "theme": h.theme,
            "with": _names(h.seats.select_related("registration__member"), registration),
        }
        for h in held
    ]


def _own_wishes(registration: Registration) -> list[dict[str, str]]:
    rows = Wish.objects.filter(registration=registration).select_related("target__member")
    return [
        {"about": w.target.member.name, "wish": Wish.Kind(w.kind).label}
        for w in rows.order_by("target__member__name", "pk")
    ]


def _registration(registration: Registration) -> dict[str, Any]:
    attendance = getattr(registration, "attendance", None)
    data = {
        "event": registration.event.title,
        "event_starts_at": iso(registration.event.starts_at),
        "mode": registration.mode,
        "looking_for": registration.looking_for,
        "requests_text": registration.requests_text,
        "avoid_text": registration.avoid_text,
        "requests": [m.name for m in registration.requests.all()],
        "avoid": [m.name for m in registration.avoid.all()],
        "share_email_with_people_met": registration.consent_share_email,
        "available_rounds": registration.available or "all",
        "first_time": registration.first_time,
        # the person's own private wishes, never anyone else's about them
        "wishes": _own_wishes(registration),
        "attendance": attendance.status if attendance else None,
        "registered": iso(registration.created),
        "plan": _planned(registration),
        "held_meetings": _held(registration),
    }
    # feedback, intro, answers and group messages: from the apps that hold them
    return merge_sections(data, registration_sections(registration), **_MINE)


#: pages whose address carries a key: a personal link, an email-preferences token, a
#: confirmation
_KEYED_PAGES = (
    "portal:mine",
    "portal:email_preferences",
    "portal:registration_confirm",
    "portal:privacy_confirm",
)
_MARK = "KEY"


def without_keys(text: str) -> str:
    """``text`` with the key of every personal link, preferences link or confirmation link
    replaced by "(link removed)".

    A data download is a file people keep, forward and attach to complaints: it must not
    open their pages (for this event or any other) to whoever reads it.
    """
    prefixes = [reverse(name, args=[_MARK]).split(_MARK)[0] for name in _KEYED_PAGES]
    keyed = re.compile("(" + "|".join(re.escape(p) for p in prefixes) + r")[^/\s]+")
    return keyed.sub(r"\1(link removed)", text)


def _emails(member: Member) -> list[dict[str, Any]]:
    sent = OutboxMessage.objects.filter(community=member.community, to__iexact=member.email)
    return [
        {
            "subject": m.subject,
            "body": without_keys(m.body),
            "kind": m.kind,
            "state": m.state,
            "created": iso(m.created),
        }
        for m in sent.order_by("created", "pk")
    ]


def member_data(member: Member) -> dict[str, Any]:
    """Everything netweave holds about ``member`` in their community, as plain JSON values."""
    registrations = member.registrations.select_related("event").order_by("event__starts_at")
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "community": member.community.name,
        "profile": _profile(member),
        "registrations": [_registration(r) for r in registrations],
        "emails_sent_to_you": _emails(member),
    }


# --------------------------------------------------------------------- confirmation from the inbox


def ask_owner(member: Member, action: str) -> PrivacyConfirmation:
    """A pending ``action`` ("download" or "delete") for ``member``, to be confirmed from
    their inbox; the caller queues :func:`send_confirmation` for it.

    A personal link may have been forwarded: its holder can ask, only the inbox can do.
    """
    if action not in PrivacyConfirmation.Action.values:
        raise ValueError(f"unknown privacy action {action!r}")
    return PrivacyConfirmation.objects.create(member=member, action=action)


def send_confirmation(row: PrivacyConfirmation) -> OutboxMessage | None:
    """Email the member the single-use link that does ``row.action`` (once per row)."""
    lifetime = dt.timedelta(minutes=settings.NETWEAVE_CONFIRM_PRIVACY_MINUTES)
    secret = onetime.arm(row, lifetime)
    if secret is None:
        return None
    member = row.member
    context = {
        "member": member,
        "community": member.community,
        "action": row.action,
        "link": settings.BASE_URL + reverse("portal:privacy_confirm", args=[secret]),
        "minutes": settings.NETWEAVE_CONFIRM_PRIVACY_MINUTES,
    }
    return send_email(
        member.email,
        "confirm_privacy",
        context,
        tz=member.timezone,
        community=member.community,
        kind="confirm_privacy",
    )


def _confirmations() -> Any:
    return PrivacyConfirmation.objects.select_related("member__community")


def confirmation(secret: str) -> PrivacyConfirmation | None:
    """The pending confirmation ``secret`` unlocks, for the page that shows it (a GET,
    which does nothing: mail scanners open links)."""
    return onetime.pending(_confirmations(), secret)


def confirmed_download(secret: str) -> dict[str, Any] | None:
    """Use up a download link: the member's data, or None for an unknown, used or expired one."""
    with transaction.atomic():
        row = onetime.redeem(_confirmations().filter(action="download"), secret)
        return member_data(row.member) if row is not None else None


def confirmed_erasure(secret: str) -> Community | None:
    """Use up an erasure link: erase the member; their community, or None for an unknown,
    used or expired link."""
    with transaction.atomic():
        row = onetime.redeem(_confirmations().filter(action="delete"), secret)
        if row is None:
            return None
        community = row.member.community
        erase_member(row.member)
    return community


# ------------------------------------------------------------------------ erasure (delete my data)


def _scrub_snapshots(events: Iterable[int], person_ids: set[str]) -> None:
    """Take people out of the plans' JSON snapshots (participants, unmatched, unmet requests),
    which name them by address and are not removed by the database's cascade."""
    for version in PlanVersion.objects.filter(event__in=list(events)).select_for_update():
        version.participants = [p for p in version.participants if p[0] not in person_ids]
        version.unmatched = [u for u in version.unmatched if u.get("id") not in person_ids]
        unmet = version.metrics.get("unmet_requests")
        if isinstance(unmet, list):
            version.metrics["unmet_requests"] = [
                r for r in unmet if not ({r.get("asker"), r.get("asked")} & person_ids)
            ]
        version.save(update_fields=["participants", "unmatched", "metrics"])


def _redacted(value: Any, name: str) -> Any:
    if isinstance(value, str):
        return value.replace(name, "(deleted)")
    if isinstance(value, list):
        return [_redacted(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v, name) for k, v in value.items()}
    return value


def _scrub_replans(events: Iterable[int], name: str) -> None:
    # a re-plan's "what changed" notes name people, for the host on the day
    for replan in Replan.objects.filter(event__in=list(events)):
        replan.changes = _redacted(replan.changes, name)
        replan.save(update_fields=["changes"])


def erase_member(member: Member) -> None:
    """Delete ``member`` and everything personal about them in their community, atomically.

    Registrations go by cascade (with seats, feedback, intros, answers, wishes); the meetings
    they were in stay, without their seat, so the other person's record is intact. Outbox
    messages and answers waiting for confirmation (:class:`RegistrationRequest`) to their
    address go too; intro files are removed once the deletion committed.
    """
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        registrations = list(member.registrations.all())
        events = {r.event_id for r in registrations}
        _scrub_snapshots(events, {member.email})
        if member.name.strip():
            _scrub_replans(events, member.name)
        OutboxMessage.objects.filter(community=member.community, to__iexact=member.email).delete()
        RegistrationRequest.objects.filter(
            event__community=member.community, email=member.email
        ).delete()
        # the apps' uncascaded parts (intro files, deleted after commit), before the rows go
        erase_registrations(member, registrations)
        member.delete()


# --------------------------------------------------------------------------- retention


def retention_days() -> int:
    """Days personal data of a past event is kept: ``NETWEAVE_RETENTION_DAYS`` (setting or
    environment), default two years."""
    value = getattr(settings, "NETWEAVE_RETENTION_DAYS", None)
    value = value or os.environ.get("NETWEAVE_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS
    days = int(value)
    if days < 1:
        raise ValueError("NETWEAVE_RETENTION_DAYS must be at least 1")
    return days


@dataclass
class PurgeReport:
    cutoff: dt.datetime
    #: event title -> counts of what was (or would be) removed
    events: dict[str, dict[str, int]] = field(default_factory=dict)
    outbox_messages: int = 0
    #: emailed confirmations (registration requests, downloads, erasures) made before the cutoff
    confirmations: int = 0
    dry_run: bool = False


def _expired_events(cutoff: dt.datetime) -> list[Event]:
    # the longest event lasts well under a week: a cheap filter, then the exact end
    candidates = Event.objects.filter(starts_at__lt=cutoff).exclude(purge_record__isnull=False)
    return [e for e in candidates.order_by("starts_at") if event_ends_at(e) < cutoff]


def _counts(event: Event) -> dict[str, int]:
    regs = Registration.objects.filter(event=event)
    modes = dict(regs.values_list("mode").annotate(n=Count("pk")).values_list("mode", "n"))
    counts = {
        "registrations": regs.count(),
        "live": modes.get(Registration.Mode.LIVE, 0),
        "async": modes.get(Registration.Mode.ASYNC, 0),
        "held_meetings": HeldMeeting.objects.filter(event=event).count(),
    }
    # feedback, intros, answers: from the apps that hold them
    return merge_sections(counts, event_counts(event), **_MINE)


def _purge_event(event: Event) -> None:
    regs = list(Registration.objects.filter(event=event))
    PurgeRecord.objects.create(event=event, counts=_counts(event))
    # snapshots name people: keep the counts in metrics, drop who
    PlanVersion.objects.filter(event=event).update(participants=[], unmatched=[])
    for version in PlanVersion.objects.filter(event=event):
        version.metrics.pop("unmet_requests", None)
        version.save(update_fields=["metrics"])
    Replan.objects.filter(event=event).update(changes={})
    RegistrationRequest.objects.filter(event=event).delete()
    # the apps' uncascaded parts (intro files, deleted after commit), before the rows go
    purge_registrations(event, regs)
    Registration.objects.filter(event=event).delete()


def _old_outbox(cutoff: dt.datetime) -> Any:
    return OutboxMessage.objects.filter(created__lt=cutoff).filter(~Q(to="") | ~Q(body=""))


def purge_expired(*, days: int | None = None, dry_run: bool = False) -> PurgeReport:
    """Remove the personal data of events that ended more than ``days`` days ago.

    Registrations go (with answers, intros and their files, feedback, wishes, seats); the
    event, its meetings and a :class:`PurgeRecord` of counts stay. Outbox messages older than
    the cutoff lose address, subject and body but keep kind and state; emailed confirmations
    made before it go. Safe to run again.
    """
    cutoff = timezone.now() - dt.timedelta(days=days or retention_days())
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    with transaction.atomic():
        for event in _expired_events(cutoff):
            report.events[f"{event.community.slug}/{event.slug}"] = _counts(event)
            if not dry_run:
                _purge_event(event)
        old = _old_outbox(cutoff)
        report.outbox_messages = old.count()
        if not dry_run:
            old.update(to="", subject="", body="", error="")
        # used or long expired: what they held (answers, who asked for what) is no use now
        confirmations = [
            m.objects.filter(created__lt=cutoff) for m in (RegistrationRequest, PrivacyConfirmation)
        ]
        report.confirmations = sum(rows.count() for rows in confirmations)
        if not dry_run:
            for rows in confirmations:
                rows.delete()
    return report
