"""The pages of issue 10's walk, shared by the accessibility and console-error tests.

One small city (the cast, the standards factory's system and its points, three problems at
three steps of their life), then the list of pages each persona opens: the login page, home,
the ledger, a problem page, the report form, the points and the standards.
"""

from dataclasses import dataclass

from wenming.problems.tests import factories as f
from wenming.standards.tests.factories import small_system
from wenming.testing.personas import build_cast

LANGUAGES = ["zh-hans", "en"]
# Tiles come from our own server, which answers 404 (there is no internet here): the maps show
# their fallback, and the failed tile requests are the one console error the tests allow.
NO_TILES = "/no-tiles/"


@dataclass
class City:
    cast: object
    new: object  # a fresh report the office has to triage
    dispatched: object  # waiting for the Urban Management Bureau to accept it
    rectified: object  # fixed, with an after-photo, waiting for the office to verify


def build_city() -> City:
    cast = build_cast()
    small_system()
    f.ensure_categories()
    return City(
        cast=cast,
        new=f.report(cast.office, region=cast.zhongshan_community, title="人行道垃圾堆积"),
        dispatched=f.dispatched(cast, title="占道经营"),
        rectified=f.rectified(cast, title="井盖缺失"),
    )


def pages_for(username: str, city: City) -> list[str]:
    """The paths `username` opens on the walk (all signed in; the login page is separate)."""
    if username == "urban":
        return [
            "/",
            "/problems/",
            f"/problems/{city.dispatched.code}/",
            f"/problems/{city.rectified.code}/",
            "/points/mine/",
            "/standards/mine/",
        ]
    return [
        "/",
        "/problems/",
        f"/problems/{city.new.code}/",
        f"/problems/{city.rectified.code}/",
        "/problems/new/",
        "/points/",
        "/points/ZS-MKT-1/",
        "/standards/",
    ]


def use_language(page, live_server, language: str) -> None:
    """Choose the interface language the way the footer's switch does (its cookie)."""
    page.context.add_cookies(
        [{"name": "wenming_language", "value": language, "url": live_server.url}]
    )


def no_tiles(settings, live_server) -> None:
    settings.MAP_TILE_URL = f"{live_server.url}{NO_TILES}{{z}}/{{x}}/{{y}}.png"


def block_tiles(page) -> None:
    """Answer the tile requests 404 in the browser, as an unreachable tile server would fail.

    They never reach the live server: a dozen tiles rendered as Django 404 pages at once would
    compete with the page's own requests for the test's in-memory SQLite database."""
    page.route(f"**{NO_TILES}**", lambda route: route.fulfill(status=404, body=""))


def fast_sign_in(settings) -> None:
    # argon2 would cost ~0.25 s per sign-in; the walk signs in once per persona and language.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def sign_in(page, live_server, username: str, password: str = "wenming-demo"):
    """Sign in through the real form as a persona, on any page (desk or phone)."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


PHONE = {"width": 390, "height": 844}


def phone_as(browser, live_server, person, *, geolocation: dict, service_workers="allow"):
    """A fresh phone (empty caches) signed in as `person` through a session cookie, its
    position at `geolocation`, map tiles answered 404 and page errors kept in
    `page.js_errors`; returns (context, page)."""
    from django.test import Client

    client = Client()
    client.force_login(person, backend="wenming.core.backends.WenmingModelBackend")
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation=geolocation,
        service_workers=service_workers,
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.route("**/no-tiles/**", lambda route: route.fulfill(status=404, body=""))
    page = context.new_page()
    page.set_default_timeout(20000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return context, page
