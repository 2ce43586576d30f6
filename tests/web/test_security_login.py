"""Password guessing on organizer login: 5 wrong passwords lock that username from that
address for 15 minutes (django-axes), with a clear page."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.urls import reverse

from tests.web.factories import PASSWORD, UserFactory

LOCKED = "Sign-in paused for 15 minutes"


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    # sign-in POSTs also count towards the per-address rate limit, in the shared cache
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


def _login(client, username: str, password: str, ip: str = "198.51.100.1"):
    return client.post(
        reverse("orga:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _fail(client, username: str, times: int, ip: str = "198.51.100.1"):
    response = None
    for _ in range(times):
        response = _login(client, username, "wrong password", ip)
    return response


def test_login_four_wrong_passwords_still_show_the_form(client, user):
    response = _fail(client, user.username, 4)

    assert response.status_code == 200
    assert LOCKED not in response.content.decode()


def test_login_fifth_wrong_password_locks_with_clear_message(client, user):
    response = _fail(client, user.username, 5)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_login_locked_refuses_even_the_right_password(client, user):
    _fail(client, user.username, 5)

    response = _login(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_lock_leaves_other_addresses_free(client, user):
    _fail(client, user.username, 5)

    response = _login(client, user.username, PASSWORD, ip="203.0.113.9")

    assert response.status_code == 302


def test_login_lock_leaves_other_usernames_free(client, user):
    _fail(client, user.username, 5)

    response = _login(client, UserFactory().username, PASSWORD)

    assert response.status_code == 302


def test_login_lock_ends_after_15_minutes(client, user):
    _fail(client, user.username, 5)
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15, seconds=1)
    )

    response = _login(client, user.username, PASSWORD)

    assert response.status_code == 302


def test_login_success_resets_the_count(client, user):
    _fail(client, user.username, 4)
    _login(client, user.username, PASSWORD)
    client.post(reverse("orga:logout"))

    response = _fail(client, user.username, 4)

    assert response.status_code == 200


def test_authenticate_without_request_still_works(user):
    """Server-side code (the demo, the shell) signs in without a web request."""
    assert authenticate(username=user.username, password=PASSWORD) == user


def test_force_login_unaffected_by_a_lock(client, user):
    _fail(client, user.username, 5)
    client.force_login(user)

    assert client.get(reverse("orga:dashboard")).status_code == 200
