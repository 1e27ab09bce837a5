"""The portal's share of the demo city: citizen reports among the demo problems, some rated.

Runs after problems and inspections. The ledger's demo already holds a year of problems whose
source is "citizen"; most of them get their public side here, in bulk (a tracking code, the
channel, a rating on about 60 % of the closed ones, one in six of those "not satisfied", a few
awaiting the office's review). A handful of fresh reports go through the real service
(`citizen_report_create`), so the office's triage queue has new reports with photos-free
descriptions; default response templates in both languages give the public replies.
Everything generated is `is_demo`; `reset()` removes the reports (the problems' own reset
removes the fresh problems, which are marked `is_demo` too).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction

from wenming.org.models import Region, RegionLevel
from wenming.problems.models import Problem, Source, Status

from . import selectors
from .models import Channel, CitizenReport, Rating, ResponseTemplate, Review
from .services.reports import citizen_report_create, new_tracking_code

SEED = 20261202
SHARE = {"small": 1.0, "city": 0.6, "city-year": 0.3}
FRESH = 8
TEMPLATES = [
    (
        Status.NEW,
        "我们已收到您的反映，正在分拣核实。",
        "We received your report and are checking it.",
    ),
    (
        Status.REGISTERED,
        "您的反映已受理，将尽快转交责任单位办理。",
        "Your report was accepted and will be passed to the unit responsible.",
    ),
    (
        Status.DISPATCHED,
        "已转交责任单位办理，请耐心等待。",
        "It was passed to the unit responsible; thank you for your patience.",
    ),
    (Status.IN_PROGRESS, "责任单位正在整改。", "The unit responsible is fixing it."),
    (
        Status.RECTIFIED,
        "责任单位已反馈整改完成，文明办正在核查。",
        "The unit reports it fixed; the Civilization Office is checking.",
    ),
    (
        Status.CLOSED,
        "经核查已整改到位，感谢您的监督！欢迎对办理结果进行评价。",
        "Checked and fixed. Thank you! Please rate the result.",
    ),
]
DESCRIPTIONS = [
    "小区门口垃圾堆放多日无人清运，气味很大。",
    "人行道上有共享单车乱停，挡住了盲道。",
    "公交站牌的广告被乱贴小广告，影响市容。",
    "路口的井盖松动，车辆经过响声很大。",
    "早市摊贩占道经营，行人只能走机动车道。",
    "公园里的健身器材损坏，存在安全隐患。",
    "楼道里堆满杂物，影响消防通道。",
    "路灯已经坏了一周，晚上很黑。",
]
REASONS = ["问题仍然存在，只是暂时清理了一下。", "整改不彻底，第二天又恢复原样。"]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def load(*, scale: str = "small", stdout=None, seed: int = SEED) -> None:
    """Attach public sides to the demo's citizen problems, rate some, add fresh reports."""
    if CitizenReport.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo citizen reports already exist.")
        return
    rng = random.Random(seed)
    with transaction.atomic():
        for status, text, text_en in TEMPLATES:
            ResponseTemplate.objects.get_or_create(
                category=None, status=status, defaults={"text": text, "text_en": text_en}
            )
    rows = list(
        Problem.objects.filter(is_demo=True, source=Source.CITIZEN, citizen_report__isnull=True)
        .order_by("id")
        .values_list("id", "status", "created_at", "closed_at")
    )
    share = SHARE.get(scale, 1.0)
    reports, pending = [], 0
    for pk, status, created_at, closed_at in rows:
        if rng.random() > share:
            continue
        report = CitizenReport(
            problem_id=pk,
            tracking_code=new_tracking_code(),
            channel=Channel.PORTAL,
            created_at=created_at,
            is_demo=True,
        )
        if status == Status.CLOSED and closed_at is not None and rng.random() < 0.6:
            report.rated_at = closed_at + timedelta(hours=rng.randint(2, 72))
            if rng.random() < 1 / 6:
                report.rating = Rating.NOT_SATISFIED
                report.rating_reason = rng.choice(REASONS)
                if pending < 3:  # a few wait for the office; the rest were reviewed
                    report.review, pending = Review.PENDING, pending + 1
                else:
                    report.review = Review.UPHELD
                    report.reviewed_at = report.rated_at + timedelta(days=1)
                report.review_requested_at = report.rated_at
            else:
                report.rating = Rating.SATISFIED
        reports.append(report)
    CitizenReport.objects.bulk_create(reports, batch_size=2000)
    fresh = _fresh_reports(rng)
    rated = sum(1 for r in reports if r.rating)
    _say(
        stdout,
        f"Citizen reports: {len(reports)} on demo problems ({rated} rated), {fresh} new to triage.",
    )


def _fresh_reports(rng: random.Random) -> int:
    """New reports through the real service, near community centres, waiting for triage."""
    categories = selectors.public_categories()
    communities = list(
        Region.objects.filter(level=RegionLevel.COMMUNITY, center_lat__isnull=False).order_by(
            "code"
        )[:200]
    )
    if not categories or not communities:
        return 0
    made = 0
    for i in range(FRESH):
        place = rng.choice(communities)
        citizen_report_create(
            category=rng.choice(categories),
            description=DESCRIPTIONS[i % len(DESCRIPTIONS)],
            lat=place.center_lat + rng.uniform(-0.002, 0.002),
            lon=place.center_lon + rng.uniform(-0.002, 0.002),
            reporter_name=rng.choice(["", "张先生", "李女士", "王阿姨"]),
            reporter_phone=f"139{rng.randrange(10**8):08d}" if i % 2 else "",
            is_anonymous=i % 3 == 0,
            is_demo=True,
        )
        made += 1
    return made


def reset(*, stdout=None) -> None:
    """Remove the demo's citizen reports (and their replies)."""
    deleted, _detail = CitizenReport.objects.filter(is_demo=True).delete()
    _say(stdout, f"Removed {deleted} demo citizen report rows.")
