"""Asynchronous participation: the verbs behind intros, partner forms, digests and reminders.

Who meets whom comes from the published plan, or from what really happened (``HeldMeeting``,
written by the live app) once there is a record of it. Participants are registrations,
reached by their token; nothing here trusts a name, a file name or an id from a form without
checking that it belongs to the same event and to a partner.

Every write is all or nothing (``transaction.atomic``), and every email that goes out at a
time (digests, reminders) is marked sent in the transaction that sent it, under a row lock,
so ``netweave send-due`` run twice at once still sends each message once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from netweave.web.events.models import Event, Registration
from netweave.web.events.partners import PartnerView, partner_view, partner_views
from netweave.web.intros import media
from netweave.web.intros.models import (
    Answers,
    Digest,
    FollowUp,
    GroupMessage,
    Intro,
    IntroSettings,
    Nudge,
    Reminder,
)
from netweave.web.intros.storage import intro_storage
from netweave.web.live.models import HeldMeeting, HeldSeat
from netweave.web.mail import domain as mail_domain
from netweave.web.mail.domain import send_email
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import Group, GroupSeat, Seat
from netweave.web.portal.domain import (
    event_ends_at,
    personal_url,
    published_plan,
    zone,
)

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

#: after this many failed attempts (mail server refusing) a digest is left for the organizers
MAX_ATTEMPTS = 5
#: a container that says 180.4 s for a 3-minute recording is not "too long"
LENGTH_TOLERANCE = 1.0
#: the largest intro form without the video: text, link and a captions file
DETAILS_MAX_BYTES = 1024 * 1024
#: the intro reminder goes this long before the event; the closing one before the window ends
INTRO_REMINDER_BEFORE = dt.timedelta(days=2)
CLOSING_REMINDER_BEFORE = dt.timedelta(hours=24)
#: an organizer's nudge is not repeated to the same person sooner than this
NUDGE_PAUSE = dt.timedelta(hours=1)
#: events further back than this are no longer looked at by the due senders
LOOK_BACK = dt.timedelta(days=45)
TEXT_MAX = 3000
ANSWER_MAX = 3000
MESSAGE_MAX = 2000


class IntroError(ValueError):
    """An intro the participant sent cannot be used; the message says why. Their previous
    intro is kept as it was."""


class AnswersClosedError(ValueError):
    """The partner form cannot change any more (digest sent, window closed or not open)."""


class NotPartnerError(PermissionError):
    """The two registrations did not meet (in the plan or in reality)."""


# --------------------------------------------------------------------------- settings


def intro_settings(event: Event) -> IntroSettings:
    """The event's async settings; an unsaved row with the defaults when none were saved."""
    found = IntroSettings.objects.filter(event=event).first()
    return found or IntroSettings(event=event)


def update_intro_settings(event: Event, **values: object) -> IntroSettings:
    """Save the organizers' async settings for ``event`` (fields of :class:`IntroSettings`)."""
    with transaction.atomic():
        row, _ = IntroSettings.objects.select_for_update().get_or_create(event=event)
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
    return row


def max_upload_bytes(event: Event) -> int:
    """The event's video limit, never above the server's (``NETWEAVE_MAX_UPLOAD_MB``), which
    refuses bigger bodies before they reach us."""
    mb = min(intro_settings(event).max_video_mb, settings.NETWEAVE_MAX_UPLOAD_MB)
    return mb * 1024 * 1024


def max_request_bytes(event: Event) -> int:
    """The largest request body an upload may have: the file plus its envelope."""
    return max_upload_bytes(event) + settings.NETWEAVE_UPLOAD_ENVELOPE_BYTES


# --------------------------------------------------------------------------- who meets whom


def is_async_participant(registration: Registration) -> bool:
    """Whether ``registration`` takes part asynchronously (everyone does in a fully async
    event, whatever they chose when registering)."""
    return registration.event.fully_async or registration.mode == Registration.Mode.ASYNC


Meetings = dict[int, list[list[int]]]  # round -> meetings, each a list of registration pks


def _by_round(rows: Iterable[tuple[int, int, int]]) -> Meetings:
    """``(round, meeting pk, registration pk)`` rows, in seat order, as meetings per round."""
    meetings: dict[tuple[int, int], list[int]] = defaultdict(list)
    for number, meeting, registration in rows:
        meetings[number, meeting].append(registration)
    out: Meetings = defaultdict(list)
    for (number, _), members in meetings.items():
        out[number].append(members)
    return dict(out)


def _plan_meetings(event: Event) -> Meetings:
    plan = published_plan(event)
    if plan is None:
        return {}
    rows = Seat.objects.filter(meeting__plan=plan).order_by(
        "meeting__round", "meeting_id", "position"
    )
    return _by_round(rows.values_list("meeting__round", "meeting_id", "registration_id"))


def _held_stage() -> Q:
    return Q(meeting__source=HeldMeeting.Source.GROUP) | Q(meeting__round=0)


