"""The demo ledger: every status, timelines that match the rows, codes, photos, reset.

The demo is loaded at a reduced size (`count=`) into the personas' two-district city; one
test loads the whole demo city (org, standards, points) to check the links to points.
"""

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from wenming.core.calendar import add_working_days
from wenming.problems import demo
from wenming.problems.lifecycle import TRANSITIONS
from wenming.problems.models import (
    OPEN_STATUSES,
    PENDING_STATUSES,
    Action,
    EventKind,
    PhotoKind,
    Problem,
    ProblemCounter,
    ProblemEvent,
    ProblemPhoto,
    Status,
)
from wenming.problems.search import search_text_for, text_filter

COUNT = 3000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ledger(cast, media):
    """The demo ledger at a reduced size, in the personas' city (no assessment points)."""
    demo.load(count=COUNT, photos=0)
    return Problem.objects.filter(is_demo=True)


def _timelines():
    events = defaultdict(list)
    for event in ProblemEvent.objects.order_by("created_at", "id"):
        events[event.problem_id].append(event)
    return events


def test_the_office_sees_every_status_with_realistic_shares(ledger):
    counts = Counter(ledger.values_list("status", flat=True))

    assert set(counts) == set(Status.values)
    total = sum(counts.values())
    assert COUNT * 0.97 <= total <= COUNT * 1.03
    assert counts[Status.CLOSED] > 0.8 * total  # most problems are closed
    today = timezone.localdate()
    overdue = ledger.filter(is_pending=True, deadline__lt=today)
    assert 0 < overdue.count() < 0.05 * total
    for field in (
        "rework_count",
        "extension_count",
        "return_count",
        "reopen_count",
        "also_reported_count",
    ):
        assert ledger.filter(**{f"{field}__gt": 0}).exists(), field
    assert ledger.filter(duplicate_of__isnull=False).exists()
    assert ledger.filter(extension_requested_until__isnull=False).exists()
    assert set(ledger.values_list("source", flat=True)) == {
        "inspection",
        "citizen",
        "hotline",
        "media",
        "leader",
        "self_found",
        "other",
    }
    # Spread over the past year, in every district of the city.
    first = ledger.order_by("created_at").first().created_at
    assert (timezone.now() - first).days > 330
    assert set(ledger.values_list("district", flat=True)) == {
        ledger.model._meta.get_field("district").related_model.objects.get(code=c).pk
        for c in ("210202", "210211")
    }


def test_each_timeline_replays_to_the_row_it_belongs_to(ledger):
    now = timezone.now()
    timelines = _timelines()
    for problem in ledger:
        events = timelines[problem.pk]
        status = None
        actions = Counter()
        for event in events:
            assert event.created_at <= now
            assert event.district_id == problem.district_id
            actions[event.action] += 1
            if event.action == EventKind.CREATE:
                assert event.to_status == Status.NEW
                status = event.to_status
            elif event.action in Action.values:
                # Every move is one of the lifecycle table's, from the status the last left.
                transition = TRANSITIONS.get((event.from_status, event.action))
                assert transition is not None, (problem.code, event.from_status, event.action)
                assert event.from_status == status, (problem.code, event.action)
                assert event.to_status == transition.to, (problem.code, event.action)
                status = event.to_status
        assert events[0].action == EventKind.CREATE
        assert status == problem.status, problem.code
        assert actions[EventKind.VERIFY_FAIL] == problem.rework_count
        assert actions[EventKind.APPROVE_EXTENSION] == problem.extension_count
        assert actions[EventKind.RETURN] == problem.return_count
        assert actions[EventKind.REOPEN] == problem.reopen_count
        assert actions[EventKind.ALSO_REPORTED] == problem.also_reported_count
        assert (problem.escalated_at is not None) == (actions[EventKind.ESCALATE] == 1)
        # A hold request waits until the office's hold answers it.
        asked = [i for i, e in enumerate(events) if e.action == EventKind.REQUEST_HOLD]
        answered = [i for i, e in enumerate(events) if e.action == EventKind.HOLD]
        waiting = bool(asked) and (not answered or answered[-1] < asked[-1])
        assert (problem.hold_requested_until is not None) == waiting, problem.code
        if problem.status == Status.CLOSED:
            needed = [
                EventKind.CREATE,
                EventKind.DISPATCH,
                EventKind.ACCEPT,
                EventKind.RECTIFY,
                EventKind.VERIFY_PASS,
            ]
            assert all(actions[a] >= 1 for a in needed), problem.code
            assert events[-1].action in (EventKind.VERIFY_PASS, EventKind.ALSO_REPORTED)
        assert problem.version == sum(n for a, n in actions.items() if a != EventKind.ALSO_REPORTED)


