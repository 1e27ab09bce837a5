"""The ledger on a phone (390×844) and Back after filtering, in headless chromium.

A unit officer's day happens on a phone: the ledger is a list of cards that say code, title,
place, status, deadline and age, the filters fold behind one button, every target takes a
finger (44 px) and nothing is wider than the screen. On a phone and on a desk, Back after
filtering and opening a problem shows the whole page, menu included, never a bare table.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wenming.problems import services
from wenming.problems.models import Problem
from wenming.problems.tests import factories as f
from wenming.testing.personas import build_cast

from .walk_pages import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _ledger(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.MAP_TILE_URL = "/no-tiles/{z}/{x}/{y}.png"
    f.ensure_categories()


@pytest.fixture
def cast():
    return build_cast()


def _signed_in(browser, live_server, username, viewport, language="en"):
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    context.add_cookies([{"name": "wenming_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, username)
    return context, page


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# Every visible target of the ledger's own content (the shared menu and footer are the
# shell's): its box, or for a check box the label that carries it.
SMALL_TARGETS = """() => {
  const root = document.querySelector('.wm-ledger-page');
  const found = [];
  root.querySelectorAll('a, button, select, input, label.form-check').forEach(el => {
    if (el.matches('input[type=checkbox]') && el.closest('label')) return;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || el.offsetParent === null) return;
    if (box.height < 44 || box.width < 44) found.push(`${el.tagName} ${el.textContent.trim().slice(0, 20)} ${box.width}x${box.height}`);
  });
  return found;
}"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_unit_officer_reads_the_ledger_as_cards_on_a_phone(cast, live_server, browser, language):
    problem = f.dispatched(cast, title="青泥洼桥人行道井盖缺失，行人易绊倒，已有老人摔伤")
    services.problem_accept(problem=problem, actor=cast.urban)
    # The longest status label ("Rectified, awaiting verification") on a card of its own.
    waiting = f.rectified(cast)
    late = f.dispatched(cast, title="机动车占用人行道停放")
    Problem.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - timedelta(days=2),
        created_at=timezone.now() - timedelta(days=9),
    )
    context, page = _signed_in(browser, live_server, "urban", PHONE, language)
    page.goto(f"{live_server.url}/problems/")
    cards = page.locator("[data-testid=ledger-cards]")
    expect(cards).to_be_visible()
    expect(page.locator("[data-testid=ledger-table]")).to_be_hidden()
    assert _scroll_width(page) <= 390
    expect(cards.locator(f"li[data-code='{waiting.code}']")).to_be_visible()
    card = cards.locator(f"li[data-code='{late.code}']")
    text = card.inner_text()
    late.refresh_from_db()
    place = late.region.name_en if language == "en" else late.region.name
    for part in (late.code, late.title, place, late.deadline.isoformat()):
        assert part in text, part
    assert card.locator(".wm-status").is_visible()
    assert ("waiting 9 days" if language == "en" else "已等待 9 天") in text
    assert card.locator(".text-bg-danger").is_visible()  # overdue, on screen
    # The filters fold behind one button; the search stays at hand.
    expect(page.locator("#f-q")).to_be_visible()
    for field in ("#f-status", "#f-region", "#f-unit", "#f-from"):
        expect(page.locator(field)).to_be_hidden()
    assert page.locator("[data-testid=more-filters]").count() == 1
    assert page.evaluate(SMALL_TARGETS) == []
    page.click("[data-testid=more-filters]")
    expect(page.locator("#f-status")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == [] and _scroll_width(page) <= 390
    # A filter through htmx: the cards follow, and the page still fits.
    page.select_option("#f-status", "in_progress")
    page.click("[data-testid=ledger-filter] button[type=submit]")
    expect(cards.locator("li[data-code]")).to_have_count(1)
    expect(cards.locator(f"li[data-code='{problem.code}']")).to_be_visible()
    assert "status=in_progress" in page.url and _scroll_width(page) <= 390
    # A card is one target: a tap opens the problem.
    cards.locator(f"li[data-code='{problem.code}'] a").click()
    page.wait_for_url(f"**/problems/{problem.code}/")
    context.close()


def test_a_desk_keeps_the_table(cast, live_server, browser):
    problem = f.dispatched(cast)
    context, page = _signed_in(browser, live_server, "office", DESK)
    page.goto(f"{live_server.url}/problems/")
    expect(
        page.locator(f"[data-testid=ledger-table] tr[data-code='{problem.code}']")
    ).to_be_visible()
    expect(page.locator("[data-testid=ledger-cards]")).to_be_hidden()
    expect(page.locator("[data-testid=more-filters]")).to_be_hidden()
    expect(page.locator("#f-status")).to_be_visible()
    # Bulk dispatch above the table, counting what is ticked.
    bulk = page.locator("[data-testid=bulk-dispatch]")
    assert bulk.bounding_box()["y"] < page.locator("[data-testid=ledger-table]").bounding_box()["y"]
    page.check(f"input.wm-pick[value='{problem.code}']")
    expect(page.locator("[data-testid=selected-count]")).to_have_text("1 selected")
    page.check("#select-all")
    expect(page.locator("[data-testid=selected-count]")).to_have_text("1 selected")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_back_after_filtering_and_opening_a_problem_shows_the_whole_page(
    cast, live_server, browser, viewport
):
    problem = f.dispatched(cast, title="井盖缺失")
    f.report(cast.office, region=cast.zhongshan_community, title="新的问题")
    context, page = _signed_in(browser, live_server, "office", viewport)
    page.goto(f"{live_server.url}/problems/")
    if viewport == PHONE:
        page.click("[data-testid=more-filters]")
    page.select_option("#f-status", "dispatched")
    page.click("[data-testid=ledger-filter] button[type=submit]")
    page.wait_for_url(lambda url: "status=dispatched" in url)
    pushed = page.url
    page.locator(f"a[href='/problems/{problem.code}/']:visible").first.click()
    page.wait_for_url(f"**/problems/{problem.code}/")
    page.go_back()
    page.wait_for_url(pushed)
    page.wait_for_load_state("load")
    expect(page.locator("nav.navbar")).to_have_count(1)
    expect(page.locator("[data-testid=ledger-filter]")).to_have_count(1)
    expect(page.locator("link[href$='problems.css']")).to_have_count(1)  # styled
    assert _scroll_width(page) <= viewport["width"]
    context.close()


def test_back_into_history_htmx_did_not_keep_gets_the_whole_page(cast, live_server, browser):
    """htmx restores an entry it has no copy of by asking the server (HX-History-Restore-Request)
    and putting the answer in place of the whole body."""
    f.dispatched(cast)
    context, page = _signed_in(browser, live_server, "office", DESK)
    page.goto(f"{live_server.url}/problems/")
    page.click("[data-status=dispatched]")
    page.wait_for_url("**/problems/?status=dispatched")
    page.click("[data-status=new]")
    page.wait_for_url("**/problems/?status=new")
    # htmx's copies of earlier states are gone (a full session store, another tab's use).
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    with page.expect_response(lambda r: "status=dispatched" in r.url) as caught:
        page.go_back()
    assert caught.value.request.headers.get("hx-history-restore-request") == "true"
    expect(page.locator("nav.navbar")).to_have_count(1)
    expect(page.locator("[data-testid=ledger-filter]")).to_have_count(1)
    expect(page.locator("#ledger-table")).to_have_count(1)
    # And the form shows the filter the list was drawn with.
    expect(page.locator("#f-status")).to_have_value("dispatched")
    context.close()


def test_an_impossible_date_is_shown_beside_the_field_in_place(cast, live_server, browser):
    problem = f.dispatched(cast)
    context, page = _signed_in(browser, live_server, "office", PHONE)
    page.goto(f"{live_server.url}/problems/?created_from=2026-02-30")
    expect(page.locator("[data-testid=error-created_from]")).to_be_visible()
    expect(page.locator("[data-testid=error-created_from]")).to_contain_text("not a date")
    expect(
        page.locator(f"[data-testid=ledger-cards] li[data-code='{problem.code}']")
    ).to_have_count(0)
    assert _scroll_width(page) <= 390
    # Through htmx: a region outside the user's area (typed into the address) is refused in
    # place, then a good filter clears the message.
    page.goto(f"{live_server.url}/problems/")
    page.click("[data-testid=more-filters]")
    page.evaluate(
        "const o = document.createElement('option'); o.value = '999999'; o.text = 'x';"
        " document.getElementById('f-region').append(o)"
    )
    page.select_option("#f-region", "999999")
    page.click("[data-testid=ledger-filter] button[type=submit]")
    expect(page.locator("[data-testid=error-region]")).to_contain_text("Unknown region")
    expect(
        page.locator(f"[data-testid=ledger-cards] li[data-code='{problem.code}']")
    ).to_have_count(0)
    page.select_option("#f-region", "")
    page.click("[data-testid=ledger-filter] button[type=submit]")
    expect(
        page.locator(f"[data-testid=ledger-cards] li[data-code='{problem.code}']")
    ).to_have_count(1)
    expect(page.locator("[data-testid=error-region]")).to_be_hidden()
    context.close()
