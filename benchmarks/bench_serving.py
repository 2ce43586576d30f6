"""A live event's crowd on `netweave serve`: 1,000 browsers polling their live page on
keep-alive connections, 200 half-sent requests on top, and fresh requests meanwhile.

Usage::

    .venv/bin/python benchmarks/bench_serving.py                  # PostgreSQL (.ci/postgres.sh)
    .venv/bin/python benchmarks/bench_serving.py --sqlite         # SQLite instead
    .venv/bin/python benchmarks/bench_serving.py --no-baseline    # skip waitress' defaults

A temporary data folder, and on PostgreSQL the database ``nw_serving_bench`` (created fresh,
dropped at the end), get an event with ``--people`` registrations, planned, published and in
round 1. Then, for each server:

* **baseline**: the same app under waitress with its default settings (``python -m
  waitress``), which is what `netweave serve` ran before issue 10;
* **netweave serve --workers N** (``--workers``, default 1 and 2): the settings of
  :func:`netweave.web.server.server_options`, in N processes.

every participant opens one keep-alive connection and polls ``/p/<token>/live/poll/`` on it
every 3 s (from a random moment, as browsers do) for ``--seconds`` (60); the organizer moves
to the next round ``--changes`` times (once, half-way), after which every page's next poll
answers 200 with the new round's fragment (rendered for that person) instead of 204. A third
of the way in, 200 connections send half a request and stay open, and a fresh client makes
``--fresh`` requests for the home page, one after the other, each on a new connection.
Clients are asyncio in this process, on the same machine. An answer that does not come
within 30 s, a broken connection or a status other than 200/204 counts as an error. The
load average printed says how busy the machine was otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
from _serve import free_port, run_django, serving, waitress_defaults  # benchmarks/_serve.py

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "nw_serving_bench"
POLL_EVERY = 3.0
TIMEOUT = 30.0
HALF_SENT = 200


# --------------------------------------------------------------------------- set-up


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "NETWEAVE_DATA_DIR": str(data_dir),
        "NETWEAVE_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuv",
        "NETWEAVE_TASKS": "immediate",
        "NETWEAVE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NETWEAVE_EMAIL_URL": f"file:{data_dir / 'sent-mail'}",
        "NETWEAVE_BASE_URL": "http://127.0.0.1",
        "NETWEAVE_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "netweave.web.settings",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def _postgres_database() -> Iterator[str]:
    """``nw_serving_bench`` on the server of ``.ci/postgres.sh``, fresh; dropped when done."""
    import psycopg

    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True, check=True
    )
    parts = urllib.parse.urlsplit(done.stdout.strip().splitlines()[-1])
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    try:
        yield parts._replace(path=f"/{DATABASE}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


_SETUP = r"""
import sys, tempfile, datetime as dt
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from netweave.core.people import read_people
from netweave.synth import write_synthetic_csv
from netweave.web.events.imports import import_roster
from netweave.web.community.models import Community
from netweave.web.events.models import Event
from netweave.web.live import domain as live
from netweave.web.matching import domain as matching
n = int(sys.argv[1])
call_command("migrate", interactive=False, verbosity=0)
community = Community.objects.create(name="Crowd", slug="crowd")
event = Event.objects.create(
    community=community, title="Crowd", slug="crowd", rounds=8, minutes_per_round=8,
    starts_at=timezone.now() + dt.timedelta(minutes=5), status=Event.Status.CLOSED,
    groups_enabled=False,
)
with tempfile.TemporaryDirectory() as tmp:
    import_roster(community, read_people(write_synthetic_csv(Path(tmp) / "p.csv", n, seed=n)),
                   event=event)
version = matching.request_plan(event, None)
version.refresh_from_db()
if version.state != "ready":
    raise SystemExit(f"planning failed: {version.error}")
matching.publish_plan(version)
live.start_round(event, 1, live.live_state(event).version)
print(live.live_state(event).version)
for reg in event.registrations.all():
    print(reg.token)
