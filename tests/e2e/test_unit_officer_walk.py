"""Issue 10's "done when": the Urban Management Bureau's officer, on a phone and at a desk, takes
a problem the office dispatched from the ledger through accept → after-photo → rectify.

At every step: nothing is wider than the screen (no sideways scroll), the problem's map is
whole after each htmx swap (one Leaflet map, inside the screen, its controls and pin inside
its box), axe-core finds no WCAG 2.1 AA violation, and no console error is logged (the tile
requests aside: tiles come from our own server, which answers 404, as there is no internet).
At the end Back returns the filtered ledger as a full page, navigation and all, never the bare
fragment htmx swapped in.
"""

import pytest

from wenming.problems.models import Problem
from wenming.problems.tests import factories as f

from .axe import assert_no_axe_violations
from .walk_pages import NO_TILES, block_tiles, fast_sign_in, no_tiles, use_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"

# Every map component on the page, as the user would see it: the element, its Leaflet
# container, and what Leaflet drew (controls, the pin) relative to the map's box and the screen.
MAP_STATE = """(testid) => {
  const els = Array.from(document.querySelectorAll(`[data-testid="${testid}"]`));
  const width = document.documentElement.clientWidth;
  return els.map(el => {
    const box = el.getBoundingClientRect();
    const inside = n => {
      const r = n.getBoundingClientRect();
      return r.left >= box.left - 1 && r.right <= box.right + 1
        && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    };
    const shown = n => n.getClientRects().length > 0;
    return {
      leaflet: el.classList.contains("leaflet-container"),
      containers: el.querySelectorAll(".leaflet-container").length
        + (el.classList.contains("leaflet-container") ? 1 : 0),
      within_screen: box.left >= 0 && box.right <= width + 0.5 && box.width > 0 && box.height > 0,
      controls: Array.from(el.querySelectorAll(".leaflet-control")).filter(shown).length,
      controls_outside: Array.from(el.querySelectorAll(".leaflet-control"))
        .filter(shown).filter(n => !inside(n)).map(n => n.className),
      pins: el.querySelectorAll(".leaflet-marker-icon").length,
      pins_outside: Array.from(el.querySelectorAll(".leaflet-marker-icon")).filter(n => !inside(n)).length,
    };
  });
}"""

MAP_READY = """(testid) => {
  const el = document.querySelector(`[data-testid="${testid}"]`);
  return !!el && el.classList.contains("leaflet-container")
    && el.querySelectorAll(".leaflet-control-zoom").length === 1
    && el.querySelectorAll(".leaflet-marker-icon").length >= 1;
}"""


@pytest.fixture(autouse=True)
def _settings(settings, live_server, tmp_path, page):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    block_tiles(page)
    f.ensure_categories()


@pytest.fixture
def after_photo(tmp_path):
    """A real small JPEG from a phone's camera: taken now, at the problem's place."""
    upload = f.photo(7, taken=f.now_exif(), gps=f.HERE, size=(480, 360), name="after.jpg")
    path = tmp_path / "after.jpg"
    path.write_bytes(upload.read())
    return path