def test_the_demo_moves_problems_through_the_lifecycle_table(cast, media, monkeypatch):
    """A move the table no longer allows stops the demo instead of being written anyway."""
    monkeypatch.delitem(TRANSITIONS, (Status.IN_PROGRESS, Action.RECTIFY))
    with pytest.raises(RuntimeError, match="rectify from in_progress"):
        demo.load(count=300, photos=0)
    assert not Problem.objects.filter(is_demo=True).exists()


def test_the_office_has_hold_requests_to_answer(ledger):
    assert ledger.filter(hold_requested_until__isnull=False).exists()


def test_columns_follow_from_the_status(ledger):
    for p in ledger.select_related("region__parent"):
        assert p.is_open == (p.status in OPEN_STATUSES)
        assert p.is_pending == (p.status in PENDING_STATUSES)
        assert not (p.responsible_unit_id and p.handling_region_id)
        stamps = [p.created_at, p.registered_at, p.dispatched_at, p.accepted_at]
        present = [s for s in stamps if s is not None]
        assert present == sorted(present), p.code
        if p.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.RECTIFIED, Status.CLOSED):
            assert p.dispatched_at and p.deadline and p.original_deadline
            assert p.responsible_unit_id or p.handling_region_id
        if p.status == Status.DISPATCHED:
            assert p.accepted_at is None
        if p.status == Status.CLOSED:
            assert p.closed_at >= p.rectified_at >= p.dispatched_at
            assert p.closed_on == timezone.localdate(p.closed_at)
            assert p.rectified_on == timezone.localdate(p.rectified_at)
            assert p.handling_days is not None
        else:
            assert p.closed_at is None and p.closed_on is None
        if p.status == Status.REJECTED:
            assert p.rejected_at is not None and p.dispatched_at is None
        if p.status == Status.ON_HOLD:
            assert p.held_at and p.hold_plan and p.hold_until
        if p.hold_requested_until is not None:
            assert p.status in (Status.DISPATCHED, Status.IN_PROGRESS) and p.hold_request_plan
        if p.status in (Status.NEW, Status.REGISTERED):
            assert p.responsible_unit_id is None and p.handling_region_id is None
        # District and street are the region's ancestors.
        assert p.street_id == p.region.parent_id
        assert p.district_id == p.region.parent.parent_id
        assert p.search_text and p.is_demo


def test_deadlines_count_working_days_from_the_dispatch(ledger):
    simple = ledger.filter(
        return_count=0,
        extension_count=0,
        reopen_count=0,
        held_at__isnull=True,
        dispatched_at__isnull=False,
    )
    checked = 0
    for p in simple.select_related("category")[:400]:
        start = timezone.localdate(p.dispatched_at)
        assert p.deadline == add_working_days(start, p.category.deadline_days), p.code
        assert p.original_deadline == p.deadline
        checked += 1
    assert checked > 100


def test_codes_follow_the_counter_and_the_order_of_reporting(ledger):
    rows = list(
        ledger.order_by("created_at", "id").values_list(
            "code", "code_year", "code_serial", "created_at"
        )
    )
    assert len({r[0] for r in rows}) == len(rows)
    last_serial: dict[int, int] = {}
    for code, year, serial, created in rows:
        assert code == f"WM{year}-{serial:06d}"
        assert year == timezone.localtime(created).year
        assert serial == last_serial.get(year, 0) + 1
        last_serial[year] = serial
    counters = dict(ProblemCounter.objects.values_list("year", "last"))
    assert counters == last_serial


def test_duplicates_point_at_an_open_original_of_the_same_category(ledger):
    duplicates = ledger.filter(duplicate_of__isnull=False).select_related("duplicate_of")
    assert duplicates.exists()
    per_original = Counter()
    for dup in duplicates:
        original = dup.duplicate_of
        assert dup.status == Status.REJECTED
        assert dup.category_id == original.category_id
        assert original.status != Status.REJECTED
        assert original.created_at < dup.created_at < dup.rejected_at
        assert original.closed_at is None or dup.rejected_at <= original.closed_at
        per_original[original.pk] += 1
    for pk, n in per_original.items():
        assert Problem.objects.get(pk=pk).also_reported_count == n