"""

_NEXT = r"""
import django
django.setup()
from netweave.web.events.models import Event
from netweave.web.live import domain as live
event = Event.objects.get(slug="crowd")
live.next_round(event, live.live_state(event).version)
print(live.live_state(event).version)
"""

_VERSION = r"""
import django
django.setup()
from netweave.web.events.models import Event
from netweave.web.live import domain as live
print(live.live_state(Event.objects.get(slug="crowd")).version)
"""


# --------------------------------------------------------------------------- an HTTP/1.1 client


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; its status and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection") != "close"


@dataclass
class Stats:
    #: every answered poll: when it was sent, its status (200 or 204) and how long it took
    polls: list[tuple[float, int, float]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    fresh: list[tuple[int, float]] = field(default_factory=list)
    #: per round change, how long until each participant had the new round on screen
    caught_up: list[list[float]] = field(default_factory=list)


class Crowd:
    def __init__(self, port: int, tokens: list[str], version: int, seconds: float) -> None:
        self.port, self.tokens, self.seconds = port, tokens, seconds
        self.version = version
        self.stats = Stats()
        self.start = 0.0
        self.changes: list[float] = []  # when the organizer moved on

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), TIMEOUT)

    async def participant(self, token: str, phase: float) -> None:
        seen = self.version
        due = self.start + phase
        stop = self.start + self.seconds
        conn = None
        loop = asyncio.get_running_loop()
        while due < stop and loop.time() < stop:
            await asyncio.sleep(max(0.0, due - loop.time()))
            begun = loop.time()
            try:
                if conn is None:
                    conn = await self._connect()
                reader, writer = conn
                path = f"/p/{token}/live/poll/?v={seen}"
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                status, keep = await asyncio.wait_for(_response(reader), TIMEOUT)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                status, keep = -1, False
            took = loop.time() - begun
            self.stats.statuses[status] += 1
            if status in (200, 204):
                self.stats.polls.append((begun, status, took))
            if status == 200:
                seen = self.version
                if self.changes:
                    self.stats.caught_up[-1].append(loop.time() - self.changes[-1])
            if not keep and conn is not None:
                conn[1].close()
                conn = None
            # as htmx does: a tick every 3 s; ticks that came while a poll was out are dropped
            due += POLL_EVERY
            while due <= loop.time():
                due += POLL_EVERY
        if conn is not None:
            conn[1].close()

    async def _half_send(self) -> asyncio.StreamWriter | None:
        try:
            _, writer = await self._connect()
        except (TimeoutError, OSError):
            return None
        writer.write(b"GET /p/x/live/poll/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        return writer

    async def _fresh(self) -> tuple[int, float]:
        loop = asyncio.get_running_loop()
        begun = loop.time()
        try:
            reader, writer = await self._connect()
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            status, _ = await asyncio.wait_for(_response(reader), TIMEOUT)
            writer.close()
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            status = -1
        return status, loop.time() - begun

    async def half_sent_and_fresh(self, fresh: int) -> list[asyncio.StreamWriter]:
        """At a third of the run: 200 half-sent requests left open, then fresh requests one
        after the other (each waits at most 10 s to connect and 10 s for its answer)."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(max(0.0, self.start + self.seconds / 3 - loop.time()))
        slow = await asyncio.gather(*(self._half_send() for _ in range(HALF_SENT)))
        for _ in range(fresh):
            if loop.time() > self.start + self.seconds:
                break
            self.stats.fresh.append(await self._fresh())
            await asyncio.sleep(0.5)
        return [w for w in slow if w is not None]

    async def organizer(self, env: dict[str, str], changes: int) -> None:
        """Move to the next round ``changes`` times, evenly spread over the run."""
        loop = asyncio.get_running_loop()
        for k in range(1, changes + 1):
            at = self.start + self.seconds * k / (changes + 1)
            await asyncio.sleep(max(0.0, at - loop.time()))
            version = int((await asyncio.to_thread(run_django, _NEXT, env)).strip())
            self.stats.caught_up.append([])
            self.changes.append(loop.time())
            self.version = version

    async def run(self, env: dict[str, str], changes: int, fresh: int) -> Stats:
        self.start = asyncio.get_running_loop().time()
        rng = random.Random(0)
        people = [self.participant(t, rng.uniform(0, POLL_EVERY)) for t in self.tokens]
        slow_task = asyncio.create_task(self.half_sent_and_fresh(fresh))
        organizer = asyncio.create_task(self.organizer(env, changes))
        await asyncio.gather(*people)
        for writer in await slow_task:
            writer.close()
        await organizer
        return self.stats


