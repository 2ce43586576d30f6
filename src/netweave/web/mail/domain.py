"""Sending email: rendered in the recipient's time zone, recorded in the outbox.

Every email to a member of a community ends with a link to their email preferences and
carries ``List-Unsubscribe`` (with one-click ``List-Unsubscribe-Post``, RFC 8058) headers.
A member who turned optional emails off gets only what they asked for themselves
(:data:`TRANSACTIONAL_KINDS`); anything else is recorded in the outbox as not sent.

:func:`send_email` is the only way out: nothing else in netweave imports ``django.core.mail``
(a test checks). Header fields are made safe there, once (:func:`clean_header`): a name with a
carriage return in a subject would otherwise stop the message (``BadHeaderError``), or add a
header of the sender's choosing. Whatever fails while sending is recorded in the outbox.

:func:`send_email_once` sends a message that must never go twice (a schedule for one plan
version, one reminder): it claims the message's key in the outbox before sending, so a retried
task or a second cron run finds the claim and sends nothing.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from netweave.web.common.timezones import zone
from netweave.web.community.models import Community, Member
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "TRANSACTIONAL_KINDS",
    "UNSUBSCRIBED",
    "Attachment",
    "clean_header",
    "member_for_preferences_token",
    "preferences_token",
    "preferences_url",
    "render_email",
    "send_email",
    "send_email_once",
    "unsubscribe_url",
    "wants_optional_email",
]

log = logging.getLogger(__name__)

#: mail a person triggers themselves (their registration, their link request, a confirmation
#: they asked for, their welcome when they walk in on the day): it goes even after they turned
#: optional emails off, or they could lock themselves out of their page; their schedule (with
#: their link) is what registering was for
TRANSACTIONAL_KINDS = frozenset(
    {
        "registration",
        "link",
        "confirm_registration",
        "confirm_privacy",
        "schedule",
        "walk_in",
        # the event they registered for moved: their calendar holds the old times
        "dates_changed",
    }
)
#: the outbox error of a message held back because its recipient turned optional emails off
UNSUBSCRIBED = "Not sent: the recipient turned off optional emails from this community."
_SALT = "netweave.mail.preferences"
FOOTER = "\n\nEmail preferences and unsubscribe: {url}\n"


# --------------------------------------------------------------------------- preferences links


def _email_key(email: str) -> str:
    # binds a token to the address too, so a token can never reach a later member who got
    # the primary key of a deleted one (SQLite reuses the highest key)
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def preferences_token(member: Member) -> str:
    """A signed token naming ``member``: the key to their email preferences. It never
    expires: an unsubscribe link in a year-old email must still work."""
    return signing.dumps({"m": member.pk, "e": _email_key(member.email)}, salt=_SALT)


def member_for_preferences_token(token: str) -> Member | None:
    """The member ``token`` names, or None for a forged, damaged or outdated token."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    member = Member.objects.select_related("community").filter(pk=data["m"]).first()
    if member is None or _email_key(member.email) != data.get("e"):
        return None
    return member


def preferences_url(member: Member) -> str:
    return settings.BASE_URL + reverse("portal:email_preferences", args=[preferences_token(member)])


def unsubscribe_url(member: Member) -> str:
    """The one-click address: a POST there turns optional emails off (RFC 8058)."""
    return settings.BASE_URL + reverse("portal:email_unsubscribe", args=[preferences_token(member)])


def wants_optional_email(member: Member) -> bool:
    # The preference is stored by the follow-up app, which owns the preferences page; it is
    # looked up by name so that mail, which every app uses, imports none of them.
    preference = apps.get_model("followup", "EmailPreference")
    return not preference.objects.filter(member=member, optional_emails=False).exists()


def _recipient(to: str, community: Community | None) -> Member | None:
    if community is None:
        return None
    return Member.objects.filter(community=community, email=to.strip().lower()).first()


# --------------------------------------------------------------------------- sending

#: line breaks and other control characters, which have no place in a header field
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: the outbox's subject column
SUBJECT_MAX = OutboxMessage._meta.get_field("subject").max_length


def clean_header(value: str) -> str:
    r"""``value`` as one line fit for a header field: control characters (CR, LF, tab, NUL...)
    become spaces, runs of spaces one.

    >>> clean_header("Kofi\r\nBcc: everyone@example.org")
    'Kofi Bcc: everyone@example.org'
    >>> clean_header("  A few lines for\tAna?  ")
    'A few lines for Ana?'
    """
    return " ".join(_CONTROL.sub(" ", value).split())


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str


