"""Home-page panels of the inspections app, one for each kind of reader, scoped."""

from django.test import RequestFactory

from wenming.inspections import panels, selectors
from wenming.inspections.models import Visit

from . import test_reports

answered = test_reports.answered  # the shared fixture
media = test_reports.media  # the shared fixture


def _panel(func, person):
    request = RequestFactory().get("/")
    request.user = person
    request.LANGUAGE_CODE = "en"
    return func(request)


def _everyone(cast):
    return [
        cast.office,
        cast.leader,
        cast.zhongshan,
        cast.ganjingzi,
        cast.urban,
        cast.education,
        cast.inspector,
        cast.evaluator,
    ]


def test_inspectors_see_their_open_visits_with_a_link_to_them(cast, drawn):
    panel = _panel(panels.panel_my_visits, cast.inspector)
    assert panel["items"][0]["count"] == 3 == selectors.my_open_visits(actor=cast.inspector)
    assert panel["items"][0]["url"] == "/inspections/visits/"
    assert _panel(panels.panel_my_visits, cast.evaluator)["items"] == []  # nothing of theirs
    for person in _everyone(cast)[:6]:
        assert _panel(panels.panel_my_visits, person) is None


def test_the_office_sees_open_rounds_awaiting_review_and_the_latest_field_score(cast, answered):
    panel = _panel(panels.panel_rounds, cast.leader)
    (item,) = panel["items"]
    assert item["count"] == 3 and item["url"] == f"/inspections/rounds/{answered.pk}/"
    summary = selectors.round_summary(actor=cast.leader, round_=answered)
    assert f"{summary.field_score}" in panel["text"]
    # A reviewed visit no longer waits.
    from wenming.inspections import services

    visit = Visit.objects.filter(round=answered).first()
    services.visit_review(actor=cast.office, visit=visit, decision="approve")
    assert _panel(panels.panel_rounds, cast.office)["items"][0]["count"] == 2
    for person in _everyone(cast)[2:]:
        assert _panel(panels.panel_rounds, person) is None


def test_region_and_unit_officers_see_their_latest_results_only(cast, answered):
    zs = _panel(panels.panel_my_results, cast.zhongshan)["items"]
    assert sorted(i["count"] for i in zs) == sorted(
        v.score for v in Visit.objects.filter(round=answered, point__code__startswith="ZS-")
    )
    edu = _panel(panels.panel_my_results, cast.education)["items"]
    school = Visit.objects.get(round=answered, point__code="ZS-SCH-1")
    assert [(i["count"], i["url"]) for i in edu] == [
        (school.score, f"/inspections/visits/{school.pk}/")
    ]
    for person in (cast.office, cast.leader, cast.inspector):
        assert _panel(panels.panel_my_results, person) is None


def test_the_home_page_shows_each_persona_its_panel(cast, answered, page_as):
    for person, title in (
        (cast.office, "待审核"),
        (cast.zhongshan, "最新检查结果"),
    ):
        html = page_as(person).get("/").content.decode()
        assert title in html, person
