"""The materials API: scoped lists as {"items", "next"}, a unit's upload and submit, the
office's review, refusals with their status codes."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.materials.models import EvidenceFile
from wenming.materials.samples import docx_bytes, png_bytes

from .helpers import recent, submission_of, submitted


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_unit_uploads_and_submits_and_the_office_scores(cast, api_as, window, clauses):
    api = api_as(cast.urban)
    opened = api.post("materials", {"window": window.pk, "clause": "1.1.2.1"})
    assert opened.status_code == 200 and opened.json()["unit"] == "URBAN"
    sid = opened.json()["id"]
    report = docx_bytes("R")
    sent = api.post_multipart(
        f"materials/{sid}/files",
        {
            "kind": "report",
            "document_date": recent().isoformat(),
            "file": _file("说明报告.docx", report),
        },
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["name"] == "说明报告.docx" and sent.json()["in_window"] is True
    download = api.get(sent.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == report
    assert "attachment" in download["Content-Disposition"]
    submitted_ = api.post(f"materials/{sid}/submit")
    assert submitted_.status_code == 200 and submitted_.json()["status"] == "submitted"
    again = api.post(f"materials/{sid}/submit")
    assert again.status_code == 409 and again.json()["error"] == "submission_state"
    refused = api.post(f"materials/{sid}/review", {"decision": "score", "score": 0.9})
    assert refused.status_code == 403
    office = api_as(cast.office)
    scored = office.post(
        f"materials/{sid}/review", {"decision": "score", "score": 0.9, "comments": "齐全"}
    )
    assert scored.status_code == 200 and scored.json()["status"] == "scored"
    assert scored.json()["points_earned"] == 27.0
    scores = office.get("materials/scores").json()
    assert scores["units"]["URBAN"] == {"score": 0.675, "n": 1}
    assert api.get("materials/scores").status_code == 403


def test_an_upload_that_is_not_what_it_claims_is_a_400_and_stores_nothing(
    cast, api_as, window, clauses
):
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    api = api_as(cast.urban)
    response = api.post_multipart(
        f"materials/{sub.pk}/files",
        {
            "kind": "document",
            "document_date": recent().isoformat(),
            "file": _file("红头文件.pdf", png_bytes()),
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "content_mismatch"
    assert "红头文件.pdf" in response.json()["message"]
    assert not EvidenceFile.objects.exists()


def test_lists_are_scoped_and_paged(cast, api_as, window, clauses):
    urban = api_as(cast.urban).get("materials").json()
    assert {i["unit"] for i in urban["items"]} == {"URBAN"} and urban["next"] is None
    office = api_as(cast.office)
    first = office.get("materials", limit=3).json()
    assert len(first["items"]) == 3 and first["next"]
    rest = office.get("materials", limit=3, after=first["next"]).json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    assert api_as(cast.zhongshan).get("materials").json()["items"] == []
    other = submission_of(window, clauses["1.1.2.1"], cast.police_unit)
    assert api_as(cast.urban).get(f"materials/{other.pk}").status_code == 404
    assert api_as(cast.urban).post(f"materials/{other.pk}/submit").status_code == 404
    assert office.get("materials", after="x").status_code == 400
    assert office.get("materials", status="draft").json()["items"][0]["status"] == "draft"


def test_a_return_needs_a_deadline_and_a_reason(cast, api_as, window, clauses):
    sub = submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    office = api_as(cast.office)
    assert office.post(f"materials/{sub.pk}/review", {"decision": "return"}).status_code == 400
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    returned = office.post(
        f"materials/{sub.pk}/review",
        {"decision": "return", "comments": "缺少照片", "deadline": deadline},
    )
    assert returned.status_code == 200 and returned.json()["return_deadline"] == deadline


def test_opening_for_another_unit_or_a_field_clause_is_refused(cast, api_as, window, clauses):
    api = api_as(cast.education)
    assert api.post("materials", {"window": window.pk, "clause": "1.1.2.1"}).status_code == 400
    assert api.post("materials", {"window": window.pk, "clause": "9.9.9.9"}).status_code == 400
    assert (
        api.post(
            "materials", {"window": window.pk, "clause": "2.1.1.1", "unit": "URBAN"}
        ).status_code
        == 403
    )
    office = api_as(cast.office)
    made = office.post("materials", {"window": window.pk, "clause": "2.1.1.1", "unit": "URBAN"})
    assert made.status_code == 200 and made.json()["unit"] == "URBAN"


def test_list_and_score_query_counts_do_not_grow_with_rows(
    cast, api_as, window, clauses, django_assert_max_num_queries
):
    office = api_as(cast.office)
    office.get("materials")  # the token's first use writes its stamp
    with django_assert_max_num_queries(4):
        assert len(office.get("materials").json()["items"]) == 4
    from wenming.materials import selectors

    with django_assert_max_num_queries(3):
        selectors.material_scores()


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"end": "9999-12-31"}, "date_out_of_range"),
        ({"start": "0001-01-01"}, "date_out_of_range"),
        ({"start": "2026-06-01", "end": "2026-05-01"}, "bad_period"),
    ],
)
def test_a_score_period_outside_the_calendar_or_backwards_is_a_400(
    cast, api_as, page_as, params, error
):
    """`end=9999-12-31` answered 500 (the day after it), and a backwards period 200."""
    response = api_as(cast.office).get("materials/scores", **params)
    assert response.status_code == 400 and response.json()["error"] == error
    page = page_as(cast.office).get("/materials/scores/", params)
    assert page.status_code == 400 and 'role="alert"' in page.content.decode()


def test_a_document_dated_outside_the_calendar_is_refused(cast, api_as, window, clauses):
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    response = api_as(cast.urban).post_multipart(
        f"materials/{sub.pk}/files",
        {
            "kind": "report",
            "document_date": "0001-01-01",
            "file": _file("说明.docx", docx_bytes("R")),
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "date_out_of_range"
