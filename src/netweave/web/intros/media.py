"""Reading what participants send: video type and length from the bytes, video links, captions.

Plain Python on file objects (no Django): the file's first bytes decide its type, never its
name, and only box and element headers are read to find the length, so a 200 MB video costs a
handful of small reads. Hostile files are bounded: at most :data:`MAX_BOXES` MP4 boxes and
:data:`MAX_ELEMENTS` WebM elements are looked at on a level, one at a time; no element's data
is read unless it is a number of at most 8 bytes; a length that is not a finite number is
refused.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit

from netweave.web.common.errors import DomainError

__all__ = [
    "CAPTIONS_MAX_BYTES",
    "MAX_BOXES",
    "MAX_ELEMENTS",
    "BrokenMediaError",
    "CaptionsError",
    "LinkError",
    "VideoLink",
    "check_captions",
    "parse_video_link",
    "sniff_video",
    "video_seconds",
]

MP4, QUICKTIME, WEBM = "video/mp4", "video/quicktime", "video/webm"
EXTENSIONS = {MP4: "mp4", QUICKTIME: "mov", WEBM: "webm"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
#: ``ftyp`` brands of still images (HEIF, AVIF) that share the MP4 container
IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis"}
CAPTIONS_MAX_BYTES = 512 * 1024
#: header elements looked at before giving up on a length (recordings put it first or nowhere)
MAX_ELEMENTS = 64
#: boxes on one level of an MP4: a camera's file has a handful (``ftyp``, ``moov``,
#: ``mdat``), a browser's fragmented recording two a second (``moof`` and ``mdat``), so 30
#: minutes stay far below; walking 100,000 boxes takes a fraction of a second
MAX_BOXES = 100_000


class BrokenMediaError(DomainError):
    """The file starts like a video but its structure is damaged (often: cut off)."""


class LinkError(DomainError):
    """A video link we cannot use; the message says why, in the participant's words."""


class CaptionsError(DomainError):
    """A captions file that is not WebVTT."""


# --------------------------------------------------------------------------- type


def sniff_video(head: bytes) -> str | None:
    """The video type of a file starting with ``head`` (16 bytes are enough), or None.

    >>> sniff_video(b"\\x00\\x00\\x00\\x18ftypisom\\x00\\x00\\x02\\x00")
    'video/mp4'
    >>> sniff_video(b"\\x1a\\x45\\xdf\\xa3\\x9f") , sniff_video(b"GIF89a")
    ('video/webm', None)
    """
    if head.startswith(EBML_MAGIC):
        return WEBM
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in IMAGE_BRANDS:
            return None
        return QUICKTIME if brand == b"qt  " else MP4
    return None


# --------------------------------------------------------------------------- length


def video_seconds(f: BinaryIO, kind: str) -> float | None:
    """The length of the video in ``f`` in seconds, or None when its container does not say
    (browser recordings often don't). Raises :class:`BrokenMediaError` for a damaged file:
    cut off, with a length that is no number, or past the caps on boxes and elements."""
    f.seek(0, 2)
    size = f.tell()
    try:
        if kind == WEBM:
            return _webm_seconds(f, size)
        return _mp4_seconds(f, size)
    finally:
        f.seek(0)


def _boxes(f: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """The ISO-BMFF boxes between ``start`` and ``end``: ``(type, payload start, box end)``.

    A generator, and at most :data:`MAX_BOXES` of them: a file of millions of tiny boxes
    (20 MB of 8-byte ``free`` boxes once took 340 MB) costs one box at a time, and a level
    with more boxes than the cap is :class:`BrokenMediaError`.
    """
    pos = start
    for _ in range(MAX_BOXES):
        if pos + 8 > end:
            return
        f.seek(pos)
        size, kind = struct.unpack(">I4s", f.read(8))
        head = 8
        if size == 1:  # a 64-bit size follows the type
            raw = f.read(8)
            if len(raw) < 8:
                raise BrokenMediaError("box header cut off")
            size, head = struct.unpack(">Q", raw)[0], 16
        elif size == 0:  # the last box runs to the end of the file
            size = end - pos
        if size < head or pos + size > end:
            raise BrokenMediaError(f"box {kind!r} does not fit in the file")
        yield kind, pos + head, pos + size
        pos += size
    if pos + 8 <= end:
        raise BrokenMediaError(f"more than {MAX_BOXES:,} boxes in a row: not a recording")


def _find(f: BinaryIO, start: int, end: int, kind: bytes) -> tuple[bytes, int, int] | None:
    """The first ``kind`` box between ``start`` and ``end``; every box on the level is walked
    (one at a time), so a box cut off after it still marks the file as damaged."""
    found = None
    for box in _boxes(f, start, end):
        if found is None and box[0] == kind:
            found = box
    return found


def _child(f: BinaryIO, parent: tuple[bytes, int, int] | None, kind: bytes) -> tuple | None:
    if parent is None:
        return None
    return _find(f, parent[1], parent[2], kind)


def _mp4_seconds(f: BinaryIO, size: int) -> float | None:
    moov = _find(f, 0, size, b"moov")
    mvhd = _child(f, moov, b"mvhd")
    if mvhd is None:
        return None
    f.seek(mvhd[1])
    flags = f.read(4)
    if len(flags) < 4:
        raise BrokenMediaError("movie header cut off")
    version = flags[0]
    f.seek(16 if version == 1 else 8, 1)  # creation and modification times
    fmt = ">IQ" if version == 1 else ">II"
    raw = f.read(struct.calcsize(fmt))
    if len(raw) < struct.calcsize(fmt):
        raise BrokenMediaError("movie header cut off")
    timescale, duration = struct.unpack(fmt, raw)
    unknown = duration in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF)
    if unknown:
        # a fragmented recording (Safari) may give the whole length in moov/mvex/mehd
        duration = _fragments_duration(f, _child(f, moov, b"mvex"))
    if not timescale or not duration:
        return None
    return duration / timescale


