"""A participant's intro: video uploads checked by content and size, links, text, captions."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.urls import reverse

from netweave.web.events.models import Registration
from netweave.web.intros import views
from netweave.web.intros.domain.intros import save_intro_video
from netweave.web.intros.models import Intro
from netweave.web.intros.storage import intro_storage
from netweave.web.intros.uploads import LimitedUploadHandler
from tests.web.factories import (
    IntroFactory,
    IntroSettingsFactory,
    RegistrationFactory,
    mp4_bytes,
    webm_bytes,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    """Intro files in this test's own folder."""
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


def upload(client, registration, data: bytes, name: str = "intro.mp4", **headers):
    url = reverse("portal:intro_upload", kwargs={"token": registration.token})
    video = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(url, {"video": video}, **headers)


def stored(registration) -> Intro:
    return Intro.objects.get(registration=registration)


def test_upload_mp4_saves_video_with_its_length(client, person):
    response = upload(client, person, mp4_bytes(42.0))
    intro = stored(person)
    assert (response.status_code, intro.video_type, intro.video_seconds) == (302, "video/mp4", 42.0)


def test_upload_stores_under_random_name_never_the_uploaded_one(client, person):
    upload(client, person, mp4_bytes(), name="ana-lima-intro.mp4")
    name = stored(person).video_name
    assert "ana" not in name
    assert name.endswith(".mp4")
    assert len(name.rsplit("/", 1)[1]) >= 32


def test_upload_streams_file_into_storage(client, person, media_dir):
    data = mp4_bytes(20.0)
    upload(client, person, data)
    assert (media_dir / stored(person).video_name).read_bytes() == data


def test_upload_type_decided_by_content_not_name(client, person):
    upload(client, person, webm_bytes(30.0), name="holiday.txt")
    assert stored(person).video_type == "video/webm"


def test_upload_image_named_mp4_refused(client, person):
    response = upload(client, person, PNG, name="intro.mp4")
    assert response.status_code == 400
    assert "not a video we can play" in response.content.decode()


def test_upload_refused_keeps_previous_video(client, person, media_dir):
    upload(client, person, mp4_bytes(30.0))
    before = stored(person).video_name
    upload(client, person, PNG)
    assert stored(person).video_name == before
    assert (media_dir / before).exists()


def test_upload_too_long_refused_with_length_and_limit(client, person):
    response = upload(client, person, mp4_bytes(600.0))
    page = response.content.decode()
    assert response.status_code == 400
    assert "10 minutes long" in page
    assert "3 minutes" in page


def test_upload_too_long_for_event_limit_refused(client, person):
    IntroSettingsFactory(event=person.event, max_video_seconds=60)
    response = upload(client, person, mp4_bytes(90.0))
    assert response.status_code == 400


def test_upload_refused_leaves_no_file_behind(client, person, media_dir):
    upload(client, person, mp4_bytes(600.0))
    assert [p for p in media_dir.rglob("*") if p.is_file()] == []


def test_upload_cut_off_mp4_refused_as_damaged(client, person):
    response = upload(client, person, mp4_bytes(30.0)[:-10])
    assert "damaged" in response.content.decode()


def test_upload_without_readable_length_accepted_with_limit_stated(client, person):
    response = upload(client, person, webm_bytes(None), name="recording.webm", follow=True)
    page = response.content.decode()
    assert stored(person).video_seconds is None
    assert "could not read its length" in page
    assert "at most 3 minutes" in page


def test_upload_larger_than_event_limit_refused_by_announced_size(client, person):
    IntroSettingsFactory(event=person.event, max_video_mb=1)
    response = upload(client, person, mp4_bytes() + bytes(1_200_000))
    assert response.status_code == 413
    assert not Intro.objects.exists()


class _Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_upload_too_large_refused_before_body_is_read(rf, person):
    request = rf.post(
        "/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        **{"wsgi.input": _Unreadable()},
    )
    response = views.upload(request, token=person.token)
    assert response.status_code == 413


def test_upload_handler_stops_past_limit():
    handler = LimitedUploadHandler(None, limit=10)
    handler.new_file("video", "v.mp4", "video/mp4", None)
    handler.receive_data_chunk(b"12345678", 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"12345678", 8)
    assert handler.exceeded


def test_upload_handler_skips_other_file_fields():
    from django.core.files.uploadhandler import SkipFile

    handler = LimitedUploadHandler(None, limit=10)
    with pytest.raises(SkipFile):
        handler.new_file("captions", "c.vtt", "text/vtt", None)


def test_upload_answers_json_for_the_recorder_script(client, person):
    response = upload(client, person, webm_bytes(20.0), HTTP_ACCEPT="application/json")
    assert json.loads(response.content)["ok"] is True


def test_upload_json_error_keeps_message(client, person):
    upload(client, person, mp4_bytes(30.0))
    response = upload(client, person, PNG, HTTP_ACCEPT="application/json")
    body = json.loads(response.content)
    assert (response.status_code, body["ok"]) == (400, False)
    assert "previous intro is kept" in body["message"]


def test_first_upload_refused_does_not_speak_of_a_previous_intro(client, person):
    response = upload(client, person, PNG, HTTP_ACCEPT="application/json")
    body = json.loads(response.content)
    assert (response.status_code, body["ok"]) == (400, False)
    assert body["message"]
    assert "previous intro" not in body["message"]


