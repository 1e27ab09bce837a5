"""The scoring API and pages on the metrics scene: scoped, explained, refusals as 4xx."""

from datetime import date

import pytest

from wenming.scoring import services


@pytest.fixture
def published(cast, scene, small_sample):
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    return services.snapshot_publish(snapshot=snap, actor=cast.office)


def test_scores_with_components_scoped(cast, api_as, published):
    month = f"{published.month:%Y-%m}"
    office = api_as(cast.office).get("scores", month=month, level="district").json()
    assert [i["subject"] for i in office["items"]] == ["region-210211", "region-210202"]
    zs = office["items"][1]
    assert zs["composite"] == 55.0 and zs["grade"] == "D" and zs["rank"] == 2
    assert {c["key"] for c in zs["components"]} >= {"on_time_closing_rate", "field_score"}
    mine = api_as(cast.zhongshan).get("scores", month=month, level="district").json()
    assert [i["subject"] for i in mine["items"]] == ["region-210202"]
    unit = api_as(cast.urban).get("scores", month=month).json()
    assert [i["subject"] for i in unit["items"]] == ["unit-URBAN"]


def test_breakdown_adds_up_and_is_404_outside_scope(cast, api_as, published):
    month = f"{published.month:%Y-%m}"
    answer = api_as(cast.zhongshan).get("scores/region-210202/breakdown", month=month)
    assert answer.status_code == 200
    data = answer.json()
    assert data["check"]["sum_of_contributions"] == data["composite"] == 55.0
    assert len(data["evidence"]["problems"]) == 4  # A B C D_ of the scene
    other = api_as(cast.zhongshan).get("scores/region-210211/breakdown", month=month)
    assert other.status_code == 404
    assert api_as(cast.urban).get("scores/unit-EDU/breakdown", month=month).status_code == 404


def test_month_without_data_and_future_month(cast, api_as, published):
    empty = api_as(cast.office).get("scores", month="2020-01").json()
    assert empty["items"] == [] and empty["snapshot"] is None and empty["message"]
    future = date.today().replace(day=1).replace(year=date.today().year + 1)
    answer = api_as(cast.office).get("scores", month=f"{future:%Y-%m}")
    assert answer.status_code == 400 and answer.json()["error"] == "future_month"


def test_pages(cast, page_as, published):
    month = f"{published.month:%Y-%m}"
    office = page_as(cast.office)
    page = office.get("/scores/", {"month": month}).content.decode()
    assert 'data-testid="score-row"' in page and "55.00" in page
    subject = office.get("/scores/s/region-210202/", {"month": month}).content.decode()
    assert 'data-testid="sum">55.00' in subject
    rankings = office.get("/scores/rankings/", {"month": month}).content.decode()
    assert 'data-testid="black-list"' in rankings and "ladder-step" in rankings
    assert office.get("/scores/", {"month": "2020-01"}).content.decode().count("no-data") == 1
    assert office.get("/scores/", {"month": "2999-01"}).status_code == 400
    zs = page_as(cast.zhongshan)
    assert zs.get("/scores/s/region-210211/", {"month": month}).status_code == 404
    assert zs.get("/scores/s/region-210202/", {"month": month}).status_code == 200


def test_weights_refused_with_the_sum(cast, page_as, api_as, db):
    page = page_as(cast.office).post(
        "/scores/settings/", {"form": "weights", "on_time_closing_rate": "50", "rework_rate": "45"}
    )
    assert page.status_code == 400 and "95%" in page.content.decode()
    assert page_as(cast.zhongshan).get("/scores/settings/").status_code == 404


def test_public_rankings_off_without_the_portal_switch(client, db):
    # The public app's switch is off (or missing): the page is not there.
    assert client.get("/scores/public/").status_code == 404


def test_public_rankings_shown_when_the_portal_switch_is_on(cast, client, published):
    from wenming.public.services.office import portal_settings_update

    portal_settings_update(
        actor=cast.office,
        public_map=False,
        public_rankings=True,
        reports_per_hour=10,
        retention_days=365,
    )
    page = client.get("/scores/public/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="public-tier-district"' in text and "甘井子区" in text


def test_month_page_in_pages(cast, page_as, published, monkeypatch):
    """A tier's table shows a page of rows with the page links (the ledger's size; one here)."""
    from wenming.scoring.views import months

    monkeypatch.setattr(months, "PAGE_SIZE", 1)
    month = f"{published.month:%Y-%m}"
    office = page_as(cast.office)
    first = office.get("/scores/", {"month": month, "tier": "district"}).content.decode()
    assert first.count('data-testid="score-row"') == 1 and "region-210211" in first
    assert f"?page=2&amp;month={month}&amp;tier=district" in first
    second = office.get("/scores/", {"month": month, "tier": "district", "page": 2}).content
    assert b"55.00" in second and second.count(b'data-testid="score-row"') == 1
