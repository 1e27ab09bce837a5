"""The demo rounds: three past rounds answered, their failures linked to the demo ledger, one
open round for the demo logins, reproducible draws, idempotent load and a clean reset.

One test loads the whole demo city once (the ledger at a reduced size) and checks it all."""

from collections import Counter

import pytest

from wenming.inspections import demo, selectors, services
from wenming.inspections.models import (
    Round,
    RoundKind,
    RoundStatus,
    Visit,
    VisitAnswer,
    VisitPhoto,
    VisitStatus,
)
from wenming.org.models import Person
from wenming.points.selectors import points_visible


@pytest.fixture
def demo_city(db, settings, tmp_path):
    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.problems import demo as problems_demo
    from wenming.standards import demo as standards_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    points_demo.load(scale="small")
    problems_demo.load(count=6000, photos=0)
    demo.load(scale="small")
    return settings.MEDIA_ROOT


def test_the_demo_rounds_tell_a_whole_story(demo_city):
    office = Person.objects.get(username="office")
    rounds = {r.kind: r for r in Round.objects.filter(status=RoundStatus.CLOSED)}
    assert set(rounds) == {RoundKind.SELF_CHECK, RoundKind.SUPERVISION, RoundKind.MOCK}
    assert all(r.is_demo for r in Round.objects.all())
    past = Visit.objects.filter(round__status=RoundStatus.CLOSED)
    assert 1800 <= past.count() <= 2300
    assert not past.exclude(status__in=selectors.SCORED).exists()

    # Each round's draw is the one its stored seed makes (`wenming inspections redraw --check`).
    for round_ in Round.objects.all():
        drawn = set(round_.visits.values_list("point__code", flat=True))
        assert drawn == {p.code for p in services.round_sample(round_)}, round_.code
    mock = rounds[RoundKind.MOCK]
    assert mock.plans.filter(mode="random", by_district=True).count() == mock.plans.count()
    assert mock.pass_threshold is not None

    # Realistic answers: score rates 70-90 %, scores in the same band, an estimate with an
    # interval and sample sizes for the mock assessment.
    for round_ in rounds.values():
        summary = selectors.round_summary(actor=office, round_=round_)
        assert 70 <= summary.score_rate <= 92, (round_.code, summary.score_rate)
        assert 70 <= summary.field_score <= 95, (round_.code, summary.field_score)
    summary = selectors.round_summary(actor=office, round_=mock)
    est = summary.estimate
    assert est.low < est.score < est.high and summary.pass_probability is not None
    assert {s["district"] for s in summary.strata} >= {"210202", "210211"}

    # Every failure is a problem of the demo ledger at the same point for the same item.
    failures = VisitAnswer.objects.filter(answer="fail").select_related("visit", "problem", "item")
    assert failures.count() > 500
    for answer in failures:
        assert answer.problem is not None and answer.problem.is_demo
        assert answer.problem.point_id == answer.visit.point_id
        assert answer.problem.checklist_item_id == answer.item_id
    # A few far starts and flagged photos, for the reviewer and the performance page.
    far = past.filter(start_distance_m__gt=200)
    assert 0 < far.count() < past.count() * 0.08
    assert not far.exclude(status=VisitStatus.HAS_ISSUES).exists()
    flagged = VisitPhoto.objects.exclude(flags=[]).count()
    assert 0 < flagged < VisitPhoto.objects.count() * 0.1

    # The open round: the demo logins' visits, and their points (inspectors see only those).
    (now,) = Round.objects.filter(status=RoundStatus.OPEN)
    for username in ("inspector", "evaluator"):
        person = Person.objects.get(username=username)
        mine = now.visits.filter(team=person)
        assert mine.count() >= 10, username
        assert selectors.my_open_visits(actor=person) > 0
        assert points_visible(actor=person).filter(visits__round=now).exists()
    statuses = Counter(now.visits.values_list("status", flat=True))
    assert statuses[VisitStatus.SUBMITTED] == 3 and statuses[VisitStatus.STARTED] == 1
    # The submitted ones went through the ledger's own service: new inspection problems.
    made = VisitAnswer.objects.filter(visit__round=now, answer="fail")
    assert made.count() == 3
    assert all(a.problem.source == "inspection" and a.problem.is_demo for a in made)

    # Loading again changes nothing; reset removes the rounds and leaves the ledger.
    before = Visit.objects.count()
    demo.load(scale="small")
    assert Visit.objects.count() == before
    demo.reset()
    assert not Round.objects.exists() and not VisitPhoto.objects.exists()
    assert not Person.objects.filter(username__startswith="demo-insp").exists()
    assert (demo_city / "visits" / "demo").exists() is False or not any(
        (demo_city / "visits" / "demo").iterdir()
    )