def send_email(
    to: str,
    template: str,
    context: Mapping[str, Any],
    *,
    tz: str = "UTC",
    community: Community | None = None,
    kind: str = "",
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> OutboxMessage:
    """Render ``mail/<template>.txt`` (first line: the subject) in ``tz`` and send it.

    Dates in the template are shown in the recipient's zone because the template is rendered
    with that zone active. The message is recorded in the outbox whether sending worked or not,
    so an organizer can see what went out and what failed. A member of ``community`` gets the
    preferences link and the ``List-Unsubscribe`` headers; if they turned optional emails off
    and ``kind`` is not in :data:`TRANSACTIONAL_KINDS`, nothing is sent and the outbox records
    it as failed with the reason :data:`UNSUBSCRIBED`.
    """
    record = _record(to, template, context, tz, community, kind)
    return _deliver(record, attachments, headers)


def send_email_once(
    key: str,
    to: str,
    template: str,
    context: Mapping[str, Any],
    *,
    tz: str = "UTC",
    community: Community | None = None,
    kind: str = "",
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> OutboxMessage | None:
    """:func:`send_email`, at most once per ``key``; None when the key was claimed already.

    The outbox row is the claim: it is written QUEUED with ``key`` (unique) before anything
    is sent, so two senders at once, or a task run again, send one email. A FAILED message
    (the server refused it, the member had unsubscribed) may be claimed again by a later
    try; a QUEUED or SENT one never is, since it may have reached the inbox already.
    """
    record = _record(to, template, context, tz, community, kind)
    record.key, record.state = key, OutboxMessage.State.QUEUED
    claimed = _claim(record)
    return None if claimed is None else _deliver(claimed, attachments, headers)


def render_email(template: str, context: Mapping[str, Any], *, tz: str = "UTC") -> tuple[str, str]:
    """The subject and body ``mail/<template>.txt`` would have for someone in ``tz``, without
    sending anything (a preview for the organizer)."""
    subject, body = _render(template, context, tz)
    return clean_header(subject)[:SUBJECT_MAX], body


def _record(
    to: str,
    template: str,
    context: Mapping[str, Any],
    tz: str,
    community: Community | None,
    kind: str,
) -> OutboxMessage:
    subject, body = render_email(template, context, tz=tz)
    return OutboxMessage(
        community=community, to=clean_header(to), subject=subject, body=body, kind=kind
    )


def _claim(record: OutboxMessage) -> OutboxMessage | None:
    """``record`` written as the claim on its key; None when another sender holds it."""
    try:
        with transaction.atomic():
            record.save()
        return record
    except IntegrityError:
        pass
    # a failed earlier try gives its row to this one, if no other sender took it first
    fields = {f: getattr(record, f) for f in ("to", "subject", "body", "kind")}
    failed = OutboxMessage.objects.filter(key=record.key, state=OutboxMessage.State.FAILED)
    if not failed.update(state=OutboxMessage.State.QUEUED, error="", **fields):
        return None
    return OutboxMessage.objects.get(key=record.key)


def _deliver(
    record: OutboxMessage,
    attachments: Sequence[Attachment],
    headers: Mapping[str, str] | None,
) -> OutboxMessage:
    """Send ``record`` (unless its recipient unsubscribed) and save how it went."""
    member = _recipient(record.to, record.community)
    optional = record.kind not in TRANSACTIONAL_KINDS
    if member is not None and optional and not wants_optional_email(member):
        record.state, record.error = OutboxMessage.State.FAILED, UNSUBSCRIBED
        record.save()
        return record
    all_headers = dict(headers or {})
    if member is not None:
        record.body += FOOTER.format(url=preferences_url(member)).rstrip()
        all_headers = {**_unsubscribe_headers(member), **all_headers}
    try:
        _message(record, all_headers, attachments).send()
    except Exception as exc:  # SMTP, sockets, a header the backend refuses: record it all
        # never log the address or body: personal data stays out of logs
        log.warning("sending %s email failed: %s", record.kind or "an", type(exc).__name__)
        record.state = OutboxMessage.State.FAILED
        record.error = (str(exc) or type(exc).__name__)[:500]
    else:
        record.state = OutboxMessage.State.SENT
    record.save()
    return record


def _message(
    record: OutboxMessage, headers: Mapping[str, str], attachments: Sequence[Attachment]
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=record.subject,
        body=record.body + "\n",
        from_email=clean_header(settings.DEFAULT_FROM_EMAIL),
        to=[record.to],
        headers={clean_header(k): clean_header(v) for k, v in headers.items()},
    )
    for a in attachments:
        message.attach(clean_header(a.filename), a.content, a.mimetype)
    return message


def _render(template: str, context: Mapping[str, Any], tz: str) -> tuple[str, str]:
    """Subject and body of ``mail/<template>.txt``, dates shown in ``tz``."""
    ctx = {"base_url": settings.BASE_URL, **context}
    with timezone.override(zone(tz)):
        text = _marked(f"mail/{template}.txt").render(ctx).strip()
    subject, _, body = text.partition(_SUBJECT_END)
    return subject.strip(), body.strip()


#: put where the template's first line ends: the subject ends there, not at a line break
#: that a name rendered into the subject brought along
_SUBJECT_END = "\x00end-of-subject\x00"


def _marked(name: str) -> Any:
    """The mail template ``name`` with :data:`_SUBJECT_END` after its first line (a template
    tag cannot span lines, so the first line break of the source is plain text)."""
    source = get_template(name).template.source
    first, _, rest = source.partition("\n")
    return engines["django"].from_string(f"{first}{_SUBJECT_END}\n{rest}")


def _unsubscribe_headers(member: Member) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(member)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
