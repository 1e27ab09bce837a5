"""The plans API: scoped lists as {"items", "next"}, 201 equals GET, progress with files,
409 on an illegal move, and the bad-input list of issue 14."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenming.plans.models import Letter, LetterHolder, Task

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_campaigns_list_and_create(cast, api_as, campaign, system):
    assert api_as(cast.urban).get("campaigns").json()["items"][0]["id"] == campaign.pk
    body = {
        "name": "县级市周期",
        "region": cast.zhongshan_district.code,
        "system": system.code,
        "cycle_start_year": 2027,
        "cycle_end_year": 2029,
    }
    assert api_as(cast.urban).post("campaigns", body).status_code == 403
    created = api_as(cast.office).post("campaigns", body)
    assert created.status_code == 201
    assert created.json()["name"] == "县级市周期"
    bad = api_as(cast.office).post("campaigns", {**body, "cycle_end_year": 2026})
    assert bad.status_code == 400


def test_task_create_equals_get_and_refuses_bad_dates(cast, api_as, campaign):
    body = {
        "campaign": campaign.pk,
        "title": "背街小巷整治",
        "standards": ["1.1.1"],
        "lead_unit": "URBAN",
        "co_units": ["PSB"],
        "regions": [cast.zhongshan_street.code],
        "person_in_charge": "urban",
        "start": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "milestones": [
            {"title": "摸底", "deadline": (TODAY + datetime.timedelta(days=7)).isoformat()}
        ],
    }
    created = api_as(cast.office).post("tasks", body)
    assert created.status_code == 201, created.content
    got = api_as(cast.office).get(f"tasks/{created.json()['id']}")
    assert got.json() == created.json()
    assert created.json()["missing"] == ["task", "progress", "effect"]
    before = {**body, "deadline": (TODAY - datetime.timedelta(days=1)).isoformat()}
    assert api_as(cast.office).post("tasks", before).status_code == 400
    late = {
        **body,
        "milestones": [
            {"title": "x", "deadline": (TODAY + datetime.timedelta(days=31)).isoformat()}
        ],
    }
    response = api_as(cast.office).post("tasks", late)
    assert response.status_code == 400
    assert response.json()["error"] == "milestone_after_deadline"


def test_ledger_is_scoped_and_paged(cast, api_as, urban_task, education_task):
    office = api_as(cast.office).get("tasks", limit=1, counts="true").json()
    assert len(office["items"]) == 1 and office["next"]
    assert office["counts"]["total"] == 2
    second = api_as(cast.office).get("tasks", limit=1, after=office["next"]).json()
    assert {office["items"][0]["id"], second["items"][0]["id"]} == {
        urban_task.pk,
        education_task.pk,
    }
    urban = api_as(cast.urban).get("tasks").json()
    assert [t["id"] for t in urban["items"]] == [urban_task.pk]
    assert api_as(cast.urban).get(f"tasks/{education_task.pk}").status_code == 404
    assert api_as(cast.inspector).get("tasks").json()["items"] == []
    filtered = api_as(cast.office).get("tasks", unit="EDU").json()
    assert [t["id"] for t in filtered["items"]] == [education_task.pk]
    assert api_as(cast.office).get("tasks", missing="nonsense").status_code == 400


def test_progress_with_an_attachment_then_submit_and_accept(cast, api_as, urban_task, media):
    response = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress",
        {
            "percent": "100",
            "text": "全部完成",
            "files": [SimpleUploadedFile("验收.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["filename"] == "验收.pdf"
    moved = api_as(cast.urban).post(f"tasks/{urban_task.pk}/transitions", {"action": "submit"})
    assert moved.status_code == 200 and moved.json()["status"] == "submitted"
    accepted = api_as(cast.office).post(f"tasks/{urban_task.pk}/transitions", {"action": "accept"})
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["missing"] == ["personnel"]
    again = api_as(cast.office).post(f"tasks/{urban_task.pk}/transitions", {"action": "accept"})
    assert again.status_code == 409


def test_bad_input_list(cast, api_as, urban_task, education_task, media):
    # A progress report on another unit's task: 404.
    other = api_as(cast.urban).post_multipart(
        f"tasks/{education_task.pk}/progress", {"percent": "10", "text": "x"}
    )
    assert other.status_code == 404
    # An upload whose content is not the type it claims: 400.
    fake = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress",
        {"percent": "10", "text": "x", "files": [SimpleUploadedFile("a.pdf", b"GIF89a...")]},
    )
    assert fake.status_code == 400 and fake.json()["error"] == "content_mismatch"
    # Accepting a task with no progress report: 409 with the reason.
    api_as(cast.urban).post(f"tasks/{urban_task.pk}/transitions", {"action": "submit"})
    refused = api_as(cast.office).post(f"tasks/{urban_task.pk}/transitions", {"action": "accept"})
    assert refused.status_code == 409 and refused.json()["error"] == "no_progress"
    assert refused.json()["message"]
    # An illegal move: 409.
    illegal = api_as(cast.urban).post(f"tasks/{urban_task.pk}/transitions", {"action": "start"})
    assert illegal.status_code == 409
    unknown = api_as(cast.urban).post(f"tasks/{urban_task.pk}/transitions", {"action": "fly"})
    assert unknown.status_code == 400
    assert Task.objects.get(pk=urban_task.pk).status == "submitted"


def test_letters_are_scoped(cast, api_as, campaign):
    mine = Letter.objects.create(campaign=campaign, holder=LetterHolder.UNIT, unit=cast.urban_unit)
    Letter.objects.create(campaign=campaign, holder=LetterHolder.UNIT, unit=cast.education_unit)
    Letter.objects.create(
        campaign=campaign, holder=LetterHolder.REGION, region=cast.zhongshan_district
    )
    assert [x["id"] for x in api_as(cast.urban).get("letters").json()["items"]] == [mine.pk]
    assert len(api_as(cast.office).get("letters", campaign=campaign.pk).json()["items"]) == 3
    zs = api_as(cast.zhongshan).get("letters").json()["items"]
    assert [x["region"] for x in zs] == [cast.zhongshan_district.code]
    assert api_as(cast.office).get("letters", signed="true").json()["items"] == []
    assert api_as(cast.inspector).get("letters").json() == {"items": [], "next": None}


def test_ledger_items_are_what_their_schema_says(cast, api_as, urban_task, education_task):
    """The page is rendered without a second validation: each item equals the same task
    validated through TaskOut."""
    from wenming.plans.api import TaskOut

    for item in api_as(cast.office).get("tasks").json()["items"]:
        assert TaskOut.model_validate(item).model_dump(mode="json") == item


def test_unknown_codes_are_named_in_the_users_language(cast, api_as, campaign, system):
    """A task or campaign that names codes Wenming does not know is a 400 that lists them, in
    the caller's language (Chinese unless the language cookie says English); nothing is
    created."""
    body = {
        "campaign": campaign.pk,
        "title": "背街小巷整治",
        "standards": ["1.1.1", "9.9.9"],
        "lead_unit": "URBAN",
        "co_units": ["PSB", "NOPE"],
        "regions": [cast.zhongshan_street.code],
        "person_in_charge": "urban",
        "start": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
    }
    office = api_as(cast.office)
    refused = office.post("tasks", body)
    assert refused.status_code == 400 and refused.json()["error"] == "unknown_reference"
    assert refused.json()["message"] == "本创建周期的测评体系中没有这些标准：9.9.9。"
    office.client.cookies["wenming_language"] = "en"
    units = office.post("tasks", {**body, "standards": ["1.1.1"]})
    assert units.json()["message"] == "Unknown units: NOPE."
    del office.client.cookies["wenming_language"]
    regions = office.post(
        "tasks", {**body, "standards": ["1.1.1"], "co_units": [], "regions": ["999999"]}
    )
    assert regions.json()["message"] == "未知区域：999999。"
    plan = office.post("tasks", {**body, "standards": ["1.1.1"], "co_units": [], "plan": 987654})
    assert plan.json()["message"] == "未知工作方案：987654。"
    assert not Task.objects.exists()
    campaign_body = {
        "name": "县级市周期",
        "region": cast.zhongshan_district.code,
        "system": "NO-SUCH-SYSTEM",
        "cycle_start_year": 2027,
        "cycle_end_year": 2029,
    }
    office.client.cookies["wenming_language"] = "en"
    no_system = office.post("campaigns", campaign_body)
    assert no_system.status_code == 400
    assert no_system.json()["message"] == "Unknown evaluation system: NO-SUCH-SYSTEM."
    del office.client.cookies["wenming_language"]
    no_region = office.post("campaigns", {**campaign_body, "region": "000000"})
    assert no_region.json()["message"] == "未知区域：000000。"


def test_a_malformed_cursor_says_so_in_chinese(cast, api_as, campaign):
    refused = api_as(cast.office).get("campaigns", after="zz")
    assert refused.status_code == 400 and refused.json()["error"] == "bad_cursor"
    assert refused.json()["message"] == "分页游标无效。"
