"""`netweave serve` in front of a crowd and behind a TLS proxy, over real sockets (issue 10,
findings 5, 6 and 12).

One server for the module, started as operators start it, with ``NETWEAVE_BASE_URL=https://``
(so the HTTPS redirect and HSTS are on) and ``NETWEAVE_TRUSTED_PROXIES=127.0.0.1``: requests
from 127.0.0.1 play the proxy; requests from 127.0.0.2 play a client reaching the server
directly, whose forwarded headers must count for nothing (more of that, without a server, in
``test_security_proxy.py``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.serving import (
    ANSWER_TIMEOUT,
    HOST,
    Server,
    post_form,
    request,
    serving,
)

PROXY = "127.0.0.1"
# django-ratelimit counts in fixed windows: eleven POSTs can straddle a minute's edge, not an hour's
HOURLY = {"NETWEAVE_RATE_LIMITS": "register=10/h"}
STRANGER = "127.0.0.2"  # not a trusted proxy
LOCKED = "Sign-in paused for 15 minutes"
LOGIN = "/orga/login/"


def _second_loopback_address() -> bool:
    with socket.socket() as s:
        try:
            s.bind((STRANGER, 0))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("serve")
    with serving(Path(data), NETWEAVE_TRUSTED_PROXIES=PROXY, **HOURLY) as running:
        yield running


@pytest.fixture
def stranger() -> str:
    if not _second_loopback_address():
        pytest.skip(f"this system's loopback does not answer on {STRANGER}")
    return STRANGER


def _via_proxy(client: str, proto: str = "https") -> dict[str, str]:
    return {"X-Forwarded-For": client, "X-Forwarded-Proto": proto}


def _bad_login(server: Server, username: str, headers: dict[str, str], source: str):
    return post_form(
        server.port,
        LOGIN,
        {"username": username, "password": "not the password"},
        headers=headers,
        source=source,
    )


# --------------------------------------------------------------------------- finding 5


def test_serve_https_through_trusted_proxy_gets_page_and_hsts(server: Server):
    answer = request(server.port, "GET", LOGIN, headers=_via_proxy("198.51.100.1"))

    assert answer.status == 200  # not a redirect to itself
    assert "max-age=31536000" in answer.headers["Strict-Transport-Security"]


def test_serve_plain_http_through_trusted_proxy_is_redirected_once(server: Server):
    answer = request(server.port, "GET", LOGIN, headers=_via_proxy("198.51.100.1", "http"))

    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{HOST}{LOGIN}"


def test_serve_forwarded_proto_from_untrusted_address_is_ignored(server: Server, stranger: str):
    answer = request(server.port, "GET", LOGIN, headers=_via_proxy("198.51.100.1"), source=stranger)

    assert answer.status == 301
    assert "Strict-Transport-Security" not in answer.headers


def test_serve_login_lockout_is_per_client_behind_proxy(server: Server):
    for _ in range(5):
        _bad_login(server, "organizer-a", _via_proxy("198.51.100.10"), PROXY)

    locked = _bad_login(server, "organizer-a", _via_proxy("198.51.100.10"), PROXY)
    other_client = _bad_login(server, "organizer-a", _via_proxy("198.51.100.11"), PROXY)

    assert locked.status == 429
    assert LOCKED in locked.body
    assert other_client.status == 200
    assert LOCKED not in other_client.body


def test_serve_registration_rate_limit_is_per_client_behind_proxy(server: Server):
    path = "/e/no-such-community/no-such-event/register/"

    sent = iter(range(100))

    def register(client: str):
        # a new address each time: the per-address email limit is not what this test is about
        return post_form(
            server.port,
            path,
            {"email": f"someone{next(sent)}@example.org"},
            headers=_via_proxy(client),
            source=PROXY,
            form_page=LOGIN,
        )

    first = [register("198.51.100.20").status for _ in range(10)]
    over = register("198.51.100.20")
    other_client = register("198.51.100.21")

    assert 429 not in first
    assert over.status == 429
    assert other_client.status != 429


# --------------------------------------------------------------------------- finding 6

IDLE, HALF_SENT, KEPT_ALIVE = 150, 100, 60  # 310 connections: the old limit was 100


@contextlib.contextmanager
def _crowd(port: int) -> Iterator[list[socket.socket]]:
    """Idle sockets, requests cut off half-way through their headers, and keep-alive
    connections that made a request and wait for the next, all open at once."""
    opened: list[socket.socket] = []
    try:
        for _ in range(IDLE):
            opened.append(socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT))
        for _ in range(HALF_SENT):
            s = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT)
            opened.append(s)
            s.sendall(f"GET {LOGIN} HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
        for _ in range(KEPT_ALIVE):
            s = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT)
            opened.append(s)
            s.sendall(f"HEAD {LOGIN} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            assert s.recv(65536).startswith(b"HTTP/1.1 ")
        yield opened
    finally:
        for s in opened:
            s.close()


def test_serve_answers_fresh_request_while_crowd_holds_connections(server: Server):
    with _crowd(server.port) as crowd:
        answer = request(server.port, "GET", LOGIN, headers=_via_proxy("198.51.100.30"))

        assert len(crowd) == IDLE + HALF_SENT + KEPT_ALIVE
        assert answer.status == 200


# --------------------------------------------------------------------------- finding 12


def test_serve_refuses_oversize_upload_before_reading_body(server: Server):
    too_big = 300 * 1024 * 1024  # over the 200 MB default, under waitress' own 1 GiB
    with socket.create_connection(("127.0.0.1", server.port), timeout=ANSWER_TIMEOUT) as s:
        s.sendall(
            (
                "POST /p/some-token/intro/upload/ HTTP/1.1\r\n"
                f"Host: {HOST}\r\nX-Forwarded-Proto: https\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {too_big}\r\n\r\n"
            ).encode()
        )
        # not one byte of the body is sent: the answer must come from the headers alone
        head = s.recv(65536).decode("latin-1")

    assert head.startswith("HTTP/1.1 413 ")


# --------------------------------------------------------------------------- several processes


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def _wait_for(check, what: str):
    for _ in range(200):
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("serve-workers")
    with serving(Path(data), "--workers", "2", NETWEAVE_TRUSTED_PROXIES=PROXY, **HOURLY) as running:
        yield running


def test_serve_workers_count_rate_limits_together(two_workers: Server):
    path = "/e/no-such-community/no-such-event/register/"
    answers = [
        post_form(
            two_workers.port,
            path,
            {"email": f"someone{i}@example.org"},
            headers=_via_proxy("198.51.100.40"),
            source=PROXY,
            form_page=LOGIN,
        ).status
        for i in range(11)
    ]

    assert 429 not in answers[:10]
    assert answers[10] == 429


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_serve_workers_replace_a_worker_that_dies(two_workers: Server):
    first = _wait_for(
        lambda: len(_children(two_workers.proc.pid)) == 2 and _children(two_workers.proc.pid),
        "two server processes",
    )
    victim = min(first)

    os.kill(victim, signal.SIGKILL)
    now = _wait_for(
        lambda: (c := _children(two_workers.proc.pid)) and victim not in c and len(c) == 2 and c,
        "a replacement process",
    )

    assert len(now) == 2
    assert (
        request(two_workers.port, "GET", LOGIN, headers=_via_proxy("198.51.100.41")).status == 200
    )
