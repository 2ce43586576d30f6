"""Intro videos against hostile files and headers (issue 10, findings 7, 8 and 11): the upload
check is bounded and answers every broken file with a message; byte ranges are answered by
RFC 9110, never with a negative length."""

from __future__ import annotations

import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.web.events.models import Registration
from netweave.web.intros import media
from netweave.web.intros.domain.intros import save_intro_video
from netweave.web.intros.models import Intro
from tests.web.factories import RegistrationFactory, mp4_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "intros": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def person():
    return RegistrationFactory(mode=Registration.Mode.ASYNC)


def _upload(client, registration, data: bytes):
    url = reverse("portal:intro_upload", kwargs={"token": registration.token})
    video = SimpleUploadedFile("intro.mp4", data, content_type="application/octet-stream")
    return client.post(url, {"video": video})


def _stored_files(media_dir) -> list:
    return [p for p in media_dir.rglob("*") if p.is_file()] if media_dir.exists() else []


# --------------------------------------------------------------------------- finding 7

FTYP = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 0x200, b"isom")
FREE = struct.pack(">I4s", 8, b"free")


def _free_boxes_then_movie(free: int) -> bytes:
    """``ftyp``, ``free`` empty boxes, then a camera's ``moov`` and ``mdat`` (30 s)."""
    return FTYP + FREE * free + mp4_bytes(30.0)[20:]


def test_upload_of_many_tiny_boxes_stops_at_the_box_cap(client, person, media_dir):
    # one box more than the cap on the file's top level (ftyp, the free boxes, moov, mdat)
    response = _upload(client, person, _free_boxes_then_movie(media.MAX_BOXES - 2))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"more than {media.MAX_BOXES:,} boxes" in page
    assert not Intro.objects.filter(registration=person).exclude(video_name="").exists()
    assert _stored_files(media_dir) == []


def test_upload_just_under_the_box_cap_is_a_video(client, person):
    _upload(client, person, _free_boxes_then_movie(media.MAX_BOXES - 3))
    assert Intro.objects.get(registration=person).video_seconds == 30.0


# --------------------------------------------------------------------------- finding 8


def _webm(info_body: bytes) -> bytes:
    """EBML header, an unknown-size Segment, an Info with ``info_body``, a Cluster."""
    doc_type = b"\x42\x82\x84webm"
    ebml = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(doc_type)]) + doc_type
    info = b"\x15\x49\xa9\x66" + _size(len(info_body)) + info_body
    cluster = b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff" + bytes(32)
    return ebml + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + info + cluster


def _size(n: int) -> bytes:
    return b"\x40" + bytes([n]) if n >= 0x7F else bytes([0x80 | n])  # 1 or 2 bytes


def _timecode_scale(raw: bytes) -> bytes:
    return b"\x2a\xd7\xb1" + _size(len(raw)) + raw


def _duration(value: float) -> bytes:
    return b"\x44\x89\x88" + struct.pack(">d", value)


HOSTILE_WEBM = {
    "200-byte time scale": _timecode_scale(b"\xff" * 200) + _duration(1000.0),
    "infinite duration": _timecode_scale(b"\x0f\x42\x40") + _duration(float("inf")),
    "NaN duration": _timecode_scale(b"\x0f\x42\x40") + _duration(float("nan")),
}


@pytest.mark.parametrize("info", HOSTILE_WEBM.values(), ids=HOSTILE_WEBM)
def test_upload_webm_with_impossible_length_is_refused_as_damaged(client, person, info):
    response = _upload(client, person, _webm(info))
    assert response.status_code == 400  # not a server error
    assert "The video file seems damaged" in response.content.decode()
    assert not Intro.objects.filter(registration=person).exclude(video_name="").exists()


def test_upload_webm_with_a_real_length_still_passes(client, person):
    _upload(client, person, _webm(_timecode_scale(b"\x0f\x42\x40") + _duration(42_000.0)))
    assert Intro.objects.get(registration=person).video_seconds == 42.0


# --------------------------------------------------------------------------- finding 11

VIDEO = mp4_bytes(20.0)
SIZE = len(VIDEO)


@pytest.fixture
def own_video(person):
    save_intro_video(person, SimpleUploadedFile("me.mp4", VIDEO))
    return reverse(
        "portal:intro_media",
        kwargs={"token": person.token, "owner_pk": person.pk, "which": "video"},
    )


def _get(client, url, header: str):
    response = client.get(url, HTTP_RANGE=header)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response, body


UNSATISFIABLE = [
    "bytes=10-5",  # last before first: the old answer was 206 with Content-Length: -4
    f"bytes={SIZE}-",
    f"bytes={SIZE}-{SIZE + 10}",
    "bytes=-0",
    "bytes=abc",
    "bytes=-",
    "bytes=5",
    "bytes=1-2-3",
    "bytes=" + "9" * 5000 + "-",  # int() alone would refuse it with an error of its own
    "bytes=0-1," * 17,  # more ranges than any player asks for
    f"bytes={SIZE}-,{SIZE + 5}-",
]


@pytest.mark.parametrize("header", UNSATISFIABLE)
def test_media_unsatisfiable_or_malformed_range_is_416(client, own_video, header):
    response, body = _get(client, own_video, header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert body == b""


SATISFIABLE = {
    "bytes=4-11": (4, 11),
    "bytes=4-": (4, SIZE - 1),
    f"bytes=4-{SIZE * 10}": (4, SIZE - 1),
    "bytes=-8": (SIZE - 8, SIZE - 1),
    f"bytes=-{SIZE * 10}": (0, SIZE - 1),  # a suffix beyond the size is the whole file
    " Bytes = 0-0 ": (0, 0),
    "bytes=, 3-3": (3, 3),
}


@pytest.mark.parametrize(("header", "span"), SATISFIABLE.items())
def test_media_range_answers_exactly_that_part(client, own_video, header, span):
    response, body = _get(client, own_video, header)
    start, end = span
    assert response.status_code == 206
    assert body == VIDEO[start : end + 1]
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"


@pytest.mark.parametrize("header", ["bytes=0-3,8-9", "items=0-5", "bytes 0-5", ""])
def test_media_multi_or_foreign_range_sends_the_whole_file(client, own_video, header):
    response, body = _get(client, own_video, header)
    assert (response.status_code, body) == (200, VIDEO)
    assert response["Content-Length"] == str(SIZE)
