"""A year counts as covered by the holiday calendar only when the office marks its list
complete: one entered day says nothing about the other holidays of that year."""

from datetime import date

import pytest
from django.utils import translation

from wenming.core import calendar
from wenming.core.calendar import (
    add_working_days,
    calendar_warning,
    holiday_set,
    holiday_year_mark,
    is_working_day,
    working_days_between,
    year_has_data,
    years_without_data,
)
from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.models import AuditEntry, HolidayYear

YEAR = 2031  # a year chinese-calendar has no data for


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch):
    calendar.cache_clear()
    monkeypatch.setattr(calendar, "_PACKAGE_MAX", min(calendar._PACKAGE_MAX, 2026))
    yield
    calendar.cache_clear()


@pytest.mark.django_db
def test_one_entered_day_does_not_cover_its_year(cast):
    holiday_set(day=date(YEAR, 1, 1), kind="holiday", name="元旦", actor=cast.office)
    assert not year_has_data(YEAR)
    assert years_without_data([2026, YEAR]) == [YEAR]
    with translation.override("en"):
        text = calendar_warning(today=date(YEAR, 3, 1))
    assert text is not None and str(YEAR) in text and "complete" in text


@pytest.mark.django_db
def test_the_office_marks_a_year_complete_and_the_warning_goes(cast):
    holiday_set(day=date(YEAR, 10, 1), kind="holiday", name="国庆节", actor=cast.office)
    mark = holiday_year_mark(year=YEAR, complete=True, actor=cast.office)
    assert (mark.complete, mark.marked_by, mark.marked_at is not None) == (True, cast.office, True)
    assert year_has_data(YEAR) and years_without_data([YEAR]) == []
    assert calendar_warning(today=date(YEAR, 3, 1)) is None
    entry = AuditEntry.objects.get(action="holiday_year.mark")
    assert entry.data == {"year": YEAR, "complete": True, "before": False}

    holiday_year_mark(year=YEAR, complete=False, actor=cast.office)  # taken back
    assert not year_has_data(YEAR)
    assert calendar_warning(today=date(YEAR, 3, 1)) is not None


@pytest.mark.django_db
def test_deadlines_in_an_uncovered_year_count_monday_to_friday_apart_from_entered_days(cast):
    # As before the mark existed: the office's days win, the rest is Monday to Friday.
    holiday_set(day=date(YEAR, 10, 1), kind="holiday", name="国庆节", actor=cast.office)
    assert not year_has_data(YEAR)
    assert not is_working_day(date(YEAR, 10, 1))
    assert is_working_day(date(YEAR, 10, 2))  # a Thursday the office has not entered
    assert add_working_days(date(YEAR, 9, 30), 1) == date(YEAR, 10, 2)
    before = working_days_between(date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert before == 259
    # Marking the year complete changes coverage, not the days themselves.
    holiday_year_mark(year=YEAR, complete=True, actor=cast.office)
    assert working_days_between(date(YEAR, 1, 1), date(YEAR, 12, 31)) == before


@pytest.mark.django_db
def test_years_the_package_knows_are_covered_without_a_mark():
    assert year_has_data(2026) and not HolidayYear.objects.exists()


@pytest.mark.django_db
def test_only_the_office_marks_a_year_and_only_a_plausible_one(cast):
    with pytest.raises(NotAllowed):
        holiday_year_mark(year=YEAR, complete=True, actor=cast.zhongshan)
    for bad in (1800, 3000, "twenty"):
        with pytest.raises(InvalidInput):
            holiday_year_mark(year=bad, complete=True, actor=cast.office)
    assert not HolidayYear.objects.exists()
    assert not AuditEntry.objects.filter(action="holiday_year.mark").exists()


@pytest.mark.django_db
def test_the_office_marks_years_complete_from_the_holiday_admin(cast, page_as):
    client = page_as(cast.office)
    holiday = holiday_set(day=date(YEAR, 10, 1), kind="holiday", name="国庆节", actor=cast.office)
    response = client.post(
        "/admin/core/holiday/",
        {"action": "mark_years_complete", "_selected_action": [holiday.pk]},
    )
    assert response.status_code == 302
    assert year_has_data(YEAR)
    mark = HolidayYear.objects.get(year=YEAR)
    response = client.post(f"/admin/core/holidayyear/{mark.pk}/change/", {"complete": ""})
    assert response.status_code == 302
    assert not year_has_data(YEAR)
    assert AuditEntry.objects.filter(action="holiday_year.mark").count() == 2


@pytest.mark.django_db
def test_only_the_office_opens_the_holiday_year_admin(cast, page_as):
    cast.zhongshan.is_staff = True
    cast.zhongshan.save()
    assert page_as(cast.zhongshan).get("/admin/core/holidayyear/").status_code == 403
    assert page_as(cast.office).get("/admin/core/holidayyear/").status_code == 200
