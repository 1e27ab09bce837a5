"""Every link the scores pages show a reader opens for that reader.

The red and black lists name every ranked subject (a published ranking is shown to everyone in
the campaign), but a subject's breakdown is scoped: a district officer's links to the other
districts answered 404, and "What to fix first" answered 404 to inspectors and evaluators, who
have no region or unit of their own."""

import re

import pytest

from wenming.scoring import services


@pytest.fixture
def published(cast, scene, small_sample):
    snapshot = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=snapshot, actor=cast.office)
    return scene.label


@pytest.mark.parametrize(
    "who",
    ["office", "leader", "zhongshan", "ganjingzi", "urban", "education", "inspector", "evaluator"],
)
def test_every_scores_link_opens_for_its_reader(cast, page_as, published, who):
    client = page_as(getattr(cast, who))
    pages = ["/scores/", f"/scores/?month={published}", f"/scores/rankings/?month={published}"]
    links = set()
    for url in pages:
        html = client.get(url).content.decode()
        links |= set(re.findall(r'href="(/scores/[^"#]*)"', html))
    assert links
    broken = [
        link for link in sorted(links) if client.get(link.replace("&amp;", "&")).status_code == 404
    ]
    assert not broken, broken


def test_a_district_officer_sees_other_districts_ranked_but_not_linked(cast, page_as, published):
    html = page_as(cast.zhongshan).get(f"/scores/rankings/?month={published}").content.decode()
    assert "甘井子区" in html  # ranked, shown to everyone in the campaign
    assert f'href="/scores/s/region-{cast.ganjingzi_district.code}/' not in html


@pytest.mark.parametrize("params", [{"level": "zz"}, {"level": "zz", "week": "2026-W40"}])
def test_an_unknown_level_is_a_400_not_an_empty_list(cast, api_as, published, params):
    response = api_as(cast.office).get("scores", **params)
    assert response.status_code == 400 and response.json()["error"] == "bad_level"
    assert api_as(cast.office).get("scores", level="district").status_code == 200
