"""A participant's intro: the video (checked by its contents), the written intro, a video link
and captions.

Nothing here trusts a file name: stored names are random, and a refused file leaves the
previous intro exactly as it was. Old files are deleted only after the new row is committed.
"""

from __future__ import annotations

import secrets
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from netweave.web.events.models import Event, Registration
from netweave.web.intros import media
from netweave.web.intros.errors import IntroError
from netweave.web.intros.models import Intro
from netweave.web.intros.queries.intros import duration_text
from netweave.web.intros.queries.settings import intro_settings, max_upload_bytes
from netweave.web.intros.storage import intro_storage

__all__ = [
    "check_video",
    "locked_intro",
    "remove_intro_video",
    "save_intro_video",
    "update_intro",
]


#: a container that says 180.4 s for a 3-minute recording is not "too long"
LENGTH_TOLERANCE = 1.0
TEXT_MAX = 3000


def _stored_name(registration: Registration, extension: str) -> str:
    # random: the uploaded name says things about people ("ana-lima-intro-final.mov") and
    # a guessable name would be a way around the permission checks
    return f"{registration.event_id}/{secrets.token_urlsafe(24)}.{extension}"


def _limits_message(event: Event) -> str:
    s = intro_settings(event)
    return f"at most {duration_text(s.max_video_seconds)} and {s.max_video_mb} MB"


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
            intro = locked_intro(registration)
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


def locked_intro(registration: Registration) -> Intro:
    """The registration's intro row, created if need be, locked until the transaction ends."""
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
        intro = locked_intro(registration)
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