def test_text_search_finds_demo_problems(ledger):
    problem = ledger.filter(status=Status.CLOSED).first()
    found = text_filter(Problem.objects.all(), problem.title)
    assert problem in found


def test_loading_twice_changes_nothing_and_reset_removes_only_demo_data(cast, media):
    from wenming.problems.models import Category

    real = Problem.objects.create(
        code="WM2020-000001",
        code_year=2020,
        code_serial=1,
        title="真实问题",
        category=Category.objects.first(),
        source="citizen",
        region=cast.zhongshan_community,
        search_text=search_text_for(title="真实问题"),
    )
    ProblemCounter.objects.create(year=2020, last=1)
    demo.load(count=400, photos=2)
    first = (Problem.objects.count(), ProblemEvent.objects.count(), ProblemPhoto.objects.count())
    assert ProblemPhoto.objects.exists()
    files = [Path(media) / path for path in ProblemPhoto.objects.values_list("path", flat=True)]
    assert all(f.exists() for f in files)

    demo.load(count=400, photos=2)
    again = (Problem.objects.count(), ProblemEvent.objects.count(), ProblemPhoto.objects.count())
    assert again == first

    demo.reset()
    assert list(Problem.objects.all()) == [real]
    assert not ProblemEvent.objects.exists() and not ProblemPhoto.objects.exists()
    assert not any(f.exists() for f in files)
    assert ProblemCounter.objects.get(year=2020).last == 1
    assert not ProblemCounter.objects.exclude(year=2020).exclude(last=0).exists()
    # The search index forgot the demo rows too.
    assert list(text_filter(Problem.objects.all(), "真实问题")) == [real]

    demo.load(count=400, photos=0)
    assert Problem.objects.filter(is_demo=True).count() == first[0] - 1


def test_photos_show_before_and_after_with_their_checks(cast, media):
    demo.load(count=600, photos=8)
    photos = ProblemPhoto.objects.select_related("problem", "event")
    assert photos.filter(kind=PhotoKind.BEFORE).count() == 8
    after = photos.filter(kind=PhotoKind.AFTER)
    assert after.exists()
    for photo in after:
        assert photo.event.action == EventKind.RECTIFY
        assert photo.event.data == {"photos": [photo.pk]}
        assert photo.taken_at is not None and photo.lat is not None
        assert (Path(media) / photo.thumb_path).exists()
        assert (Path(media) / photo.public_path).exists()
    for problem in Problem.objects.filter(photos__isnull=False).distinct():
        flagged = problem.photos.filter(is_flagged=True).count()
        assert problem.flagged_photo_count == flagged
        attached = problem.events.filter(action=EventKind.ATTACH).count()
        assert attached == problem.photos.count()


def test_a_big_load_rebuilds_every_index_it_dropped(cast, media, monkeypatch):
    def indexes():
        with connection.cursor() as cursor:
            tables = [Problem._meta.db_table, ProblemEvent._meta.db_table]
            return {
                name
                for table in tables
                for name in connection.introspection.get_constraints(cursor, table)
            }

    before = indexes()
    monkeypatch.setattr(demo, "BULK_ROWS", 100)
    demo.load(count=300, photos=0)
    assert indexes() == before
    assert Problem.objects.filter(is_demo=True).count() > 250


@pytest.mark.django_db
def test_problems_sit_at_the_demo_points_with_their_checklist_items(media):
    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.standards import demo as standards_demo

    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    points_demo.load(scale="small")
    demo.load(count=2500, photos=0)

    at_points = Problem.objects.filter(is_demo=True, point__isnull=False).select_related(
        "point", "checklist_item", "category"
    )
    assert at_points.count() > 500
    for p in at_points[:300]:
        assert p.checklist_item.point_type_id == p.point.point_type_id
        assert p.category.code == p.checklist_item.default_category_code
        assert p.standard_id == p.checklist_item.standard_id
        assert p.region_id == p.point.region_id
    recurrences = Problem.objects.filter(recurrence_of__isnull=False).select_related(
        "recurrence_of"
    )
    assert recurrences.exists()
    for p in recurrences:
        earlier = p.recurrence_of
        assert earlier.point_id == p.point_id and earlier.category_id == p.category_id
        assert earlier.closed_at < p.created_at
        assert (p.created_at - earlier.closed_at).days < 30
    # The demo logins have work waiting: Zhongshan's officer and the Urban Management Bureau.
    assert Problem.objects.filter(is_pending=True, district__code="210202").exists()
    assert Problem.objects.filter(responsible_unit__code="URBAN").count() > 100
