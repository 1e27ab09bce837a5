"""The problem page's in-page actions in a browser, on a phone (390×844) and a desk (1280×900).

Issue 10's broken states, each walked: the map intact after every htmx swap (one map, inside
its box, controls inside the map, no sideways scroll), "accept" above the fold on a phone with
44 px targets, the rectification carrying its photo (preview and integrity flags before
sending, the chosen file kept on a refusal), refusals and outcomes shown in place.
Tiles come from an address on our own server that answers 404 (deterministic fallback).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wenming.problems import services
from wenming.problems.models import Problem
from wenming.problems.tests import factories as f
from wenming.testing.personas import build_cast

from .walk_pages import fast_sign_in, no_tiles, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SIZES = [("phone", PHONE), ("desk", DESK)]


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    f.ensure_categories()


@pytest.fixture
def cast():
    return build_cast()


def open_as(browser, live_server, username, viewport, language="zh-hans"):
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    context.add_cookies([{"name": "wenming_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, username)
    page.js_errors = errors
    return page


MAP_STATE = """() => {
  const box = document.querySelector('#wm-problem-map');
  const map = box.querySelector('[data-wm-map]');
  const r = map.getBoundingClientRect();
  const inside = (sel) => Array.from(map.querySelectorAll(sel)).every((c) => {
    const b = c.getBoundingClientRect();
    return b.left >= r.left - 1 && b.right <= r.right + 1 && b.top >= r.top - 1 && b.bottom <= r.bottom + 1;
  });
  return {
    maps: box.querySelectorAll('.leaflet-container').length,
    zooms: box.querySelectorAll('.leaflet-control-zoom').length,
    markers: box.querySelectorAll('.leaflet-marker-icon').length,
    instances: window.WenmingMap.count(),
    width: r.width, left: r.left, right: r.right,
    viewport: document.documentElement.clientWidth,
    controlsInside: inside('.leaflet-control-zoom') && inside('.leaflet-control-attribution'),
    markerInside: inside('.leaflet-marker-icon'),
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


WIDE = """() => Array.from(document.querySelectorAll('body *')).filter((e) =>
  e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))"""


def assert_map_intact(page, step):
    page.wait_for_function(
        "() => document.querySelectorAll('#wm-problem-map .leaflet-marker-icon').length === 1"
    )
    state = page.evaluate(MAP_STATE)
    assert state["maps"] == 1 and state["zooms"] == 1 and state["instances"] == 1, (step, state)
    assert state["controlsInside"] and state["markerInside"], (step, state)
    assert state["left"] >= 0 and state["right"] <= state["viewport"] + 1, (step, state)
    assert state["overflow"] <= 1, (step, state, page.evaluate(WIDE))


def submit(page, action):
    """Press an action's button and wait for htmx to swap the page's main block."""
    old = page.locator("#problem-main > *").first.element_handle()
    page.locator(f"form[data-action={action}] button[type=submit]").click()
    page.wait_for_function("el => !el.isConnected", arg=old)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size, viewport", SIZES)
def test_unit_officer_accepts_and_rectifies_with_a_photo_the_map_intact_after_each_swap(
    cast, live_server, browser, tmp_path, size, viewport, language
):
    problem = f.dispatched(cast, title="天津街人行道垃圾堆积", cat="dirty.sanitation")
    page = open_as(browser, live_server, "urban", viewport, language)
    page.goto(f"{live_server.url}/problems/{problem.code}/")
    assert_map_intact(page, "load")
    # Tiles cannot be reached here: the problem map says so (issue 10, item 20).
    expect(page.locator("#wm-problem-map [data-testid=map-fallback]")).to_be_visible()

    accept = page.locator("form[data-action=accept] button[type=submit]")
    box = accept.bounding_box()
    # Above the fold on a phone, and big enough for a finger.
    assert box["y"] + box["height"] <= viewport["height"], box
    if size == "phone":
        for control in page.locator(
            "[data-testid=actions] .btn, [data-testid=actions] .form-control"
        ).all():
            if control.is_visible():
                assert control.bounding_box()["height"] >= 44, control.evaluate("e => e.outerHTML")
    submit(page, "accept")
    expect(page.locator("[data-testid=action-result]")).to_be_visible()
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    assert_map_intact(page, "accept")

    # The photo is taken inside the rectification: preview and flags before sending.
    picture = tmp_path / "after.jpg"
    picture.write_bytes(f.photo(81, taken=f.now_exif(), gps=f.FAR).read())
    page.set_input_files("#rectify-photos", str(picture))
    expect(page.locator("[data-testid=photo-preview] img")).to_have_count(1)
    expect(page.locator("[data-testid=photo-check] [data-flag=far]")).to_be_visible()
    page.fill("#rectify-note", "已清理")
    submit(page, "rectify")
    expect(page.locator("[data-testid=action-result]")).to_be_visible()
    problem.refresh_from_db()
    assert problem.status == "rectified"
    assert problem.photos.filter(kind="after", event__action="rectify").count() == 1
    assert_map_intact(page, "rectify")
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_a_refused_rectification_keeps_the_chosen_photo(cast, live_server, browser, tmp_path):
    """The photo trap: a refusal used to re-render the page and drop the chosen file."""
    problem = f.accepted(cast, cat="dirty.sanitation")
    page = open_as(browser, live_server, "urban", PHONE)
    page.goto(f"{live_server.url}/problems/{problem.code}/")
    picture = tmp_path / "after.jpg"
    picture.write_bytes(f.photo(82, taken=f.now_exif(), gps=f.HERE).read())
    page.set_input_files("#rectify-photos", str(picture))
    expect(page.locator("[data-testid=photo-check]")).to_be_visible()
    page.fill("#rectify-note", "已清理")
    # Meanwhile the same unit asks for more time from another phone: the page's version is old.
    until = timezone.localdate() + timedelta(days=30)
    services.problem_request_extension(
        problem=problem, actor=cast.urban, note="材料未到", deadline=until
    )
    submit(page, "rectify")
    expect(page.locator("[data-testid=action-error]")).to_be_visible()
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    # The form is the one the user filled: the file and the note are still there.
    assert page.evaluate("document.querySelector('#rectify-photos').files.length") == 1
    assert page.input_value("#rectify-note") == "已清理"
    assert_map_intact(page, "refused")
    submit(page, "rectify")  # sent again, with the version just rendered
    expect(page.locator("[data-testid=action-result]")).to_be_visible()
    assert Problem.objects.get(pk=problem.pk).status == "rectified"
    page.context.close()


def test_an_unknown_duplicate_code_is_explained_in_place_and_outcomes_do_not_follow(
    cast, live_server, browser
):
    problem = f.report(cast.office, region=cast.zhongshan_community, title="路灯不亮")
    other = f.report(cast.office, region=cast.zhongshan_community, title="井盖缺失")
    page = open_as(browser, live_server, "office", DESK)
    page.goto(f"{live_server.url}/problems/{problem.code}/")
    page.fill("#reject-duplicate", "WM2026-999999")
    page.fill("#reject-note", "重复举报")
    page.check("#reject-confirm")
    submit(page, "reject")
    error = page.locator("[data-testid=action-error]")
    expect(error).to_contain_text("WM2026-999999")
    assert page.input_value("#reject-note") == "重复举报"  # the form kept as it was
    assert Problem.objects.get(pk=problem.pk).status == "new"
    assert_map_intact(page, "refused")

    submit(page, "register")
    expect(page.locator("[data-testid=action-result]")).to_be_visible()
    # The outcome was shown in place: it does not wait for the next page.
    page.goto(f"{live_server.url}/problems/{other.code}/")
    assert page.locator(".alert-success, [data-testid=action-result]").count() == 0
    page.context.close()
