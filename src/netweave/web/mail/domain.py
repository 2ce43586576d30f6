"""Sending email: rendered in the recipient's time zone, recorded in the outbox."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from netweave.web.community.models import Community
from netweave.web.mail.models import OutboxMessage

__all__ = ["Attachment", "send_email"]

log = logging.getLogger(__name__)


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
    so an organizer can see what went out and what failed.
    """
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    ctx = {"base_url": settings.BASE_URL, **context}
    with timezone.override(zone):
        subject, _, body = render_to_string(f"mail/{template}.txt", ctx).strip().partition("\n")
    message = EmailMultiAlternatives(
        subject=subject.strip(),
        body=body.strip() + "\n",
        to=[to],
        headers=dict(headers or {}),
    )
    for a in attachments:
        message.attach(a.filename, a.content, a.mimetype)
    record = OutboxMessage(
        community=community, to=to, subject=subject.strip(), body=body.strip(), kind=kind
    )
    try:
        message.send()
    except OSError as exc:  # SMTP and socket errors: record, don't crash the request
        # never log the address or body: personal data stays out of logs
        log.warning("sending %s email failed: %s", kind or "an", type(exc).__name__)
        record.state, record.error = OutboxMessage.State.FAILED, str(exc)[:500]
    record.save()
    return record