def _fragments_duration(f: BinaryIO, mvex: tuple | None) -> int:
    mehd = _child(f, mvex, b"mehd")
    if mehd is None:
        return 0
    f.seek(mehd[1])
    flags = f.read(4)
    version = flags[0] if flags else 0
    fmt = ">Q" if version == 1 else ">I"
    raw = f.read(struct.calcsize(fmt))
    return struct.unpack(fmt, raw)[0] if len(raw) == struct.calcsize(fmt) else 0


# EBML (WebM / Matroska) element ids, with their length markers as written in files
SEGMENT, INFO, CLUSTER = 0x18538067, 0x1549A966, 0x1F43B675
TIMECODE_SCALE, DURATION, DOC_TYPE = 0x2AD7B1, 0x4489, 0x4282


def _vint(f: BinaryIO, *, keep_marker: bool) -> tuple[int, bool]:
    """One EBML variable-length integer: ``(value, all ones)``; all ones = unknown size."""
    first = f.read(1)
    if not first or first[0] == 0:
        raise EOFError
    length = 9 - first[0].bit_length()
    raw = first + f.read(length - 1)
    if len(raw) < length:
        raise EOFError
    value = int.from_bytes(raw, "big")
    if keep_marker:
        return value, False
    mask = (1 << (7 * length)) - 1
    return value & mask, value & mask == mask


def _elements(f: BinaryIO, start: int, end: int | None):
    """``(id, data start, data size or None)`` of the elements from ``start`` (a generator:
    reading stops as soon as the caller has what it needs)."""
    f.seek(start)
    for _ in range(MAX_ELEMENTS):
        pos = f.tell()
        if end is not None and pos >= end:
            return
        try:
            element, _ = _vint(f, keep_marker=True)
            size, unknown = _vint(f, keep_marker=False)
        except EOFError:
            return
        data = f.tell()
        yield element, data, None if unknown else size
        if unknown:
            return  # an unknown size (a live recording's cluster): nothing to skip past
        f.seek(data + size)


def _webm_seconds(f: BinaryIO, size: int) -> float | None:
    top = list(_elements(f, 0, size))
    segment = next((e for e in top if e[0] == SEGMENT), None)
    if segment is None:
        return None
    seg_end = size if segment[2] is None else min(size, segment[1] + segment[2])
    for element, data, length in _elements(f, segment[1], seg_end):
        if element == CLUSTER or length is None:
            return None  # the media starts: no Info element with a length before it
        if element == INFO:
            return _info_seconds(f, data, data + length)
    return None


def _info_seconds(f: BinaryIO, start: int, end: int) -> float | None:
    scale, duration = 1_000_000, None  # nanoseconds per tick: Matroska's default
    for element, data, length in list(_elements(f, start, end)):
        if length is None:
            break
        if element == TIMECODE_SCALE:
            scale = _uint(f, data, length) or scale
        elif element == DURATION and length in (4, 8):
            f.seek(data)
            raw = f.read(length)
            if len(raw) == length:
                duration = struct.unpack(">f" if length == 4 else ">d", raw)[0]
    if duration is not None and not math.isfinite(duration):
        raise BrokenMediaError(f"the length is {duration}")  # +inf passed, NaN slipped by
    if duration is None or duration <= 0:
        return None
    return duration * scale / 1e9


