"""Take the README's screenshots of the demo: ``python scripts/screenshots.py``.

Sets up a fresh demo in a temporary folder, plans and publishes its event, serves it on
127.0.0.1 and photographs the key pages with Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import threading
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _prepare(data_dir: Path, port: int) -> tuple[str, str, str]:
    """Demo data with a published plan; returns (password, event path, participant path)."""
    os.environ.update(
        NETWEAVE_DATA_DIR=str(data_dir),
        NETWEAVE_DEBUG="1",
        NETWEAVE_TASKS="immediate",
        NETWEAVE_EMAIL_URL=f"file:{data_dir / 'sent-mail'}",
        NETWEAVE_BASE_URL=f"http://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="netweave.web.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from netweave.web.demo import load_demo
    from netweave.web.matching.domain import publish_plan, request_plan

    info = load_demo(data_dir)
    version = request_plan(info.event, None)
    version.refresh_from_db()
    publish_plan(version)
    registration = info.event.registrations.filter(mode="live").order_by("member__name").first()
    return info.password, f"/orga/events/{info.event.pk}/", f"/p/{registration.token}/"


def _serve(port: int) -> None:
    from waitress import serve

    from netweave.web.wsgi import application

    threading.Thread(
        target=serve, args=(application,), kwargs={"host": "127.0.0.1", "port": port}, daemon=True
    ).start()


def _shoot(base: str, password: str, event: str, mine: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/orga/login/")
        page.fill("input[name=username]", "organizer")
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.goto(base + "/orga/")
        page.screenshot(path=str(out / "dashboard.png"))
        page.set_viewport_size({"width": 1280, "height": 2000})
        page.goto(base + event + "plan/")
        page.screenshot(path=str(out / "curation-board.png"))
        phone = browser.new_page(viewport={"width": 420, "height": 900}, device_scale_factor=1)
        phone.goto(base + mine)
        phone.screenshot(path=str(out / "participant-page.png"), full_page=False)
        browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    args.port = args.port or _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        password, event, mine = _prepare(Path(tmp), args.port)
        _serve(args.port)
        _shoot(f"http://127.0.0.1:{args.port}", password, event, mine, args.output)
    print(f"screenshots in {args.output}")


if __name__ == "__main__":
    main()
