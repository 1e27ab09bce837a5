"""Demo inspections: three past rounds, about 2,000 visits answered, and one open round.

- a region self-check (中山区 visits every one of its points),
- an office supervision (a quarter of each point type drawn at random city-wide),
- a third-party mock assessment (a third of each type drawn at random, stratified by point
  type and district, with a pass threshold, visits given out by "three randoms"),
- an open supervision round in 中山区 whose visits belong to the demo `inspector` and
  `evaluator` (inspectors see only the points of their visits: this round gives them points);
  a few of them are already done through the real services (`visit_submit`), so their failures
  are problems the ledger created and routed, waiting for the office's review.

The rounds are created and drawn through the services (`round_create`, `round_draw`: the
stored seeds reproduce the draws). The past rounds' answers are written in bulk: each visit
has a quality (its district's level plus noise) that decides how many items fail; a failure
is put only where the demo ledger has a problem at the same point for the same checklist item
and is linked to it (the ledger's demo is a year of problems, so every failure is a problem in
the ledger without creating thousands more). Score rates come out at 70–90 %, a few visits
start far from their point and a few photos are flagged. Photos of failures come from a small
pool of generated pictures (one file can stand for several failures). Everything is
`is_demo`; `reset()` removes it.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from wenming.core.uploads import haversine_m
from wenming.org.models import Person, Region
from wenming.org.roles import Role
from wenming.problems.models import Problem
from wenming.standards.models import ChecklistItem, EvaluationSystem, PointType

from . import scoring, services
from .models import (
    AssignMode,
    Round,
    RoundKind,
    RoundStatus,
    SamplingMode,
    Visit,
    VisitAnswer,
    VisitPhoto,
    VisitStatus,
)

SEED = 20260412
SYSTEM_CODE = "DEMO-2026"
SELF_CHECK_DISTRICT = "210202"  # 中山区: the demo region officer's district
PHOTO_POOL = 40
PHOTO_FOLDER = "visits/demo"
# Extra field staff, so the past rounds are shared out as in a real city (no logins).
FIELD_STAFF = [
    ("demo-insp-2", Role.INSPECTOR, "督查员 高峰"),
    ("demo-insp-3", Role.INSPECTOR, "督查员 马丽"),
    ("demo-eval-2", Role.EVALUATOR, "第三方测评 郑凯"),
    ("demo-eval-3", Role.EVALUATOR, "第三方测评 何婷"),
]
# The open round: this many points of each type in 中山区, half each for the two logins.
OPEN_PLAN = {
    "MARKET": 6,
    "SCHOOL": 4,
    "BUS_STOP": 6,
    "RESIDENTIAL": 6,
    "BACK_STREET": 6,
    "TOILET": 4,
    "PARK": 2,
}


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def load(*, scale: str = "small", stdout=None, seed: int = SEED) -> None:
    """Load the demo rounds (skipped when they exist, or without the demo system and points)."""
    if Round.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo inspection rounds already exist.")
        return
    system = EvaluationSystem.objects.filter(code=SYSTEM_CODE).first()
    office = Person.objects.filter(username="office").first()
    if system is None or office is None or not system.checklist_items.exists():
        _say(stdout, "inspections: no demo system or office; skipped.")
        return
    started = time.monotonic()
    rng = random.Random(seed)
    today = timezone.localdate()
    staff = _field_staff()
    city = Region.objects.filter(parent__isnull=True, is_demo=True).order_by("path").first()
    district = Region.objects.filter(code=SELF_CHECK_DISTRICT).first() or city
    counts = _type_counts(system)
    types = PointType.objects.in_bulk(list(counts), field_name="code")
    with transaction.atomic():
        pool = _photo_pool(rng, city)
        problems = _problem_pairs(system)
        past = [
            _round(
                office,
                system,
                "DEMO-SC-2026Q1",
                "2026年一季度中山区自查",
                RoundKind.SELF_CHECK,
                [district],
                today - timedelta(days=150),
                14,
                seed + 1,
                [{"point_type": types[t]} for t in counts],
                [[staff["inspector"]], [staff["demo-insp-2"]]],
            ),
            _round(
                office,
                system,
                "DEMO-SV-2026Q1",
                "2026年一季度市文明办督查",
                RoundKind.SUPERVISION,
                [city],
                today - timedelta(days=110),
                21,
                seed + 2,
                [
                    {
                        "point_type": types[t],
                        "mode": SamplingMode.RANDOM,
                        "size": max(2, math.ceil(n * 0.24)),
                    }
                    for t, n in counts.items()
                ],
                [[staff["inspector"], staff["demo-insp-2"]], [staff["demo-insp-3"]]],
            ),
            _round(
                office,
                system,
                "DEMO-MA-2026Q2",
                "2026年二季度第三方模拟测评",
                RoundKind.MOCK,
                [city],
                today - timedelta(days=60),
                21,
                seed + 3,
                [
                    {
                        "point_type": types[t],
                        "mode": SamplingMode.RANDOM,
                        "by_district": True,
                        "size": max(3, math.ceil(n * 0.34)),
                    }
                    for t, n in counts.items()
                ],
                [[staff["evaluator"], staff["demo-eval-2"]], [staff["demo-eval-3"]]],
                assign_mode=AssignMode.THREE_RANDOMS,
                pass_threshold=Decimal("81"),
            ),
        ]
        answered = 0
        for k, round_ in enumerate(past):
            answered += _answer_round(rng, round_, problems, pool, offset=(0.0, 0.02, -0.03)[k])
    _open_round(office, system, district, types, staff, today, seed)
    _say(
        stdout,
        f"inspections: {len(past) + 1} rounds, {answered} past visits answered, "
        f"{Visit.objects.filter(round__is_demo=True).count()} visits in all "
        f"({time.monotonic() - started:.1f} s)",
    )


def reset(*, stdout=None) -> None:
    """Remove the demo rounds (their visits, answers, photos, events) and the pool of photos."""
    names = set(
        VisitPhoto.objects.filter(visit__round__is_demo=True).values_list("file", flat=True)
    )
    with transaction.atomic():
        Round.objects.filter(is_demo=True, follow_up_of__isnull=False).delete()
        Round.objects.filter(is_demo=True).delete()
        Person.objects.filter(username__in=[u for u, _r, _n in FIELD_STAFF], is_demo=True).delete()
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


# --- the rounds ------------------------------------------------------------------------------


def _field_staff() -> dict[str, Person]:
    people = {p.username: p for p in Person.objects.filter(username__in=["inspector", "evaluator"])}
    for username, role, name in FIELD_STAFF:
        person, created = Person.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": name, "is_demo": True}
        )
        if created:
            person.set_unusable_password()  # field staff of the story, not logins
            person.save(update_fields=["password"])
        people[username] = person
    return people


def _type_counts(system) -> dict[str, int]:
    """Active demo points by type, for the types that have a checklist in the system."""
    from django.db.models import Count

    from wenming.points.models import Point

    with_items = set(system.checklist_items.values_list("point_type__code", flat=True))
    rows = (
        Point.objects.filter(is_active=True, point_type__code__in=with_items)
        .values_list("point_type__code")
        .annotate(n=Count("id"))
        .order_by("point_type__code")
    )
    return dict(rows)


def _round(
    office, system, code, name, kind, regions, opens_on, days, seed, plans, teams, **extra
) -> Round:
    round_ = services.round_create(
        actor=office,
        code=code,
        name=name,
        kind=kind,
        system=system,
        regions=regions,
        opens_on=opens_on,
        closes_on=opens_on + timedelta(days=days),
        plans=plans,
        seed=seed,
        is_demo=True,
        **extra,
    )
    services.round_draw(actor=office, round_=round_, teams=teams)
    return round_


def _problem_pairs(system) -> dict[tuple[int, int], list[tuple[datetime, int]]]:
    """(point, checklist item) → the demo ledger's problems there, oldest first."""
    pairs: dict[tuple[int, int], list] = {}
    rows = (
        Problem.objects.filter(
            point__isnull=False, checklist_item__system=system, duplicate_of__isnull=True
        )
        .order_by("created_at")
        .values_list("point_id", "checklist_item_id", "created_at", "id")
    )
    for point_id, item_id, created, problem_id in rows:
        pairs.setdefault((point_id, item_id), []).append((created, problem_id))
    return pairs