def _held_meetings(event: Event) -> Meetings:
    rows = HeldSeat.objects.filter(meeting__event=event).exclude(_held_stage())
    rows = rows.order_by("meeting__round", "meeting_id", "position")
    return _by_round(rows.values_list("meeting__round", "meeting_id", "registration_id"))


def _group_lists(event: Event) -> list[list[int]]:
    """Small groups, planned and held, as lists of registration pks."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    plan = published_plan(event)
    if plan is not None:
        seats = GroupSeat.objects.filter(group__plan=plan).order_by(
            "group_id", "remote", "position"
        )
        for group, registration in seats.values_list("group_id", "registration_id"):
            groups["plan", group].append(registration)
    held = HeldSeat.objects.filter(meeting__event=event).filter(_held_stage())
    for meeting, registration in held.values_list("meeting_id", "registration_id"):
        groups["held", meeting].append(registration)
    return list(groups.values())


def _pairs_map(meetings: Iterable[list[int]]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for members in meetings:
        for a in members:
            out[a] += [b for b in members if b != a and b not in out[a]]
    return dict(out)


def meetings_of_event(event: Event) -> dict[int, list[int]]:
    """registration pk -> partner pks, in round order: per round, what really happened where
    the live app recorded it (the plan may change on the day), else the published plan."""
    planned, held = _plan_meetings(event), _held_meetings(event)
    rounds = sorted(planned.keys() | held.keys())
    return _pairs_map(m for n in rounds for m in held.get(n) or planned.get(n, []))


def partners_of(registration: Registration) -> list[Registration]:
    """The people ``registration`` meets one-on-one (or in a trio), in round order."""
    ids = meetings_of_event(registration.event).get(registration.pk, [])
    found = Registration.objects.filter(pk__in=ids).select_related("member", "event")
    by_pk = {r.pk: r for r in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def group_mates(registration: Registration) -> set[int]:
    """Registration pks sharing a small group with ``registration`` (planned or held)."""
    groups = _group_lists(registration.event)
    mates = {pk for members in groups if registration.pk in members for pk in members}
    return mates - {registration.pk}


def can_watch(viewer: Registration, owner: Registration) -> bool:
    """Whether ``viewer`` may see ``owner``'s intro: themselves, anyone they are matched with
    in the published plan or met in reality, and their small group."""
    if viewer.event_id != owner.event_id:
        return False
    if viewer.pk == owner.pk:
        return True
    event = viewer.event
    everything = [*_plan_meetings(event).values(), *_held_meetings(event).values()]
    matched = _pairs_map(m for meetings in everything for m in meetings)
    return owner.pk in matched.get(viewer.pk, []) or owner.pk in group_mates(viewer)


def _require_partners(author: Registration, subject: Registration) -> None:
    """The form is for one-on-one partners (what the subject's digest lists)."""
    if author.pk == subject.pk or author.event_id != subject.event_id:
        raise NotPartnerError(author.pk)
    if subject.pk not in meetings_of_event(author.event).get(author.pk, []):
        raise NotPartnerError(author.pk)


# --------------------------------------------------------------------------- intros


def intro_of(registration: Registration) -> Intro | None:
    return Intro.objects.filter(registration=registration).first()


def _stored_name(registration: Registration, extension: str) -> str:
    # random: the uploaded name says things about people ("ana-lima-intro-final.mov") and
    # a guessable name would be a way around the permission checks
    return f"{registration.event_id}/{secrets.token_urlsafe(24)}.{extension}"


def _limits_message(event: Event) -> str:
    s = intro_settings(event)
    return f"at most {duration_text(s.max_video_seconds)} and {s.max_video_mb} MB"


def duration_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if not minutes:
        return f"{rest} seconds"
    return f"{minutes} minute{'s' if minutes != 1 else ''}" + (f" {rest} s" if rest else "")


def check_video(event: Event, upload: UploadedFile) -> tuple[str, float | None]:
    """The type and length of ``upload``, or :class:`IntroError` saying what is wrong."""
    limits = intro_settings(event)
    if upload.size is None or upload.size > max_upload_bytes(event):
        raise IntroError(f"The video is too large: {_limits_message(event)}.")
    if not upload.size:
        raise IntroError("The file is empty. Choose the video again.")
    upload.seek(0)
    kind = media.sniff_video(upload.read(16))
    if kind is None:
        raise IntroError(
            "That file is not a video we can play: upload an MP4, MOV or WebM video "
            "(the file's contents decide, not its name)."
        )
    try:
        seconds = media.video_seconds(upload.file, kind)
    except media.BrokenMediaError as exc:
        raise IntroError(
            f"The video file seems damaged or cut off ({exc}). Record or export it again."
        ) from None
    if seconds is not None and seconds > limits.max_video_seconds + LENGTH_TOLERANCE:
        raise IntroError(
            f"The video is {duration_text(seconds)} long; intros here are "
            f"{_limits_message(event)}. Trim it, or record a shorter one."
        )
    upload.seek(0)
    return kind, seconds


def save_intro_video(registration: Registration, upload: UploadedFile) -> Intro:
    """Store ``upload`` as the registration's intro video, replacing the previous one.

    The file is checked by its contents before anything is stored; a refused file leaves the
    previous intro exactly as it was. The old file (and its captions, which belong to it) is
    deleted only after the new row is committed, so a failure at any point never leaves the
    intro without a video.
    """
    kind, seconds = check_video(registration.event, upload)
    storage = intro_storage()
    name = storage.save(_stored_name(registration, media.EXTENSIONS[kind]), upload)
    try:
        with transaction.atomic():
            intro = _locked_intro(registration)
            # captions belong to the video they were written for: they go with it
            old = [n for n in (intro.video_name, intro.captions_name) if n]
            intro.video_name, intro.video_type, intro.captions_name = name, kind, ""
            intro.video_size, intro.video_seconds = upload.size or 0, seconds
            intro.save()
            for stale in old:
                transaction.on_commit(partial(storage.delete, stale))
    except Exception:
        storage.delete(name)
        raise
    return intro


def _locked_intro(registration: Registration) -> Intro:
    Intro.objects.get_or_create(registration=registration)
    return Intro.objects.select_for_update().get(registration=registration)


def remove_intro_video(registration: Registration) -> Intro | None:
    """Delete the intro video (and its captions, which belong to it)."""
    storage = intro_storage()
    with transaction.atomic():
        intro = Intro.objects.select_for_update().filter(registration=registration).first()
        if intro is None:
            return None
        old = [n for n in (intro.video_name, intro.captions_name) if n]
        intro.video_name = intro.video_type = intro.captions_name = ""
        intro.video_size, intro.video_seconds = 0, None
        intro.save()
        for name in old:
            transaction.on_commit(partial(storage.delete, name))
    return intro


def update_intro(
    registration: Registration,
    *,
    text: str,
    link: str,
    captions: bytes | None = None,
    remove_captions: bool = False,
) -> Intro:
    """Save the written intro, the video link (empty: none) and, if given, new captions (or
    remove the captions).

    Everything is checked first: a broken link or a captions file that is not WebVTT is
    refused with :class:`IntroError`, and then nothing changes.
    """
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise IntroError(f"The written intro is longer than {TEXT_MAX} characters.")
    try:
        video_link = media.parse_video_link(link) if link.strip() else None
        vtt = media.check_captions(captions) if captions is not None else None
    except (media.LinkError, media.CaptionsError) as exc:
        raise IntroError(str(exc)) from None
    storage = intro_storage()
    new_captions = storage.save(_stored_name(registration, "vtt"), ContentFile(vtt)) if vtt else ""
    try:
        return _write_intro(registration, text, video_link, new_captions, remove_captions)
    except Exception:
        if new_captions:
            storage.delete(new_captions)
        raise


def _write_intro(
    registration: Registration,
    text: str,
    link: media.VideoLink | None,
    captions: str,
    remove_captions: bool,
) -> Intro:
    storage = intro_storage()
    with transaction.atomic():
        intro = _locked_intro(registration)
        intro.text = text
        intro.link_url = link.url if link else ""
        intro.link_kind = link.kind if link else ""
        intro.embed_url = link.embed_url if link else ""
        if (captions or remove_captions) and intro.captions_name:
            transaction.on_commit(partial(storage.delete, intro.captions_name))
            intro.captions_name = ""
        if captions:
            intro.captions_name = captions
        intro.save()
    return intro


def open_intro_media(intro: Intro, which: str) -> tuple[IO[bytes], int, str]:
    """``(file, size, content type)`` of the intro's ``video`` or ``captions``.

    Raises ``FileNotFoundError`` when there is none (or its file went missing).
    """
    name = intro.video_name if which == "video" else intro.captions_name
    if which not in ("video", "captions") or not name:
        raise FileNotFoundError(which)
    storage = intro_storage()
    content_type = intro.video_type if which == "video" else "text/vtt; charset=utf-8"
    return storage.open(name, "rb"), storage.size(name), content_type


def request_intro(registration: Registration) -> Intro:
    """An organizer asks ``registration`` (live or async) for an intro: their page shows the
    intro section from now on, and they get an email with the link."""
    with transaction.atomic():
        intro = _locked_intro(registration)
        intro.requested_at = timezone.now()
        intro.save()
        from netweave.web.intros.tasks import send_intro_request_task

        transaction.on_commit(partial(send_intro_request_task.enqueue, registration.pk))
    return intro


def send_intro_request_email(registration: Registration) -> OutboxMessage:
    member, event = registration.member, registration.event
    limits = intro_settings(event)
    return send_email(
        member.email,
        "nudge_intro",
        {
            "member": member,
            "event": event,
            "link": _url("portal:intro", registration),
            "max_minutes": duration_text(limits.max_video_seconds),
        },
        tz=member.timezone,
        community=event.community,
        kind="intro-request",
    )


# --------------------------------------------------------------------------- time


def local_moment(day: dt.date, at: dt.time, tz: str) -> dt.datetime:
    """``at`` o'clock on ``day`` in zone ``tz``, as an aware UTC datetime.

    zoneinfo gives each date its own offset, so 09:00 stays 09:00 on either side of a
    daylight-saving change. A wall time that does not exist (inside the spring-forward gap)
    comes out an hour later, as clocks show it.
    """
    return dt.datetime.combine(day, at, tzinfo=zone(tz)).astimezone(dt.UTC)


def window_closes_at(
    registration: Registration, limits: IntroSettings | None = None
) -> dt.datetime:
    """Fully async events: when ``registration``'s answer window closes (and their digest
    goes out): the first digest time in their zone at least the window's length after the
    start, so everyone gets the full window, ending in their own morning."""
    event = registration.event
    limits = limits or intro_settings(event)
    earliest = event.starts_at + dt.timedelta(days=limits.answer_window_days)
    tz = registration.member.timezone
    day = earliest.astimezone(zone(tz)).date()
    moment = local_moment(day, limits.digest_time, tz)
    if moment < earliest:
        moment = local_moment(day + dt.timedelta(days=1), limits.digest_time, tz)
    return moment


def digest_due_at(registration: Registration, limits: IntroSettings | None = None) -> dt.datetime:
    """When ``registration``'s digest goes out.

    Live events: at the digest time (default 09:00) in the participant's own zone, the
    configured number of days (default 1) after the day the event ends *in that zone*, and
    always after the event. Fully async events: when their answer window closes.
    """
    event = registration.event
    limits = limits or intro_settings(event)
    if event.fully_async:
        return window_closes_at(registration, limits)
    tz = registration.member.timezone
    end = event_ends_at(event)
    day = end.astimezone(zone(tz)).date() + dt.timedelta(days=limits.digest_days_after)
    moment = local_moment(day, limits.digest_time, tz)
    while moment <= end:  # "0 days after" with an event ending in the participant's evening
        day += dt.timedelta(days=1)
        moment = local_moment(day, limits.digest_time, tz)
    return moment


def _format(moment: dt.datetime, tz: str) -> str:
    local = moment.astimezone(zone(tz))
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M} ({tz})"


