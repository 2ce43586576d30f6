"""Rate limits on the public forms: a friendly 429 page, never a silent drop."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.web.factories import EventFactory, RegistrationFactory


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    # the counters live in the process-wide cache: start every test from zero; the same
    # counts per hour, so that no window turns over in the middle of a test
    settings.NETWEAVE_RATE_LIMITS = {
        "register": "10/h",
        "resend": "10/h",
        "resend_email": "5/h",
        # high here, so the per-address tests below (which post one bad email) see only theirs
        "register_email": "50/h",
        "privacy_email": "5/h",
        "login": "30/h",
    }
    cache.clear()
    yield
    cache.clear()


def test_rate_limits_default_to_ten_a_minute_and_five_mails_an_hour():
    from netweave.web import settings as production

    assert production.NETWEAVE_RATE_LIMITS == {
        "register": "10/m",
        "resend": "10/m",
        "resend_email": "5/h",
        "register_email": "5/h",
        "privacy_email": "5/h",
        "login": "30/m",
    }


def _register_url(event) -> str:
    return reverse("portal:register", args=[event.community.slug, event.slug])


def _resend_url(event) -> str:
    return reverse("portal:resend", args=[event.community.slug, event.slug])


def _post_times(client, url: str, times: int, **data: str):
    response = None
    for _ in range(times):
        response = client.post(url, data or {"email": "not an email"})
    return response


def test_register_tenth_post_in_a_window_is_answered(client, db):
    response = _post_times(client, _register_url(EventFactory()), 10)

    assert response.status_code == 200


def test_register_eleventh_post_in_a_window_is_refused(client, db):
    response = _post_times(client, _register_url(EventFactory()), 11)

    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_register_get_is_never_limited(client, db):
    url = _register_url(EventFactory())
    _post_times(client, url, 11)

    assert client.get(url).status_code == 200


def test_register_limit_of_one_event_leaves_other_events_open(client, db):
    _post_times(client, _register_url(EventFactory()), 11)

    assert client.post(_register_url(EventFactory()), {}).status_code == 200


def test_register_limit_is_per_address(client, db):
    url = _register_url(EventFactory())
    _post_times(client, url, 11)

    assert client.post(url, {}, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_resend_sixth_request_for_one_email_in_an_hour_is_refused(client, db):
    registration = RegistrationFactory()
    email = registration.member.email
    for n in range(5):
        client.post(_resend_url(registration.event), {"email": email}, REMOTE_ADDR=f"192.0.2.{n}")

    response = client.post(_resend_url(registration.event), {"email": email.upper()})

    assert response.status_code == 429


def test_resend_limit_sends_no_more_mail(client, db, mailoutbox):
    registration = RegistrationFactory()
    _post_times(client, _resend_url(registration.event), 8, email=registration.member.email)

    assert len(mailoutbox) == 5


def test_register_sixth_post_for_one_email_in_an_hour_is_refused(client, db, settings):
    """Each registration emails the address (a link or a confirmation): nobody can flood an
    inbox by sending the form from many machines."""
    settings.NETWEAVE_RATE_LIMITS = {**settings.NETWEAVE_RATE_LIMITS, "register_email": "5/h"}
    url = _register_url(EventFactory())
    for n in range(5):
        client.post(url, {"email": "someone@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")

    response = client.post(url, {"email": "Someone@Example.org"}, REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 429


def test_privacy_sixth_confirmation_from_one_page_is_refused(client, db, mailoutbox):
    """A forwarded personal link cannot flood its owner's inbox with confirmation emails."""
    registration = RegistrationFactory()
    url = reverse("portal:privacy_download", args=[registration.token])
    for n in range(5):
        client.post(url, REMOTE_ADDR=f"192.0.2.{n}")

    response = client.post(url, REMOTE_ADDR="192.0.2.99")

    assert (response.status_code, len(mailoutbox)) == (429, 5)


def test_resend_eleventh_post_from_one_address_is_refused(client, db):
    response = _post_times(client, _resend_url(EventFactory()), 11)

    assert response.status_code == 429


def test_rate_limits_off_by_setting(client, db, settings):
    settings.RATELIMIT_ENABLE = False

    response = _post_times(client, _register_url(EventFactory()), 11)

    assert response.status_code == 200


def test_login_31st_post_from_one_address_is_refused(client, db):
    """Password spraying: many usernames from one address, each below the lockout."""
    for n in range(30):
        client.post(reverse("orga:login"), {"username": f"guess{n}", "password": "x"})

    response = client.post(reverse("orga:login"), {"username": "guess30", "password": "x"})

    assert response.status_code == 429
