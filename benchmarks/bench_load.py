"""Load on `netweave serve`: concurrent registrations for one event, then live pages polling.

Usage::

    .venv/bin/python benchmarks/bench_load.py                 # SQLite
    .venv/bin/python benchmarks/bench_load.py --postgres      # PostgreSQL (.ci/postgres.sh)

A temporary data folder gets a migrated database (SQLite in the folder, or with
``--postgres`` a fresh database on the server ``.ci/postgres.sh`` names, dropped at the
end) and one open event; ``netweave serve`` runs on 127.0.0.1 (a free port) in its own
process with the rate limits off (``NETWEAVE_RATELIMIT=0``: every client is 127.0.0.1).

**Registrations.** ``--registrations`` people register at once from ``--clients`` threads,
as browsers do: GET the form (CSRF cookie and token), POST it. The database is then
counted: one registration per person, none lost, none duplicated. The latency of the POST
(a redirect to the welcome page) is reported.

**Live polling.** The event is closed, planned, published and round 1 started; every
registered person is a thread polling their live page (``portal:live_poll``) every 3 s
from a random moment for ``--poll-seconds``, while the organizer moves to the next round
every ``--advance-every`` seconds (a poll after a change answers 200 with the new round,
otherwise 204).

Everything is bounded in time and stopped at the end: the server by its pid, the folder
and the PostgreSQL database removed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import http.cookies
import os
import random
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from _serve import free_port, run_django, serving  # benchmarks/_serve.py

ROOT = Path(__file__).resolve().parent.parent
POLL_EVERY = 3.0
TIMEOUT = 30.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


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
        "NETWEAVE_RATELIMIT": "0",
        "NETWEAVE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "DJANGO_SETTINGS_MODULE": "netweave.web.settings",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def _postgres_database() -> Iterator[str]:
    """A fresh database on the server of ``.ci/postgres.sh``; dropped when done."""
    import psycopg

    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "postgres.sh")],
        capture_output=True,
        text=True,
        check=True,
    )
    url = done.stdout.strip().splitlines()[-1]
    parts = urllib.parse.urlsplit(url)
    name = f"netweave_load_{os.getpid()}_{int(time.time())}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_SETUP = r"""
import django
django.setup()
import datetime as dt
from django.core.management import call_command
from django.utils import timezone
from netweave.web.community.models import Community
from netweave.web.events.models import Event
call_command("migrate", interactive=False, verbosity=0)
community = Community.objects.create(name="Load", slug="load")
Event.objects.create(
    community=community, title="Load", slug="load", rounds=3, minutes_per_round=8,
    starts_at=timezone.now() + dt.timedelta(hours=2), status=Event.Status.OPEN,
)
"""

_COUNT = r"""
import django
django.setup()
from django.db.models import Count
from netweave.web.community.models import Member
from netweave.web.events.models import Registration
regs = Registration.objects.filter(event__slug="load")
dup = regs.values("member__email").annotate(n=Count("id")).filter(n__gt=1).count()
print(regs.count(), dup, Member.objects.count())
for email in regs.values_list("member__email", flat=True):
    print(email)
"""

_GO_LIVE = r"""
import django
django.setup()
from netweave.web.events.models import Event
from netweave.web.live import domain as live
from netweave.web.matching import domain as matching
event = Event.objects.get(slug="load")
event.status = Event.Status.CLOSED
event.save(update_fields=["status"])
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
event = Event.objects.get(slug="load")
live.next_round(event, live.live_state(event).version)
print(live.live_state(event).version)
"""


# --------------------------------------------------------------------------- clients


def _request(
    port: int, method: str, path: str, body: str | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    start = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        took = time.perf_counter() - start
        cookies = {}
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(value)
            cookies.update({k: m.value for k, m in jar.items()})
        return response.status, cookies, data, took
    finally:
        conn.close()


def _register(port: int, path: str, i: int) -> tuple[int, float]:
    """One person: GET the form, POST it; the POST's status and latency (-1: no answer)."""
    try:
        status, cookies, page, _ = _request(port, "GET", path)
        token = CSRF_INPUT.search(page.decode())
        if status != 200 or token is None or "csrftoken" not in cookies:
            return status or -1, 0.0
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "name": f"Load Person {i}",
            "email": f"person{i}@example.org",
            "timezone": random.choice(["Europe/Berlin", "America/New_York", "Asia/Tokyo"]),
            "mode": "live",
            "interests": "onboarding, mentoring",
            "about": "I run a community and care about onboarding.",
            "looking_for": "Someone who knows about volunteer management.",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        }
        status, _, _, took = _request(port, "POST", path, urllib.parse.urlencode(form), headers)
        return status, took
    except OSError:
        return -1, 0.0