# --------------------------------------------------------------------------- partner form


@dataclass(frozen=True)
class FormState:
    """Whether a partner form can be filled in now, and if not why (for the author)."""

    open: bool
    reason: str = ""
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


def form_state(subject: Registration, viewer_tz: str, now: dt.datetime | None = None) -> FormState:
    """Whether answers for ``subject`` can change now: until their digest goes out (and, in
    a fully async event, within the answer window)."""
    now = now or timezone.now()
    event = subject.event
    name = subject.member.name
    if Digest.objects.filter(registration=subject, sent_at__isnull=False).exists():
        return FormState(False, f"{name}'s digest has gone out: the answers are final. Thank you!")
    if not event.fully_async:
        return FormState(True)
    closes = window_closes_at(subject)
    if now < event.starts_at:
        when = _format(event.starts_at, viewer_tz)
        return FormState(False, f"The answers open on {when}.", event.starts_at, closes)
    if now >= closes:
        when = _format(closes, viewer_tz)
        return FormState(False, f"The window to answer for {name} closed on {when}.", None, closes)
    return FormState(True, closes_at=closes)


def questions_for(subject: Registration) -> list[str]:
    """The event's partner-form questions, with ``{name}`` filled in."""
    limits = intro_settings(subject.event)
    name = subject.member.name
    return [str(q).replace("{name}", name) for q in limits.questions if str(q).strip()]


