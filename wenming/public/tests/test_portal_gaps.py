"""What the portal's first build left open (issue 13 audit): the public map honours the box it
shows, the report form lists "already reported nearby", the retention erasure strips the
office copies of the citizen's photos, and the office's triage actions answer in place."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import ExifTags, Image

from wenming.core.models import AuditEntry
from wenming.core.uploads import validate_image
from wenming.points.geo import for_display
from wenming.problems.models import PhotoKind, Problem, ProblemPhoto, Status
from wenming.public import selectors, services
from wenming.public.testing import HERE, jpeg_with_exif

pytestmark = pytest.mark.django_db

# About 2.2 km north-east of HERE, still in Zhongshan District.
FAR = (HERE[0] + 0.02, HERE[1] + 0.02)


def _report(cats, at=HERE, category=0, **extra):
    return services.citizen_report_create(
        category=cats[category],
        description=extra.pop("description", "垃圾桶满了"),
        lat=at[0],
        lon=at[1],
        **extra,
    )


def _bbox(south, west, north, east) -> str:
    """A box as the map sends it: corners in the tile server's datum."""
    s, w = for_display(south, west, gcj02=settings.MAP_TILES_GCJ02)
    n, e = for_display(north, east, gcj02=settings.MAP_TILES_GCJ02)
    return f"{w},{s},{e},{n}"


# --- the public map's points honour the visible box -----------------------------------------


