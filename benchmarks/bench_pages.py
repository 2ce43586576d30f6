"""Organizer pages with 1,000 registrations: median and p95 render time, and query counts.

Usage: ``python benchmarks/bench_pages.py [--people 1000] [--requests 20]``. See README.md.

In this process, with a temporary SQLite database (migrated, WAL as in production): one
community of ``--people`` synthetic members, all registered for one event, and a generated
plan (the planning task run immediately). Each page is then requested ``--requests`` times
with Django's test client, logged in as the organizer, after one warm-up request; the
median, 95th percentile and the queries of one request are printed against the 300 ms
target of the page-performance benchmark.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TARGET_MS = 300


def _environment(data_dir: Path) -> None:
    os.environ.update(
        {
            "NETWEAVE_DATA_DIR": str(data_dir),
            "NETWEAVE_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuv",
            "NETWEAVE_TASKS": "immediate",
            "NETWEAVE_ALLOWED_HOSTS": "testserver,localhost",
            "NETWEAVE_EMAIL_URL": f"file:{data_dir / 'sent-mail'}",
            "NETWEAVE_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "netweave.web.settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)  # never a real database
    (data_dir / "static").mkdir(parents=True, exist_ok=True)


def _build(n: int, folder: Path):
    """A community of ``n`` registered members, one event, a generated plan; the organizer."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from netweave.core.people import read_people
    from netweave.synth import write_synthetic_csv
    from netweave.web.community.models import Community
    from netweave.web.events.imports import import_roster
    from netweave.web.events.models import Event
    from netweave.web.matching import domain as matching

    call_command("migrate", interactive=False, verbosity=0)
    roster = read_people(write_synthetic_csv(folder / "people.csv", n, seed=n))
    user = get_user_model().objects.create_user("bench", "bench@example.org", "bench-password")
    community = Community.objects.create(name="Bench", slug="bench")
    community.organizers.add(user)
    event = Event.objects.create(
        community=community,
        title="Bench",
        slug="bench",
        rounds=3,
        minutes_per_round=8,
        starts_at=timezone.now() + dt.timedelta(days=7),
        status=Event.Status.CLOSED,
    )
    import_roster(community, roster, event=event)
    start = time.perf_counter()
    version = matching.request_plan(event, None)
    version.refresh_from_db()
    if version.state != "ready":
        raise SystemExit(f"planning failed: {version.error}")
    print(
        f"{event.registrations.count()} registrations, plan v{version.number} "
        f"generated in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return user, community, event


def _time(client, url: str, requests: int) -> dict:
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)  # warm-up, and the query count
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {
        "median": statistics.median(times),
        "p95": float(np.percentile(times, 95)),
        "queries": len(queries),
        "kib": len(response.content) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netweave-bench-pages-") as tmp:
        _environment(Path(tmp))
        import django

        django.setup()
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        setup_test_environment()  # the test client's hooks, as in tests
        from django.core.signals import request_finished
        from django.db import close_old_connections

        # as Django's tests do: keep the connection (and its query log) across requests
        request_finished.disconnect(close_old_connections)
        user, community, event = _build(args.people, Path(tmp))
        client = Client()
        client.force_login(user)
        plan = reverse("orga:plan", args=[event.pk])
        pages = {
            "registrations list": reverse("orga:registrations", args=[event.pk]),
            "members list": reverse("orga:members", args=[community.pk]),
            "dashboard": reverse("orga:dashboard"),
            "curation board, round view": plan,
            "curation board, person view": plan + "?view=person",
        }
        print(
            f"Organizer pages, {args.people} registrations, {args.requests} requests each "
            f"(Django test client, SQLite)"
        )
        header = (
            f"{'page':<30} {'median ms':>9} {'p95 ms':>8} {'queries':>8} {'KiB':>7}  "
            f"< {TARGET_MS} ms"
        )
        print(header)
        print("-" * len(header))
        for label, url in pages.items():
            r = _time(client, url, args.requests)
            ok = "yes" if r["median"] < TARGET_MS else "NO"
            print(
                f"{label:<30} {r['median']:>9.1f} {r['p95']:>8.1f} {r['queries']:>8} "
                f"{r['kib']:>7.0f}  {ok}"
            )


if __name__ == "__main__":
    main()
