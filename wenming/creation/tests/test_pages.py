"""The creation pages: registry, entry, apply with evidence, the application's steps with htmx,
coverage with the office's target form, exports; each scoped."""

import io

import pytest

from wenming.creation.models import Application, ApplicationDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_registry_pages_are_scoped(cast, page_as, applied):
    zs = page_as(cast.zhongshan).get("/creation/?type=VILLAGE")
    assert zs.status_code == 200 and "东村" in zs.content.decode()
    gjz = page_as(cast.ganjingzi).get("/creation/?type=VILLAGE")
    assert "东村" not in gjz.content.decode()
    assert page_as(cast.ganjingzi).get(f"/creation/entries/{applied.entry_id}/").status_code == 404
    assert page_as(cast.ganjingzi).get(f"/creation/applications/{applied.pk}/").status_code == 404
    assert page_as(cast.zhongshan).get(f"/creation/entries/{applied.entry_id}/").status_code == 200
    assert page_as(cast.office).get("/creation/types/").status_code == 200


def test_apply_in_the_pages_with_evidence(
    cast, page_as, village_type, villages, village_officer, media
):
    from wenming.creation import services

    entry = services.entry_register(actor=village_officer, type=village_type, region=villages["a"])
    client = page_as(village_officer)
    form = client.get(f"/creation/apply/?entry={entry.pk}")
    assert form.status_code == 200 and "1.1.2" in form.content.decode()
    evidence = io.BytesIO(PDF)
    evidence.name = "台账.pdf"
    sent = client.post(
        "/creation/apply/",
        {
            "entry": entry.pk,
            "year": "2026",
            "level": "county",
            "points-1.1.1": "28",
            "points-1.1.2": "36",
            "points-1.1.3": "27",
            "statement": "申报",
            "documents": evidence,
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    application = Application.objects.get(entry=entry)
    assert application.self_score == 91
    doc = ApplicationDocument.objects.get(application=application)
    assert doc.filename == "台账.pdf" and doc.event.action == "apply"
    got = page_as(cast.zhongshan).get(f"/creation/documents/{doc.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert page_as(cast.ganjingzi).get(f"/creation/documents/{doc.pk}/").status_code == 404
    # A second time for the same year: refused beside the form, nothing written.
    again = client.post(
        "/creation/apply/",
        {"entry": entry.pk, "year": "2026", "level": "county", "points-1.1.1": "1"},
    )
    assert again.status_code == 409 and "2026" in again.content.decode()
    assert Application.objects.filter(entry=entry).count() == 1


def test_a_fake_pdf_is_refused_and_nothing_is_written(
    page_as, village_type, villages, village_officer, media
):
    from wenming.creation import services

    entry = services.entry_register(actor=village_officer, type=village_type, region=villages["a"])
    fake = io.BytesIO(b"not a pdf")
    fake.name = "evidence.pdf"
    sent = page_as(village_officer).post(
        "/creation/apply/",
        {
            "entry": entry.pk,
            "year": "2026",
            "level": "county",
            "points-1.1.1": "28",
            "documents": fake,
        },
    )
    assert sent.status_code == 400
    assert not Application.objects.exists()


def test_steps_with_htmx_answer_the_block(cast, page_as, applied, town_officer):
    url = f"/creation/applications/{applied.pk}/step/"
    htmx = {"HX-Request": "true"}
    page = page_as(cast.zhongshan).get(f"/creation/applications/{applied.pk}/")
    assert 'data-testid="step-region_pass"' in page.content.decode()
    # The town sees the application but gets no step button and is refused (403) if it tries.
    town_page = page_as(town_officer).get(f"/creation/applications/{applied.pk}/")
    assert 'data-testid="step-region_pass"' not in town_page.content.decode()
    refused = page_as(town_officer).post(
        url, {"action": "region_pass", "score": "80"}, headers=htmx
    )
    assert refused.status_code == 403 and 'data-testid="action-error"' in refused.content.decode()
    missing = page_as(cast.zhongshan).post(
        url, {"action": "region_pass", "note": "好"}, headers=htmx
    )
    assert missing.status_code == 400 and "好" in missing.content.decode()
    done = page_as(cast.zhongshan).post(
        url, {"action": "region_pass", "score": "88", "note": "同意"}, headers=htmx
    )
    assert done.status_code == 200 and 'data-testid="action-result"' in done.content.decode()
    applied.refresh_from_db()
    assert applied.status == "region_passed" and applied.region_score == 88


def test_coverage_page_and_target_form(cast, page_as, village_type, villages):
    page = page_as(cast.office).get("/creation/coverage/?type=VILLAGE")
    assert page.status_code == 200 and 'data-testid="target-form"' in page.content.decode()
    saved = page_as(cast.office).post(
        "/creation/coverage/target/",
        {
            "type": "VILLAGE",
            "region": "210202",
            "share": "50",
            "due_on": "2027-12-31",
            "min_level": "county",
        },
    )
    assert saved.status_code == 302
    page = page_as(cast.office).get("/creation/coverage/?type=VILLAGE").content.decode()
    assert "table-warning" in page  # Zhongshan is short: no village honoured yet
    zs = page_as(cast.zhongshan).get("/creation/coverage/?type=VILLAGE").content.decode()
    assert "甘井子" not in zs and 'data-testid="target-form"' not in zs


def test_home_panel_counts_waiting_reviews(cast, page_as, applied):
    home = page_as(cast.zhongshan).get("/").content.decode()
    assert "/creation/applications/" in home
    listing = page_as(cast.zhongshan).get("/creation/applications/").content.decode()
    assert 'data-testid="waiting-item"' in listing
    other = page_as(cast.ganjingzi).get("/creation/applications/").content.decode()
    assert 'data-testid="waiting-item"' not in other


def test_the_office_configures_a_type_in_the_pages(cast, page_as, village_type):
    from wenming.creation.models import CreationType

    form = {
        "code": "WINDOW",
        "name": "文明窗口",
        "entity_kind": "window",
        "system": "CR-VILLAGE",
        "levels": ["county", "municipal"],
        "pass_score": "80",
        "validity_years": "2",
        "notice_days": "5",
        "order": "3",
        "is_active": "on",
    }
    assert page_as(cast.zhongshan).post("/creation/types/save/", form).status_code == 302
    assert not CreationType.objects.filter(code="WINDOW").exists()
    assert page_as(cast.office).post("/creation/types/save/", form).status_code == 302
    saved = CreationType.objects.get(code="WINDOW")
    assert saved.level_list == ["county", "municipal"] and saved.notice_days == 5
    page = page_as(cast.office).get("/creation/types/").content.decode()
    assert "文明窗口" in page and 'data-testid="type-form"' in page


def test_the_type_form_offers_the_region_kinds_by_name(cast, page_as, village_type):
    """The clerk ticks 村 and 镇 instead of typing "village, town"; the codes are stored."""
    from wenming.creation.models import CreationType

    page = page_as(cast.office).get("/creation/types/").content.decode()
    assert "village、town" not in page and "区域类别" in page
    assert 'name="region_kinds" value="village"' in page
    assert '<label class="form-check-label small" for="ty-rk-village">村</label>' in page
    # One pattern with full-width punctuation, not a label and an ASCII colon.
    assert "测评细则：" in page and "测评细则: " not in page
    form = {
        "code": "TOWNS",
        "name": "文明村镇",
        "entity_kind": "region",
        "system": "CR-VILLAGE",
        "levels": ["county"],
        "region_kinds": ["village", "town"],
        "validity_years": "3",
        "notice_days": "7",
    }
    assert page_as(cast.office).post("/creation/types/save/", form).status_code == 302
    assert CreationType.objects.get(code="TOWNS").region_kinds == "village,town"