def contact_question_for(subject: Registration) -> str:
    return intro_settings(subject.event).contact_question.replace("{name}", subject.member.name)


def save_answers(
    author: Registration,
    subject: Registration,
    answers: Sequence[str],
    *,
    contact: str = "",
    share_contact: bool = False,
    now: dt.datetime | None = None,
) -> Answers:
    """Save what ``author`` wrote for ``subject`` (called at every pause in typing).

    Raises :class:`NotPartnerError` when they did not meet, :class:`AnswersClosedError`
    once the subject's digest is out or the answer window is closed.
    """
    _require_partners(author, subject)
    questions = questions_for(subject)
    texts = [str(a).strip()[:ANSWER_MAX] for a in answers][: len(questions)]
    texts += [""] * (len(questions) - len(texts))
    with transaction.atomic():
        # the digest row lock orders this save against the sending of the digest: an answer
        # either makes it into the digest or is refused, never silently lost
        _locked_digest(subject)
        state = form_state(subject, author.member.timezone, now)
        if not state.open:
            raise AnswersClosedError(state.reason)
        row, _ = Answers.objects.get_or_create(subject=subject, author=author)
        row.answers = [{"question": q, "answer": a} for q, a in zip(questions, texts, strict=True)]
        row.contact = contact.strip()[:300]
        row.share_contact = share_contact
        row.save()
    return row


@dataclass(frozen=True)
class PartnerQuestion:
    index: int
    question: str
    answer: str


@dataclass(frozen=True)
class PartnerCard:
    """What a viewer sees of a partner: profile, intro, and the form they fill in for them."""

    partner: Registration
    profile: PartnerView
    intro: Intro | None
    #: the partner gets a digest, so the viewer has a form to fill in for them
    has_form: bool
    questions: tuple[PartnerQuestion, ...]
    contact_question: str
    contact: str
    share_contact: bool
    state: FormState
    saved_at: dt.datetime | None


