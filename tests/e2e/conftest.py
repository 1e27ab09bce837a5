"""Playwright against the live server, in headless Debian chromium (never a downloaded browser)."""

import os
import shutil

import pytest

from .walk_pages import sign_in

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("WENMING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    # CI sets WENMING_REQUIRE_E2E=1 (after installing Debian's chromium), so there a
    # missing browser fails the run instead of silently skipping the browser tests.
    if os.environ.get("WENMING_REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"browser tests need chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason="Debian chromium not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


class TilelessBrowser:
    """The browser, whose every context answers the map's tile requests 404 itself.

    Left to reach the live server, a tile request is rendered as a Django 404 page in the
    server's thread; one still in flight when its test ends meets a closed database and a
    closed stderr, and the thread's exception stops the whole session (it did in CI, at
    `no-tiles/17/…png`). Answered in the browser, it fails as an unreachable tile server
    would, and the maps show their fallback."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        from .walk_pages import NO_TILES

        context = self._browser.new_context(**options)
        context.route(f"**{NO_TILES}**", lambda route: route.fulfill(status=404, body=""))
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield TilelessBrowser(browser)
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    """Sign in through the real form as a persona."""

    def do(username, password="wenming-demo"):
        return sign_in(page, live_server, username, password)

    return do