def bench_registrations(port: int, path: str, n: int, clients: int) -> dict:
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda i: _register(port, path, i), range(n)))
    seconds = time.perf_counter() - start
    statuses = Counter(s for s, _ in results)
    latencies = [t for s, t in results if s == 302]
    return {"latencies": latencies, "statuses": dict(statuses), "seconds": seconds}


def bench_polling(
    port: int, env: dict[str, str], tokens: list[str], version: int, seconds: float, every: float
) -> dict:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    current = {"version": version}
    rng = np.random.default_rng(0)
    phases = rng.uniform(0, POLL_EVERY, len(tokens)).tolist()
    start = time.perf_counter()
    stop = start + seconds

    def participant(token: str, phase: float) -> None:
        seen = version
        due = start + phase
        while due < stop:
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                status, _, _, took = _request(port, "GET", f"/p/{token}/live/poll/?v={seen}")
            except OSError:
                status, took = -1, 0.0
            with lock:
                statuses[status] += 1
                if status in (200, 204):
                    latencies.append(took)
                if status == 200:
                    seen = current["version"]
            due += POLL_EVERY

    def organizer() -> None:
        while time.perf_counter() + every < stop:
            time.sleep(every)
            new = int(run_django(_NEXT, env).strip())
            with lock:
                current["version"] = new
                current["advances"] = current.get("advances", 0) + 1

    threads = [
        threading.Thread(target=participant, args=(t, p))
        for t, p in zip(tokens, phases, strict=True)
    ]
    threads.append(threading.Thread(target=organizer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "latencies": latencies,
        "statuses": dict(statuses),
        "seconds": time.perf_counter() - start,
        "advances": current.get("advances", 0),
    }


def _row(label: str, r: dict) -> str:
    ms = np.array(r["latencies"] or [float("nan")]) * 1000
    return (
        f"{label:<30} {len(r['latencies']):>8} {np.median(ms):>9.1f} "
        f"{np.percentile(ms, 95):>8.1f} {len(r['latencies']) / r['seconds']:>7.0f}  "
        f"{r['statuses']}"
    )


def run(database_url: str | None, args: argparse.Namespace) -> None:
    kind = "PostgreSQL" if database_url else "SQLite"
    with tempfile.TemporaryDirectory(prefix="netweave-bench-load-") as tmp:
        env = _environment(Path(tmp), database_url)
        run_django(_SETUP, env)
        port = free_port()
        path = "/e/load/load/register/"
        with serving(env, port, args.threads):
            reg = bench_registrations(port, path, args.registrations, args.clients)
            counted = run_django(_COUNT, env).split()
            rows, duplicated, members = (int(x) for x in counted[:3])
            emails = set(counted[3:])
            wanted = {f"person{i}@example.org" for i in range(args.registrations)}
            lost = len(wanted - emails)
            ready = run_django(_GO_LIVE, env).split()
            version, tokens = int(ready[0]), ready[1:]
            poll = bench_polling(port, env, tokens, version, args.poll_seconds, args.advance_every)
    print(
        f"\n{kind}, `netweave serve` (waitress, {args.threads} threads) on 127.0.0.1, "
        f"clients on the same machine"
    )
    header = f"{'':<30} {'requests':>8} {'median ms':>9} {'p95 ms':>8} {'req/s':>7}  statuses"
    print(header)
    print("-" * len(header))
    print(_row(f"register ({args.clients} at once)", reg))
    print(_row(f"live poll ({len(tokens)} pages)", poll))
    print(
        f"registrations: {args.registrations} sent, {rows} rows, {lost} lost, "
        f"{duplicated} duplicated, {members} members; "
        f"errors: {sum(n for s, n in reg['statuses'].items() if s != 302)}"
    )
    print(
        f"polling: {poll['seconds']:.0f} s, the organizer moved on {poll['advances']} time(s); "
        f"errors: {sum(n for s, n in poll['statuses'].items() if s not in (200, 204))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--clients", type=int, default=30, help="concurrent registering threads")
    parser.add_argument("--threads", type=int, default=8, help="server threads (waitress)")
    parser.add_argument("--poll-seconds", type=float, default=20.0)
    parser.add_argument("--advance-every", type=float, default=6.0)
    args = parser.parse_args()
    if not args.skip_sqlite:
        run(None, args)
    if args.postgres:
        with _postgres_database() as url:
            run(url, args)


if __name__ == "__main__":
    main()
