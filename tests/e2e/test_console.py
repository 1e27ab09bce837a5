"""No page of the walk logs a console error or throws (tile requests aside: there is no internet
here, so tiles come from our own server's 404, as they would from an unreachable tile server).

Each persona opens every page of the walk (tests/e2e/walk_pages.py) on a phone in Chinese and at
a desk in English, waiting until the network is idle so late scripts (maps, their GeoJSON,
the photo previews) have run. A failed request for a page's own script, style sheet, icon or
data is an error too: the browser logs it.
"""

import pytest

from .walk_pages import (
    NO_TILES,
    block_tiles,
    build_city,
    fast_sign_in,
    no_tiles,
    pages_for,
    use_language,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {
    "phone-zh": ({"width": 390, "height": 844}, "zh-hans"),
    "desk-en": ({"width": 1280, "height": 900}, "en"),
}


@pytest.fixture(autouse=True)
def _settings(settings, live_server, tmp_path, page):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    block_tiles(page)


def collect_errors(page) -> list[str]:
    """Console errors and uncaught exceptions from now on, each with the page it came from."""
    errors: list[str] = []

    def console(message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if NO_TILES in where or NO_TILES in message.text:
            return
        errors.append(f"{page.url}: {message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))
    return errors


def _visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", SIZES)
def test_the_login_page_logs_no_console_error(live_server, page, size):
    viewport, language = SIZES[size]
    page.set_viewport_size(viewport)
    use_language(page, live_server, language)
    errors = collect_errors(page)
    _visit(page, f"{live_server.url}/login/")
    # The icon a browser asks for by its old name, as it does for a bookmark or a tab.
    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("username", ["office", "urban"])
def test_no_page_of_the_walk_logs_a_console_error(live_server, page, login, username, size):
    viewport, language = SIZES[size]
    city = build_city()
    page.set_viewport_size(viewport)
    use_language(page, live_server, language)
    errors = collect_errors(page)
    login(username)
    for path in pages_for(username, city):
        _visit(page, f"{live_server.url}{path}")
    assert not errors, "\n".join(errors)


def test_a_console_error_is_caught(live_server, page):
    """The check itself: a script error on a page is reported (so a quiet walk means something)."""
    errors = collect_errors(page)
    _visit(page, f"{live_server.url}/login/")
    with page.expect_console_message(), page.expect_event("pageerror"):
        page.evaluate(
            "() => { console.error('wm-probe'); setTimeout(() => { throw Error('x'); }); }"
        )
    assert any("wm-probe" in e for e in errors) and any("uncaught" in e for e in errors)
