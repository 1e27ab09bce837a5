"""The portal's pages as a citizen and the office meet them: report, follow, rate, map, photos
without EXIF, blocked requests that write nothing, triage and settings."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from wenming.problems.models import Problem, Status
from wenming.public import services
from wenming.public.models import CitizenReport, Review
from wenming.public.testing import HERE, jpeg_with_exif, post_report, upload

pytestmark = pytest.mark.django_db


def _post(client, cats, **extra):
    return post_report(client, cats, **extra)


def _counts():
    return Problem.objects.count(), CitizenReport.objects.count()


def test_the_first_page_is_light_and_links_what_the_office_allows(cast, public_cats):
    page = Client().get("/report/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "bootstrap" not in html and "<script" not in html
    assert 'href="/scores/public/"' not in html
    services.portal_settings_update(
        actor=cast.office,
        public_map=False,
        public_rankings=True,
        reports_per_hour=5,
        retention_days=365,
    )
    html = Client().get("/report/").content.decode()
    assert 'href="/scores/public/"' in html and 'href="/report/map/"' not in html
    assert Client().get("/report/map/").status_code == 404
    assert Client().get("/report/map/points.geojson").status_code == 404


def test_a_citizen_reports_with_a_photo_and_the_served_photo_has_no_exif(cast, public_cats):
    client = Client()
    assert client.get("/report/new/").status_code == 200
    response = _post(client, public_cats, photos=[upload(jpeg_with_exif())])
    assert response.status_code == 302
    code = re.search(r"/report/t/([A-Z0-9]+)/", response.url).group(1)
    report = CitizenReport.objects.get(tracking_code=code)
    assert report.problem.source == "citizen" and report.problem.photos.count() == 1
    page = client.get(response.url).content.decode()
    assert "report-sent" in page and "王先生" not in page and "13800000000" not in page
    photo_urls = re.findall(r'href="(/report/t/[^"]+/full/)"', page)
    assert photo_urls
    served = client.get(photo_urls[0])
    data = b"".join(served.streaming_content)
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and b"Secret-Model-X" not in data and b"Exif" not in data
    # The office's own copy keeps the evidence (so the test would notice a mix-up).
    from django.core.files.storage import default_storage

    with default_storage.open(report.problem.photos.get().path) as original:
        assert b"Secret-Model-X" in original.read()
    # Another report's code does not open this photo.
    assert client.get(photo_urls[0].replace(code, "AAAAAAAAAAAA")).status_code == 404


@pytest.mark.parametrize(
    ("extra", "status", "needle"),
    [
        ({"website": "http://spam"}, 400, "隐藏"),
        ({"category": ""}, 400, "error-category"),
        # The place is said beside the map, not on the coordinates a citizen never types.
        ({"lat": "", "lon": ""}, 400, "error-location"),
        ({"lat": 31.2, "lon": 121.4}, 400, "error-location"),
        ({"description": "x" * 1001}, 400, "error-description"),
    ],
)
def test_refused_reports_say_why_and_write_nothing(cast, public_cats, extra, status, needle):
    before = _counts()
    response = _post(Client(), public_cats, **extra)
    assert response.status_code == status
    assert needle in response.content.decode()
    assert _counts() == before


def test_a_file_that_is_not_an_image_is_refused(cast, public_cats):
    before = _counts()
    bad = upload(b"%PDF-1.4 not an image", name="x.jpg")
    response = _post(Client(), public_cats, photos=[bad])
    assert response.status_code == 400 and "x.jpg" in response.content.decode()
    assert _counts() == before


def test_too_many_photos_are_refused(cast, public_cats):
    before = _counts()
    photos = [upload(jpeg_with_exif(seed=i), name=f"p{i}.jpg") for i in range(4)]
    assert _post(Client(), public_cats, photos=photos).status_code == 400
    assert _counts() == before


def test_a_sixth_report_within_the_hour_is_refused_with_429(cast, public_cats):
    client = Client()
    for i in range(5):
        assert _post(client, public_cats, reporter_phone=f"1380000000{i}").status_code == 302
    before = _counts()
    response = _post(client, public_cats, reporter_phone="13899999999")
    assert response.status_code == 429
    assert _counts() == before


def test_an_oversized_request_is_refused_before_it_is_read(cast, public_cats, settings):
    settings.WENMING_MAX_UPLOAD_MB = 1
    before = _counts()
    big = upload(b"\xff" * (4 * 1024 * 1024), name="big.jpg")
    response = _post(Client(), public_cats, photos=[big])
    assert response.status_code == 413
    assert _counts() == before


def test_follow_by_code_typed_loosely_and_unknown_codes(cast, public_cats):
    report = services.citizen_report_create(
        category=public_cats[0], description="井盖缺失", lat=HERE[0], lon=HERE[1]
    )
    code = report.tracking_code
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    response = Client().get("/report/follow/", {"code": typed})
    assert response.status_code == 302 and response.url == f"/report/t/{code}/"
    assert Client().get("/report/follow/", {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code == 404
    assert Client().get("/report/t/NOPE/").status_code == 404


def test_the_citizen_rates_after_closure_and_the_office_reviews_once(cast, public_cats):
    from wenming.public.tests.test_services import _close

    report = services.citizen_report_create(
        category=public_cats[0], description="井盖缺失", lat=HERE[0], lon=HERE[1]
    )
    url = f"/report/t/{report.tracking_code}/"
    assert "rate-form" not in Client().get(url).content.decode()
    services.citizen_report_register(report=report, actor=cast.office)
    _close(cast, report.problem)
    page = Client().get(url).content.decode()
    assert "rate-form" in page and "/report/photos/" in page  # the after-photo, public copy
    refused = Client().post(url + "rate/", {"rating": "not_satisfied", "reason": ""})
    assert refused.status_code == 400
    done = Client().post(url + "rate/", {"rating": "not_satisfied", "reason": "还是坏的"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.review == Review.PENDING
    office = Client()
    office.force_login(cast.office, backend="wenming.core.backends.WenmingModelBackend")
    assert "还是坏的" in office.get("/report/office/").content.decode()
    answer = office.post(f"/report/office/{report.pk}/uphold/", {"public_text": "经复核已整改到位"})
    assert answer.status_code == 302
    assert "经复核已整改到位" in Client().get(url).content.decode()
    again = office.post(f"/report/office/{report.pk}/reopen/", {"public_text": "x"})
    assert again.status_code == 409
    assert Problem.objects.get(pk=report.problem_id).status == Status.CLOSED


def test_triage_pages_register_reject_and_merge(cast, public_cats, page_as):
    from wenming.problems.tests.factories import accepted

    make = lambda: services.citizen_report_create(  # noqa: E731
        category=public_cats[0], description="垃圾堆放", lat=HERE[0], lon=HERE[1]
    )
    one, two, three = make(), make(), make()
    office = page_as(cast.office)
    queue = office.get("/report/office/").content.decode()
    assert one.problem.code in queue
    detail = office.get(f"/report/office/{one.pk}/").content.decode()
    assert two.problem.code in detail  # the ledger's duplicate suggestion
    assert office.post(f"/report/office/{one.pk}/register/", {}).status_code == 302
    refused = office.post(f"/report/office/{two.pk}/reject/", {"public_reason": ""})
    assert refused.status_code == 400
    assert Problem.objects.get(pk=two.problem_id).status == Status.NEW
    assert (
        office.post(
            f"/report/office/{two.pk}/reject/", {"public_reason": "不在受理范围"}
        ).status_code
        == 302
    )
    survivor = accepted(cast)
    unknown = office.post(f"/report/office/{three.pk}/merge/", {"into": "WM1999-000001"})
    assert unknown.status_code == 400
    merged = office.post(f"/report/office/{three.pk}/merge/", {"into": survivor.code})
    assert merged.status_code == 302
    page = Client().get(f"/report/t/{three.tracking_code}/").content.decode()
    assert "merged" in page
    # Only the office triages; others are refused.
    assert page_as(cast.zhongshan).get("/report/office/").status_code == 403
    assert page_as(cast.leader).get(f"/report/office/{one.pk}/").status_code == 403


def test_the_office_settings_page_saves_switches_categories_and_templates(
    cast, public_cats, page_as
):
    office = page_as(cast.office)
    assert office.get("/report/office/settings/").status_code == 200
    saved = office.post(
        "/report/office/settings/",
        {"what": "settings", "public_map": "on", "reports_per_hour": "3", "retention_days": "90"},
    )
    assert saved.status_code == 302
    from wenming.public.selectors import portal_settings, public_categories

    assert portal_settings().reports_per_hour == 3 and not portal_settings().public_rankings
    bad = office.post(
        "/report/office/settings/",
        {"what": "settings", "reports_per_hour": "-1", "retention_days": "90"},
    )
    assert bad.status_code == 400
    office.post(
        "/report/office/settings/",
        {"what": "category", "category": public_cats[0].pk, "hint": "x", "sort_order": "1"},
    )
    assert public_cats[0].pk not in [c.pk for c in public_categories()]
    office.post(
        "/report/office/settings/",
        {"what": "template", "category": "", "status": "registered", "text": "您的反映已受理"},
    )
    report = services.citizen_report_create(
        category=public_cats[1], description="乱停车", lat=HERE[0], lon=HERE[1]
    )
    services.citizen_report_register(report=report, actor=cast.office)
    assert "您的反映已受理" in Client().get(f"/report/t/{report.tracking_code}/").content.decode()
    assert page_as(cast.zhongshan).get("/report/office/settings/").status_code == 403


def test_the_public_map_rounds_places_to_about_100_m(cast, public_cats):
    services.citizen_report_create(
        category=public_cats[0],
        description="x",
        lat=38.918437,
        lon=121.640291,
        reporter_name="私人",
        reporter_phone="13700000000",
    )
    assert Client().get("/report/map/").status_code == 200
    data = Client().get("/report/map/points.geojson").json()
    (feature,) = data["features"]
    lon, lat = feature["geometry"]["coordinates"]
    from django.conf import settings

    from wenming.points.geo import for_display

    expected = for_display(38.918, 121.640, gcj02=settings.MAP_TILES_GCJ02)
    assert (round(lat, 6), round(lon, 6)) == (round(expected[0], 6), round(expected[1], 6))
    assert "私人" not in str(data) and "13700000000" not in str(data)


def test_the_office_home_shows_reports_to_triage_and_others_do_not(cast, public_cats, page_as):
    services.citizen_report_create(
        category=public_cats[0], description="x", lat=HERE[0], lon=HERE[1]
    )
    office = page_as(cast.office).get("/").content.decode()
    assert 'href="/report/office/"' in office
    # The triage page is headed as the panel that links to it (not as the ledger's "new
    # reports", a different count under the same words).
    triage = page_as(cast.office).get("/report/office/").content.decode()
    assert "待分拣的市民反映" in triage and "待分拣的新上报" not in triage
    zhongshan = page_as(cast.zhongshan).get("/").content.decode()
    assert 'href="/report/office/"' not in zhongshan
