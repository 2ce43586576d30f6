"""The live day, measured: re-planning one round, and 300 participants' pages polling.

Usage::

    .venv/bin/python benchmarks/bench_live.py                     # both parts
    .venv/bin/python benchmarks/bench_live.py --skip-serve --sizes 100 500 1000
    .venv/bin/python benchmarks/bench_live.py --skip-replan --participants 300

**Re-plan.** For each size ``P`` (people present), a synthetic community is planned for one
round from scratch (``plan_rounds``, one round), then the day is simulated: 10 % of the
planned people stay away and 5 % of ``P`` walk in. ``replan_round`` re-plans that round;
its time is the median of 5 runs, printed with the ratio against the from-scratch round,
and so is a worst case where nobody's planned meeting survives (everyone to pair).

**Polling.** A temporary data folder gets a migrated database (SQLite, or a fresh PostgreSQL
database made next to ``--database-url`` and dropped at the end) with one event of
``--participants`` registrations, a published plan and round 1 running; ``netweave serve``
is started on 127.0.0.1 (a free port) in its own process. Each participant is a thread
polling their live page: first as browsers do (every 3 s from a random moment, nothing
changed: HTTP 204), then the worst case, all at once, ``--polls`` times (204), then all
at once right after the host moves on (HTTP 200, the new round's fragment). Median and
95th percentile latencies are printed; the client threads share the machine with the
server. The server and the folder are removed at the end, whatever happens.

**The host at work** (issue 13). While every participant keeps polling every 3 s (and
follows the new version whenever a poll returns 200, as htmx does), the host works through
rounds 3 to 5: 5 % of the people are marked absent, the next round is re-planned
``--replans`` times (the host trying again), then started. The re-plans and the round
changes are timed in the host's own process, against the same database the server reads;
the polls are timed by the participants. Run it on PostgreSQL, as a real event would::

    .venv/bin/python benchmarks/bench_live.py --skip-replan \
        --database-url postgres://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from _serve import free_port, run_django, serving  # benchmarks/_serve.py

REPEATS = 5
#: htmx polls the live page this often (``hx-trigger="every 3s"``)
POLL_EVERY = 3.0


# --------------------------------------------------------------------------- re-planning


def _community(n: int, folder: Path):
    from netweave.core.affinity import build_affinity
    from netweave.core.people import read_people
    from netweave.synth import write_synthetic_csv

    people = read_people(write_synthetic_csv(folder / f"live-{n}.csv", n, seed=n)).people
    # everyone live: the re-plan's cost is in pairing live people in rooms
    return build_affinity(people), ["live"] * len(people)


def _median_seconds(run, repeats: int = REPEATS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _replan_row(present: int, folder: Path) -> dict[str, float]:
    from netweave.core.live import replan_round
    from netweave.core.rounds import plan_rounds

    walk_ins = round(present * 0.05)
    planned_present = present - walk_ins
    planned_n = round(planned_present / 0.9)
    n = planned_n + walk_ins
    aff, modes = _community(n, folder)
    planned_people = list(range(planned_n))
    scratch, plan = _median_seconds(
        lambda: plan_rounds(aff, modes, 1, present=planned_people), repeats=3
    )
    rng = np.random.default_rng(present)
    absent = set(rng.choice(planned_n, planned_n - planned_present, replace=False).tolist())
    here = [p for p in planned_people if p not in absent] + list(range(planned_n, n))
    round_one = plan.rounds[0]
    replan, result = _median_seconds(lambda: replan_round(aff, modes, round_one, here, []))
    everyone, _ = _median_seconds(lambda: replan_round(aff, modes, [], here, []))
    return {
        "present": len(here),
        "scratch": scratch,
        "replan": replan,
        "everyone": everyone,
        "kept": len(result.kept),
        "new": len(result.new),
        "alone": len(result.alone),
    }


def bench_replan(sizes: list[int]) -> None:
    print("Re-plan of one round (10 % of the planned absent, 5 % walk-ins)")
    header = (
        f"{'present':>8} {'plan_rounds 1 round':>20} {'replan_round':>13} {'ratio':>7} "
        f"{'nobody kept':>12} {'kept':>6} {'new':>5} {'alone':>6}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="netweave-bench-live-") as tmp:
        for size in sizes:
            r = _replan_row(size, Path(tmp))
            print(
                f"{r['present']:>8} {r['scratch']:>19.3f}s {r['replan']:>12.3f}s "
                f"{r['replan'] / r['scratch']:>7.2f} {r['everyone']:>11.3f}s "
                f"{r['kept']:>6} {r['new']:>5} {r['alone']:>6}"
            )
    print("ratio = replan_round / plan_rounds (one round, from scratch); median of runs\n")


# --------------------------------------------------------------------------- polling


def _environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NETWEAVE_DATA_DIR": str(data_dir),
        "NETWEAVE_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuv",
        "NETWEAVE_TASKS": "immediate",
        "NETWEAVE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NETWEAVE_EMAIL_URL": f"file:{data_dir / 'sent-mail'}",
        "NETWEAVE_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "netweave.web.settings",
    }


_SETUP = r"""
import sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
import datetime as dt
from pathlib import Path
from django.utils import timezone
from netweave.core.people import read_people
from netweave.synth import write_synthetic_csv
from netweave.web.events.imports import import_roster
from netweave.web.community.models import Community
from netweave.web.events.models import Event
from netweave.web.live import domain as live
from netweave.web.matching import domain as matching

