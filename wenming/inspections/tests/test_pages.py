"""The inspections pages: scope on every page (a visit not yours is a 404), the phone's
writes through the page endpoints (JSON for the offline script, form posts without it), the
round page's figures and review, the service worker and the manifest."""

import json

import pytest

from wenming.inspections.models import Visit, VisitStatus
from wenming.problems.models import Problem
from wenming.problems.tests.factories import photo
from wenming.standards.models import ChecklistItem

JSON = {"HTTP_ACCEPT": "application/json"}


def _visit(round_, code):
    return Visit.objects.get(round=round_, point__code=code)


def _answers(codes, fail=(), prefix="c"):
    return json.dumps(
        {
            "answers": [
                {"item": c, "answer": "fail" if c in fail else "pass", "client_id": f"{prefix}-{c}"}
                for c in codes
            ]
        }
    )


def _put(client, visit, body):
    return client.post(
        f"/inspections/visits/{visit.pk}/answers/", body, content_type="application/json", **JSON
    )


def test_the_inspector_sees_their_rounds_visits_and_the_checklist(cast, page_as, drawn):
    ChecklistItem.objects.filter(code="MARKET-02").update(
        sample_route_m=200, sample_spacing_m=20, sampling_note="从市场正门起"
    )
    client = page_as(cast.inspector)
    rounds = client.get("/inspections/")
    assert rounds.status_code == 200 and "R-V" in rounds.content.decode()
    mine = client.get("/inspections/visits/")
    body = mine.content.decode()
    assert mine.status_code == 200 and body.count('data-testid="visit-card"') == 3
    assert 'data-testid="visits-map"' in body and 'data-lat="38.918300"' in body
    markers = client.get("/inspections/visits/markers.json").json()
    assert len(markers["features"]) == 3
    assert markers["features"][0]["properties"]["url"].startswith("/inspections/visits/")
    boxed = client.get("/inspections/visits/markers.json", {"bbox": "121.6,38.9,121.7,38.93"})
    assert len(boxed.json()["features"]) == 2  # the two Zhongshan points
    assert client.get("/inspections/visits/markers.json", {"bbox": "x"}).status_code == 400

    visit = _visit(drawn, "ZS-MKT-1")
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert 'data-testid="start"' in page and 'data-testid="checklist"' not in page
    client.post(f"/inspections/visits/{visit.pk}/start/", {"lat": "38.9184", "lon": "121.6405"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.STARTED and visit.start_distance_m < 50
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    for code in ("MARKET-01", "MARKET-02", "MARKET-03"):
        assert f'data-item="{code}"' in page
    assert page.count('capture="environment"') == 3
    assert page.count('data-testid="sampling-rule"') == 1 and "(从市场正门起)" in page
    assert 'name="observed-MARKET-02"' in page and 'name="observed-MARKET-01"' not in page
    assert "/static/inspections/visit.js" in page and 'rel="manifest"' in page


@pytest.mark.parametrize("who", ["evaluator", "ganjingzi", "education"])
def test_a_visit_outside_your_scope_is_not_there_on_any_page(cast, page_as, drawn, who):
    visit = _visit(drawn, "ZS-MKT-1")
    client = page_as(getattr(cast, who))
    assert client.get(f"/inspections/visits/{visit.pk}/").status_code == 404
    for action in ("start", "answers", "photos", "submit", "review"):
        assert client.post(f"/inspections/visits/{visit.pk}/{action}/").status_code == 404
    listed = client.get("/inspections/visits/").content.decode()
    assert f"/inspections/visits/{visit.pk}/" not in listed
    features = client.get("/inspections/visits/markers.json").json()["features"]
    assert f"/inspections/visits/{visit.pk}/" not in [f["properties"]["url"] for f in features]
    if who == "evaluator":
        assert client.get(f"/inspections/rounds/{drawn.pk}/").status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ASSIGNED


def test_officers_see_their_visits_read_only(cast, page_as, drawn):
    market = _visit(drawn, "ZS-MKT-1")
    school = _visit(drawn, "ZS-SCH-1")
    zs = page_as(cast.zhongshan)
    page = zs.get(f"/inspections/visits/{market.pk}/").content.decode()
    assert 'data-testid="start"' not in page and 'data-testid="submit"' not in page
    assert zs.get(f"/inspections/visits/{_visit(drawn, 'GJZ-MKT-1').pk}/").status_code == 404
    listed = zs.get("/inspections/visits/").content.decode()
    assert listed.count('data-testid="visit-card"') == 2
    # A unit officer: the visits to the points of their unit, nothing else.
    edu = page_as(cast.education)
    assert edu.get(f"/inspections/visits/{school.pk}/").status_code == 200
    assert edu.get("/inspections/visits/").content.decode().count('data-testid="visit-card"') == 1
    # Read-only: a write is refused (403), nothing changes.
    refused = zs.post(f"/inspections/visits/{market.pk}/start/", **JSON)
    assert refused.status_code == 403
    market.refresh_from_db()
    assert market.status == VisitStatus.ASSIGNED
    # The round page: their subtree's figures only, no city estimate, no review list.
    round_page = zs.get(f"/inspections/rounds/{drawn.pk}/").content.decode()
    assert 'data-testid="partial"' in round_page and 'data-testid="estimate"' not in round_page
    assert 'data-testid="review-list"' not in round_page


def test_the_phone_endpoints_answer_idempotently_and_refuse_bad_input_clearly(cast, page_as, drawn):
    client = page_as(cast.inspector)
    visit = _visit(drawn, "ZS-MKT-1")
    assert client.post(f"/inspections/visits/{visit.pk}/start/", **JSON).json() == {
        "status": "started"
    }
    bad_start = client.post(
        f"/inspections/visits/{_visit(drawn, 'GJZ-MKT-1').pk}/start/", {"lat": "123"}, **JSON
    )
    assert bad_start.status_code == 400
    # Unanswered items: 400 naming them (JSON and the page without JavaScript).
    refused = client.post(f"/inspections/visits/{visit.pk}/submit/", **JSON)
    assert refused.status_code == 400
    assert refused.json()["details"]["unanswered"] == ["MARKET-01", "MARKET-02", "MARKET-03"]
    page = client.post(f"/inspections/visits/{visit.pk}/submit/")
    assert page.status_code == 400 and "MARKET-01, MARKET-02, MARKET-03" in page.content.decode()
    assert 'data-testid="visit-error"' in page.content.decode()

    assert _put(client, visit, "not json").status_code == 400
    assert (
        _put(
            client, visit, json.dumps({"answers": [{"item": "NOPE", "answer": "pass"}]})
        ).status_code
        == 400
    )
    codes = ["MARKET-01", "MARKET-02", "MARKET-03"]
    first = _put(client, visit, _answers(codes, fail=("MARKET-01",)))
    assert first.status_code == 200 and len(first.json()["saved"]) == 3
    visit.refresh_from_db()
    version = visit.version
    again = _put(client, visit, _answers(codes, fail=("MARKET-01",)))  # an offline resend
    assert again.json() == first.json()
    visit.refresh_from_db()
    assert visit.version == version

    # The failure's required photo is missing: 400 naming the item.
    missing = client.post(f"/inspections/visits/{visit.pk}/submit/", **JSON)
    assert missing.status_code == 400 and missing.json()["details"]["item"] == "MARKET-01"
    not_image = client.post(
        f"/inspections/visits/{visit.pk}/photos/",
        {"item": "MARKET-01", "client_id": "p0", "file": photo_file(b"GIF89a no")},
        **JSON,
    )
    assert not_image.status_code == 400
    sent = client.post(
        f"/inspections/visits/{visit.pk}/photos/",
        {"item": "MARKET-01", "client_id": "p1", "file": photo(2)},
        **JSON,
    )
    assert sent.status_code == 201
    resent = client.post(
        f"/inspections/visits/{visit.pk}/photos/",
        {"item": "MARKET-01", "client_id": "p1", "file": photo(2)},
        **JSON,
    )
    assert resent.json()["id"] == sent.json()["id"] and visit.photos.count() == 1
    done = client.post(f"/inspections/visits/{visit.pk}/submit/", **JSON)
    assert done.status_code == 200 and done.json()["score"] == pytest.approx(61.54)
    assert client.post(f"/inspections/visits/{visit.pk}/submit/", **JSON).json() == done.json()
    assert Problem.objects.filter(point=visit.point).count() == 1
    # The answer says the failure is in the ledger, and the page links it beside its item.
    assert "1 项不合格已登记为问题" in done.json()["message"]
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert 'data-testid="visit-score"' in page and 'data-testid="submit"' not in page
    raised = Problem.objects.get(point=visit.point)
    item = page.split('data-item="MARKET-01"', 1)[1].split("</fieldset>", 1)[0]
    assert f'href="/problems/{raised.code}/"' in item
    assert page.count('data-testid="item-problem"') == 1
    assert client.get(f"/problems/{raised.code}/").status_code == 200  # the inspector's own


def photo_file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.jpg", data, content_type="image/jpeg")


def test_the_form_without_javascript_saves_answers_and_photos(cast, page_as, drawn):
    client = page_as(cast.inspector)
    visit = _visit(drawn, "ZS-MKT-1")
    client.post(f"/inspections/visits/{visit.pk}/start/")
    posted = client.post(
        f"/inspections/visits/{visit.pk}/answers/",
        {
            "answer-MARKET-01": "fail",
            "note-MARKET-01": "积水",
            "photo-MARKET-01": photo(4),
            "answer-MARKET-02": "pass",
            "answer-MARKET-03": "na",
        },
    )
    assert posted.status_code == 302
    assert visit.answers.get(item__code="MARKET-01").note == "积水"
    assert visit.photos.filter(item__code="MARKET-01").count() == 1
    bad = client.post(f"/inspections/visits/{visit.pk}/answers/", {"answer-MARKET-01": "maybe"})
    assert bad.status_code == 400 and "MARKET-01" in bad.content.decode()


def test_the_round_page_shows_scores_the_estimate_and_the_review(cast, page_as, drawn):
    inspector = page_as(cast.inspector)
    visit = _visit(drawn, "ZS-MKT-1")
    inspector.post(f"/inspections/visits/{visit.pk}/start/")
    _put(inspector, visit, _answers(["MARKET-01", "MARKET-02", "MARKET-03"]))
    inspector.post(f"/inspections/visits/{visit.pk}/submit/", **JSON)
    office = page_as(cast.office)
    page = office.get(f"/inspections/rounds/{drawn.pk}/").content.decode()
    assert 'data-testid="estimate"' in page and 'data-testid="strata"' in page
    assert "100.00" in page and 'data-testid="review-row"' in page
    # The strata by name (they read "MARKET 210202"): the point type's and the district's.
    strata = page.split('data-testid="strata"', 1)[1].split("</table>", 1)[0]
    assert "<td>MARKET</td>" not in strata and "<td>210202</td>" not in strata
    assert visit.point_type.display_name in strata
    htmx = {"HTTP_HX_REQUEST": "true"}
    refused = office.post(f"/inspections/visits/{visit.pk}/review/", {"decision": "reject"}, **htmx)
    assert refused.status_code == 400 and 'data-testid="review-error"' in refused.content.decode()
    assert "<html" not in refused.content.decode()
    bogus = office.post(f"/inspections/visits/{visit.pk}/review/", {"decision": "x"}, **htmx)
    assert bogus.status_code == 400
    ok = office.post(f"/inspections/visits/{visit.pk}/review/", {"decision": "approve"}, **htmx)
    assert ok.status_code == 200 and 'data-testid="review-result"' in ok.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.APPROVED
    # The inspector may not review (403, in place), nor see the review list.
    again = inspector.post(
        f"/inspections/visits/{visit.pk}/review/", {"decision": "approve"}, **htmx
    )
    assert again.status_code in (403, 409)
    assert (
        'data-testid="review-list"'
        not in inspector.get(f"/inspections/rounds/{drawn.pk}/").content.decode()
    )


def test_the_service_worker_and_manifest_make_it_installable(cast, page_as, client):
    sw = client.get("/inspections/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert sw["Service-Worker-Allowed"] == "/inspections/"
    assert "no-cache" in sw["Cache-Control"] or "max-age=0" in sw["Cache-Control"]
    manifest = client.get("/inspections/manifest.webmanifest")
    data = manifest.json()
    assert data["start_url"] == "/inspections/visits/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    home = page_as(cast.inspector).get("/").content.decode()
    assert 'href="/inspections/visits/"' in home
    assert 'href="/inspections/"' in page_as(cast.office).get("/").content.decode()


def test_an_evaluator_reads_the_mock_assessments_estimate(cast, page_as, drawn):
    """journeys.md: the round page shows the evaluator the city's estimated field score as the
    visits come in; it was for readers of the whole round only. The visits of others stay
    out of the evaluator's counts."""
    from wenming.inspections.models import RoundKind

    type(drawn).objects.filter(pk=drawn.pk).update(kind=RoundKind.MOCK)
    mine = _visit(drawn, "ZS-MKT-1")
    mine.team.set([cast.evaluator])
    evaluator = page_as(cast.evaluator)
    evaluator.post(f"/inspections/visits/{mine.pk}/start/")
    _put(evaluator, mine, _answers(["MARKET-01", "MARKET-02", "MARKET-03"]))
    assert evaluator.post(f"/inspections/visits/{mine.pk}/submit/", **JSON).status_code == 200
    page = evaluator.get(f"/inspections/rounds/{drawn.pk}/").content.decode()
    assert 'data-testid="estimate"' in page and "100.00" in page
    assert 'data-testid="partial"' in page  # the counts are still the evaluator's own
    # Not for an evaluator outside the round, nor in a round that is not a mock assessment.
    type(drawn).objects.filter(pk=drawn.pk).update(kind=RoundKind.SUPERVISION)
    page = evaluator.get(f"/inspections/rounds/{drawn.pk}/").content.decode()
    assert 'data-testid="estimate"' not in page
