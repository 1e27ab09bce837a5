"""The portal's retention erasure also blanks what a partner app sent about the citizen
(`Open311Request`'s contact fields), in the report's transaction and audit entry."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wenming.core.models import AuditEntry
from wenming.open311.models import Open311Request
from wenming.open311.services import PERSONAL_FIELDS
from wenming.problems.models import Problem
from wenming.public import services as portal
from wenming.public.models import CitizenReport
from wenming.public.testing import HERE

pytestmark = pytest.mark.django_db

SENT = {
    "email": "chen@example.com",
    "first_name": "陈",
    "last_name": "小明",
    "phone": "13500000000",
    "device_id": "device-42",
    "account_id": "acct-7",
}


def _post(key, category) -> str:
    data = {
        "api_key": key,
        "service_code": category.code,
        "lat": HERE[0],
        "long": HERE[1],
        "description": "公交站旁的垃圾桶满了",
        "media_url": "https://example.com/a.jpg",
        **SENT,
    }
    response = Client().post("/open311/v2/requests.json", data)
    assert response.status_code == 200, response.content
    return json.loads(response.content)[0]["service_request_id"]


def test_retention_erases_the_open311_contact_fields_once(cast, public_cats, partner_key):
    code = _post(partner_key, public_cats[0])
    kept = _post(partner_key, public_cats[0])  # rejected recently: within retention
    for each in (code, kept):
        report = CitizenReport.objects.get(problem__code=each)
        portal.citizen_report_reject(report=report, actor=cast.office, public_reason="重复")
    Problem.objects.filter(code=code).update(rejected_at=timezone.now() - timedelta(days=400))
    row = Open311Request.objects.get(problem__code=code)
    assert {name: getattr(row, name) for name in SENT} == SENT

    assert portal.personal_data_erase_due() == 1
    row.refresh_from_db()
    assert all(getattr(row, name) == "" for name in PERSONAL_FIELDS)
    # What GeoReport adds to the report itself stays.
    assert row.media_url == "https://example.com/a.jpg"
    other = Open311Request.objects.get(problem__code=kept)
    assert {name: getattr(other, name) for name in SENT} == SENT

    (entry,) = AuditEntry.objects.filter(action="public.personal_data_erase")
    assert entry.data["problem"] == code
    assert {f"open311.{name}" for name in PERSONAL_FIELDS} <= set(entry.data["fields"])
    assert not any(value in str(entry.data) for value in SENT.values())
    # Idempotent: nothing more to erase, no second entry.
    assert portal.personal_data_erase_due() == 0
    assert AuditEntry.objects.filter(action="public.personal_data_erase").count() == 1
