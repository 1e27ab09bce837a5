"""WCAG 2.1 AA: axe-core finds no violation on any page of the walk, in either language.

The office and the Urban Management Bureau's officer each open their pages of the walk
(tests/e2e/walk_pages.py) at desktop size and at 390×844 (the navigation folds behind its
button there, the ledger and the problem page lay out differently); the login page is checked
signed out. Every violation of every page is listed before the test fails.
"""

import pytest

from .axe import axe_violations, describe
from .walk_pages import (
    LANGUAGES,
    block_tiles,
    build_city,
    fast_sign_in,
    no_tiles,
    pages_for,
    use_language,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _settings(settings, live_server, tmp_path, page):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    block_tiles(page)


def _check(page, url: str, found: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    if violations:
        found[f"{url} at {page.viewport_size['width']} px"] = violations


def _report(found: dict, label: str) -> str:
    return "\n".join(describe(v, where=f"{url} ({label})") for url, v in found.items())


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_has_no_axe_violations(live_server, page, language):
    use_language(page, live_server, language)
    found = {}
    _check(page, f"{live_server.url}/login/", found)
    page.set_viewport_size(PHONE)
    _check(page, f"{live_server.url}/login/", found)
    assert not found, _report(found, language)


@pytest.mark.parametrize("username", ["office", "urban"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_the_walk_has_no_axe_violations(live_server, page, login, username, language):
    city = build_city()
    use_language(page, live_server, language)
    login(username)
    found = {}
    for size in (None, PHONE):
        if size:
            page.set_viewport_size(size)
        for path in pages_for(username, city):
            _check(page, f"{live_server.url}{path}", found)
    assert not found, _report(found, f"{username}, {language}")
