"""One gunicorn over the explorer's known graph and one headless Chromium for the module.

Chromium is Debian's (`/usr/bin/chromium`, installed by `make test` when missing), driven by
Playwright for Python; no browser build is ever downloaded. Screenshots go to
`reports/pages/` (gitignored), the test artefacts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from service.domain import auth
from tests.conftest import delete_everything
from tests.e2e.server import gunicorn
from tests.integration.explore.graph import seed

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARTEFACTS = ROOT / "reports" / "pages"
AXE_PATH = "/__tests__/axe.min.js"  # routed by the test's browser context; no such app route
SECRET = "browser-test-secret-0123456789abcdef"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(driver, neo4j_settings):
    """The service on the known graph (tests/integration/explore/graph.py)."""
    delete_everything(driver, neo4j_settings.neo4j_database)
    seed(driver, neo4j_settings.neo4j_database)
    with gunicorn(neo4j_settings, SECRET) as url:
        yield url


@pytest.fixture(scope="module")
def token() -> str:
    """A Bearer token of user 1."""
    return auth.mint_token(1, SECRET, ttl_seconds=3600)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


class Console:
    """Every console error and uncaught exception of a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))


@pytest.fixture
def open_page(browser, base_url):
    """`open_page(path, viewport=DESKTOP)`: a fresh context's page; no console error allowed.

    The pages run under their own Content-Security-Policy (a violation is a console error);
    axe-core is served to the page from this origin's AXE_PATH by the test, never by the app.
    """
    contexts, consoles = [], []

    allowed: list[str] = []

    def open_(path: str, viewport: dict = DESKTOP, allow: str | None = None):
        """`allow`: console errors containing it are expected (a 404 the page explains)."""
        if allow:
            allowed.append(allow)
        context = browser.new_context(viewport=viewport, base_url=base_url)
        context.route(
            "**" + AXE_PATH,
            lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)  # a busy 2-core box: Swagger UI renders slowly
        consoles.append(Console(page))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()
    errors = [e for console in consoles for e in console.errors if not any(a in e for a in allowed)]
    assert errors == [], errors


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(url=AXE_PATH)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """The page as a person sees it, in reports/pages/ (the tests' artefacts)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
