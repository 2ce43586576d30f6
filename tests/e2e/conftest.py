"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

No browser is ever downloaded: Playwright launches the system's ``chromium``. Without it every
test here is skipped with a reason that ``-ra`` prints. Screenshots and the accessibility
results go to ``test-artifacts/`` at the top of the repository.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = {"serious", "critical"}


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8") + "\n;true"


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = None
    if _chromium() is None:
        reason = "Chromium not found (apt-get install chromium): browser tests skipped"
    elif not AXE_JS.is_file():
        reason = f"{AXE_JS.relative_to(ROOT)} missing (npm ci): browser tests skipped"
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker) -> Iterator[object]:
    """Chromium for one test module.

    Playwright's sync API keeps an asyncio event loop running in this thread while it is open,
    and Django refuses ORM calls from a thread with a running loop. So the browser lives only as
    long as one module (never the session: the rest of the suite must not see that loop), it is
    started after the test database exists, and Django's guard is lifted meanwhile: the ORM
    calls that the tests make between browser steps are plain synchronous code.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


class Axe:
    """Runs axe-core in pages and keeps every page's result for test-artifacts/axe.json."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, object]] = {}

    def check(self, page: object, name: str) -> list[dict[str, object]]:
        """Scan ``page``; return its serious and critical violations (also recorded)."""
        # not page.add_script_tag: the app's content security policy (rightly) blocks inline
        # scripts, and bypassing it would hide pages whose own scripts it blocks. Code given
        # to evaluate() runs through the DevTools protocol, outside the policy.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe_source())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "elements": [
                    " ".join(n["target"]) if isinstance(n["target"], list) else n["target"]
                    for n in v["nodes"]
                ][:10],
            }
            for v in result["violations"]
        ]
        self.results[name] = {"url": page.url, "violations": violations}
        return [v for v in violations if v["impact"] in SERIOUS]


@pytest.fixture(scope="session")
def axe() -> Iterator[Axe]:
    axe = Axe()
    yield axe
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(axe.results, indent=2) + "\n", encoding="utf-8")
    lines = ["", f"axe-core: {len(axe.results)} pages scanned (test-artifacts/axe.json)"]
    for name, result in axe.results.items():
        found = ", ".join(f"{v['rule']} ({v['impact']})" for v in result["violations"]) or "none"
        lines.append(f"  {name}: {found}")
    print("\n".join(lines))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def site(request, live_server, browser, settings, axe) -> Iterator[Site]:
    """A fresh browser context on the live server, with screenshot and scan helpers.

    When the test fails, every page still open is photographed as FAILED-<test>-<n>.png.
    """
    settings.BASE_URL = live_server.url
    # a dozen people register from one address here; in life each has their own
    settings.RATELIMIT_ENABLE = False
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield Site(live_server.url, context, axe)
    if request.node.stash.get(FAILED, False):
        for n, page in enumerate(context.pages):
            page.screenshot(
                path=str(SCREENSHOTS / f"FAILED-{request.node.name}-{n}.png"), full_page=True
            )
            print(f"page {n} at {page.url}")
            print(page.inner_text("body")[:1500])
            print(page.locator("[role=alert], .errorlist").all_inner_texts())
    context.close()


class Site:
    def __init__(self, base: str, context: object, axe: Axe) -> None:
        self.base = base
        self.context = context
        self.axe = axe
        self.serious: dict[str, list[dict[str, object]]] = {}

    def visit(self, page: object, name: str) -> None:
        """Screenshot the page as ``name``.png, and scan the same address with axe-core.

        The scan runs in a second tab so that it never changes the page the story goes on in.
        Screenshots are of the viewport: after a full-page screenshot, Chromium did not submit
        the page's next form in our runs (the click sent no request).
        """
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        if name in self.axe.results:
            return
        probe = page.context.new_page()
        try:
            probe.goto(page.url)
            found = self.axe.check(probe, name)
        finally:
            probe.close()
        if found:
            self.serious[name] = found