def partner_card(viewer: Registration, partner: Registration) -> PartnerCard:
    """The card for ``partner`` as ``viewer`` sees it; :class:`NotPartnerError` if they may
    not see each other."""
    if not can_watch(viewer, partner) or viewer.pk == partner.pk:
        raise NotPartnerError(viewer.pk)
    met = partner.pk in meetings_of_event(viewer.event).get(viewer.pk, [])
    mine = Answers.objects.filter(subject=partner, author=viewer).first()
    saved = {k: a.get("answer", "") for k, a in enumerate(mine.answers)} if mine else {}
    questions = tuple(
        PartnerQuestion(k, q, saved.get(k, "")) for k, q in enumerate(questions_for(partner))
    )
    return PartnerCard(
        partner=partner,
        profile=partner_view(viewer, partner),
        intro=intro_of(partner),
        has_form=met and is_async_participant(partner),
        questions=questions,
        contact_question=contact_question_for(partner),
        contact=mine.contact if mine else "",
        share_contact=mine.share_contact if mine else False,
        state=form_state(partner, viewer.member.timezone),
        saved_at=mine.updated if mine else None,
    )


# --------------------------------------------------------------------------- matches (async)


@dataclass(frozen=True)
class Match:
    """One of an async participant's matches, for their page."""

    partner: Registration
    has_intro: bool
    #: the participant answered the partner's form
    answered: bool
    #: the participant owes this partner a form (the partner gets a digest)
    owes_form: bool


def matches_of(registration: Registration) -> list[Match]:
    partners = partners_of(registration)
    pks = [p.pk for p in partners]
    with_intro = {
        i.registration_id: i.has_content for i in Intro.objects.filter(registration_id__in=pks)
    }
    answered = {
        a.subject_id
        for a in Answers.objects.filter(author=registration, subject_id__in=pks)
        if a.is_filled
    }
    return [
        Match(p, with_intro.get(p.pk, False), p.pk in answered, is_async_participant(p))
        for p in partners
    ]


# --------------------------------------------------------------------------- digests


def digest_recipients(event: Event) -> QuerySet[Registration]:
    """Who gets a digest: the async participants (everyone in a fully async event)."""
    found = Registration.objects.filter(event=event).select_related("member", "event__community")
    return found if event.fully_async else found.filter(mode=Registration.Mode.ASYNC)


@dataclass(frozen=True)
class DigestEntry:
    """One partner in a digest."""

    partner: Registration
    profile: PartnerView
    answers: tuple[tuple[str, str], ...]
    #: the contact answer, only when the partner agreed to share it
    contact: str
    followed_up: bool

    @property
    def answered(self) -> bool:
        return any(a for _, a in self.answers) or bool(self.contact)


def digest_entries(registration: Registration) -> list[DigestEntry]:
    """Each partner of ``registration`` with their answers and shareable contact details."""
    partners = partners_of(registration)
    written = {
        a.author_id: a
        for a in Answers.objects.filter(subject=registration, author__in=[p.pk for p in partners])
    }
    done = set(FollowUp.objects.filter(owner=registration).values_list("partner_id", flat=True))
    entries = []
    for partner, profile in zip(partners, partner_views(registration, partners), strict=True):
        row = written.get(partner.pk)
        answers = tuple(
            (str(a.get("question", "")), str(a.get("answer", "")))
            for a in (row.answers if row else [])
            if str(a.get("answer", "")).strip()
        )
        contact = row.contact if row and row.share_contact else ""
        entries.append(DigestEntry(partner, profile, answers, contact, partner.pk in done))
    return entries


def digest_sent(registration: Registration) -> bool:
    return Digest.objects.filter(registration=registration, sent_at__isnull=False).exists()


def _locked_digest(registration: Registration) -> Digest:
    """The registration's digest row, created if need be, locked until the transaction ends
    (inside ``transaction.atomic``). Answer saves take the same lock as the sending."""
    Digest.objects.get_or_create(registration=registration)
    return Digest.objects.select_for_update().get(registration=registration)


