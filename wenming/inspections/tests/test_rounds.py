"""Rounds: the draw is reproducible from the stored seed, assignments are events, scope holds."""

from datetime import date

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.inspections import selectors, services
from wenming.inspections.models import InspectionEvent, RoundKind, RoundStatus, Visit
from wenming.standards.models import PointType
from wenming.standards.tests.factories import small_system


@pytest.fixture
def system(cast):
    return small_system()


def _round(cast, system, **kwargs):
    types = {t.code: t for t in PointType.objects.all()}
    return services.round_create(
        actor=cast.office,
        code=kwargs.pop("code", "R-1"),
        name="十二月督查",
        kind=RoundKind.SUPERVISION,
        system=system,
        regions=[cast.city],
        opens_on=date(2026, 12, 1),
        closes_on=date(2026, 12, 20),
        plans=kwargs.pop(
            "plans",
            [
                {"point_type": types["MARKET"], "mode": "random", "size": 1, "by_district": True},
                {"point_type": types["SCHOOL"], "mode": "all"},
            ],
        ),
        **kwargs,
    )


def test_a_drawn_round_can_be_drawn_again_from_its_seed(cast, system):
    round_ = _round(cast, system, seed=12345)
    expected = services.round_sample(round_)
    drawn = services.round_draw(
        actor=cast.office, round_=round_, teams=[[cast.inspector], [cast.evaluator]]
    )
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and drawn == len(expected) > 0
    codes = sorted(Visit.objects.filter(round=round_).values_list("point__code", flat=True))
    assert codes == sorted(p.code for p in expected)
    assert services.round_sample(round_) == expected  # the redraw check
    # Every visit has a team; the draw is in the round's log and the audit chain.
    assert not Visit.objects.filter(round=round_, team__isnull=True).exists()
    assert InspectionEvent.objects.filter(round=round_, action="round_draw").exists()
    assert AuditEntry.objects.filter(action="inspections.round_draw").exists()
    with pytest.raises(Conflict):
        services.round_draw(actor=cast.office, round_=round_)


def test_only_the_office_plans_and_bad_plans_are_refused(cast, system):
    with pytest.raises(NotAllowed):
        services.round_create(
            actor=cast.zhongshan,
            code="R-2",
            name="x",
            kind="supervision",
            system=system,
            regions=[cast.city],
            opens_on=date(2026, 12, 1),
            closes_on=date(2026, 12, 2),
        )
    market = PointType.objects.get(code="MARKET")
    with pytest.raises(InvalidInput):
        _round(cast, system, code="R-3", plans=[{"point_type": market, "mode": "random"}])
    with pytest.raises(InvalidInput):
        services.round_create(
            actor=cast.office,
            code="R-4",
            name="x",
            kind="supervision",
            system=system,
            regions=[cast.city],
            opens_on=date(2026, 12, 5),
            closes_on=date(2026, 12, 1),
        )


def test_scope_inspectors_see_their_own_visits_officers_their_subtree(cast, system):
    round_ = _round(cast, system, seed=7)
    services.round_draw(actor=cast.office, round_=round_, teams=[[cast.inspector]])
    total = Visit.objects.filter(round=round_).count()
    assert selectors.visits_visible(actor=cast.office).count() == total
    assert selectors.visits_visible(actor=cast.inspector).count() == total
    assert selectors.visits_visible(actor=cast.evaluator).count() == 0
    assert selectors.rounds_visible(actor=cast.evaluator).count() == 0
    assert selectors.rounds_visible(actor=cast.inspector).get() == round_
    zs = selectors.visits_visible(actor=cast.zhongshan)
    assert all(v.region.path.startswith(cast.zhongshan_district.path) for v in zs)
    gjz = selectors.visits_visible(actor=cast.ganjingzi)
    assert zs.count() + gjz.count() == total
    urban = selectors.visits_visible(actor=cast.urban)
    assert all(v.point.responsible_units.filter(code="URBAN").exists() for v in urban)


def test_reassigning_a_visit_is_an_event_naming_both_teams(cast, system):
    round_ = _round(cast, system, seed=3)
    services.round_draw(actor=cast.office, round_=round_, teams=[[cast.inspector]])
    visit = Visit.objects.filter(round=round_).first()
    services.visit_reassign(actor=cast.office, visit=visit, team=[cast.evaluator], reason="病假")
    event = InspectionEvent.objects.get(visit=visit, action="visit_reassign")
    assert event.data["from"] == ["inspector"] and event.data["to"] == ["evaluator"]
    assert list(visit.team.all()) == [cast.evaluator]
    with pytest.raises(InvalidInput):
        services.visit_reassign(actor=cast.office, visit=visit, team=[cast.zhongshan])


def test_the_redraw_command_prints_the_same_list_and_checks_it(cast, system):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from wenming.points.models import Point

    round_ = _round(cast, system, seed=99)
    services.round_draw(actor=cast.office, round_=round_, teams=[[cast.inspector]])
    out = StringIO()
    call_command("inspections", "redraw", "R-1", "--check", stdout=out)
    printed = out.getvalue()
    for code in Visit.objects.filter(round=round_).values_list("point__code", flat=True):
        assert code in printed
    assert "exactly this draw" in printed
    # A school retired since: the draw no longer matches the round, and --check says so.
    Point.objects.filter(point_type__code="SCHOOL").update(is_active=False)
    with pytest.raises(CommandError, match="visited but not drawn"):
        call_command("inspections", "redraw", "R-1", "--check", stdout=StringIO())
    with pytest.raises(CommandError, match="No round"):
        call_command("inspections", "redraw", "NOPE", stdout=StringIO())
