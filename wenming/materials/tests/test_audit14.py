"""Issue 14 audit: the office changes or closes an assessment window on its page, and the
material list refuses an unknown status instead of answering an empty page."""

import datetime as dt

from wenming.materials.models import AssessmentWindow


def test_the_office_changes_and_closes_a_window_on_its_page(cast, page_as, window, clauses):
    url = f"/materials/windows/{window.pk}/edit/"
    office = page_as(cast.office)
    assert office.get(url).status_code == 200
    queue = office.get(f"/materials/review/?window={window.pk}").content.decode()
    assert url in queue
    new_start = window.starts_on + dt.timedelta(days=10)
    body = {
        "starts_on": new_start.isoformat(),
        "ends_on": window.ends_on.isoformat(),
        "submit_by": window.submit_by.isoformat(),
        "status": "closed",
    }
    assert office.post(url, body).status_code == 302
    window.refresh_from_db()
    assert window.status == "closed" and window.starts_on == new_start
    backwards = {**body, "starts_on": window.ends_on.isoformat(), "ends_on": new_start.isoformat()}
    refused = office.post(url, backwards)
    assert refused.status_code == 400 and b"form-error" in refused.content
    assert office.post(url, {**body, "submit_by": ""}).status_code == 400
    assert AssessmentWindow.objects.get(pk=window.pk).starts_on == new_start
    # Nobody but the office sees the page.
    assert page_as(cast.urban).get(url).status_code == 404
    assert page_as(cast.urban).post(url, {**body, "status": "open"}).status_code == 404
    assert AssessmentWindow.objects.get(pk=window.pk).status == "closed"
    assert office.get("/materials/windows/999999/edit/").status_code == 404


def test_an_unknown_status_is_a_400(cast, api_as, window, clauses):
    refused = api_as(cast.office).get("materials", status="bogus")
    assert refused.status_code == 400 and refused.json()["error"] == "status"
    assert api_as(cast.office).get("materials", status="draft").status_code == 200