class Walk:
    """The checks made after every step, with the console errors gathered on the way."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message):
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if NO_TILES in where or NO_TILES in message.text:
            return  # a map tile: unreachable here by design
        self.errors.append(f"{message.text} ({where})")

    def screen_fits(self, step: str) -> None:
        widths = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert self.page.evaluate(NO_SIDEWAYS_SCROLL), (
            f"{step}: the page is {widths[0]} px wide on a {widths[1]} px screen"
        )

    def map_intact(self, step: str, testid: str = "problem-map") -> None:
        self.page.wait_for_function(MAP_READY, arg=testid)
        maps = self.page.evaluate(MAP_STATE, testid)
        assert len(maps) == 1, f"{step}: {len(maps)} maps marked {testid}"
        state = maps[0]
        assert state["leaflet"] and state["containers"] == 1, f"{step}: {state}"
        assert state["within_screen"], f"{step}: the map leaves the screen: {state}"
        assert state["controls"] >= 1 and not state["controls_outside"], f"{step}: {state}"
        assert state["pins"] >= 1 and not state["pins_outside"], f"{step}: {state}"

    def accessible(self, step: str) -> None:
        assert_no_axe_violations(self.page, where=step)

    def every_check(self, step: str, *, with_map: bool = True) -> None:
        self.screen_fits(step)
        if with_map:
            self.map_intact(step)
        self.accessible(step)

    def no_console_errors(self) -> None:
        assert not self.errors, "console errors on the walk:\n" + "\n".join(self.errors)


def _submit_and_wait_for_swap(page, form) -> None:
    """Press a form's submit button; htmx replaces the problem's main block."""
    old = page.locator("#problem-main > *").first.element_handle()
    form.locator("button[type=submit]").click()
    page.wait_for_function("el => !el.isConnected", arg=old)


@pytest.mark.parametrize(
    ("size", "language"),
    [(PHONE, "zh-hans"), (DESK, "en")],
    ids=["phone-390x844-zh", "desk-1280x900-en"],
)
def test_unit_officer_accepts_photographs_and_rectifies(
    live_server, page, login, after_photo, size, language
):
    from wenming.testing.personas import build_cast

    cast = build_cast()
    problem = f.dispatched(cast, title="占道经营", address="天津街与胜利路交口")
    f.dispatched(cast, title="机动车乱停放")  # a second one, so the filter has work to do
    page.set_viewport_size(size)
    use_language(page, live_server, language)
    walk = Walk(page)
    login("urban")
    walk.every_check("home", with_map=False)

    # The ledger, filtered to what waits for the bureau (an htmx swap that pushes its URL).
    page.goto(f"{live_server.url}/problems/")
    walk.every_check("ledger", with_map=False)
    old = page.locator("#ledger-table > *").first.element_handle()
    page.locator("[data-testid=status-counts] a[data-status=dispatched]").click()
    page.wait_for_function("el => !el.isConnected", arg=old)
    assert "status=dispatched" in page.url
    filtered_url = page.url
    walk.every_check("ledger filtered", with_map=False)

    # Open the problem from the list the user sees (cards on a phone, the table at a desk).
    page.locator(f"#ledger-table a[href$='/problems/{problem.code}/']:visible").first.click()
    page.wait_for_url(f"**/problems/{problem.code}/")
    walk.every_check("problem page")

    # Accept.
    _submit_and_wait_for_swap(page, page.locator("[data-testid=actions] form[data-action=accept]"))
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    walk.every_check("after accept")

    # The after-photo is chosen in the rectify form itself and previewed before sending.
    rectify = page.locator("[data-testid=actions] form[data-action=rectify]")
    rectify.locator("[data-testid=photo-upload] input[type=file]").set_input_files(after_photo)
    page.locator("[data-testid=photo-upload] img").first.wait_for(state="visible")
    # The integrity flags come before sending: a photo taken now, here, raises none.
    flags = page.locator("[data-testid=photo-upload] [data-testid=photo-check]")
    flags.wait_for(state="visible")
    assert flags.locator("[data-flag]").evaluate_all("els => els.map(e => e.dataset.flag)") == [
        "none"
    ]
    walk.every_check("after-photo chosen")

    # Rectify: one press sends the photo with the rectification.
    _submit_and_wait_for_swap(page, rectify)
    problem.refresh_from_db()
    assert problem.status == "rectified"
    assert problem.photos.filter(kind="after").count() == 1
    assert page.locator("[data-testid=action-result]").is_visible()
    assert page.locator("[data-testid=photos] img").count() >= 1
    walk.every_check("after rectify")

    # Back: the filtered ledger, a full page (navigation, filters, the list), not a fragment.
    page.go_back()
    page.wait_for_url(filtered_url)
    page.wait_for_load_state()
    assert page.locator("nav.wm-navbar").count() == 1, "Back showed a page without navigation"
    assert page.locator("[data-testid=ledger-filter]").count() == 1
    list_testid = "ledger-cards" if size is PHONE else "ledger-table"
    assert page.locator(f"[data-testid={list_testid}]").is_visible()
    walk.every_check("back to the ledger", with_map=False)

    walk.no_console_errors()
