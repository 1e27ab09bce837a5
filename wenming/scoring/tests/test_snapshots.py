"""Monthly snapshots on the metrics scene (problems/tests/test_metrics.py), by hand:

| subject   | due | closed on time | handled on time | rework | overdue | extended | composite |
|-----------|-----|----------------|-----------------|--------|---------|----------|-----------|
| Zhongshan | 4   | 1 (25)         | 2 (50)          | 1 (75) | 1 (75)  | 1 (75)   | 55.00 D   |
| Ganjingzi | 1   | 1 (100)        | 1 (100)         | 0      | 0       | 0        | 100.00 A  |
| the city  | 5   | 2 (40)         | 3 (60)          | 1 (80) | 1 (80)  | 1 (80)   | 64.00 C   |

under the default weights 30/20/20/20/10: Zhongshan 7.5 + 10 + 15 + 15 + 7.5.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.problems.models import Problem
from wenming.scoring import services
from wenming.scoring.models import (
    Component,
    EscalationStep,
    Score,
    ScoreStatus,
    Snapshot,
    SnapshotStatus,
    Tier,
)


def _score(snapshot, region=None, unit=None):
    return Score.objects.get(snapshot=snapshot, region=region, unit=unit)


def test_snapshot_by_hand(cast, scene, small_sample):
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    zs = _score(snap, region=cast.zhongshan_district)
    assert (zs.problems_due, zs.composite, zs.grade) == (4, D("55.00"), "D")
    parts = {c.key: c for c in zs.components.all()}
    assert parts[Component.ON_TIME_CLOSING].value == D("25.00")
    assert parts[Component.ON_TIME_CLOSING].numerator == 1
    assert parts[Component.ON_TIME_CLOSING].denominator == 4
    assert parts[Component.ON_TIME_CLOSING].contribution == D("7.50")
    assert parts[Component.FIELD].has_data is False
    gjz = _score(snap, region=cast.ganjingzi_district)
    assert (gjz.composite, gjz.grade, gjz.rank) == (D("100.00"), "A", 1)
    assert (zs.rank, zs.peers, zs.tier) == (2, 2, Tier.DISTRICT)
    city = _score(snap, region=cast.city)
    assert (city.composite, city.grade, city.tier) == (D("64.00"), "C", Tier.CITY)
    assert snap.problems_due == 5


def test_contributions_add_up_to_the_composite_for_every_subject(cast, scene, small_sample):
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    for score in Score.objects.filter(snapshot=snap, composite__isnull=False):
        assert sum(c.contribution for c in score.components.all()) == score.composite


def test_minimum_sample_marks_insufficient_and_unranked(cast, scene):
    # Defaults: 10 problems due or 5 visits; nobody in the scene has them.
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    zs = _score(snap, region=cast.zhongshan_district)
    assert zs.status == ScoreStatus.INSUFFICIENT and zs.rank is None and zs.grade == ""
    assert zs.composite == D("55.00")  # still explained, just not ranked


def test_idempotent_and_published_is_frozen(cast, scene, small_sample):
    first = services.snapshot_compute(month=scene.label, actor=cast.office)
    again = services.snapshot_compute(month=scene.label, actor=cast.office)
    assert first.pk == again.pk and Snapshot.objects.count() == 1
    assert Score.objects.filter(snapshot=first).count() == again.subjects
    services.snapshot_publish(snapshot=again, actor=cast.office)
    # A later edit to the ledger does not move the published month.
    Problem.objects.filter(district=cast.zhongshan_district).update(rework_count=0)
    frozen = services.snapshot_compute(month=scene.label, actor=cast.office)
    assert frozen.pk == first.pk and frozen.status == SnapshotStatus.PUBLISHED
    assert _score(frozen, region=cast.zhongshan_district).composite == D("55.00")


def test_recompute_keeps_the_old_version_and_is_audited(cast, scene, small_sample):
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=snap, actor=cast.office)
    Problem.objects.filter(district=cast.zhongshan_district).update(rework_count=0)
    with pytest.raises(InvalidInput):
        services.snapshot_recompute(snapshot=snap, actor=cast.office, reason=" ")
    new = services.snapshot_recompute(snapshot=snap, actor=cast.office, reason="台账更正")
    snap.refresh_from_db()
    assert snap.status == SnapshotStatus.SUPERSEDED and new.version == 2
    assert new.status == SnapshotStatus.PUBLISHED and new.reason == "台账更正"
    # Rework 0 of 4 → 100 × 20 % = 20 instead of 15: 60.00.
    assert _score(new, region=cast.zhongshan_district).composite == D("60.00")
    assert _score(snap, region=cast.zhongshan_district).composite == D("55.00")
    assert AuditEntry.objects.filter(action="scoring.snapshot_recomputed").count() == 1
    with pytest.raises(Conflict):
        services.snapshot_recompute(snapshot=snap, actor=cast.office, reason="again")


def test_future_month_is_refused(cast):
    with pytest.raises(InvalidInput) as refused:
        services.snapshot_compute(month="2999-01", actor=cast.office)
    assert refused.value.code in ("future_month", "bad_period")
    today = date.today()
    nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    with pytest.raises(InvalidInput) as refused:
        services.snapshot_compute(month=f"{nxt:%Y-%m}", actor=cast.office)
    assert refused.value.code == "future_month"


def test_only_the_office_computes(cast, scene):
    with pytest.raises(NotAllowed):
        services.snapshot_compute(month=scene.label, actor=cast.zhongshan)


def test_change_since_last_month(cast, scene, small_sample):
    from wenming.scoring.services.snapshots import previous_month

    this = services.snapshot_compute(month=scene.label, actor=cast.office)
    # Last month's snapshot: nothing was due then (composites None) → no change figure.
    prior = previous_month(this.month)
    before = services.snapshot_compute(month=f"{prior:%Y-%m}", actor=cast.office)
    assert _score(before, region=cast.zhongshan_district).composite is None
    # Give last month a composite by hand, then compute this month again.
    Score.objects.filter(snapshot=before, region=cast.zhongshan_district).update(
        composite=D("50.00"), rank=1
    )
    this = services.snapshot_compute(month=scene.label, actor=cast.office)
    zs = _score(this, region=cast.zhongshan_district)
    assert zs.previous_composite == D("50.00") and zs.change == D("5.00")
    assert zs.previous_rank == 1


def test_ladder_talk_then_organisation(cast, scene, small_sample):
    from wenming.scoring.services.snapshots import previous_month

    # Two published months in a row with Zhongshan at the bottom of the districts.
    this = date.fromisoformat(f"{scene.label}-01")
    prior = previous_month(this)
    Problem.objects.filter(deadline__isnull=False).update(deadline=prior.replace(day=10))
    first = services.snapshot_compute(month=f"{prior:%Y-%m}", actor=cast.office)
    services.snapshot_publish(snapshot=first, actor=cast.office)
    Problem.objects.filter(deadline=prior.replace(day=10)).update(deadline=this.replace(day=10))
    second = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=second, actor=cast.office)
    steps = EscalationStep.objects.filter(subject="region-210202").order_by("month")
    assert [(s.streak, s.step) for s in steps] == [(1, "talk"), (2, "organisation")]
    assert AuditEntry.objects.filter(action="scoring.ladder_step").count() >= 2


def test_guarantor_units_ranked_on_their_places(cast, scene, small_sample):
    from wenming.plans.oversight.guarantors import guarantor_assign

    # The Education Bureau guarantees Zhongshan's street, the Police Ganjingzi's community:
    # their guarantor scores are those places' (55.00 and 100.00, as the districts').
    since = date(2020, 1, 1)
    guarantor_assign(
        actor=cast.office, unit=cast.education_unit, region=cast.zhongshan_street, since=since
    )
    guarantor_assign(
        actor=cast.office, unit=cast.police_unit, region=cast.ganjingzi_community, since=since
    )
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    rows = {
        s.subject: (s.composite, s.rank)
        for s in Score.objects.filter(snapshot=snap, tier=Tier.GUARANTOR)
    }
    assert rows == {"guarantor-EDU": (D("55.00"), 2), "guarantor-PSB": (D("100.00"), 1)}


def test_weights_per_campaign(cast, scene, small_sample):
    from wenming.plans.models import Campaign
    from wenming.standards.tests.factories import small_system

    system = small_system()
    campaign = Campaign.objects.create(
        name="中山区创建",
        region=cast.zhongshan_district,
        system=system,
        cycle_start_year=2024,
        cycle_end_year=2026,
    )
    with pytest.raises(InvalidInput) as refused:
        services.weights_set(actor=cast.office, weights={"rework_rate": 90}, campaign=campaign)
    assert "90%" in str(refused.value.message)
    # Zhongshan's campaign weighs only the on-time closing rate (25): its score is 25.00;
    # Ganjingzi keeps the default weights (100.00).
    services.weights_set(
        actor=cast.office, weights={"on_time_closing_rate": 100}, campaign=campaign
    )
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    assert _score(snap, region=cast.zhongshan_district).composite == D("25.00")
    assert _score(snap, region=cast.zhongshan_community).composite is not None
    assert _score(snap, region=cast.ganjingzi_district).composite == D("100.00")


def test_a_tier_lists_the_ranked_first_and_the_insufficient_last(cast, scene, small_sample):
    """SQLite sorts NULL first: an unranked district headed the table above rank 1."""
    from wenming.scoring import selectors

    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=snap, actor=cast.office)
    tier = _score(snap, region=cast.zhongshan_district).tier
    rows = list(Score.objects.filter(snapshot=snap, tier=tier))
    assert len(rows) >= 2
    unranked = rows[0]
    Score.objects.filter(pk=unranked.pk).update(rank=None, status=ScoreStatus.INSUFFICIENT)
    listed = list(selectors.ranking(actor=cast.leader, snapshot=snap, tier=tier))
    assert [s.pk for s in listed][-1] == unranked.pk
    assert [s.rank for s in listed[:-1]] == sorted(s.rank for s in listed[:-1])


def test_a_community_is_named_with_its_district_and_street(cast, scene, small_sample, page_as):
    """Same-named communities (和平社区 twice) could not be told apart in the tier's table."""
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=snap, actor=cast.office)
    page = page_as(cast.office).get("/scores/", {"month": scene.label, "tier": "community"})
    html = page.content.decode()
    street, community = cast.zhongshan_street.display_name, cast.zhongshan_community.display_name
    assert f"{street} › {community}" in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["计算月度快照", "发布月度快照"]),
        ("en", ["Monthly snapshot computed", "Monthly snapshot published"]),
    ],
)
def test_the_months_log_says_what_happened_in_words(
    cast, scene, small_sample, page_as, language, words
):
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    services.snapshot_publish(snapshot=snap, actor=cast.office)
    client = page_as(cast.office)
    client.cookies["wenming_language"] = language
    html = client.get("/scores/", {"month": scene.label}).content.decode()
    log = html.split('<h3 class="h6 mt-3">', 1)[1].split("</ul>", 1)[0]
    assert all(word in log for word in words)
    assert "snapshot_computed" not in log and "snapshot_published" not in log