def send_digest(
    registration: Registration,
    now: dt.datetime | None = None,
    limits: IntroSettings | None = None,
) -> bool:
    """Send ``registration``'s digest unless it went out already; whether it was sent now.

    The digest row is locked and ``sent_at`` written in the same transaction as the
    sending, so two ``send-due`` runs at once send it once. A mail server failure leaves it
    unsent (and recorded in the outbox) for the next run, up to :data:`MAX_ATTEMPTS`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        digest = _locked_digest(registration)
        if digest.sent_at is not None or digest.attempts >= MAX_ATTEMPTS:
            return False
        entries = digest_entries(registration)
        record = _send_digest_email(registration, entries)
        digest.attempts = _attempts(record, digest.attempts)
        digest.due_at = digest_due_at(registration, limits)
        if record.state == OutboxMessage.State.SENT:
            digest.sent_at, digest.error = now, ""
        else:
            digest.error = record.error[:500]
        digest.save()
    return digest.sent_at is not None


def _attempts(record: OutboxMessage, before: int) -> int:
    """Attempts after sending ``record``: a failure is tried again at the next run (the
    mail server may be back), unless the recipient turned optional emails off, which no
    retry changes."""
    # looked up softly: the mail app's preference check may not exist in every version
    refused = getattr(mail_domain, "UNSUBSCRIBED", None)
    if record.state != OutboxMessage.State.SENT and refused and record.error == refused:
        return MAX_ATTEMPTS
    return before + 1


def _send_digest_email(registration: Registration, entries: list[DigestEntry]) -> OutboxMessage:
    member, event = registration.member, registration.event
    return send_email(
        member.email,
        "digest",
        {
            "member": member,
            "event": event,
            "entries": entries,
            "answered": sum(1 for e in entries if e.answered),
            "link": _url("portal:intro_digest", registration),
        },
        tz=member.timezone,
        community=event.community,
        kind="digest",
    )


def _active_events(now: dt.datetime, *, ahead: dt.timedelta = dt.timedelta(0)) -> QuerySet[Event]:
    """Events whose async work may be due: started (or starting within ``ahead``), recently."""
    return Event.objects.filter(starts_at__lte=now + ahead, starts_at__gte=now - LOOK_BACK).exclude(
        status=Event.Status.DRAFT
    )


def send_due_digests(now: dt.datetime) -> int:
    """Send every digest that is due at ``now`` (registered with ``netweave send-due``)."""
    sent = 0
    for event in _active_events(now).select_related("community"):
        if published_plan(event) is None and not HeldMeeting.objects.filter(event=event).exists():
            continue
        limits = intro_settings(event)
        partners = meetings_of_event(event)
        done = set(
            Digest.objects.filter(registration__event=event)
            .filter(Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS))
            .values_list("registration_id", flat=True)
        )
        for registration in digest_recipients(event):
            if registration.pk in done or not partners.get(registration.pk):
                continue
            if digest_due_at(registration, limits) <= now:
                sent += send_digest(registration, now, limits)
    return sent


def mark_followed_up(owner: Registration, partner: Registration, done: bool = True) -> bool:
    """Tick (or untick) "followed up" for ``partner`` in ``owner``'s digest."""
    if partner.pk not in meetings_of_event(owner.event).get(owner.pk, []):
        raise NotPartnerError(owner.pk)
    with transaction.atomic():
        if done:
            FollowUp.objects.get_or_create(
                owner=owner, partner=partner, defaults={"done_at": timezone.now()}
            )
        else:
            FollowUp.objects.filter(owner=owner, partner=partner).delete()
    return done


@dataclass(frozen=True)
class DigestStatus:
    """One digest recipient, for the organizers."""

    registration: Registration
    due_at: dt.datetime
    sent_at: dt.datetime | None
    error: str
    partners: int
    answered: int
    followed_up: int
    has_intro: bool


def digest_statuses(event: Event) -> list[DigestStatus]:
    """Every digest recipient: when their digest is due, whether it went out, how many
    partners answered and how many they followed up with."""
    partners, limits = meetings_of_event(event), intro_settings(event)
    digests = {d.registration_id: d for d in Digest.objects.filter(registration__event=event)}
    answered = defaultdict(set)
    for subject, author, filled in _answer_rows(event):
        if filled:
            answered[subject].add(author)
    followed = defaultdict(int)
    for owner in FollowUp.objects.filter(owner__event=event).values_list("owner_id", flat=True):
        followed[owner] += 1
    intros = {
        i.registration_id for i in Intro.objects.filter(registration__event=event) if i.has_content
    }
    out = []
    for registration in digest_recipients(event):
        digest = digests.get(registration.pk)
        mine = set(partners.get(registration.pk, []))
        out.append(
            DigestStatus(
                registration=registration,
                due_at=digest_due_at(registration, limits),
                sent_at=digest.sent_at if digest else None,
                error=digest.error if digest else "",
                partners=len(mine),
                answered=len(answered[registration.pk] & mine),
                followed_up=followed[registration.pk],
                has_intro=registration.pk in intros,
            )
        )
    return out


def _answer_rows(event: Event) -> list[tuple[int, int, bool]]:
    return [
        (a.subject_id, a.author_id, a.is_filled)
        for a in Answers.objects.filter(subject__event=event)
    ]


def follow_up_rate(statuses: Sequence[DigestStatus]) -> float | None:
    """Share of partners followed up with, over the digests that went out (None: none yet)."""
    sent = [s for s in statuses if s.sent_at is not None and s.partners]
    total = sum(s.partners for s in sent)
    return sum(min(s.followed_up, s.partners) for s in sent) / total if total else None


# --------------------------------------------------------------------------- forms (organizers)


@dataclass(frozen=True)
class FormStatus:
    """One partner form an author owes a subject, for the organizers."""

    author: Registration
    subject: Registration
    filled: bool
    nudged_at: dt.datetime | None
    #: the form can still change (no digest out yet, and within the window)
    open: bool


