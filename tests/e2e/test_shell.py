"""A district officer signs in, sees the home page in Chinese, switches to English, signs out."""

import pytest

from wenming.testing.personas import build_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_zhongshan_officer_signs_in_switches_language_and_signs_out(live_server, page, login):
    build_cast()
    login("zhongshan")
    # The browser asks for English, but the office's language is the default.
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "您好" in page.locator("[data-testid=home-title]").inner_text()
    assert "中山区" in page.content()
    assert "甘井子区" not in page.content()

    page.click("[data-testid=language-switch] button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Hello" in page.locator("[data-testid=home-title]").inner_text()
    assert page.locator("[data-testid=logout]").inner_text() == "Sign out"

    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}/login/")
    assert "Sign in to Wenming" in page.content()
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url


def test_wrong_password_shows_one_message(live_server, page):
    build_cast()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhongshan")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator("[data-testid=login-error]").is_visible()


def test_front_end_libraries_are_served_locally(live_server, page, login):
    """Bootstrap, htmx, ECharts and Leaflet come from our own server, never a CDN."""
    build_cast()
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    login("office")
    for asset in ("vendor/bootstrap/bootstrap.min.css", "vendor/htmx/htmx.min.js",
                  "vendor/echarts/echarts.min.js", "vendor/leaflet/leaflet.js"):
        assert page.request.get(f"{live_server.url}/static/{asset}").status == 200, asset
    # Bootstrap applied: the navbar is laid out as a flex row.
    assert page.eval_on_selector(".navbar", "el => getComputedStyle(el).display") == "flex"
    assert not failed, failed