def test_map_points_keep_to_the_visible_box_rounded_and_capped(cast, public_cats, monkeypatch):
    _report(public_cats, at=(38.918437, 121.640291))
    _report(public_cats, at=FAR)
    client = Client()
    every = client.get("/report/map/points.geojson").json()
    assert len(every["features"]) == 2 and every["truncated"] is False
    near = client.get(
        "/report/map/points.geojson",
        {"bbox": _bbox(HERE[0] - 0.005, HERE[1] - 0.005, HERE[0] + 0.005, HERE[1] + 0.005)},
    ).json()
    (feature,) = near["features"]
    lon, lat = feature["geometry"]["coordinates"]
    expected = for_display(38.918, 121.640, gcj02=settings.MAP_TILES_GCJ02)
    assert (round(lat, 6), round(lon, 6)) == (round(expected[0], 6), round(expected[1], 6))
    far = client.get(
        "/report/map/points.geojson",
        {"bbox": _bbox(FAR[0] - 0.005, FAR[1] - 0.005, FAR[0] + 0.005, FAR[1] + 0.005)},
    ).json()
    assert len(far["features"]) == 1
    bad = client.get("/report/map/points.geojson", {"bbox": "1,2,x"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_bbox"
    # Still capped: the newest within the box, and the answer says more exist.
    monkeypatch.setattr(selectors, "MAP_LIMIT", 1)
    capped = client.get("/report/map/points.geojson").json()
    assert len(capped["features"]) == 1 and capped["truncated"] is True


def test_the_public_map_page_asks_for_the_visible_box(cast, public_cats):
    html = Client().get("/report/map/").content.decode()
    assert 'data-markers-url="/report/map/points.geojson"' in html
    assert 'data-testid="map-truncated"' in html
    # core/map.js (the one map component) sends ?bbox= on load and after every move.
    script = (Path(settings.BASE_DIR) / "wenming/core/static/core/map.js").read_text()
    assert '"bbox="' in script and 'map.on("moveend", refresh)' in script


# --- "already reported nearby" on the report form -----------------------------------------


def test_the_report_form_lists_open_reports_nearby_with_public_details_only(cast, public_cats):
    existing = _report(
        public_cats,
        description="天津街口垃圾桶满了",
        reporter_name="赵先生",
        reporter_phone="13600000000",
    )
    _report(public_cats, at=FAR)  # too far
    _report(public_cats, category=1)  # another category
    form = Client().get("/report/new/").content.decode()
    assert 'data-wm-nearby="/report/nearby/"' in form and "public/nearby.js" in form
    near = (HERE[0] + 0.0004, HERE[1])  # ~45 m north
    answer = Client().get(
        "/report/nearby/", {"category": public_cats[0].pk, "lat": near[0], "lon": near[1]}
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.count('data-testid="nearby-item"') == 1
    assert public_cats[0].display_name in html and str(Status.NEW.label) in html
    assert "100" in html  # the distance, rounded to 100 m
    link = f"/report/p/{existing.problem.code}/"
    assert link in html
    for secret in ("天津街口", "赵先生", "13600000000", existing.tracking_code):
        assert secret not in html
    # Nothing without a category or a pin, or for a category the public may not choose.
    assert "nearby-item" not in Client().get("/report/nearby/", {"lat": near[0]}).content.decode()
    # The link shows the public progress, nothing personal.
    page = Client().get(link).content.decode()
    assert str(Status.NEW.label) in page
    for secret in ("天津街口", "赵先生", "13600000000", existing.tracking_code):
        assert secret not in page
    assert Client().get("/report/p/WM1999-000001/").status_code == 404


def test_a_problem_no_citizen_follows_has_no_public_page(cast, public_cats):
    from wenming.problems.tests.factories import accepted

    office_problem = accepted(cast)
    assert Client().get(f"/report/p/{office_problem.code}/").status_code == 404


# --- retention: the office copies of the citizen's photos lose GPS and EXIF ----------------


def test_retention_strips_gps_and_exif_from_the_office_copies_and_audits(cast, public_cats):
    report = _report(
        public_cats,
        reporter_name="李女士",
        reporter_phone="13900000009",
        photos=[validate_image(jpeg_with_exif())],
    )
    photo = ProblemPhoto.objects.get(problem=report.problem, kind=PhotoKind.BEFORE)
    assert photo.lat is not None
    with default_storage.open(photo.path) as handle:
        assert b"Secret-Model-X" in handle.read()
    old_path = photo.path
    services.citizen_report_reject(report=report, actor=cast.office, public_reason="重复")
    Problem.objects.filter(pk=report.problem_id).update(
        rejected_at=timezone.now() - timedelta(days=400)
    )
    assert services.personal_data_erase_due() == 1
    photo.refresh_from_db()
    assert photo.lat is None and photo.lon is None
    assert photo.path != old_path and not default_storage.exists(old_path)
    with default_storage.open(photo.path) as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert b"Secret-Model-X" not in data and not image.getexif()
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    entry = AuditEntry.objects.get(action="public.personal_data_erase")
    assert entry.data["photos_stripped"] == 1
    assert "13900000009" not in str(entry.data) and "李女士" not in str(entry.data)
    assert services.personal_data_erase_due() == 0


# --- triage actions answer in place -------------------------------------------------------


def test_triage_actions_answer_in_place_with_the_reason_on_refusal(cast, public_cats, page_as):
    report = _report(public_cats)
    office = page_as(cast.office)
    hx = {"HTTP_HX_REQUEST": "true"}
    page = office.get(f"/report/office/{report.pk}/").content.decode()
    assert 'id="report-main"' in page and 'hx-target="#report-main"' in page
    refused = office.post(f"/report/office/{report.pk}/reject/", {"public_reason": ""}, **hx)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "<html" not in html and 'data-testid="action-error"' in html
    assert 'id="act-reject"' in html and 'hx-preserve="true"' in html
    assert Problem.objects.get(pk=report.problem_id).status == Status.NEW
    unknown = office.post(f"/report/office/{report.pk}/merge/", {"into": "WM1999-1"}, **hx)
    assert unknown.status_code == 400 and "WM1999-1" in unknown.content.decode()
    done = office.post(f"/report/office/{report.pk}/register/", {}, **hx)
    html = done.content.decode()
    assert done.status_code == 200 and "<html" not in html
    assert 'data-testid="action-result"' in html and str(Status.REGISTERED.label) in html
    # Without htmx the same post still answers a whole page or redirects.
    other = _report(public_cats)
    assert office.post(f"/report/office/{other.pk}/register/", {}).status_code == 302
