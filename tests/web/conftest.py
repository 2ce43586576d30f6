"""Web test fixtures: factories, logged-in organizers, and a guard against real email."""

from __future__ import annotations

import smtplib

import pytest


@pytest.fixture(autouse=True)
def _no_real_email(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    """Fail any test that tries to send real mail (as Indico's disallow fixture does)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to open a real SMTP connection")

    monkeypatch.setattr(smtplib.SMTP, "connect", refuse)
    monkeypatch.setattr(smtplib.SMTP_SSL, "connect", refuse)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organizer(db):
    from tests.web.factories import UserFactory

    return UserFactory()


@pytest.fixture
def community(organizer):
    from tests.web.factories import CommunityFactory

    return CommunityFactory(organizers=[organizer])


@pytest.fixture
def orga_client(client, organizer):
    """A test client logged in as an organizer of ``community``."""
    client.force_login(organizer)
    return client


@pytest.fixture
def outsider_client(db, client):
    """A client logged in as an organizer of some other community."""
    from tests.web.factories import CommunityFactory, UserFactory

    other = UserFactory()
    CommunityFactory(organizers=[other])
    client.force_login(other)
    return client
