"""Whose forwarded headers are believed (netweave.web.common.proxy): only a trusted proxy's, for the
client's address (rate limits, login lock) and scheme (HTTPS redirect, HSTS). The same rule
through the real server is in ``test_security_serving.py``."""

from __future__ import annotations

import doctest

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from netweave.web.common import proxy
from netweave.web.common.proxy import client_address, forwarded_client, parse_trusted

LOCKED = "Sign-in paused for 15 minutes"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_proxy(settings):
    settings.NETWEAVE_TRUSTED_PROXIES = parse_trusted(f"{PROXY}, 10.0.1.0/24")
    return settings


def _login(client, username: str, remote: str, forwarded_for: str):
    return client.post(
        reverse("orga:login"),
        {"username": username, "password": "wrong password"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_proxy_doctests_pass():
    assert doctest.testmod(proxy).failed == 0


def test_trusted_proxies_setting_refuses_a_non_address_with_its_name():
    with pytest.raises(ImproperlyConfigured, match=r"'proxy\.example\.org' is not an IP address"):
        parse_trusted("127.0.0.1, proxy.example.org")


def test_client_address_without_trusted_proxies_ignores_forwarded_for(settings):
    settings.NETWEAVE_TRUSTED_PROXIES = ()
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert client_address(request) == PROXY


def test_client_address_from_trusted_proxy_is_the_forwarded_client(behind_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert client_address(request) == "198.51.100.1"


def test_forwarded_client_skips_a_chain_of_trusted_proxies_not_a_spoofed_start():
    networks = parse_trusted(f"{PROXY}, 10.0.1.0/24")

    # the client wrote "1.2.3.4" itself; the outer proxy 10.0.1.7 saw 198.51.100.2
    found = forwarded_client(PROXY, "1.2.3.4, 198.51.100.2, 10.0.1.7", networks)

    assert found == "198.51.100.2"


def test_forwarded_client_reads_ipv6_and_ports():
    networks = parse_trusted(PROXY)

    assert forwarded_client(PROXY, "[2001:db8::7]:4711", networks) == "2001:db8::7"
    assert forwarded_client(PROXY, "198.51.100.3:80", networks) == "198.51.100.3"


def test_login_lockout_from_untrusted_address_ignores_rotating_forwarded_for(client, db, settings):
    settings.NETWEAVE_TRUSTED_PROXIES = ()
    for n in range(5):
        _login(client, "orga", "203.0.113.50", f"198.51.100.{n + 1}")

    response = _login(client, "orga", "203.0.113.50", "198.51.100.99")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_login_lockout_behind_trusted_proxy_is_per_client(client, db, behind_proxy):
    for _ in range(5):
        _login(client, "orga", PROXY, "198.51.100.1")

    locked = _login(client, "orga", PROXY, "198.51.100.1")
    other = _login(client, "orga", PROXY, "198.51.100.2")

    assert locked.status_code == 429
    assert other.status_code == 200


def test_forwarded_proto_from_untrusted_address_does_not_make_https(client, db, settings):
    settings.NETWEAVE_TRUSTED_PROXIES = ()
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(
        reverse("orga:login"), REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_PROTO="https"
    )

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_forwarded_proto_from_trusted_proxy_makes_https_with_hsts(client, db, behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    behind_proxy.SECURE_HSTS_SECONDS = 3600

    response = client.get(reverse("orga:login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=3600")


def test_forwarded_headers_never_reach_the_views(behind_proxy):
    seen = {}

    def view(request):
        seen.update(request.META)
        return None

    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REAL_IP="1.2.3.4"
    )
    proxy.ForwardedMiddleware(view)(request)

    assert seen["REMOTE_ADDR"] == "203.0.113.50"
    assert "HTTP_X_FORWARDED_FOR" not in seen
    assert "HTTP_X_REAL_IP" not in seen
