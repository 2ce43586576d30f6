"""Sending email: rendered in the recipient's time zone, recorded in the outbox.

Every email to a member of a community ends with a link to their email preferences and
carries ``List-Unsubscribe`` (with one-click ``List-Unsubscribe-Post``, RFC 8058) headers.
A member who turned optional emails off gets only what they asked for themselves
(:data:`TRANSACTIONAL_KINDS`); anything else is recorded in the outbox as not sent.
"""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from netweave.web.community.models import Community, Member
from netweave.web.mail.models import OutboxMessage

__all__ = [
    "TRANSACTIONAL_KINDS",
    "UNSUBSCRIBED",
    "Attachment",
    "member_for_preferences_token",
    "preferences_token",
    "preferences_url",
    "send_email",
    "unsubscribe_url",
    "wants_optional_email",
]

log = logging.getLogger(__name__)

#: mail a person triggers themselves (their registration, their link request, a confirmation
#: they asked for): it goes even after they turned optional emails off, or they could lock
#: themselves out of their page
TRANSACTIONAL_KINDS = frozenset({"registration", "link", "confirm_registration", "confirm_privacy"})
#: the outbox error of a message held back because its recipient turned optional emails off
UNSUBSCRIBED = "Not sent: the recipient turned off optional emails from this community."
_SALT = "netweave.mail.preferences"
FOOTER = "\n\nEmail preferences and unsubscribe: {url}\n"


# --- preferences links -------------------------------------------------------------------------


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


# --- sending -----------------------------------------------------------------------------------


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
    subject, body = _render(template, context, tz)
    member = _recipient(to, community)
    record = OutboxMessage(community=community, to=to, subject=subject, body=body, kind=kind)
    if member is not None and kind not in TRANSACTIONAL_KINDS and not wants_optional_email(member):
        record.state, record.error = OutboxMessage.State.FAILED, UNSUBSCRIBED
        record.save()
        return record
    all_headers = dict(headers or {})
    if member is not None:
        record.body += FOOTER.format(url=preferences_url(member)).rstrip()
        all_headers = {**_unsubscribe_headers(member), **all_headers}
    message = EmailMultiAlternatives(
        subject=subject, body=record.body + "\n", to=[to], headers=all_headers
    )
    for a in attachments:
        message.attach(a.filename, a.content, a.mimetype)
    try:
        message.send()
    except OSError as exc:  # SMTP and socket errors: record, don't crash the request
        # never log the address or body: personal data stays out of logs
        log.warning("sending %s email failed: %s", kind or "an", type(exc).__name__)
        record.state, record.error = OutboxMessage.State.FAILED, str(exc)[:500]
    record.save()
    return record


def _render(template: str, context: Mapping[str, Any], tz: str) -> tuple[str, str]:
    """Subject and body of ``mail/<template>.txt``, dates shown in ``tz``."""
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    ctx = {"base_url": settings.BASE_URL, **context}
    with timezone.override(zone):
        subject, _, body = render_to_string(f"mail/{template}.txt", ctx).strip().partition("\n")
    return subject.strip(), body.strip()


def _unsubscribe_headers(member: Member) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(member)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
