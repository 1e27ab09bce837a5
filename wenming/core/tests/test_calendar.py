"""The working-day calendar, checked on real dates of the State Council's arrangements."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.core import calendar, refcache
from wenming.core.calendar import (
    add_working_days,
    calendar_warning,
    holiday_delete,
    holiday_set,
    holiday_year_mark,
    is_working_day,
    working_days_between,
    years_without_data,
)
from wenming.core.errors import InvalidInput, NotFound
from wenming.core.models import AuditEntry, Holiday
from wenming.core.refcache import AppServer

FALLBACK_YEAR = 2031  # a year chinese-calendar has no data for


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch):
    # The calendar caches the Holiday table per process; each test starts from its own data.
    calendar.cache_clear()
    # These tests were written against chinesecalendar's data up to 2026: a later release that
    # knows 2027 must not turn the "year without data" cases into known years.
    monkeypatch.setattr(calendar, "_PACKAGE_MAX", min(calendar._PACKAGE_MAX, 2026))
    yield
    calendar.cache_clear()


def test_the_installed_package_knows_2026():
    assert calendar._PACKAGE_MIN <= 2026 <= calendar._PACKAGE_MAX


# --- 2026 National Day golden week (1–7 October) and its make-up workdays ---------------------


@pytest.mark.django_db
def test_national_day_week_2026_is_off_and_its_make_up_days_are_worked():
    for day in range(1, 8):
        assert not is_working_day(date(2026, 10, day)), (
            f"1–7 Oct is the National Day holiday ({day})"
        )
    assert is_working_day(date(2026, 9, 20))  # a Sunday, worked in exchange
    assert is_working_day(date(2026, 10, 10))  # a Saturday, worked in exchange
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday


@pytest.mark.django_db
def test_a_deadline_dispatched_before_national_day_skips_the_week_and_counts_the_saturday():
    eve = date(2026, 9, 30)  # Wednesday, last working day before the holiday
    assert add_working_days(eve, 1) == date(2026, 10, 8)
    assert add_working_days(eve, 2) == date(2026, 10, 9)
    assert add_working_days(eve, 3) == date(2026, 10, 10)  # the make-up Saturday counts
    assert add_working_days(eve, 4) == date(2026, 10, 12)
    assert working_days_between(eve, date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 10, 12), eve) == -4


@pytest.mark.django_db
def test_friday_plus_one_lands_on_the_make_up_sunday_before_mid_autumn():
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)


# --- Spring Festival 2026 -------------------------------------------------------------------


@pytest.mark.django_db
def test_spring_festival_2026():
    assert all(not is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert is_working_day(date(2026, 2, 14))  # Saturday worked before the holiday
    assert is_working_day(date(2026, 2, 28))  # Saturday worked after it
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    # 5 working days dispatched on Friday 13 Feb: 14, 24, 25, 26, 27 Feb.
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 2)) == 7  # …, 28 Feb, 2 Mar


# --- a year without package data: Monday to Friday -------------------------------------------


@pytest.mark.django_db
def test_fallback_year_counts_monday_to_friday():
    oct_first = date(FALLBACK_YEAR, 10, 1)
    assert oct_first.weekday() == 2  # a Wednesday: a holiday in reality, a working day here
    assert is_working_day(oct_first)
    assert not is_working_day(date(FALLBACK_YEAR, 10, 4))  # Saturday
    assert add_working_days(date(FALLBACK_YEAR, 10, 3), 1) == date(FALLBACK_YEAR, 10, 6)
    assert working_days_between(date(FALLBACK_YEAR, 1, 1), date(FALLBACK_YEAR, 12, 31)) == 260
    assert years_without_data([2025, 2026, 2027, FALLBACK_YEAR]) == [2027, FALLBACK_YEAR]


@pytest.mark.django_db
def test_counting_across_the_year_end_into_a_fallback_year():
    # 2026 from the package (New Year 2027 unknown to it), 2027 Monday–Friday.
    assert working_days_between(date(2026, 12, 25), date(2027, 1, 8)) == 10
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)


# --- the office's holiday table -------------------------------------------------------------


@pytest.mark.django_db
def test_office_enters_next_years_national_day_and_deadlines_follow_at_once(cast):
    day = date(FALLBACK_YEAR, 10, 1)
    assert is_working_day(day)  # cached as a working day
    holiday_set(day=day, kind="holiday", name="国庆节", actor=cast.office)
    assert not is_working_day(day)
    assert add_working_days(date(FALLBACK_YEAR, 9, 30), 1) == date(FALLBACK_YEAR, 10, 2)
    # One day entered does not cover the year (test_calendar_coverage.py).
    assert FALLBACK_YEAR in years_without_data([FALLBACK_YEAR])

    entry = AuditEntry.objects.get(action="holiday.set")
    assert entry.actor_name == "office" and entry.data["kind"] == "holiday"


@pytest.mark.django_db
def test_a_make_up_saturday_entered_by_the_office_counts(cast):
    saturday = date(FALLBACK_YEAR, 10, 11)
    holiday_set(day=saturday, kind="workday", name="国庆节调休", actor=cast.office)
    assert is_working_day(saturday)
    assert add_working_days(date(FALLBACK_YEAR, 10, 10), 1) == saturday


@pytest.mark.django_db
def test_the_table_overrides_the_package(cast):
    local_day_off = date(2026, 10, 9)  # a Friday the package calls a working day
    assert is_working_day(local_day_off)
    holiday_set(day=local_day_off, kind="holiday", name="地方调整", actor=cast.office)
    assert not is_working_day(local_day_off)
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 10)


@pytest.mark.django_db
def test_changing_and_deleting_an_entry(cast):
    day = date(FALLBACK_YEAR, 5, 1)
    holiday_set(day=day, kind="holiday", name="劳动节", actor=cast.office)
    holiday_set(day=day, kind="workday", name="改为上班", actor=cast.office)
    assert Holiday.objects.get(date=day).name == "改为上班"
    assert is_working_day(day)
    holiday_set(day=day, kind="holiday", name="劳动节", actor=cast.office)
    assert not is_working_day(day)
    holiday_delete(day=day, actor=cast.office)
    assert is_working_day(day)  # back to Monday–Friday (1 May 2031 is a Thursday)
    assert not Holiday.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="holiday.").values_list("action", flat=True)
    ) == ["holiday.set"] * 3 + ["holiday.delete"]


@pytest.mark.django_db
def test_bad_holiday_input_is_refused_and_changes_nothing(cast):
    with pytest.raises(InvalidInput):
        holiday_set(day=date(2031, 1, 1), kind="weekend", actor=cast.office)
    with pytest.raises(InvalidInput):
        holiday_set(day=date(2031, 1, 1), kind="holiday", name="x" * 101, actor=cast.office)
    with pytest.raises(NotFound):
        holiday_delete(day=date(2031, 1, 1), actor=cast.office)
    assert not Holiday.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="holiday.").exists()


def test_a_holiday_entered_on_another_app_server_is_seen_at_once(cast):
    day = date(FALLBACK_YEAR, 3, 3)
    assert is_working_day(day)  # this server holds its snapshot
    other = AppServer(refcache.PROCESS.store)  # a second server on the same shared cache
    with other:
        assert is_working_day(day)
        holiday_set(day=day, kind="holiday", name="", actor=cast.office)
    assert not is_working_day(day)
    with other:
        holiday_delete(day=day, actor=cast.office)
    assert is_working_day(day)


@pytest.mark.django_db
def test_aware_datetimes_count_by_their_date_in_shanghai():
    late_utc = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 1 Oct 01:00 in Shanghai
    assert not is_working_day(late_utc)
    assert add_working_days(late_utc, 1) == date(2026, 10, 8)


@pytest.mark.django_db
def test_absurd_spans_are_refused():
    with pytest.raises(InvalidInput):
        add_working_days(date(2026, 1, 1), 1_000_000)


# --- the office warning ---------------------------------------------------------------------


@pytest.mark.django_db
def test_no_warning_in_a_year_the_package_knows_before_autumn():
    assert calendar_warning(today=date(2026, 6, 1)) is None


@pytest.mark.django_db
def test_warning_in_late_autumn_when_next_year_has_no_data():
    with translation.override("en"):
        text = calendar_warning(today=date(2026, 11, 29))
    assert text is not None and "2027" in text and "Monday to Friday" in text


@pytest.mark.django_db
def test_warning_when_the_current_year_has_no_data():
    with translation.override("en"):
        text = calendar_warning(today=date(FALLBACK_YEAR, 3, 1))
    assert text is not None and str(FALLBACK_YEAR) in text


@pytest.mark.django_db
def test_warning_goes_away_once_the_office_marks_next_year_complete(cast):
    holiday_set(day=date(2027, 1, 1), kind="holiday", name="元旦", actor=cast.office)
    assert calendar_warning(today=date(2026, 11, 29)) is not None
    holiday_year_mark(year=2027, complete=True, actor=cast.office)
    assert calendar_warning(today=date(2026, 11, 29)) is None


@pytest.mark.django_db
def test_office_edits_the_calendar_in_the_admin_and_it_is_audited(cast, page_as):
    client = page_as(cast.office)
    response = client.post(
        "/admin/core/holiday/add/", {"date": "2031-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    assert not is_working_day(date(2031, 10, 1))
    holiday = Holiday.objects.get()
    response = client.post(f"/admin/core/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert is_working_day(date(2031, 10, 1))
    assert AuditEntry.objects.filter(action="holiday.delete", actor_name="office").exists()


@pytest.mark.django_db
def test_only_the_office_may_open_the_holiday_admin(cast, page_as):
    cast.zhongshan.is_staff = True  # even a staff flag set by mistake does not open it
    cast.zhongshan.save()
    assert page_as(cast.zhongshan).get("/admin/core/holiday/").status_code in (302, 403)


# --- properties -----------------------------------------------------------------------------

days_2020_2032 = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(start=days_2020_2032, n=st.integers(min_value=0, max_value=60))
def test_adding_then_counting_gives_back_the_number(start, n):
    deadline = add_working_days(start, n)
    assert working_days_between(start, deadline) == n
    if n:
        assert is_working_day(deadline)
        assert working_days_between(start, deadline - timedelta(days=1)) == n - 1


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(a=days_2020_2032, b=days_2020_2032, c=days_2020_2032)
def test_counting_is_antisymmetric_and_additive(a, b, c):
    assert working_days_between(a, b) == -working_days_between(b, a)
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None)
@given(start=days_2020_2032, n=st.integers(min_value=1, max_value=30))
def test_stepping_back_lands_on_a_working_day(start, n):
    earlier = add_working_days(start, -n)
    assert earlier < start and is_working_day(earlier)
    forward = add_working_days(earlier, n)
    assert forward == start if is_working_day(start) else forward > start
