"""The scoring demo on the demo city (the ledger at a reduced size): twelve published months,
rankings that move, a district with insufficient data, every score adding up, the predicted
score with its priorities. One test loads it once and checks it all."""

from decimal import Decimal

import pytest
from django.db.models import F

from wenming.org.models import Person
from wenming.scoring import demo, prediction
from wenming.scoring.models import Score, ScoreStatus, Snapshot, SnapshotStatus, Tier
from wenming.scoring.priorities import priorities


@pytest.fixture
def demo_city(db, settings, tmp_path):
    from wenming.inspections import demo as inspections_demo
    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.problems import demo as problems_demo
    from wenming.standards import demo as standards_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    points_demo.load(scale="small")
    problems_demo.load(count=10000, photos=0)
    inspections_demo.load(scale="small")
    demo.load(scale="small")


def test_the_demo_scores(demo_city):
    snapshots = Snapshot.objects.filter(is_demo=True)
    assert snapshots.count() == 12
    assert set(snapshots.values_list("status", flat=True)) == {SnapshotStatus.PUBLISHED}
    # Every score of every month adds up exactly.
    for score in Score.objects.filter(composite__isnull=False).prefetch_related("components"):
        assert sum((c.contribution for c in score.components.all()), Decimal(0)) == score.composite
    latest = snapshots.order_by("-month").first()
    districts = Score.objects.filter(snapshot=latest, tier=Tier.DISTRICT)
    assert districts.filter(status=ScoreStatus.INSUFFICIENT).exists()
    assert districts.filter(status=ScoreStatus.RANKED).count() >= 3
    # The rankings move: some district's rank differs from the month before.
    moved = Score.objects.filter(
        tier=Tier.DISTRICT, rank__isnull=False, previous_rank__isnull=False
    ).exclude(rank=F("previous_rank"))
    assert moved.exists()
    assert latest.steps.exists()  # the bottom of each tier is on the ladder
    # Idempotent: loading again changes nothing.
    demo.load(scale="small")
    assert Snapshot.objects.count() == 12
    office = Person.objects.get(username="office")
    p = prediction.predict()
    assert p.annual is not None and p.low <= p.annual <= p.high
    assert p.cycle["score"] is not None and p.events
    result = priorities(actor=office)
    assert result["problems"] and result["standards"]
    _the_demo_briefing(office, latest)
    demo.reset()
    assert not Snapshot.objects.exists()


def _the_demo_briefing(office, latest):
    """The dashboards' demo (run last) leaves one finished Word briefing of the month just
    ended, which opens and carries the Chinese title, the month's ranking and its ladder."""
    import io

    from docx import Document

    from wenming.core.models import Job
    from wenming.dashboards import briefing
    from wenming.dashboards import demo as dashboards_demo

    dashboards_demo.load(scale="small")
    job = Job.objects.get(kind=briefing.DOCX, owner=office)
    month = f"{latest.month:%Y-%m}"
    assert job.status == "done" and job.params["month"] == month
    doc = Document(io.BytesIO(job.result.read()))
    title = doc.paragraphs[0].text
    assert title.startswith("文明城市创建工作月度通报") and month in title
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    ladder = [t for t, h in zip(doc.tables, headers, strict=True) if "连续垫底月数" in h]
    assert len(ladder) == 1 and len(ladder[0].rows) == 1 + latest.steps.count()
    assert doc.inline_shapes  # the charts, as images
    # Loading the dashboards' demo again makes no second briefing.
    dashboards_demo.load(scale="small")
    assert Job.objects.filter(kind=briefing.DOCX).count() == 1
