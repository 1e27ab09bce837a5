"""`insert_row` and `instance_from_row` store and read exactly what the ORM would.

The hot write path (a problem report) inserts its problem, event and audit entry through
`insert_row`, and the bearer token is read through `instance_from_row`; a difference from the
ORM — a naive datetime, an integer for a boolean, JSON left as text — would reach users. Each
test writes a row both ways (or reads it both ways) and compares every concrete field.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from wenming.core.models import AuditEntry
from wenming.core.rows import insert_row, instance_from_row, select_columns, update_row
from wenming.problems.models import Problem, ProblemEvent, Status, status_flags
from wenming.problems.tests.factories import category

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Microseconds and a non-UTC zone: both must survive the round trip.
AT = datetime(2026, 3, 9, 8, 15, 30, 123456, tzinfo=SHANGHAI)


def values(obj, *, skip=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.attname not in skip
    }


def a_problem(cast, serial: int) -> Problem:
    """A dispatched problem with every kind of field set, and some nullable ones left NULL."""
    return Problem(
        code=f"WM2026-{serial:06d}",
        code_year=2026,
        code_serial=serial,
        title="井盖缺失 “危险”",
        description="多行\n描述",
        category=category("poor.facilities"),
        source="inspection",
        severity="urgent",
        region=cast.zhongshan_community,
        district=cast.zhongshan_district,
        street=cast.zhongshan_street,
        point=None,
        lat=38.918012345,
        lon=121.640098765,
        address="天津街",
        responsible_unit=cast.urban_unit,
        handling_region=None,
        deadline=date(2026, 3, 12),
        original_deadline=date(2026, 3, 12),
        created_at=AT,
        updated_at=AT + timedelta(minutes=1),
        registered_at=AT + timedelta(seconds=5),
        dispatched_at=AT + timedelta(seconds=6),
        closed_at=None,
        rework_count=2,
        reported_by=cast.inspector,
        is_anonymous=True,
        search_text="井盖 缺失",
        is_demo=False,
        **status_flags(Status.DISPATCHED),
    )


def test_a_problem_inserted_reads_back_as_the_orm_stores_it(cast):
    fast = a_problem(cast, 1)
    assert insert_row(fast) is fast
    assert fast.pk is not None and fast._state.adding is False
    assert fast._state.db == connection.alias
    orm = a_problem(cast, 2)
    orm.save()
    got_fast, got_orm = Problem.objects.get(pk=fast.pk), Problem.objects.get(pk=orm.pk)
    skip = ("id", "code", "code_serial")
    assert values(got_fast, skip=skip) == values(got_orm, skip=skip)
    # And what was read is what was meant (not merely the same mistake twice).
    assert got_fast.created_at == AT and got_fast.created_at.tzinfo is not None
    assert got_fast.updated_at == AT + timedelta(minutes=1)
    assert got_fast.deadline == date(2026, 3, 12)
    assert got_fast.is_open is True and got_fast.is_pending is True
    assert got_fast.is_anonymous is True and got_fast.is_demo is False
    assert got_fast.responsible_unit_id == cast.urban_unit.pk
    assert got_fast.point_id is None and got_fast.closed_at is None
    assert got_fast.lat == 38.918012345 and got_fast.title == "井盖缺失 “危险”"
    assert got_fast.code == "WM2026-000001"


def test_the_instance_can_be_used_as_if_saved_by_the_orm(cast):
    problem = insert_row(a_problem(cast, 3))
    problem.title = "改过的标题"
    problem.save(update_fields=["title"])  # an UPDATE, not a second INSERT
    assert Problem.objects.filter(code="WM2026-000003").count() == 1
    assert Problem.objects.get(pk=problem.pk).title == "改过的标题"


def an_event(problem, cast) -> ProblemEvent:
    return ProblemEvent(
        problem=problem,
        action="dispatch",
        from_status=Status.NEW,
        to_status=Status.DISPATCHED,
        actor=cast.office,
        actor_name="office",
        created_at=AT,
        note="",
        data={"unit": "URBAN", "days": 3, "ok": True, "none": None, "中文": ["甲", 1.5]},
        unit=cast.urban_unit,
        district=None,
    )


def test_an_event_with_json_data_reads_back_as_the_orm_stores_it(cast):
    problem = insert_row(a_problem(cast, 4))
    fast = insert_row(an_event(problem, cast))
    assert fast.pk is not None and not fast._state.adding
    orm = an_event(problem, cast)
    orm.save()
    got_fast, got_orm = ProblemEvent.objects.get(pk=fast.pk), ProblemEvent.objects.get(pk=orm.pk)
    assert values(got_fast, skip=("id",)) == values(got_orm, skip=("id",))
    assert got_fast.data == {
        "unit": "URBAN",
        "days": 3,
        "ok": True,
        "none": None,
        "中文": ["甲", 1.5],
    }
    assert got_fast.district_id is None and got_fast.created_at == AT


def test_an_event_left_to_its_defaults_gets_them(cast):
    """`created_at` defaults to now and `data` to {}, as with `objects.create`."""
    problem = insert_row(a_problem(cast, 5))
    event = insert_row(ProblemEvent(problem=problem, action="create", to_status=Status.NEW))
    got = ProblemEvent.objects.get(pk=event.pk)
    assert got.data == {} and got.actor_id is None and got.note == ""
    assert got.created_at.tzinfo is not None


def an_entry(seq: int, cast) -> AuditEntry:
    return AuditEntry(
        seq=seq,
        created_at=AT,
        actor=cast.zhongshan,
        actor_name="zhongshan",
        action="problem.create",
        target_type="problems.problem",
        target_id="17",
        data={"title": "占道经营", "nested": {"a": [1, 2]}},
        ip="",
        prev_hash="0" * 64,
        hash=f"{seq:064d}",
    )


def test_an_audit_entry_reads_back_as_the_orm_stores_it(cast):
    fast = insert_row(an_entry(900001, cast))
    orm = an_entry(900002, cast)
    orm.save()
    got_fast, got_orm = AuditEntry.objects.get(pk=fast.pk), AuditEntry.objects.get(pk=orm.pk)
    skip = ("id", "seq", "hash")
    assert values(got_fast, skip=skip) == values(got_orm, skip=skip)
    assert got_fast.seq == 900001 and got_fast.data["nested"] == {"a": [1, 2]}


def read_raw(model, pk):
    columns, _names, _converters = select_columns(model, "x")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {model._meta.db_table} x WHERE x.id = %s",  # noqa: S608
            [pk],
        )
        return instance_from_row(model, "x", cursor.fetchone())


def test_instance_from_row_equals_objects_get_for_a_problem(cast):
    saved = a_problem(cast, 6)
    saved.save()
    raw, orm = read_raw(Problem, saved.pk), Problem.objects.get(pk=saved.pk)
    assert values(raw) == values(orm)
    assert raw._state.adding is False and raw._state.db == connection.alias
    for name in ("is_open", "is_pending", "is_anonymous", "is_demo"):
        assert type(getattr(raw, name)) is bool, name
    for name in ("created_at", "updated_at", "registered_at", "dispatched_at"):
        assert getattr(raw, name).tzinfo is not None, name
    assert type(raw.deadline) is date and raw.closed_at is None


def test_instance_from_row_equals_objects_get_for_an_event_and_a_person(cast):
    problem = insert_row(a_problem(cast, 7))
    event = insert_row(an_event(problem, cast))
    raw, orm = read_raw(ProblemEvent, event.pk), ProblemEvent.objects.get(pk=event.pk)
    assert values(raw) == values(orm)
    assert isinstance(raw.data, dict) and raw.data["ok"] is True
    person = type(cast.urban)
    raw_person, orm_person = read_raw(person, cast.urban.pk), person.objects.get(pk=cast.urban.pk)
    assert values(raw_person) == values(orm_person)
    assert raw_person.is_active is True and type(raw_person.is_staff) is bool


def test_an_auto_now_add_field_is_filled_like_the_orm_does(cast):
    """The plain-value shortcut must not skip a field's own pre_save (auto_now_add here)."""
    from wenming.core.models import ApiToken
    from wenming.core.rows import insert_row

    token = insert_row(
        ApiToken(person=cast.office, name="脚本", key_prefix="wm_abc", key_hash="0" * 64)
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.created_at is not None and stored.created_at == token.created_at
    assert stored.person_id == cast.office.pk and stored.name == "脚本"


def test_update_row_stores_what_the_orms_update_stores(cast):
    """Every transition's compare-and-set goes through update_row: a unit given as an instance,
    a None, a date, an aware datetime and the status flags must land as the ORM's would."""
    fast, orm = a_problem(cast, 11), a_problem(cast, 12)
    insert_row(fast)
    insert_row(orm)
    changes = {
        "responsible_unit": cast.police_unit,
        "handling_region": None,
        "deadline": date(2026, 4, 1),
        "closed_at": AT + timedelta(days=3),
        "updated_at": AT + timedelta(days=3),
        **status_flags(Status.CLOSED),
    }
    changed = update_row(
        Problem, fast.pk, changes, increment="version", expected={"version": fast.version}
    )
    from django.db.models import F

    Problem.objects.filter(pk=orm.pk).update(**changes, version=F("version") + 1)
    assert changed == 1
    skip = ("id", "code", "code_serial")
    got_fast, got_orm = Problem.objects.get(pk=fast.pk), Problem.objects.get(pk=orm.pk)
    assert values(got_fast, skip=skip) == values(got_orm, skip=skip)
    assert got_fast.version == fast.version + 1 and got_fast.status == Status.CLOSED
    assert got_fast.closed_at == AT + timedelta(days=3) and got_fast.handling_region_id is None
    assert got_fast.responsible_unit_id == cast.police_unit.pk


def test_update_row_changes_nothing_when_the_expected_value_moved(cast):
    row = a_problem(cast, 13)
    insert_row(row)
    stale = row.version - 1
    assert update_row(Problem, row.pk, {"title": "改"}, expected={"version": stale}) == 0
    assert Problem.objects.get(pk=row.pk).title == row.title
    assert update_row(Problem, row.pk, {"title": "改"}, expected={"version": row.version}) == 1
    assert Problem.objects.get(pk=row.pk).title == "改"
