"""The material pages as each persona sees them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from wenming.core.home import panels_for
from wenming.materials import services
from wenming.materials.models import SubmissionStatus
from wenming.materials.samples import pdf_bytes, png_bytes

from .helpers import recent, submission_of, submitted

HX = {"HX-Request": "true"}


def test_a_unit_uploads_on_the_page_and_a_wrong_file_is_refused_beside_the_form(
    cast, page_as, window, clauses
):
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    page = page_as(cast.urban)
    due = page.get("/materials/")
    assert due.status_code == 200
    assert due.content.decode().count('data-testid="due-row"') == 2
    url = f"/materials/{sub.pk}/files/"
    refused = page.post(
        url,
        {
            "kind": "document",
            "document_date": recent().isoformat(),
            "file": SimpleUploadedFile("通知.pdf", png_bytes()),
        },
        headers=HX,
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'data-testid="action-error"' in body and "通知.pdf" in body
    assert 'value="document"' in body and recent().isoformat() in body  # kept as left
    added = page.post(
        url,
        {
            "kind": "document",
            "document_date": recent().isoformat(),
            "file": SimpleUploadedFile("通知.pdf", pdf_bytes("x")),
        },
        headers=HX,
    )
    assert added.status_code == 200 and 'data-testid="action-result"' in added.content.decode()
    # The answer also brings the history up to date (out of band), in words, not codes.
    history = added.content.decode().split('id="submission-history"', 1)[1]
    assert 'hx-swap-oob="true"' in history.split(">", 1)[0]
    assert 'data-action="file_add"' in history and "上传文件" in history and "通知.pdf" in history
    done = page.post(f"/materials/{sub.pk}/submit/")
    assert done.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    download = page.get(f"/materials/{sub.pk}/files/{sub.files.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    other = submission_of(window, clauses["1.1.2.1"], cast.police_unit)
    assert page.get(f"/materials/{other.pk}/").status_code == 404


def test_the_office_reviews_from_the_page(cast, page_as, window, clauses):
    sub = submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    page = page_as(cast.office)
    detail = page.get(f"/materials/{sub.pk}/").content.decode()
    assert 'data-testid="review-form"' in detail
    refused = page.post(f"/materials/{sub.pk}/review/", {"decision": "return"}, headers=HX)
    assert refused.status_code == 400
    scored = page.post(
        f"/materials/{sub.pk}/review/",
        {"decision": "score", "percent": "80", "comments": "ok"},
        headers=HX,
    )
    assert scored.status_code == 200
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SCORED and str(sub.score) == "0.8000"
    assert (
        page_as(cast.urban)
        .post(f"/materials/{sub.pk}/review/", {"decision": "score", "percent": "10"}, headers=HX)
        .status_code
        == 403
    )


def test_queue_gaps_and_scores_pages(cast, page_as, window, clauses):
    old = window.starts_on - dt.timedelta(days=3)
    sub = submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit), day=old)
    office = page_as(cast.office)
    queue = office.get("/materials/review/").content.decode()
    assert queue.count('data-testid="queue-row"') == 1
    assert 'data-testid="count-draft">3<' in queue
    everything = office.get("/materials/review/", {"window": window.pk, "status": "all"})
    assert everything.content.decode().count('data-testid="queue-row"') == 4
    gaps = office.get("/materials/gaps/").content.decode()
    assert gaps.count('data-testid="gap-unit"') == 3 and old.isoformat() in gaps
    edu_gaps = page_as(cast.education).get("/materials/gaps/").content.decode()
    assert edu_gaps.count('data-testid="gap-unit"') == 1 and old.isoformat() not in edu_gaps
    services.submission_review(actor=cast.office, submission=sub, decision="score", score="1")
    scores = office.get("/materials/scores/").content.decode()
    assert 'data-testid="city-score"' in scores and "37.5 %" in scores
    mine = page_as(cast.education).get("/materials/scores/").content.decode()
    assert "市城市管理局" not in mine and 'data-testid="line-scores"' not in mine
    # The city's figure is the office's and the leaders' (as in the API), not a unit's.
    assert 'data-testid="city-score"' not in mine
    assert (
        'data-testid="city-score"'
        in page_as(cast.leader).get("/materials/scores/").content.decode()
    )
    assert Client().get("/materials/review/").status_code == 302


def test_the_office_opens_a_window_on_its_page(cast, page_as, system):
    page = page_as(cast.office)
    day = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    made = page.post(
        "/materials/windows/new/", {"name": "W", "system": system.pk, "assessment_date": day}
    )
    assert made.status_code == 302
    refused = page.post(
        "/materials/windows/new/",
        {
            "name": "W2",
            "system": system.pk,
            "assessment_date": day,
            "starts_on": "2026-06-01",
            "ends_on": "2026-01-01",
        },
    )
    assert refused.status_code == 400
    assert page_as(cast.urban).get("/materials/windows/new/").status_code == 404


def test_home_panels(cast, window, clauses, rf):
    request = rf.get("/")
    request.user = cast.urban
    panel = next(
        p for p in panels_for(request) if p["title"] == "Material due" or "材料" in p["title"]
    )
    assert sum(i["count"] for i in panel["items"]) == 2
    request.user = cast.office
    titles = [p for p in panels_for(request) if any("materials" in i["url"] for i in p["items"])]
    assert titles and titles[0]["items"][1]["count"] == 4
    request.user = cast.inspector
    assert not [p for p in panels_for(request) if any("materials" in i["url"] for i in p["items"])]


@pytest.mark.parametrize("who", ["zhongshan", "inspector", "evaluator"])
@pytest.mark.parametrize(
    "page", ["/materials/", "/materials/review/", "/materials/gaps/", "/materials/scores/"]
)
def test_the_material_pages_are_not_for_those_without_material(cast, page_as, who, page):
    """A district officer read the city's material score on its page (the API refused it) and
    a gap list saying "no gaps" for the units' material: both are 403 now, and no link leads
    there."""
    client = page_as(getattr(cast, who))
    assert client.get(page).status_code == 403
    assert 'href="/materials/' not in client.get("/").content.decode()
