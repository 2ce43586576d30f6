"""The web app's commands for the ``netweave`` command line: demo, serve, worker, manage.

The lead registers them on the main group (``main.add_command(demo)`` ...). Each imports
Django inside the function, after the environment is set: settings are read once, at import,
and ``netweave plan`` and friends should not pay for Django at all.
"""

from __future__ import annotations

import os
import threading
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer

    from netweave.web.demo import DemoInfo

__all__ = ["demo", "manage", "send_due", "serve", "worker"]

SETTINGS_MODULE = "netweave.web.settings"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def _debug_on() -> bool:
    return os.environ.get("NETWEAVE_DEBUG", "").strip().lower() in {"1", "true", "yes"}


def _require_secret_key() -> None:
    """Stop with a clear message, not a settings traceback, when production lacks its key."""
    if os.environ.get("NETWEAVE_SECRET_KEY") or _debug_on():
        return
    raise click.ClickException(
        "NETWEAVE_SECRET_KEY is not set. Set it to a long random string (for example the "
        'output of: python -c "import secrets; print(secrets.token_urlsafe(50))") and keep it '
        "secret. Only for development, NETWEAVE_DEBUG=1 runs without one."
    )


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django  # noqa: PLC0415 - after Django is set up

    django.setup()


def _warn(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


def _cannot_listen(host: str, port: int, exc: OSError) -> click.ClickException:
    return click.ClickException(
        f"Cannot listen on {host}:{port} ({exc.strerror or exc}). "
        "Is something else using that port? Try another with --port."
    )


def _bind(host: str, port: int, threads: int) -> BaseWSGIServer:
    """Open the listening socket now, so a busy port is reported before anything else."""
    from waitress import create_server  # noqa: PLC0415 - after Django is set up

    from netweave.web.server import server_options  # noqa: PLC0415 - after Django is set up
    from netweave.web.wsgi import application  # noqa: PLC0415 - after Django is set up

    try:
        return create_server(application, host=host, port=port, **server_options(threads, _warn))
    except OSError as exc:
        raise _cannot_listen(host, port, exc) from exc


def _unapplied_migrations() -> int:
    from django.db import connection  # noqa: PLC0415 - after Django is set up
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415 - after Django is set up

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --------------------------------------------------------------------------- demo


def _url_host(host: str) -> str:
    if host in WILDCARD_HOSTS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _demo_settings(data_dir: Path, host: str, port: int) -> dict[str, str]:
    """The settings of the demo's data dir: what the server and ``send-due`` both need (mail
    kept in files, links to this server), so that neither sends to the console nor links to
    a server that is not there."""
    return {
        "NETWEAVE_DATA_DIR": str(data_dir),
        "NETWEAVE_DEBUG": "1",
        "NETWEAVE_TASKS": "immediate",
        "NETWEAVE_EMAIL_URL": f"file:{data_dir / 'sent-mail'}",
        "NETWEAVE_BASE_URL": f"http://{_url_host(host)}:{port}",
    }


def _demo_environment(data_dir: Path, host: str, port: int) -> None:
    """Everything the demo needs, set before Django reads its settings."""
    os.environ.update(_demo_settings(data_dir, host, port))
    hosts = list(LOCAL_HOSTS)
    if host in WILDCARD_HOSTS:
        hosts.append("*")  # listening everywhere: any name people use to reach it
    elif _url_host(host) not in hosts:
        hosts.append(_url_host(host))
    os.environ["NETWEAVE_ALLOWED_HOSTS"] = ",".join(hosts)
    # the demo writes sample data: never into a real database named in the environment
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    # WhiteNoise warns at start-up when the collected-static folder is missing
    (data_dir / "static").mkdir(parents=True, exist_ok=True)


def _print_demo(info: DemoInfo, data_dir: Path, host: str, port: int) -> None:
    password_file = data_dir / "demo-password.txt"
    click.echo()
    click.secho("netweave demo", bold=True)
    click.echo(f"  Organizer dashboard:  {info.dashboard_url}")
    click.echo(f"  Login:                {info.username}")
    click.echo(f"  Password:             {info.password}   (kept in {password_file})")
    click.echo(f"  Public registration:  {info.registration_url}")
    click.echo(
        f"  {info.community.name}: {info.members} members, "
        f"{info.registrations} registered for {info.event.title}"
    )
    click.echo(
        f"  Sent email (personal links, confirmations) is written to {data_dir / 'sent-mail'}"
        " and listed in the organizer's Outbox, never delivered."
    )
    settings = " ".join(f"{k}={v}" for k, v in _demo_settings(data_dir, host, port).items())
    click.echo(
        "  Digests and reminders go out when send-due runs. For this demo, run (in another "
        f"terminal):\n    netweave demo --send-due --data-dir {data_dir} --port {port}\n"
        f"  or, from cron, with the settings it needs:\n    {settings} netweave send-due"
    )
    click.echo("Press Ctrl+C to stop.")


@click.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--data-dir",
    default=Path("data"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the demo's database, sent mail and password.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--no-browser", is_flag=True, help="Do not open the dashboard in a browser.")
@click.option(
    "--send-due",
    "send_due_now",
    is_flag=True,
    help="Only send what is due now (digests, reminders) with the demo's settings, then stop.",
)
def demo(port: int, data_dir: Path, host: str, no_browser: bool, send_due_now: bool) -> None:
    """Try netweave on this computer: a demo community, an organizer account and an event
    with 60 registrations, served at http://127.0.0.1:PORT. Safe to run again."""
    data_dir = data_dir.expanduser().resolve()
    _demo_environment(data_dir, host, port)
    _setup_django()
    from django.core.management import call_command  # noqa: PLC0415 - after Django is set up

    from netweave.web.demo import load_demo  # noqa: PLC0415 - after Django is set up

    call_command("migrate", interactive=False, verbosity=0)
    if send_due_now:
        _echo_sent()
        return
    info = load_demo(data_dir)
    server = _bind(host, port, threads=4)
    _print_demo(info, data_dir, host, port)
    if not no_browser:
        # a thread: some browsers block the caller until they have started
        threading.Thread(target=webbrowser.open, args=[info.dashboard_url], daemon=True).start()
    _run(server)


def _run(server: BaseWSGIServer) -> None:
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("\nStopped.")
    finally:
        server.close()


# --------------------------------------------------------------------------- production


def _warn_without_proxy() -> None:
    """An https:// address served over plain HTTP needs a proxy netweave trusts; without one
    every request would be redirected to https:// again, forever."""
    from django.conf import settings  # noqa: PLC0415 - after Django is set up

    if settings.BASE_URL.startswith("https://") and not settings.NETWEAVE_TRUSTED_PROXIES:
        click.secho(
            "Warning: NETWEAVE_BASE_URL is https:// but NETWEAVE_TRUSTED_PROXIES is not set: "
            "set it to your TLS proxy's address (e.g. 127.0.0.1), or requests it forwards "
            "will be redirected to https:// again and again.",
            fg="yellow",
            err=True,
        )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port, one CPU each (Linux and macOS).",
)
def serve(host: str, port: int, threads: int, workers: int) -> None:
    """Serve the web app with waitress, configured by NETWEAVE_* environment variables.

    Put it behind a reverse proxy for HTTPS and name the proxy in NETWEAVE_TRUSTED_PROXIES.
    Run `netweave manage migrate` after each upgrade and `netweave worker` alongside for
    background work.
    """
    if workers > 1 and not hasattr(os, "fork"):
        raise click.ClickException("--workers needs fork(), which this system lacks.")
    # read by the settings: several processes count rate limits in a shared cache
    os.environ["NETWEAVE_WORKERS"] = str(workers)
    _require_secret_key()
    _setup_django()
    if pending := _unapplied_migrations():
        click.secho(
            f"Warning: {pending} database migration(s) not applied; run `netweave manage migrate`.",
            fg="yellow",
            err=True,
        )
    _warn_without_proxy()
    if workers == 1:
        server = _bind(host, port, threads)
        click.echo(f"netweave is serving on http://{_url_host(host)}:{port}/ (Ctrl+C to stop)")
        _run(server)
        return
    _serve_forked(host, port, threads, workers)


def _serve_forked(host: str, port: int, threads: int, workers: int) -> None:
    from netweave.web.server import listening_socket, run_workers, server_options  # noqa: PLC0415 - after Django is set up

    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        raise _cannot_listen(host, port, exc) from exc
    options = server_options(threads, _warn)
    click.echo(
        f"netweave is serving on http://{_url_host(host)}:{port}/ with {workers} processes "
        "(Ctrl+C to stop)"
    )
    try:
        run_workers(sock, options, workers, _warn)
    finally:
        sock.close()
    click.echo("Stopped.")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def worker(args: tuple[str, ...]) -> None:
    """Run background tasks (plans, emails) from the database queue until stopped.

    Extra options go to django-tasks-db's db_worker, e.g. `--batch` to run what is queued
    and exit.
    """
    _require_secret_key()
    _setup_django()
    from django.conf import settings  # noqa: PLC0415 - after Django is set up
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - after Django is set up

    if "immediate" in settings.TASKS["default"]["BACKEND"].lower():
        raise click.ClickException(
            "NETWEAVE_TASKS=immediate runs background work inside each request; "
            "there is no queue for a worker. Unset it to use the database queue."
        )
    execute_from_command_line(["netweave worker", "db_worker", *args])


@click.command(
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command, e.g. `netweave manage migrate` or
    `netweave manage createsuperuser`. `netweave manage help` lists them."""
    _require_secret_key()
    _setup_django()
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - after Django is set up

    execute_from_command_line(["netweave manage", *args])


@click.command("send-due")
def send_due() -> None:
    """Send whatever is due now (async digests, reminders): run it from cron every few minutes."""
    _require_secret_key()
    _require_mail_settings()
    _setup_django()
    _echo_sent()


def _require_mail_settings() -> None:
    """Stop before anything is marked sent that nobody can receive: without a mail setting
    the mail only goes to this terminal, and without the public address its links lead
    nowhere."""
    missing = [k for k in ("NETWEAVE_EMAIL_URL", "NETWEAVE_BASE_URL") if not os.environ.get(k)]
    if not missing:
        return
    raise click.ClickException(
        f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: what "
        "send-due sends would be marked sent but only printed here, with links to no server. "
        "Set NETWEAVE_EMAIL_URL (smtp://user:password@host:587, or file:FOLDER to keep the "
        "mail) and NETWEAVE_BASE_URL (the address people open, https://...). For the demo, "
        "run: netweave demo --send-due"
    )


def _echo_sent() -> None:
    from netweave.web.mail.due import send_due as run  # noqa: PLC0415 - after Django is set up

    sent = run()
    total = sum(sent.values())
    detail = ", ".join(f"{name}: {count}" for name, count in sent.items()) or "nothing registered"
    click.echo(f"Sent {total} message(s) ({detail}).")
