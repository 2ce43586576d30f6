"""Fuzzing every form: generated POST data (missing fields, lists, huge, unicode and NUL
strings, junk keys, random files) never makes a page answer with a server error.

Each page is set up with real rows; its field names are read from the page itself (every
``name="..."`` of an input, select or textarea), so a field added later is fuzzed too.
The test client raises the view's exception on a crash, so a failure shows the traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from netweave.web.events.models import Event, Registration
from netweave.web.mail.domain import preferences_token
from tests.web.factories import (
    EventFactory,
    HeldMeetingFactory,
    IntroFactory,
    MeetingFactory,
    MemberFactory,
    PlanVersionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bname="([^"]+)"', re.IGNORECASE)
FILE_FIELD = re.compile(r'<input\b[^>]*?\btype="file"[^>]*?\bname="([^"]+)"', re.IGNORECASE)
SKIP = {"csrfmiddlewaretoken"}
#: examples per page: the 16 pages and the importer fuzz stay under 60 s together
EXAMPLES = 10

ODD = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1",
        "31",
        "9223372036854775807",
        "1e309",
        "NaN",
        "on",
        "true",
        "live",
        "async",
        "UTC",
        "Europe/Berlin",
        "Mars/Olympus",
        "2026-02-30T25:61",
        "2026-03-29T02:30",
        "9999-12-31T23:59",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "a@b",
        "ana@example.org",
        "\x00",
        "a\x00b@example.org",
        "\ud7ff\ue000\U0010ffff",
        "ñandú 🦆 ß ǅ",
        "x" * 30_000,
        "a," * 5000,
    ]
)
VALUE = st.one_of(ODD, st.text(max_size=80), st.integers(-(2**70), 2**70).map(str))


def _known_bug(page: str, post: dict[str, object]) -> bool:
    """Inputs of bugs pinned by xfail tests, skipped so that fuzzing keeps looking for
    others; none are open now. Add a rule here with each new pinned bug, remove it with the
    fix."""
    return False


def _strings(value: object) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


FIELD_VALUE = st.one_of(VALUE, st.lists(VALUE, max_size=3))
JUNK_KEYS = st.sampled_from(["x", "", "name[]", "__proto__", "q0", "q99", "partner", "\x00"])


def _names(client: Client, url: str) -> tuple[list[str], list[str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    files = sorted(set(FILE_FIELD.findall(page)) - SKIP)
    names = sorted(set(FIELD.findall(page)) - SKIP - set(files))
    return names, files


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


CSV_LIKE = st.one_of(
    st.binary(max_size=300),
    st.lists(st.text(max_size=30), max_size=6).map(
        lambda cells: ("email,name,notes\n" + "\n".join(cells)).encode("utf-8", "surrogatepass")
    ),
    st.just(b"email,name,notes\nana@example.org,Ana,hi\n"),
    st.just(b"\xef\xbb\xbfemail;name\r\nana@example.org;Ana\r\nana@example.org;Ana\r\n"),
)
FILE_NAMES = st.sampled_from(["people.csv", "people.xlsx", "people.tsv", "intro.mp4", "x", "..csv"])


# --------------------------------------------------------------------------- the pages


def _open_event(community) -> Event:
    event = EventFactory(community=community, status=Event.Status.OPEN)
    MemberFactory.create_batch(3, community=community, listed=True)
    return event


def _register(env) -> tuple[str, bool]:
    e = _open_event(env.community)
    return reverse("portal:register", args=[env.community.slug, e.slug]), False


def _resend(env) -> tuple[str, bool]:
    e = _open_event(env.community)
    RegistrationFactory(event=e)
    return reverse("portal:resend", args=[env.community.slug, e.slug]), False


def _edit(env) -> tuple[str, bool]:
    registration = RegistrationFactory(event=_open_event(env.community))
    return reverse("portal:edit", args=[registration.token]), False


def _login(env) -> tuple[str, bool]:
    return reverse("orga:login"), False


def _members_import(env) -> tuple[str, bool]:
    return reverse("orga:members_import", args=[env.community.pk]), True


def _event_import(env) -> tuple[str, bool]:
    return reverse("orga:event_import", args=[_open_event(env.community).pk]), True


def _event_create(env) -> tuple[str, bool]:
    return reverse("orga:event_create", args=[env.community.pk]), True


def _event_edit(env) -> tuple[str, bool]:
    return reverse("orga:event_edit", args=[_open_event(env.community).pk]), True


def _member_edit(env) -> tuple[str, bool]:
    return reverse("orga:member_edit", args=[MemberFactory(community=env.community).pk]), True


def _registration_edit(env) -> tuple[str, bool]:
    registration = RegistrationFactory(event=_open_event(env.community))
    url = reverse("orga:registration_edit", args=[registration.event.pk, registration.pk])
    return url, True


def _async_pair(community) -> SimpleNamespace:
    """Kofi (async) meets Ana (live) in round 1 of a published plan."""
    event = EventFactory(community=community, status=Event.Status.PUBLISHED)
    kofi = RegistrationFactory(event=event, mode=Registration.Mode.ASYNC)
    ana = RegistrationFactory(event=event)
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, room=None, is_async=True, seats=[ana, kofi])
    IntroFactory(registration=kofi)
    return SimpleNamespace(kofi=kofi, ana=ana)


def _intro(env) -> tuple[str, bool]:
    return reverse("portal:intro", args=[_async_pair(env.community).kofi.token]), False


def _partner_answers(env) -> tuple[str, bool]:
    pair = _async_pair(env.community)
    return reverse("portal:intro_partner", args=[pair.ana.token, pair.kofi.pk]), False


def _met(community) -> tuple[Registration, object]:
    event = EventFactory(community=community, status=Event.Status.DONE)
    ana, bo = RegistrationFactory.create_batch(2, event=event)
    return ana, HeldMeetingFactory(event=event, seats=[ana, bo])


def _feedback_event(env) -> tuple[str, bool]:
    return reverse("portal:feedback_event", args=[_met(env.community)[0].token]), False


def _feedback_meeting(env) -> tuple[str, bool]:
    ana, meeting = _met(env.community)
    return reverse("portal:feedback_meeting", args=[ana.token, meeting.pk]), False


def _summary_sharing(env) -> tuple[str, bool]:
    return reverse("portal:summary", args=[_met(env.community)[0].token]), False


def _email_preferences(env) -> tuple[str, bool]:
    member = MemberFactory(community=env.community)
    return reverse("portal:email_preferences", args=[preferences_token(member)]), False


PAGES: dict[str, Callable[[SimpleNamespace], tuple[str, bool]]] = {
    "register": _register,
    "resend": _resend,
    "edit": _edit,
    "login": _login,
    "members_import": _members_import,
    "event_import": _event_import,
    "event_create": _event_create,
    "event_edit": _event_edit,
    "member_edit": _member_edit,
    "registration_edit": _registration_edit,
    "intro": _intro,
    "partner_answers": _partner_answers,
    "feedback_event": _feedback_event,
    "feedback_meeting": _feedback_meeting,
    "summary": _summary_sharing,
    "email_preferences": _email_preferences,
}
#: where a page's forms post to somewhere else than the page itself
POST_TO = {
    "partner_answers": lambda url: url.rstrip("/") + "/save/",
    "summary": lambda url: url + "sharing/",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_form_any_post_data_is_never_a_server_error(page, community, organizer) -> None:
    client = Client()
    url, organizer_only = PAGES[page](SimpleNamespace(community=community))
    if organizer_only:
        client.force_login(organizer)
    names, files = _names(client, url)
    target = POST_TO.get(page, lambda u: u)(url)
    key = st.sampled_from(names) | JUNK_KEYS if names else JUNK_KEYS

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def post_anything(data: st.DataObject) -> None:
        keys = data.draw(st.lists(key, unique=True, max_size=20))
        post: dict[str, object] = {k: data.draw(FIELD_VALUE) for k in keys}
        for name in files:
            if data.draw(st.booleans()):
                post[name] = _upload(data.draw(CSV_LIKE), data.draw(FILE_NAMES))
        assume(not _known_bug(page, post))
        cache.clear()  # rate limits on public forms must not turn fuzzing into 429s
        htmx = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans()) else {}
        response = client.post(target, post, **htmx)
        assert response.status_code < 500, (target, post, response.status_code)

    post_anything()


# --------------------------------------------------------------------------- found by fuzzing


def test_register_huge_request_id_is_a_field_error(client, community) -> None:
    event = _open_event(community)
    url = reverse("portal:register", args=[community.slug, event.slug])
    response = client.post(url, {"requests": "99999999999999999999999"})
    assert response.status_code == 200


def test_intro_link_with_bad_ipv6_host_is_a_field_error(client, community) -> None:
    url = reverse("portal:intro", args=[_async_pair(community).kofi.token])
    response = client.post(url, {"link": "http://["})
    # the form comes back (400, as for any refused intro) saying what is wrong
    assert (response.status_code, "not a web address" in response.content.decode()) == (400, True)


def test_members_import_short_row_is_previewed(client, community, organizer) -> None:
    client.force_login(organizer)
    upload = _upload(b"email,name,notes\nana@example.org,Ana\n", "people.csv")
    url = reverse("orga:members_import", args=[community.pk])
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
