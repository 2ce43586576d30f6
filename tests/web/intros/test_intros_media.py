"""Reading uploads by their bytes: video type and length, video links, captions."""

from __future__ import annotations

import io
import struct

import pytest

from netweave.web.intros import media
from tests.web.factories import mp4_bytes, webm_bytes


def seconds_of(data: bytes, kind: str) -> float | None:
    return media.video_seconds(io.BytesIO(data), kind)


# --------------------------------------------------------------------------- type


def test_sniff_video_mp4_by_ftyp_box():
    assert media.sniff_video(mp4_bytes()[:16]) == "video/mp4"


def test_sniff_video_quicktime_by_brand():
    assert media.sniff_video(mp4_bytes(brand=b"qt  ")[:16]) == "video/quicktime"


def test_sniff_video_webm_by_ebml_header():
    assert media.sniff_video(webm_bytes()[:16]) == "video/webm"


def test_sniff_video_refuses_heic_photo_in_mp4_container():
    assert media.sniff_video(mp4_bytes(brand=b"heic")[:16]) is None


@pytest.mark.parametrize(
    "head",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n",
        b"",
        b"ftyp",
        b"RIFF\x00\x00\x00\x00AVI ",
    ],
)
def test_sniff_video_refuses_other_files(head):
    assert media.sniff_video(head) is None


# --------------------------------------------------------------------------- length


def test_video_seconds_mp4_from_movie_header():
    assert seconds_of(mp4_bytes(42.5), media.MP4) == 42.5


def test_video_seconds_mp4_with_movie_header_after_media():
    data = mp4_bytes(95.0)
    ftyp, moov, mdat = data[:20], data[20:-72], data[-72:]
    assert seconds_of(ftyp + mdat + moov, media.MP4) == 95.0


def test_video_seconds_mp4_version_1_header():
    header = struct.pack(">B3xQQIQ", 1, 0, 0, 600, 600 * 200)
    mvhd = struct.pack(">I4s", 8 + len(header) + 80, b"mvhd") + header + bytes(80)
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    assert seconds_of(mp4_bytes()[:20] + moov, media.MP4) == 200.0


def test_video_seconds_mp4_cut_off_is_broken():
    with pytest.raises(media.BrokenMediaError):
        seconds_of(mp4_bytes(30.0)[:-10], media.MP4)


def test_video_seconds_mp4_without_movie_header_is_unknown():
    assert seconds_of(mp4_bytes()[:20], media.MP4) is None


def test_video_seconds_webm_from_info_duration():
    assert seconds_of(webm_bytes(12.0), media.WEBM) == 12.0


def test_video_seconds_browser_recording_without_duration_is_unknown():
    assert seconds_of(webm_bytes(None), media.WEBM) is None


def test_video_seconds_leaves_file_at_start():
    f = io.BytesIO(mp4_bytes())
    media.video_seconds(f, media.MP4)
    assert f.tell() == 0


# --------------------------------------------------------------------------- links


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://youtu.be/dQw4w9WgXcQ",
        "youtube.com/shorts/dQw4w9WgXcQ",
        "http://m.youtube.com/watch?v=dQw4w9WgXcQ",
    ],
)
def test_parse_video_link_youtube_embeds_without_cookies(url):
    link = media.parse_video_link(url)
    assert (link.kind, link.embed_url) == (
        "youtube",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    )


def test_parse_video_link_youtube_without_video_refused():
    with pytest.raises(media.LinkError, match="does not point to a video"):
        media.parse_video_link("https://www.youtube.com/@somechannel")


def test_parse_video_link_vimeo_embeds_do_not_track():
    link = media.parse_video_link("https://vimeo.com/76979871")
    assert link.embed_url == "https://player.vimeo.com/video/76979871?dnt=1"


def test_parse_video_link_unlisted_vimeo_keeps_its_hash():
    link = media.parse_video_link("https://vimeo.com/76979871/0a1b2c3d4e")
    assert link.embed_url.endswith("?dnt=1&h=0a1b2c3d4e")


def test_parse_video_link_cloud_drive_shown_as_link():
    link = media.parse_video_link("https://drive.google.com/file/d/abc123/view?usp=sharing")
    assert (link.kind, link.embed_url) == ("drive", "")


def test_parse_video_link_upgrades_to_https():
    link = media.parse_video_link("http://www.dropbox.com/s/abc/intro.mp4")
    assert link.url.startswith("https://")


def test_parse_video_link_unsupported_host_refused():
    with pytest.raises(media.LinkError, match="not supported"):
        media.parse_video_link("https://example.com/my-video.mp4")


@pytest.mark.parametrize("text", ["not a link at all", "javascript:alert(1)", "ftp://x.org/v.mp4"])
def test_parse_video_link_not_a_web_address_refused(text):
    with pytest.raises(media.LinkError):
        media.parse_video_link(text)


# --------------------------------------------------------------------------- captions


def test_check_captions_accepts_webvtt():
    vtt = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n"
    assert media.check_captions(vtt) == vtt


def test_check_captions_drops_byte_order_mark():
    assert media.check_captions(b"\xef\xbb\xbfWEBVTT\n").startswith(b"WEBVTT")


def test_check_captions_refuses_srt():
    with pytest.raises(media.CaptionsError, match="WebVTT"):
        media.check_captions(b"1\n00:00:00,000 --> 00:00:02,000\nHello\n")


def test_check_captions_refuses_a_lookalike_first_word():
    with pytest.raises(media.CaptionsError):
        media.check_captions(b"WEBVTTX\n")


def test_check_captions_refuses_too_large():
    with pytest.raises(media.CaptionsError, match="larger"):
        media.check_captions(b"WEBVTT\n" + b"a" * media.CAPTIONS_MAX_BYTES)


def test_check_captions_refuses_binary():
    with pytest.raises(media.CaptionsError, match="UTF-8"):
        media.check_captions(b"WEBVTT\n\xff\xfe\x00")