n, folder = int(sys.argv[1]), Path(sys.argv[2])
roster = read_people(write_synthetic_csv(folder / "people.csv", n, seed=n))
community = Community.objects.create(name="Bench", slug="bench")
event = Event.objects.create(
    community=community, title="Bench", slug="bench", rounds=5, minutes_per_round=8,
    starts_at=timezone.now() + dt.timedelta(hours=1), status=Event.Status.CLOSED,
)
import_roster(community, roster, event=event)
version = matching.request_plan(event, None)
version.refresh_from_db()
if version.state != "ready":
    raise SystemExit(f"planning failed: {version.error}")
matching.publish_plan(version)
live.start_round(event, 1, live.live_state(event).version)
for reg in event.registrations.all():
    print(reg.token)
"""

_BUMP = r"""
import sys, django
django.setup()
from netweave.web.events.models import Event
from netweave.web.live import domain as live
event = Event.objects.get(slug="bench")
live.next_round(event, live.live_state(event).version)
print(live.live_state(event).version)
"""


_HOST = r"""
import json, sys, time, django
django.setup()
import numpy as np
from netweave.web.events.models import Event
from netweave.web.live import domain as live

replans = int(sys.argv[1])
event = Event.objects.get(slug="bench")
rng = np.random.default_rng(13)
people = list(event.registrations.filter(mode="live").order_by("pk"))
timings = {"replan": [], "next_round": [], "absent": []}
live.mark_present(event, [p.pk for p in people])
while live.live_state(event).round < event.rounds:
    number = live.live_state(event).round + 1
    time.sleep(2.0)
    for i in rng.choice(len(people), max(1, len(people) // 20), replace=False).tolist():
        start = time.perf_counter()
        live.set_attendance(people[i], "absent")
        timings["absent"].append(time.perf_counter() - start)
    for _ in range(replans):
        start = time.perf_counter()
        live.replan_next_round(event, number)
        timings["replan"].append(time.perf_counter() - start)
    start = time.perf_counter()
    live.next_round(event, live.live_state(event).version)
    timings["next_round"].append(time.perf_counter() - start)
print(json.dumps(timings))
"""

_VERSION = re.compile(rb"[?&]v=(\d+)")


def _get(url: str) -> tuple[int, float]:
    status, seconds, _ = _fetch(url)
    return status, seconds


def _fetch(url: str) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    body = b""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - start, body


def _wave(base: str, tokens: list[str], version: int, polls: int) -> tuple[list[float], dict]:
    """Every participant polls at once, ``polls`` times each; all latencies, and statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(tokens))

    def participant(token: str) -> None:
        url = f"{base}/p/{token}/live/poll/?v={version}"
        start.wait()
        for _ in range(polls):
            status, seconds = _get(url)
            with lock:
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=participant, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses


def _steady(base: str, tokens: list[str], version: int, seconds: float) -> tuple[list, dict]:
    """As browsers do: every participant polls every 3 s from when their page loaded (a
    random phase), for ``seconds``."""
    stop = threading.Event()
    threads, latencies, statuses = _following(base, tokens, version, stop, seed=0)
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return latencies, statuses


def _following(
    base: str, tokens: list[str], version: int, stop: threading.Event, seed: int = 1
) -> tuple:
    """Every participant polls every 3 s (from a random phase) until ``stop``, moving to the
    version a 200 names, as htmx does; the threads are returned running."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    phases = np.random.default_rng(seed).uniform(0, POLL_EVERY, len(tokens)).tolist()
    start = time.perf_counter()

    def participant(token: str, phase: float) -> None:
        seen, due = version, start + phase
        while not stop.is_set():
            stop.wait(max(0.0, due - time.perf_counter()))
            if stop.is_set():
                return
            status, took, body = _fetch(f"{base}/p/{token}/live/poll/?v={seen}")
            found = _VERSION.search(body) if status == 200 else None
            if found:
                seen = int(found.group(1))
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
            due += POLL_EVERY

    threads = [
        threading.Thread(target=participant, args=(t, p))
        for t, p in zip(tokens, phases, strict=True)
    ]
    for t in threads:
        t.start()
    return threads, latencies, statuses


def _host_at_work(base: str, env: dict, tokens: list[str], replans: int) -> None:
    stop = threading.Event()
    version = int(_get_version(env))
    t = time.perf_counter()
    threads, latencies, statuses = _following(base, tokens, version, stop)
    try:
        timings = json.loads(run_django(_HOST, env, str(replans)))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    took = time.perf_counter() - t
    _report("polls while the host works", latencies, statuses, took)
    for action, label in (
        ("replan", "host: re-plan the next round"),
        ("next_round", "host: start the next round"),
    ):
        _report(label, timings[action], {"done": len(timings[action])}, took)


def _report(label: str, latencies: list[float], statuses: dict, seconds: float) -> None:
    ms = np.array(latencies) * 1000
    print(
        f"{label:<34} {len(ms):>6} {np.median(ms):>9.1f} {np.percentile(ms, 95):>9.1f} "
        f"{len(ms) / seconds:>9.0f}  {statuses}"
    )


@contextlib.contextmanager
def _database(url: str | None) -> Iterator[str | None]:
    """A fresh PostgreSQL database beside ``url`` for this run (dropped at the end), or None:
    SQLite in the temporary data folder."""
    if not url:
        yield None
        return
    import psycopg  # noqa: PLC0415 - only this option needs the driver

    name = f"netweave_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", url)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_polling(args: argparse.Namespace) -> None:
    participants, threads = args.participants, args.threads
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Live page polling: {participants} participants at once, `netweave serve` "
        f"(waitress, {threads} threads), {engine}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="netweave-bench-serve-") as tmp,
        _database(args.database_url) as database,
    ):
        data = Path(tmp)
        env = _environment(data)
        if database:
            env["DATABASE_URL"] = database
        tokens = run_django(_SETUP, env, str(participants), tmp).split()
        port = free_port()
        with serving(env, port, threads) as base:
            header = f"{'':<34} {'requests':>6} {'median ms':>9} {'p95 ms':>9} {'req/s':>9}"
            print(header)
            print("-" * len(header))
            version = int(_get_version(env))
            t = time.perf_counter()
            lat, st = _steady(base, tokens, version, args.steady)
            _report(f"every 3 s for {args.steady:.0f} s (204)", lat, st, time.perf_counter() - t)
            t = time.perf_counter()
            lat, st = _wave(base, tokens, version, args.polls)
            _report("all at once (204)", lat, st, time.perf_counter() - t)
            version = int(run_django(_BUMP, env).strip())
            t = time.perf_counter()
            lat, st = _wave(base, tokens, version - 1, 1)
            _report("all at once after a change (200)", lat, st, time.perf_counter() - t)
            _host_at_work(base, env, tokens, args.replans)
    print("host rows: the host's own actions, timed in its process (req/s: actions per second)")
    print()


def _get_version(env: dict[str, str]) -> str:
    script = (
        "import django; django.setup()\n"
        "from netweave.web.live.models import LiveState\n"
        "print(LiveState.objects.get().version)\n"
    )
    return run_django(script, env).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--polls", type=int, default=5, help="polls per participant (204s)")
    parser.add_argument("--threads", type=int, default=8, help="server threads (waitress)")
    parser.add_argument("--steady", type=float, default=15.0, help="seconds of steady polling")
    parser.add_argument("--replans", type=int, default=5, help="re-plans per round (host)")
    parser.add_argument(
        "--database-url", help="PostgreSQL server to make a scratch database on (default SQLite)"
    )
    parser.add_argument("--skip-replan", action="store_true")
    parser.add_argument("--skip-serve", action="store_true")
    args = parser.parse_args()
    if not args.skip_replan:
        bench_replan(args.sizes)
    if not args.skip_serve:
        bench_polling(args)


if __name__ == "__main__":
    main()