def _nearest(problems: list[tuple[datetime, int]], moment: datetime) -> int:
    return min(problems, key=lambda p: abs((p[0] - moment).total_seconds()))[1]


def _places(item: ChecklistItem) -> int | None:
    """How many places an item's sampling rule gives (None for a pass/fail item)."""
    if item.sample_route_m and item.sample_spacing_m:
        return max(2, item.sample_route_m // item.sample_spacing_m)
    if item.sample_count:
        return int(item.sample_count)
    if item.sample_minutes:
        return max(3, int(item.sample_minutes) * 2)  # one place per half minute watched
    return None


def _answer_round(rng, round_: Round, problems, pool, *, offset: float) -> int:
    """Answer every visit of a past round in bulk (see the module docstring) and close it."""
    items_of: dict[int, list[ChecklistItem]] = {}
    rules = {}  # the sampling rule as shown, once per item
    for item in ChecklistItem.objects.filter(system_id=round_.system_id).order_by("order", "code"):
        items_of.setdefault(item.point_type_id, []).append(item)
        rules[item.pk] = services.visits.sampling_rule_text(item) if _places(item) else ""
    level = {}  # each district's own standard of upkeep
    visits = list(round_.visits.select_related("point").order_by("pk"))
    team_of = dict(
        Visit.team.through.objects.filter(visit__round=round_).values_list("visit_id", "person_id")
    )
    # Failures go only where the ledger has a problem; scaled by the share of such items, a
    # visit of quality q fails about 1 − q of its items whatever the ledger's size.
    pairs = sum(len(items_of.get(v.point_type_id, [])) for v in visits) or 1
    with_problem = sum(
        (v.point_id, i.pk) in problems for v in visits for i in items_of.get(v.point_type_id, [])
    )
    boost = pairs / max(with_problem, 1)
    answers, photos = [], []
    opens = datetime.combine(round_.opens_on, datetime.min.time())
    span = (round_.closes_on - round_.opens_on).days
    for visit in visits:
        district = level.setdefault(visit.district_id, rng.uniform(0.74, 0.9) + offset)
        quality = min(0.99, max(0.45, rng.gauss(district, 0.08)))
        start = timezone.make_aware(
            opens + timedelta(days=rng.randrange(span), hours=rng.uniform(8.5, 16.5))
        )
        far = rng.random() < 0.03
        away = rng.uniform(300, 1500) if far else rng.uniform(3, 80)
        bearing = rng.uniform(0, 2 * math.pi)
        lat = visit.point.lat + away * math.cos(bearing) / 111_320
        lon = visit.point.lon + away * math.sin(bearing) / (
            111_320 * math.cos(math.radians(visit.point.lat))
        )
        rows = []
        for item in items_of.get(visit.point_type_id, []):
            known = problems.get((visit.point_id, item.pk))
            observed = _places(item)
            fail = bool(known) and rng.random() < min(0.95, (1 - quality) * boost * 0.9)
            answer = "fail" if fail else ("na" if rng.random() < 0.03 else "pass")
            failed = None
            if observed is not None and answer != "na":
                # A pass may still count a few failed places (within the item's tolerance):
                # the score rate (得分率) sees them, the score does not.
                failed = (
                    max(1, round(observed * rng.uniform(0.15, 0.6)))
                    if fail
                    else min(observed // 5, round(observed * max(0.0, rng.gauss(1 - quality, 0.1))))
                )
            rows.append(
                VisitAnswer(
                    visit=visit,
                    item=item,
                    answer=answer,
                    sampling_rule=rules[item.pk],
                    places_observed=observed if answer != "na" else None,
                    places_failed=failed,
                    answered_at=start + timedelta(minutes=rng.uniform(2, 30)),
                    problem_id=_nearest(known, start) if fail else None,
                )
            )
            if fail and item.photo_required:
                photos.append(_photo_row(rng, visit, item, pool, start, team_of))
        sums = scoring.visit_sums(
            scoring.Answer(a.item.deduction, a.answer, a.places_observed, a.places_failed)
            for a in rows
        )
        visit.earned, visit.possible, visit.score = sums.earned, sums.possible, sums.score
        visit.places_observed, visit.places_passed = sums.places_observed, sums.places_passed
        visit.started_at = start
        visit.start_lat, visit.start_lon = lat, lon
        visit.start_distance_m = round(haversine_m(lat, lon, visit.point.lat, visit.point.lon), 1)
        visit.submitted_at = start + timedelta(minutes=rng.uniform(15, 55))
        visit.reviewed_at = visit.submitted_at + timedelta(days=rng.uniform(1, 4))
        roll = rng.random()
        visit.status = VisitStatus.HAS_ISSUES if far or roll < 0.04 else VisitStatus.APPROVED
        visit.review_note = "开始位置距点位较远，请说明。" if far else ""
        answers.extend(rows)
    VisitAnswer.objects.bulk_create(answers, batch_size=2000)
    VisitPhoto.objects.bulk_create(photos, batch_size=2000)
    _update_visits(visits, VISIT_FIELDS)
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED)
    return len(visits)


VISIT_FIELDS = (
    "earned",
    "possible",
    "score",
    "places_observed",
    "places_passed",
    "started_at",
    "start_lat",
    "start_lon",
    "start_distance_m",
    "submitted_at",
    "reviewed_at",
    "status",
    "review_note",
)


def _update_visits(visits, names) -> None:
    """One UPDATE statement run for every visit (executemany): Django's bulk_update builds a
    CASE per column and row, which took most of the load's time on 2,000 visits."""
    fields = [Visit._meta.get_field(n) for n in names]
    # Identifiers quoted by the backend, every value a parameter.
    sql = "UPDATE {} SET {} WHERE id = %s".format(  # noqa: S608
        connection.ops.quote_name(Visit._meta.db_table),
        ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields),
    )
    rows = [
        [f.get_db_prep_save(getattr(v, f.attname), connection) for f in fields] + [v.pk]
        for v in visits
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _photo_pool(rng, city) -> list[tuple[str, str]]:
    """A few generated street pictures in storage, shared by the past rounds' failures."""
    from wenming.problems.demo.photos import _jpeg, _scene

    lat = getattr(city, "center_lat", None) or 38.91
    lon = getattr(city, "center_lon", None) or 121.61
    names = []
    taken = timezone.now() - timedelta(days=60)
    for n in range(PHOTO_POOL):
        data = _jpeg(_scene(rng, clutter=True), taken=taken, lat=lat, lon=lon)
        name = default_storage.save(f"{PHOTO_FOLDER}/pool-{n:02d}.jpg", ContentFile(data))
        names.append((name, hashlib.sha256(data).hexdigest()))
    return names


def _photo_row(rng, visit, item, pool, start, team_of) -> VisitPhoto:
    roll = rng.random()
    flags = ["far"] if roll < 0.03 else ["no_metadata"] if roll < 0.05 else []
    name, sha256 = rng.choice(pool)
    return VisitPhoto(
        visit=visit,
        item=item,
        file=name,
        client_id=f"demo-{visit.pk}-{item.pk}",
        sha256=sha256,
        taken_at=None if "no_metadata" in flags else start + timedelta(minutes=rng.uniform(1, 20)),
        lat=None if "no_metadata" in flags else visit.point.lat,
        lon=None if "no_metadata" in flags else visit.point.lon,
        flags=flags,
    )


# --- the open round ----------------------------------------------------------------------------


def _open_round(office, system, district, types, staff, today, seed) -> Round:
    """The round the demo logins work in now; a few visits done through the real services."""
    plans = [
        {"point_type": types[t], "mode": SamplingMode.RANDOM, "size": n}
        for t, n in OPEN_PLAN.items()
        if t in types
    ]
    round_ = _round(
        office,
        system,
        "DEMO-SV-2026-NOW",
        "本月市文明办督查（进行中）",
        RoundKind.SUPERVISION,
        [district],
        today - timedelta(days=5),
        25,
        seed + 4,
        plans,
        [[staff["inspector"]], [staff["evaluator"]]],
    )
    from wenming.problems.demo.photos import _jpeg, _scene

    done = 0
    for visit in round_.visits.select_related("point").order_by("pk"):
        person = visit.team.first()
        if person is None or person.username != "evaluator" or done >= 3:
            continue
        # The evaluator did three visits this week: answered, photographed, submitted.
        services.visit_start(
            actor=person, visit=visit, lat=visit.point.lat + 0.0002, lon=visit.point.lon
        )
        items = services.visits.checklist_of(visit)
        failing = {items[0].code} if items else set()
        services.visit_answers_save(
            actor=person,
            visit=visit,
            answers=[
                {
                    "item": i.code,
                    "answer": "fail" if i.code in failing else "pass",
                    "client_id": f"demo-now-{visit.pk}-{i.code}",
                    "note": "现场发现，已拍照。" if i.code in failing else "",
                }
                for i in items
            ],
        )
        for code in failing:
            image = _scene(random.Random(visit.pk), clutter=True)
            services.visit_photo_add(
                actor=person,
                visit=visit,
                item_code=code,
                upload=_jpeg(image, taken=timezone.now(), lat=visit.point.lat, lon=visit.point.lon),
                client_id=f"demo-now-photo-{visit.pk}",
            )
        services.visit_submit(actor=person, visit=visit)
        done += 1
    # The problems the ledger made from these failures are demo data too (the ledger's reset
    # removes them; they sit at demo points).
    Problem.objects.filter(
        pk__in=VisitAnswer.objects.filter(visit__round=round_, problem__isnull=False).values(
            "problem_id"
        )
    ).update(is_demo=True)
    # The inspector has started one visit (the rest are waiting).
    first = round_.visits.filter(team=staff["inspector"]).order_by("pk").first()
    if first is not None:
        services.visit_start(
            actor=staff["inspector"], visit=first, lat=first.point.lat, lon=first.point.lon
        )
    return round_
