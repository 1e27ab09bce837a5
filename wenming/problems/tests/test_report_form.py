"""The report form and its rules (issue 10, items 9–11): the 12345 ticket, the city's extent,
the region picker, the region worked out from a pin, open problems near it, and a refused form
that names what is wrong."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenming.org import places
from wenming.problems import services
from wenming.problems.models import Problem

from .factories import FAR, HERE, category, market_point, photo, report, report_payload

TICKET = "DL12345-20261202-0042"
HTMX = {"HX-Request": "true"}


def form_data(cast, **extra) -> dict:
    return {
        "title": "占道经营",
        "category": category("chaotic.street_order").pk,
        "source": "hotline",
        "severity": "normal",
        "region": cast.zhongshan_community.pk,
        "address": "天津街与胜利路交口",
        "lat": HERE[0],
        "lon": HERE[1],
        "description": "早市摊位占用人行道",
        "reporter_name": "李先生",
        "reporter_phone": "13900000000",
        **extra,
    }


# --- the 12345 ticket -------------------------------------------------------------------------


def test_the_ticket_is_stored_and_returned_by_the_api(cast, api_as):
    client = api_as(cast.office)
    created = client.post("problems", report_payload(source="hotline", hotline_ticket=TICKET))
    assert created.status_code == 201, created.content
    assert created.json()["hotline_ticket"] == TICKET
    read = client.get(f"problems/{created.json()['code']}").json()
    assert read["hotline_ticket"] == TICKET
    assert Problem.objects.get(hotline_ticket=TICKET).code == created.json()["code"]


def test_a_report_without_a_ticket_stores_null_and_answers_empty(cast, api_as):
    created = api_as(cast.office).post("problems", report_payload(source="hotline"))
    assert created.json()["hotline_ticket"] == ""
    assert Problem.objects.get().hotline_ticket is None  # kept out of the partial index


def test_a_ticket_longer_than_40_characters_is_refused(cast, api_as):
    answer = api_as(cast.office).post("problems", report_payload(hotline_ticket="9" * 41))
    assert answer.status_code == 400 and answer.json()["error"] == "too_long"
    assert not Problem.objects.exists()


def test_the_form_stores_the_ticket(cast, page_as):
    response = page_as(cast.office).post("/problems/new/", form_data(cast, hotline_ticket=TICKET))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Problem.objects.get().hotline_ticket == TICKET


def test_the_ticket_lookup_uses_its_partial_index(cast):
    """`hotline_ticket = %s` implies IS NOT NULL, so both databases may use the partial index."""
    from django.db import connection

    report(cast.office, region=cast.zhongshan_community, hotline_ticket=TICKET)
    plan = Problem.objects.filter(hotline_ticket=TICKET).explain()
    if connection.vendor == "sqlite":
        assert "problem_hotline_ticket" in plan


# --- the city's extent ------------------------------------------------------------------------


@pytest.mark.parametrize("where", [(0.0, 0.0), (31.23, 121.47), (HERE[0], HERE[1] + 3)])
def test_the_api_refuses_coordinates_outside_the_city(cast, api_as, where):
    answer = api_as(cast.office).post("problems", report_payload(lat=where[0], lon=where[1]))
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == "outside_city"
    assert not Problem.objects.exists()


def test_the_form_refuses_coordinates_outside_the_city_and_says_so(cast, page_as):
    response = page_as(cast.office).post("/problems/new/", form_data(cast, lat=0, lon=0))
    assert response.status_code == 400
    html = response.content.decode()
    assert "城市范围之外" in html and not Problem.objects.exists()
    assert 'value="占道经营"' in html  # what was typed is still there


def test_the_extent_is_the_regions_centres_widened_or_the_setting(cast, settings):
    extent = places.city_extent()
    assert extent.contains(*HERE) and not extent.contains(0, 0)
    assert extent.south == pytest.approx(38.9 - places.MARGIN_DEGREES)
    settings.CITY_EXTENT = (30.0, 120.0, 32.0, 122.0)
    assert places.in_city(31.23, 121.47) and not places.in_city(*HERE)


def test_a_report_without_coordinates_needs_no_extent(cast):
    problem = report(cast.office, region=cast.zhongshan_community, lat=None, lon=None)
    assert problem.lat is None


def test_the_service_refuses_outside_the_city_for_every_caller(cast):
    from wenming.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        services.problem_create(
            actor=cast.inspector,
            title="井盖缺失",
            category=category(),
            source="inspection",
            region=cast.zhongshan_community,
            lat=0.0,
            lon=0.0,
        )
    assert refused.value.code == "outside_city"


# --- a refused form names what is wrong ---------------------------------------------------------


def errors_box(html: str, name: str) -> str:
    """The text of the error box beside field `name` (problems/_report_field.html)."""
    start = html.index(f'id="wm-errors-{name}"')
    return html[start : html.index("\n", start)]


def test_a_refused_photo_is_named_beside_the_photos(cast, page_as):
    bad = SimpleUploadedFile("notes.txt", b"not a picture", content_type="image/jpeg")
    response = page_as(cast.office).post(
        "/problems/new/", form_data(cast, photos=[photo(1, name="good.jpg"), bad])
    )
    assert response.status_code == 400 and not Problem.objects.exists()
    html = response.content.decode()
    assert "notes.txt" in errors_box(html, "photos")
    assert "good.jpg" not in errors_box(html, "photos")
    # Without JavaScript the chosen files are gone after the reload: the page says so.
    assert "请重新选择照片" in html


def test_outside_the_city_stands_beside_the_coordinates(cast, page_as):
    html = page_as(cast.office).post("/problems/new/", form_data(cast, lat=0, lon=0)).content
    assert "城市范围之外" in errors_box(html.decode(), "lat")


def test_a_refusal_sent_by_script_answers_the_error_boxes_and_success_a_redirect(cast, page_as):
    client = page_as(cast.office)
    refused = client.post("/problems/new/", form_data(cast, title=""), headers=HTMX)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="wm-errors-summary"' in html and 'href="#id_title"' in html
    assert "请重新选择照片" not in html  # the script kept the files
    done = client.post("/problems/new/", form_data(cast), headers=HTMX)
    assert done.status_code == 204
    assert done.headers["HX-Redirect"] == f"/problems/{Problem.objects.get().code}/"


def test_only_reporters_with_ticket_sources_see_the_ticket_field(cast, page_as):
    assert 'name="hotline_ticket"' in page_as(cast.office).get("/problems/new/").content.decode()
    assert (
        'name="hotline_ticket"'
        not in page_as(cast.inspector).get("/problems/new/").content.decode()
    )


# --- the region picker ------------------------------------------------------------------------


def test_the_region_choices_read_as_paths(cast, page_as):
    html = page_as(cast.office).get("/problems/new/").content.decode()
    assert "中山区 › 青泥洼桥街道 › 天津街社区" in html and "data-wm-region-picker" in html


def test_the_picker_finds_regions_by_words_of_their_path(cast, page_as):
    client = page_as(cast.office)
    found = client.get("/org/regions/search.json", {"q": "中山 天津"}).json()["results"]
    assert [r["path"] for r in found] == ["中山区 › 青泥洼桥街道 › 天津街社区"]
    assert found[0]["id"] == cast.zhongshan_community.pk
    everything = client.get("/org/regions/search.json", {"q": ""}).json()["results"]
    assert "210200" not in {r["code"] for r in everything}  # never the whole city


def test_the_picker_offers_a_district_officer_only_their_district(cast, page_as):
    client = page_as(cast.zhongshan)
    codes = {r["code"] for r in client.get("/org/regions/search.json").json()["results"]}
    assert codes == {"210202", "210202001", "210202001001"}
    assert client.get("/org/regions/search.json", {"q": "机场"}).json()["results"] == []


# --- what lies at the pin ---------------------------------------------------------------------


def where(client, lat, lon, **extra):
    return client.get("/problems/new/where.json", {"lat": lat, "lon": lon, **extra})


def test_the_pin_suggests_the_region_of_an_assessment_point_near_it(cast, page_as):
    market_point(cast.zhongshan_community)  # at HERE
    answer = where(page_as(cast.office), HERE[0] + 0.0005, HERE[1]).json()
    assert answer["region"]["code"] == "210202001001" and answer["region"]["basis"] == "point"
    assert answer["region"]["path"] == "中山区 › 青泥洼桥街道 › 天津街社区"
    # A district officer of another district is offered nothing of Zhongshan.
    assert where(page_as(cast.ganjingzi), HERE[0], HERE[1]).json()["region"] is None


def test_without_a_point_the_pin_suggests_the_nearest_community_centre(cast, page_as):
    from wenming.org.models import Region

    Region.objects.filter(pk=cast.zhongshan_community.pk).update(
        center_lat=38.92, center_lon=121.64
    )
    Region.objects.filter(pk=cast.ganjingzi_community.pk).update(
        center_lat=38.95, center_lon=121.56
    )
    answer = where(page_as(cast.office), 38.9205, 121.6405).json()
    assert answer["region"]["code"] == "210202001001" and answer["region"]["basis"] == "centre"
    assert where(page_as(cast.office), 38.5, 121.2).json()["region"] is None  # too far from any


def test_a_pin_outside_the_city_is_said_to_be_outside(cast, page_as):
    answer = where(page_as(cast.office), 0, 0)
    assert answer.status_code == 200 and answer.json()["inside"] is False
    assert "城市范围之外" in answer.json()["message"] and answer.json()["nearby"] == []
    assert where(page_as(cast.office), "x", 1).status_code == 400


def test_the_pin_lists_open_problems_near_it_as_the_reporter_may_see_them(cast, page_as):
    ours = report(cast.office, region=cast.zhongshan_community, title="中山的垃圾桶")
    theirs = report(cast.office, region=cast.ganjingzi_community, title="甘井子的垃圾桶")
    gone = report(cast.office, region=cast.zhongshan_community, title="已办结")
    Problem.objects.filter(pk=gone.pk).update(status="closed", is_open=False)
    report(cast.office, region=cast.zhongshan_community, title="远处", lat=FAR[0], lon=FAR[1])
    office = {i["code"] for i in where(page_as(cast.office), *HERE).json()["nearby"]}
    assert office == {ours.code, theirs.code}
    officer = where(page_as(cast.zhongshan), *HERE).json()["nearby"]
    assert [i["code"] for i in officer] == [ours.code]
    assert officer[0]["url"] == f"/problems/{ours.code}/" and officer[0]["distance_m"] == 0
    other = category("chaotic.parking").pk
    assert where(page_as(cast.office), *HERE, category=other).json()["nearby"] == []


def test_only_reporters_may_ask_about_a_pin(cast, page_as):
    assert where(page_as(cast.leader), *HERE).status_code == 403


def test_the_problem_page_shows_the_ticket(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community, hotline_ticket=TICKET)
    html = page_as(cast.zhongshan).get(f"/problems/{problem.code}/").content.decode()
    assert TICKET in html and "12345 工单号" in html


def test_the_ledger_export_has_a_ticket_column(cast, page_as):
    import io

    from openpyxl import load_workbook

    report(cast.office, region=cast.zhongshan_community, hotline_ticket=TICKET)
    report(cast.office, region=cast.zhongshan_community, title="无工单")
    sheet = load_workbook(
        io.BytesIO(page_as(cast.office).get("/problems/export.xlsx").getvalue())
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("12345 工单号")
    assert sorted(str(r[column] or "") for r in rows[1:]) == ["", TICKET]


def test_the_picker_speaks_the_users_language(cast, page_as):
    client = page_as(cast.office)
    assert "按名称搜索，如：胜利社区" in client.get("/problems/new/").content.decode()
    client.cookies["wenming_language"] = "en"
    html = client.get("/problems/new/").content.decode()
    assert "Search by name, e.g. Shengli Community" in html
    assert "Zhongshan District › Qingniwaqiao Street › Tianjin Street Community" in html