def test_upload_replacing_deletes_old_file_after_commit(
    client, person, media_dir, django_capture_on_commit_callbacks
):
    upload(client, person, mp4_bytes(30.0))
    old = stored(person).video_name
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, person, mp4_bytes(40.0))
    assert not (media_dir / old).exists()
    assert stored(person).video_seconds == 40.0


def test_upload_unknown_token_404(client):
    response = client.post(reverse("portal:intro_upload", kwargs={"token": "nope"}))
    assert response.status_code == 404


def test_upload_checks_csrf(person):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = upload(strict, person, mp4_bytes())
    assert response.status_code == 403
    assert not Intro.objects.exists()


def test_remove_video_keeps_written_intro(client, person):
    IntroFactory(registration=person)
    upload(client, person, mp4_bytes())
    client.post(reverse("portal:intro_remove_video", kwargs={"token": person.token}))
    intro = stored(person)
    assert (intro.video_name, intro.kind) == ("", "text")


# --------------------------------------------------------------------------- text, link, captions


def post_details(client, registration, **data):
    url = reverse("portal:intro", kwargs={"token": registration.token})
    return client.post(url, {"text": "", "link": "", **data})


def test_intro_text_and_link_saved(client, person):
    post_details(client, person, text="Hi, I'm Ana.", link="https://youtu.be/dQw4w9WgXcQ")
    intro = stored(person)
    assert (intro.text, intro.link_kind, intro.kind) == ("Hi, I'm Ana.", "youtube", "link")


def test_intro_broken_link_refused_previous_kept(client, person):
    IntroFactory(registration=person, text="Before", link_url="https://vimeo.com/1")
    response = post_details(client, person, text="After", link="https://example.com/v")
    intro = stored(person)
    assert response.status_code == 400
    assert (intro.text, intro.link_url) == (
        "Before",
        "https://vimeo.com/1",
    )


def test_intro_captions_saved_with_random_name(client, person):
    vtt = SimpleUploadedFile("ana.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n")
    post_details(client, person, text="Hi", captions=vtt)
    name = stored(person).captions_name
    assert name.endswith(".vtt")
    assert "ana" not in name


def test_intro_captions_not_webvtt_refused_and_nothing_changes(client, person):
    IntroFactory(registration=person, text="Before")
    srt = SimpleUploadedFile("c.srt", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n")
    response = post_details(client, person, text="After", captions=srt)
    assert response.status_code == 400
    assert stored(person).text == "Before"


def test_intro_page_shows_limits(client, person):
    IntroSettingsFactory(event=person.event, max_video_seconds=120, max_video_mb=50)
    page = client.get(reverse("portal:intro", kwargs={"token": person.token})).content.decode()
    assert "At most 2 minutes and 50 MB" in page


def test_intro_page_unknown_token_404(client):
    assert client.get(reverse("portal:intro", kwargs={"token": "x" * 32})).status_code == 404


# --------------------------------------------------------------------------- storage


def test_intro_storage_is_the_configured_one(media_dir):
    assert str(intro_storage().location) == str(media_dir)


def test_intro_storage_s3_from_environment_variables():
    from netweave.web.intros.storage import s3_options_from_env

    options = s3_options_from_env(
        {"NETWEAVE_S3_BUCKET": "intros-bucket", "NETWEAVE_S3_ENDPOINT_URL": "http://minio:9000"}
    )
    assert options["bucket_name"] == "intros-bucket"
    assert (options["endpoint_url"], options["default_acl"]) == ("http://minio:9000", "private")


def test_intro_storage_without_bucket_is_not_s3():
    from netweave.web.intros.storage import s3_options_from_env

    assert s3_options_from_env({}) is None


def test_save_intro_video_from_domain_with_in_memory_file(person):
    intro = save_intro_video(person, SimpleUploadedFile("x", mp4_bytes(10.0)))
    assert intro_storage().exists(intro.video_name)


def test_intro_form_too_large_refused_before_body_is_read(rf, person):
    request = rf.post(
        "/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": _Unreadable()},
    )
    assert views.intro(request, token=person.token).status_code == 413


def test_intro_captions_removed(client, person):
    vtt = SimpleUploadedFile("c.vtt", b"WEBVTT\n")
    post_details(client, person, text="Hi", captions=vtt)
    post_details(client, person, text="Hi", remove_captions="on")
    assert stored(person).captions_name == ""


def test_new_video_drops_captions_of_the_old_one(client, person):
    upload(client, person, mp4_bytes(30.0))
    post_details(client, person, text="Hi", captions=SimpleUploadedFile("c.vtt", b"WEBVTT\n"))
    upload(client, person, mp4_bytes(40.0))
    assert stored(person).captions_name == ""


def test_intro_storage_is_s3_when_a_bucket_is_named(settings, monkeypatch):
    from storages.backends.s3 import S3Storage

    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "intros"}
    monkeypatch.setenv("NETWEAVE_S3_BUCKET", "netweave-intros")
    monkeypatch.setenv("NETWEAVE_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    storage = intro_storage()
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.default_acl) == ("netweave-intros", "private")