def _closed_subjects(
    event: Event, recipients: Iterable[Registration], now: dt.datetime
) -> set[int]:
    """Recipients whose forms can no longer change: digest sent or answer window closed."""
    sent = Digest.objects.filter(registration__event=event, sent_at__isnull=False)
    closed = set(sent.values_list("registration_id", flat=True))
    if event.fully_async:
        limits = intro_settings(event)
        closed |= {r.pk for r in recipients if window_closes_at(r, limits) <= now}
    return closed


def form_statuses(event: Event, now: dt.datetime | None = None) -> list[FormStatus]:
    """Every form owed: each partner of each digest recipient, filled or not."""
    partners = meetings_of_event(event)
    recipients = {r.pk: r for r in digest_recipients(event)}
    closed = _closed_subjects(event, recipients.values(), now or timezone.now())
    pks = set(recipients) | {p for pk in recipients for p in partners.get(pk, [])}
    people = {
        r.pk: r for r in Registration.objects.filter(pk__in=pks).select_related("member", "event")
    }
    filled = {(s, a) for s, a, ok in _answer_rows(event) if ok}
    nudged: dict[tuple[int, int], dt.datetime] = {}
    for n in Nudge.objects.filter(subject__event=event).order_by("sent_at"):
        nudged[n.subject_id, n.author_id] = n.sent_at
    return [
        FormStatus(people[a], recipients[s], (s, a) in filled, nudged.get((s, a)), s not in closed)
        for s in recipients
        for a in partners.get(s, [])
        if a in people
    ]


def nudge_authors(
    event: Event, pairs: Iterable[tuple[int, int]] | None = None, now: dt.datetime | None = None
) -> int:
    """Remind authors of missing forms by email: the ``(author pk, subject pk)`` pairs given,
    or every missing form. Someone nudged within the last hour is skipped. Returns how many
    reminders were queued."""
    now = now or timezone.now()
    missing = {
        (f.author.pk, f.subject.pk): f for f in form_statuses(event, now) if not f.filled and f.open
    }
    wanted = missing.keys() if pairs is None else [p for p in pairs if p in missing]
    queued = []
    with transaction.atomic():
        for key in wanted:
            status = missing[key]
            if status.nudged_at and now - status.nudged_at < NUDGE_PAUSE:
                continue
            if not form_state(status.subject, status.author.member.timezone, now).open:
                continue
            queued.append(
                Nudge.objects.create(author=status.author, subject=status.subject, sent_at=now)
            )
        from netweave.web.intros.tasks import send_nudge_task

        for nudge in queued:
            transaction.on_commit(partial(send_nudge_task.enqueue, nudge.pk))
    return len(queued)


def send_nudge_email(nudge: Nudge) -> OutboxMessage:
    author, subject = nudge.author, nudge.subject
    member, event = author.member, author.event
    state = form_state(subject, member.timezone)
    return send_email(
        member.email,
        "nudge",
        {
            "member": member,
            "event": event,
            "subject_name": subject.member.name,
            "closes": _format(state.closes_at, member.timezone) if state.closes_at else "",
            "link": _url("portal:intro_partner", author, partner_pk=subject.pk),
        },
        tz=member.timezone,
        community=event.community,
        kind="nudge",
    )


# --------------------------------------------------------------------------- reminders


def _send_reminder(registration: Registration, kind: str, context: dict, now: dt.datetime) -> bool:
    """Send one reminder at most once (row lock + ``sent_at`` in the sending transaction)."""
    with transaction.atomic():
        Reminder.objects.get_or_create(registration=registration, kind=kind)
        row = Reminder.objects.select_for_update().get(registration=registration, kind=kind)
        if row.sent_at is not None or row.attempts >= MAX_ATTEMPTS:
            return False
        member, event = registration.member, registration.event
        record = send_email(
            member.email,
            f"reminder_async_{kind}",
            {"member": member, "event": event, **context},
            tz=member.timezone,
            community=event.community,
            kind=f"reminder-{kind}",
        )
        row.attempts = _attempts(record, row.attempts)
        if record.state == OutboxMessage.State.SENT:
            row.sent_at = now
        row.save()
    return row.sent_at is not None


def _intro_reminder(registration: Registration, now: dt.datetime) -> dict | None:
    """Async participants without an intro, from two days before the event until it starts."""
    event = registration.event
    if not event.starts_at - INTRO_REMINDER_BEFORE <= now < event.starts_at:
        return None
    if event.status in (Event.Status.DRAFT, Event.Status.DONE):
        return None
    intro = intro_of(registration)
    if intro is not None and intro.has_content:
        return None
    return {
        "link": _url("portal:intro", registration),
        "starts": _format(event.starts_at, registration.member.timezone),
        "max_minutes": duration_text(intro_settings(event).max_video_seconds),
    }


def _open_reminder(
    registration: Registration, now: dt.datetime, matches: list[Match]
) -> dict | None:
    """Fully async: when the window opens, each participant's matches and the deadline."""
    closes = window_closes_at(registration)
    if not matches or not registration.event.starts_at <= now < closes:
        return None
    return {
        "matches": matches,
        "link": personal_url(registration),
        "closes": _format(closes, registration.member.timezone),
    }


