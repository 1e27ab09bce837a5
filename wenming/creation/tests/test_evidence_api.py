"""`POST /api/v1/creation/applications/{id}/evidence`: more evidence for an application under
way, checked by content (wenming.core.documents), scoped, only while the application is open."""

import io

import pytest

from wenming.creation import services
from wenming.creation.models import ApplicationDocument, ApplicationEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name, data):
    f = io.BytesIO(data)
    f.name = name
    return f


def url(application):
    return f"creation/applications/{application.pk}/evidence"


def test_evidence_is_filed_as_an_event_of_its_own(
    cast, api_as, applied, village_officer, page_as, media
):
    sent = api_as(village_officer).post_multipart(
        url(applied), {"files": [upload("台账.pdf", PDF)], "note": "补充台账"}
    )
    assert sent.status_code == 201, sent.content
    (doc,) = sent.json()
    assert doc["filename"] == "台账.pdf"
    event = ApplicationEvent.objects.get(pk=doc["event"])
    assert event.action == "evidence" and event.note == "补充台账"
    assert event.from_status == event.to_status == "submitted"
    applied.refresh_from_db()
    assert applied.status == "submitted"
    # The district that reviews it reads the document; another district does not.
    got = page_as(cast.zhongshan).get(f"/creation/documents/{doc['id']}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert page_as(cast.ganjingzi).get(f"/creation/documents/{doc['id']}/").status_code == 404


def test_a_file_whose_content_is_not_its_type_is_400_and_nothing_is_written(
    api_as, applied, village_officer, media
):
    sent = api_as(village_officer).post_multipart(
        url(applied), {"files": [upload("ok.pdf", PDF), upload("fake.pdf", b"not a pdf")]}
    )
    assert sent.status_code == 400
    assert not ApplicationDocument.objects.exists()
    assert not ApplicationEvent.objects.filter(action="evidence").exists()
    assert not media.exists() or not any(media.rglob("*.pdf"))
    none = api_as(village_officer).post_multipart(url(applied), {"note": "x"})
    assert none.status_code == 400


def test_evidence_outside_scope_is_404_and_read_only_roles_403(cast, api_as, applied, media):
    other = api_as(cast.ganjingzi).post_multipart(url(applied), {"files": [upload("a.pdf", PDF)]})
    assert other.status_code == 404
    missing = api_as(cast.office).post_multipart(
        "creation/applications/999999/evidence", {"files": [upload("a.pdf", PDF)]}
    )
    assert missing.status_code == 404
    leader = api_as(cast.leader).post_multipart(url(applied), {"files": [upload("a.pdf", PDF)]})
    assert leader.status_code == 403
    assert not ApplicationDocument.objects.exists()


def test_no_evidence_once_the_application_is_closed(cast, api_as, applied, village_officer, media):
    services.application_transition(
        actor=village_officer, application=applied, action="withdraw", note="撤回"
    )
    late = api_as(village_officer).post_multipart(url(applied), {"files": [upload("a.pdf", PDF)]})
    assert late.status_code == 409 and late.json()["error"] == "application_state"
    assert not ApplicationDocument.objects.exists()


def test_out_of_range_ids_are_404_not_500(cast, api_as, village_type, villages):
    """Ids past a 64-bit integer reach the database as a lookup (PostgreSQL's bigint)."""
    office = api_as(cast.office)
    huge = 2**63
    body = {"type": "VILLAGE", "entry": huge, "year": 2026, "level": "county",
            "self_assessment": [{"criterion": "1.1.1", "points": 1}]}  # fmt: skip
    assert office.post("creation/applications", body).status_code == 404
    moved = office.post(f"creation/applications/{huge}/transitions", {"action": "approve"})
    assert moved.status_code == 404
    filed = office.post_multipart(
        f"creation/applications/{huge}/evidence", {"files": [upload("a.pdf", PDF)]}
    )
    assert filed.status_code == 404
    listed = office.get("creation/entries", after=str(10**17 * 9))
    assert listed.status_code == 200 and listed.json()["items"] == []