# --------------------------------------------------------------------------- the runs


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    ms = np.array(values) * 1000
    return f"{np.median(ms):.0f} / {np.percentile(ms, 95):.0f}"


def _rows(label: str, crowd: Crowd) -> list[str]:
    """Two rows per server: the polls before the first round change (the live page as it is
    most of the time), and those from the change on (every page fetches its new round)."""
    stats, people = crowd.stats, len(crowd.tokens)
    first = crowd.changes[0] if crowd.changes else float("inf")
    before = [took for at, _, took in stats.polls if at < first]
    after = [took for at, _, took in stats.polls if at >= first]
    errors = sum(n for s, n in stats.statuses.items() if s not in (200, 204))
    fresh_ok = [t * 1000 for s, t in stats.fresh if s == 200]
    fresh = f"{len(fresh_ok)}/{len(stats.fresh)}" + (
        f", max {max(fresh_ok):.0f} ms" if fresh_ok else ""
    )
    caught = " / ".join(
        f"{max(c):.1f} s" if len(c) >= people else f"{len(c)} of {people}" for c in stats.caught_up
    )
    return [
        f"| {label} | steady | {len(before)} | {_ms(before)} | {errors} | | {fresh} |",
        f"| {label} | round change on | {len(after)} | {_ms(after)} | | {caught or '-'} | |",
    ]


def _raise_open_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def _netweave_serve(port: int, threads: int, workers: int) -> list[str]:
    serve = ["serve", "--port", str(port), "--threads", str(threads), "--workers", str(workers)]
    return [sys.executable, "-m", "netweave", *serve]


def run(database_url: str | None, args: argparse.Namespace) -> None:
    kind = "PostgreSQL" if database_url else "SQLite"
    rows = []
    with tempfile.TemporaryDirectory(prefix="netweave-bench-serving-") as tmp:
        env = _environment(Path(tmp), database_url)
        ready = run_django(_SETUP, env, str(args.people)).split()
        version, tokens = int(ready[0]), ready[1:]
        servers = [("waitress defaults", waitress_defaults)] if args.baseline else []
        servers += [
            (f"netweave serve --workers {n}", partial(_netweave_serve, workers=n))
            for n in args.workers
        ]
        for label, command in servers:
            port = free_port()
            with serving(env, port, args.threads, command(port, args.threads)):
                time.sleep(1.0)  # the server's first request imports the views
                crowd = Crowd(port, tokens, version, args.seconds)
                stats = asyncio.run(crowd.run(env, args.changes, args.fresh))
            rows += _rows(label, crowd)
            print(f"{label}: statuses {dict(stats.statuses)}", flush=True)
            version = int(run_django(_VERSION, env).strip())  # the next run goes on from here
    load = os.getloadavg()[0]
    print(
        f"\n{kind}, {len(tokens)} participants polling every {POLL_EVERY:.0f} s on keep-alive "
        f"for {args.seconds:.0f} s, {args.changes} round change(s), {args.threads} server "
        f"threads; {HALF_SENT} half-sent requests and {args.fresh} fresh requests from "
        f"{args.seconds / 3:.0f} s on; load average {load:.1f} at the end\n"
    )
    print(
        "| server | polls | answered | median / p95 ms | errors (whole run) "
        f"| everyone on the new round after | fresh requests answered ({HALF_SENT} half-sent "
        "open) |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        print(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--changes", type=int, default=1, help="round changes during the run")
    parser.add_argument("--threads", type=int, default=8, help="server threads")
    parser.add_argument("--fresh", type=int, default=10, help="fresh requests during the run")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="netweave serve --workers N"
    )
    args = parser.parse_args()
    _raise_open_files(args.people + HALF_SENT + 512)
    if args.sqlite:
        run(None, args)
    else:
        with _postgres_database() as url:
            run(url, args)


if __name__ == "__main__":
    main()