def _uint(f: BinaryIO, start: int, length: int) -> int:
    # Matroska's unsigned integers have at most 8 bytes; 200 made a number no float can hold
    if length > 8:
        raise BrokenMediaError(f"a {length}-byte time scale (at most 8)")
    f.seek(start)
    raw = f.read(length)
    if len(raw) < length:
        raise BrokenMediaError("segment info cut off")
    return int.from_bytes(raw, "big")


# --------------------------------------------------------------------------- links


@dataclass(frozen=True, slots=True)
class VideoLink:
    url: str
    kind: str  # "youtube", "vimeo" or "drive"
    #: the provider's privacy-friendly player; empty for cloud drives (shown as a link)
    embed_url: str = ""


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "youtube-nocookie.com", "music.youtube.com"}
_DRIVE_HOSTS = (
    "drive.google.com",
    "docs.google.com",
    "dropbox.com",
    "onedrive.live.com",
    "1drv.ms",
    "sharepoint.com",
    "box.com",
    "icloud.com",
)
SUPPORTED = "YouTube, Vimeo, Google Drive, Dropbox, OneDrive, Box or iCloud"


def parse_video_link(text: str) -> VideoLink:
    """The video behind a pasted link, or :class:`LinkError` saying what is wrong.

    >>> parse_video_link("https://youtu.be/dQw4w9WgXcQ?t=3").embed_url
    'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ'
    >>> parse_video_link("https://vimeo.com/76979871").embed_url
    'https://player.vimeo.com/video/76979871?dnt=1'
    """
    url = text.strip()
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:  # "http://[" and other addresses urlsplit cannot read
        raise LinkError(
            f"That is not a web address. Paste the link to your video on {SUPPORTED}."
        ) from None
    if parts.scheme not in ("http", "https") or not host or len(url) > 500:
        raise LinkError(f"That is not a web address. Paste the link to your video on {SUPPORTED}.")
    # the providers all speak https; an http link would only leak the viewing
    url = parts._replace(scheme="https").geturl()
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(url, host, parts.path, parts.query)
    if host in ("vimeo.com", "player.vimeo.com"):
        return _vimeo(url, parts.path, parts.query)
    if any(host == d or host.endswith("." + d) for d in _DRIVE_HOSTS):
        return VideoLink(url, "drive")
    raise LinkError(
        f"Links to {host} are not supported. Use {SUPPORTED}, or upload the video itself."
    )


def _youtube(url: str, host: str, path: str, query: str) -> VideoLink:
    segments = [s for s in path.split("/") if s]
    if host == "youtu.be":
        video = segments[0] if segments else ""
    elif segments[:1] == ["watch"]:
        video = parse_qs(query).get("v", [""])[0]
    elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
        video = segments[1]
    else:
        video = ""
    if not _YOUTUBE_ID.match(video):
        raise LinkError(
            "That YouTube link does not point to a video. Open the video, choose Share, "
            "and paste the link it gives you."
        )
    return VideoLink(url, "youtube", f"https://www.youtube-nocookie.com/embed/{video}")


def _vimeo(url: str, path: str, query: str) -> VideoLink:
    numbers = [s for s in path.split("/") if s]
    ids = [k for k, s in enumerate(numbers) if s.isdigit()]
    if not ids:
        raise LinkError("That Vimeo link does not point to a video. Copy the video's own link.")
    k = ids[-1]
    # an unlisted video carries a hash after its number (or as ?h=): the player needs it
    secret = numbers[k + 1] if k + 1 < len(numbers) else parse_qs(query).get("h", [""])[0]
    embed = f"https://player.vimeo.com/video/{numbers[k]}?dnt=1"
    if re.fullmatch(r"[0-9a-f]{6,40}", secret or ""):
        embed += f"&h={secret}"
    return VideoLink(url, "vimeo", embed)


# --------------------------------------------------------------------------- captions


def check_captions(data: bytes) -> bytes:
    """``data`` if it is a WebVTT file (UTF-8, starting with ``WEBVTT``), as clean UTF-8.

    >>> check_captions(b"WEBVTT\\n\\n00:00.000 --> 00:02.000\\nHello\\n")[:6]
    b'WEBVTT'
    """
    if len(data) > CAPTIONS_MAX_BYTES:
        raise CaptionsError(f"The captions file is larger than {CAPTIONS_MAX_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionsError("The captions file is not UTF-8 text. Save it as WebVTT.") from None
    if not re.match(r"WEBVTT(?:[ \t\r\n]|$)", text):
        raise CaptionsError(
            "Captions must be a WebVTT file (its first line says WEBVTT). Most caption tools "
            "can export .vtt; an .srt file can be converted online."
        )
    return text.encode("utf-8")