def _closing_reminder(
    registration: Registration, now: dt.datetime, matches: list[Match]
) -> dict | None:
    """Fully async: a day before the first open form's window closes, the forms missing."""
    missing = [m for m in matches if m.owes_form and not m.answered]
    closes = [window_closes_at(m.partner) for m in missing]
    future = [c for c in closes if c > now]
    if not future or now < min(future) - CLOSING_REMINDER_BEFORE:
        return None
    tz = registration.member.timezone
    return {
        "missing": missing,
        "link": personal_url(registration),
        "closes": _format(min(future), tz),
    }


def send_due_reminders(now: dt.datetime) -> int:
    """Send the reminders due at ``now``: record your intro (async participants, two days
    before), and in fully async events "your matches are ready" and "the window closes
    tomorrow" (registered with ``netweave send-due``)."""
    sent = 0
    for event in _active_events(now, ahead=INTRO_REMINDER_BEFORE).select_related("community"):
        finished = Q(sent_at__isnull=False) | Q(attempts__gte=MAX_ATTEMPTS)
        done = set(
            Reminder.objects.filter(finished, registration__event=event).values_list(
                "registration_id", "kind"
            )
        )
        for registration in digest_recipients(event):
            for kind, context in _reminders_due(registration, now, done):
                sent += _send_reminder(registration, kind, context, now)
    return sent


def _reminders_due(
    registration: Registration, now: dt.datetime, done: set[tuple[int, str]]
) -> list[tuple[str, dict]]:
    due: list[tuple[str, dict]] = []
    kinds = Reminder.Kind
    if (registration.pk, kinds.INTRO) not in done:
        context = _intro_reminder(registration, now)
        if context is not None:
            due.append((kinds.INTRO, context))
    if not registration.event.fully_async or now < registration.event.starts_at:
        return due
    if {(registration.pk, kinds.OPEN), (registration.pk, kinds.CLOSING)} <= done:
        return due
    matches = matches_of(registration)
    for kind, make in ((kinds.OPEN, _open_reminder), (kinds.CLOSING, _closing_reminder)):
        if (registration.pk, kind) not in done:
            context = make(registration, now, matches)
            if context is not None:
                due.append((kind, context))
    return due


# --------------------------------------------------------------------------- groups


def group_of(registration: Registration) -> Group | None:
    """The registration's small group in the published plan, if any."""
    plan = published_plan(registration.event)
    if plan is None:
        return None
    seat = GroupSeat.objects.filter(group__plan=plan, registration=registration).first()
    return seat.group if seat else None


def group_members(group: Group) -> list[Registration]:
    seats = GroupSeat.objects.filter(group=group).select_related(
        "registration__member", "registration__event"
    )
    return [s.registration for s in seats.order_by("remote", "position")]


def post_group_message(registration: Registration, text: str) -> GroupMessage:
    """Post ``text`` to the thread of ``registration``'s small group."""
    text = text.strip()
    if not text:
        raise ValueError("Write a message first.")
    if len(text) > MESSAGE_MAX:
        raise ValueError(f"Messages are at most {MESSAGE_MAX} characters.")
    group = group_of(registration)
    if group is None:
        raise NotPartnerError(registration.pk)
    with transaction.atomic():
        return GroupMessage.objects.create(group=group, author=registration, text=text)


# --------------------------------------------------------------------------- links


def _url(name: str, registration: Registration, **kwargs: object) -> str:
    return settings.BASE_URL + reverse(name, kwargs={"token": registration.token, **kwargs})


@dataclass(frozen=True)
class Panel:
    """What the participant's own page shows about async participation."""

    registration: Registration
    is_async: bool
    intro: Intro | None
    asked_for_intro: bool
    matches: list[Match] = field(default_factory=list)
    #: partners whose intro the (live) participant watches and whose form they fill in
    async_partners: list[Registration] = field(default_factory=list)
    digest_due: dt.datetime | None = None
    digest_sent: bool = False
    group: Group | None = None
    closes_at: dt.datetime | None = None


def panel_for(registration: Registration) -> Panel | None:
    """The async section of the participant's page, or None when there is nothing to say."""
    is_async = is_async_participant(registration)
    intro = intro_of(registration)
    asked = intro is not None and intro.requested_at is not None
    published = published_plan(registration.event) is not None
    partners = partners_of(registration) if published else []
    async_partners = [p for p in partners if is_async_participant(p)]
    if not (is_async or asked or async_partners):
        return None
    digest = Digest.objects.filter(registration=registration).first()
    event = registration.event
    return Panel(
        registration=registration,
        is_async=is_async,
        intro=intro,
        asked_for_intro=asked,
        # in a live event the schedule lists the partners; here only the forms owed matter
        matches=matches_of(registration) if event.fully_async and published else [],
        async_partners=[] if is_async else async_partners,
        digest_due=digest_due_at(registration) if is_async and partners else None,
        digest_sent=bool(digest and digest.sent_at),
        group=group_of(registration) if (event.fully_async or is_async) else None,
        closes_at=window_closes_at(registration) if event.fully_async else None,
    )
