"""The report form in a browser on a phone (390×844): a pin fills the coordinates and suggests
the region; a refused form keeps the typed text and the chosen photo (the file input still holds
it, its preview still shows) and names what is wrong; nothing scrolls sideways.
Tiles come from an address on our own server that answers 404 (deterministic fallback)."""

import pytest
from playwright.sync_api import expect

from wenming.problems.models import Problem
from wenming.problems.tests import factories as f
from wenming.testing.personas import build_cast

from .walk_pages import fast_sign_in, no_tiles, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    f.ensure_categories()


@pytest.fixture
def cast():
    return build_cast()


@pytest.fixture
def phone(browser, live_server, cast):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/problems/new/")
    yield page
    context.close()


def jpeg(tmp_path, name="before.jpg"):
    path = tmp_path / name
    path.write_bytes(f.photo(4).read())
    return path


def test_a_pin_fills_the_coordinates_and_suggests_the_region(phone):
    assert phone.evaluate(OVERFLOW) <= 0
    phone.locator("[data-testid=report-map]").tap()
    expect(phone.locator("#id_lat")).not_to_have_value("")
    lat = float(phone.input_value("#id_lat"))
    lon = float(phone.input_value("#id_lon"))
    assert 38.4 < lat < 39.4 and 121.1 < lon < 122.1  # around the regions' centres
    # The nearest community centre is suggested and, none being chosen yet, filled in.
    expect(phone.locator("[data-testid=region-search]")).to_have_value(
        "中山区 › 青泥洼桥街道 › 天津街社区"
    )
    assert phone.input_value("#id_region") != ""
    expect(phone.locator("[data-testid=region-suggestion]")).to_contain_text("天津街社区")
    assert phone.evaluate(OVERFLOW) <= 0 and phone.js_errors == []


def test_the_picker_searches_the_tree_by_name(phone):
    phone.fill("[data-testid=region-search]", "机场")
    option = phone.locator("[data-testid=region-results] [role=option]")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("甘井子区 › 周水子街道 › 机场社区")
    option.click()
    expect(phone.locator("[data-testid=region-search]")).to_have_value(
        "甘井子区 › 周水子街道 › 机场社区"
    )
    assert phone.evaluate(OVERFLOW) <= 0


def test_a_refused_form_keeps_the_text_and_the_photo_and_names_the_field(phone, tmp_path, cast):
    phone.fill("#id_title", "人行道砖块破损")
    phone.select_option("#id_category", label="公共设施破损")
    phone.fill("#id_description", "约三米长，行人易绊倒")
    phone.fill("[data-testid=region-search]", "天津街")
    phone.locator("[data-testid=region-results] [role=option]").first.click()
    phone.fill("#id_lat", "0")
    phone.fill("#id_lon", "0")
    phone.set_input_files("#id_photos", jpeg(tmp_path))
    expect(phone.locator("[data-testid=photo-preview] img")).to_have_count(1)
    phone.click("[data-testid=submit]")

    summary = phone.locator("[data-testid=form-errors]")
    expect(summary).to_contain_text("纬度")  # the field is named
    expect(phone.locator("[data-testid=errors-lat]")).to_contain_text("城市范围之外")
    expect(phone.locator("[data-testid=where-message]")).to_contain_text("城市范围之外")
    assert phone.input_value("#id_title") == "人行道砖块破损"
    assert phone.input_value("#id_description") == "约三米长，行人易绊倒"
    assert phone.evaluate("() => document.querySelector('#id_photos').files.length") == 1
    expect(phone.locator("[data-testid=photo-preview] img")).to_have_count(1)
    assert phone.evaluate(OVERFLOW) <= 0
    assert not Problem.objects.exists()

    # Corrected, the same form sends the photo it kept.
    phone.fill("#id_lat", str(f.HERE[0]))
    phone.fill("#id_lon", str(f.HERE[1]))
    phone.click("[data-testid=submit]")
    phone.wait_for_url("**/problems/WM*/")
    problem = Problem.objects.get()
    assert problem.title == "人行道砖块破损" and problem.photos.count() == 1
    assert problem.region_id == cast.zhongshan_community.pk
    assert phone.js_errors == []


def test_a_refused_file_is_named(phone, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    phone.fill("#id_title", "井盖缺失")
    phone.select_option("#id_category", label="公共设施破损")
    phone.fill("[data-testid=region-search]", "天津街")
    phone.locator("[data-testid=region-results] [role=option]").first.click()
    phone.set_input_files("#id_photos", [jpeg(tmp_path), notes])
    phone.click("[data-testid=submit]")
    expect(phone.locator("[data-testid=errors-photos]")).to_contain_text("notes.txt")
    assert phone.evaluate("() => document.querySelector('#id_photos').files.length") == 2
    assert not Problem.objects.exists()


def test_the_form_fits_a_phone_in_english(phone, live_server):
    phone.context.add_cookies([{"name": "wenming_language", "value": "en", "url": live_server.url}])
    phone.goto(f"{live_server.url}/problems/new/")
    expect(phone.locator("h1")).to_have_text("Report a problem")
    phone.locator("[data-testid=report-map]").tap()
    expect(phone.locator("[data-testid=region-suggestion]")).to_contain_text("Tianjin Street")
    phone.fill("[data-testid=region-search]", "airport")
    expect(phone.locator("[data-testid=region-results] [role=option]")).to_contain_text(
        "Ganjingzi District › Zhoushuizi Street › Airport Community"
    )
    assert phone.evaluate(OVERFLOW) <= 0 and phone.js_errors == []


def test_the_form_and_its_answers_have_no_axe_violations(phone, cast):
    from .axe import axe_violations, describe

    # An open problem where the map opens (the regions' centres): the pin lists it.
    nearby = f.report(cast.office, region=cast.zhongshan_community, lat=38.9, lon=121.6)
    found = {}
    phone.wait_for_load_state("networkidle")
    found["form"] = axe_violations(phone)
    phone.locator("[data-testid=report-map]").tap()
    expect(phone.locator("[data-testid=region-suggestion]")).to_be_visible()
    expect(phone.locator("[data-testid=nearby]")).to_contain_text(nearby.code)
    found["pin dropped"] = axe_violations(phone)
    phone.fill("[data-testid=region-search]", "社区")
    expect(phone.locator("[data-testid=region-results] [role=option]")).to_have_count(2)
    found["picker open"] = axe_violations(phone)
    phone.fill("#id_lat", "0")
    phone.click("[data-testid=submit]")
    expect(phone.locator("[data-testid=form-errors]")).to_be_visible()
    found["refused"] = axe_violations(phone)
    assert not any(found.values()), "\n".join(
        describe(v, where=state) for state, v in found.items() if v
    )
