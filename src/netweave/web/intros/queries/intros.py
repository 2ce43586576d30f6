"""Reading intros: a registration's intro, its files (from the intro storage), and lengths as
people read them."""

from __future__ import annotations

from typing import IO

from django.db.models import Q

from netweave.web.events.models import Event, Registration
from netweave.web.intros.models import Intro
from netweave.web.intros.storage import intro_storage

__all__ = [
    "async_without_intro",
    "duration_text",
    "intro_of",
    "open_intro_media",
]


def intro_of(registration: Registration) -> Intro | None:
    return Intro.objects.filter(registration=registration).first()


def async_without_intro(event: Event) -> frozenset[int]:
    """Registration pks of ``event``'s async people with no intro a partner could watch: no
    video, no link and no text (:attr:`Intro.has_content`). Two queries."""
    has_content = (
        Q(intro__video_name__gt="") | Q(intro__link_url__gt="") | Q(intro__text__regex=r"\S")
    )
    rows = Registration.objects.filter(event=event, mode=Registration.Mode.ASYNC)
    with_intro = set(rows.filter(has_content).values_list("pk", flat=True))
    return frozenset(pk for pk in rows.values_list("pk", flat=True) if pk not in with_intro)


def duration_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if not minutes:
        return f"{rest} seconds"
    return f"{minutes} minute{'s' if minutes != 1 else ''}" + (f" {rest} s" if rest else "")


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
