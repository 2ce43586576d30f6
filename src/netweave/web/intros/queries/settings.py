"""An event's async settings as the pages and verbs read them, and the upload limits that
follow from them."""

from __future__ import annotations

from django.conf import settings

from netweave.web.events.models import Event
from netweave.web.intros.models import IntroSettings

__all__ = [
    "intro_settings",
    "max_request_bytes",
    "max_upload_bytes",
]


#: the largest intro form without the video: text, link and a captions file
DETAILS_MAX_BYTES = 1024 * 1024


def intro_settings(event: Event) -> IntroSettings:
    """The event's async settings; an unsaved row with the defaults when none were saved."""
    found = IntroSettings.objects.filter(event=event).first()
    return found or IntroSettings(event=event)


def max_upload_bytes(event: Event) -> int:
    """The event's video limit, never above the server's (``NETWEAVE_MAX_UPLOAD_MB``), which
    refuses bigger bodies before they reach us."""
    mb = min(intro_settings(event).max_video_mb, settings.NETWEAVE_MAX_UPLOAD_MB)
    return mb * 1024 * 1024


def max_request_bytes(event: Event) -> int:
    """The largest request body an upload may have: the file plus its envelope."""
    return max_upload_bytes(event) + settings.NETWEAVE_UPLOAD_ENVELOPE_BYTES
