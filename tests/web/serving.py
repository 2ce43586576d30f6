"""The real ``netweave serve`` for tests: its own database (SQLite in a folder, or a fresh
PostgreSQL database next to the test database when ``DATABASE_URL`` names one), started in a
subprocess on a free 127.0.0.1 port and spoken to with plain sockets."""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "events.example.org"
BASE_URL = f"https://{HOST}"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
#: how long a client waits for an answer: a request the server cannot take never gets one
ANSWER_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NETWEAVE_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        NETWEAVE_DATA_DIR=str(data_dir),
        NETWEAVE_SECRET_KEY="serve-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        NETWEAVE_BASE_URL=BASE_URL,
        NETWEAVE_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        NETWEAVE_EMAIL_URL=f"file:{data_dir / 'sent-mail'}",
        NETWEAVE_TASKS="immediate",
        DJANGO_SETTINGS_MODULE="netweave.web.settings",
        **extra,
    )
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def _database(env: dict[str, str]) -> Iterator[None]:
    """SQLite in the data folder, or a fresh PostgreSQL database dropped at the end."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'netweave'}_serve_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    try:
        yield
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _netweave(*args: str) -> list[str]:
    return [sys.executable, "-m", "netweave", *args]


@dataclass
class Server:
    port: int
    env: dict[str, str]
    proc: subprocess.Popen[str] = field(repr=False)


@contextlib.contextmanager
def serving(data_dir: Path, *args: str, **extra: str) -> Iterator[Server]:
    """A migrated database and ``netweave serve ARGS`` on it until the block ends (``extra``:
    more environment variables)."""
    env = _environment(data_dir, **extra)
    with _database(env):
        subprocess.run(
            _netweave("manage", "migrate", "--verbosity", "0"),
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        port = free_port()
        proc = subprocess.Popen(
            _netweave("serve", "--port", str(port), *args),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_until_listening(proc, port)
            yield Server(port, env, proc)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stderr.close()


def _wait_until_listening(proc: subprocess.Popen[str], port: int) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"netweave serve stopped: {proc.stderr.read()[-2000:]}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.1)
    raise RuntimeError("netweave serve did not start listening")


# --------------------------------------------------------------------------- a tiny client


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for value in self.headers.get_all("Set-Cookie") or []:
            jar.update({k: m.value for k, m in http.cookies.SimpleCookie(value).items()})
        return jar


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    """One request on a new connection from the address ``source`` (any 127.x.y.z works on
    Linux's loopback: a second "machine" for tests of who is trusted)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=ANSWER_TIMEOUT, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read().decode("utf-8", "replace"))
    finally:
        conn.close()


def post_form(
    port: int,
    path: str,
    form: dict[str, str],
    *,
    headers: dict[str, str],
    source: str,
    form_page: str | None = None,
) -> Answer:
    """GET the form at ``form_page`` (default ``path``) for its CSRF cookie and token, then
    POST ``form`` to ``path``, both with ``headers`` (e.g. the proxy's ``X-Forwarded-*``) and
    from ``source``."""
    page = request(port, "GET", form_page or path, headers=headers, source=source)
    token = CSRF_INPUT.search(page.body)
    if token is None:
        raise AssertionError(f"no CSRF token on {form_page or path}: {page.status}")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **form})
    return request(
        port,
        "POST",
        path,
        headers={
            **headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={page.cookies()['csrftoken']}",
            "Origin": BASE_URL,
            "Referer": BASE_URL + path,
        },
        body=data,
        source=source,
    )
