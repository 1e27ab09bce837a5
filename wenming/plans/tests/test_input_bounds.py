"""Bad input a reviewer sent to a demo instance: each is a 4xx with the reason in the reader's
language, and nothing is written, listed or exported as if it had not been sent.

- a campaign's cycle years (a 20-digit year was a 500; 9999999 was stored);
- a progress report's date and text (0001-01-01 and 100,000 characters were stored);
- the task ledger's Excel and filters (a bad filter exported everything), the letters'
  target (one that is not an id made every letter);
- the Excel's words (TRUE/FALSE for overdue; "、" between English labels).
"""

import datetime
import io

import openpyxl
import pytest

from wenming.core.models import Job
from wenming.plans.models import Campaign, Status, Task, TaskProgress
from wenming.plans.services import tasks as task_services

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


# ---------------------------------------------------------------- campaign cycle years


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (2027, 99999999999999999999, "周期年份应在 2000 至 2100 年之间。"),
        (2027, 2**63, "周期年份应在 2000 至 2100 年之间。"),
        (2027, 9999999, "周期年份应在 2000 至 2100 年之间。"),
        (2**63, 2029, "周期年份应在 2000 至 2100 年之间。"),
        (1999, 2001, "周期年份应在 2000 至 2100 年之间。"),
        (2027, 2026, "周期结束年不能早于起始年。"),
        (2027, 2030, "创建周期最长 3 年，与全国测评周期相同。"),
    ],
)
def test_a_campaigns_cycle_years_are_checked_alike(cast, api_as, system, start, end, message):
    body = {
        "name": "县级市周期",
        "region": cast.zhongshan_district.code,
        "system": system.code,
        "cycle_start_year": start,
        "cycle_end_year": end,
    }
    refused = api_as(cast.office).post("campaigns", body)
    assert refused.status_code == 400
    assert refused.json() == {"error": "bad_cycle", "message": message}
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(("start", "end"), [(2027, 2027), (2027, 2029), (2000, 2002), (2098, 2100)])
def test_a_cycle_of_one_to_three_years_in_range_is_accepted(cast, api_as, system, start, end):
    body = {
        "name": "周期",
        "region": cast.city.code,
        "system": system.code,
        "cycle_start_year": start,
        "cycle_end_year": end,
    }
    assert api_as(cast.office).post("campaigns", body).status_code == 201


def test_the_campaign_form_refuses_a_long_cycle_with_the_reason(cast, page_as, system):
    refused = page_as(cast.office).post(
        "/plans/campaigns/",
        {
            "name": "周期",
            "region": cast.city.pk,
            "system": system.pk,
            "cycle_start_year": "2027",
            "cycle_end_year": "9999999",
            "competition_group": "prefecture",
        },
    )
    assert refused.status_code == 400 and "周期年份应在 2000 至 2100 年之间。" in refused.text
    assert not Campaign.objects.exists()


# ---------------------------------------------------------------- progress reports


def _nothing_reported(task):
    assert not TaskProgress.objects.filter(task=task).exists()
    assert Task.objects.get(pk=task.pk).status == Status.NOT_STARTED


def test_a_progress_report_cannot_be_dated_before_its_task_began(cast, api_as, urban_task):
    first = urban_task.start.isoformat()
    refused = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress",
        {"percent": "10", "text": "开始清扫", "reported_on": "0001-01-01"},
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "before_start",
        "message": f"进度报告日期不能早于任务开始日期（{first}）。",
    }
    _nothing_reported(urban_task)
    day_before = (urban_task.start - datetime.timedelta(days=1)).isoformat()
    again = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress", {"percent": "10", "text": "x", "reported_on": day_before}
    )
    assert again.status_code == 400
    _nothing_reported(urban_task)
    on_the_day = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress", {"percent": "10", "text": "x", "reported_on": first}
    )
    assert on_the_day.status_code == 201


def test_a_task_set_before_its_start_takes_reports_from_the_day_it_was_set(cast, campaign):
    """A unit may begin before the start it was given: a report made the day a task is set
    is not refused because the start is later."""
    task = task_services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="提前开展",
        lead_unit=cast.urban_unit,
        start=TODAY + datetime.timedelta(days=10),
        deadline=TODAY + datetime.timedelta(days=40),
    )
    assert task_services.progress_first_day(task) == TODAY
    task_services.task_progress_report(actor=cast.urban, task=task, percent=5, text="已启动")
    assert TaskProgress.objects.filter(task=task).count() == 1


def test_a_progress_reports_text_has_a_stated_limit(cast, api_as, page_as, urban_task):
    refused = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress", {"percent": "10", "text": "字" * 100_000}
    )
    assert refused.status_code == 400 and refused.json()["error"] == "text_too_long"
    assert "4000" in refused.json()["message"]
    _nothing_reported(urban_task)
    page = page_as(cast.urban).post(
        f"/plans/tasks/{urban_task.pk}/progress/", {"percent": "10", "text": "字" * 4001}
    )
    assert page.status_code == 400 and 'data-testid="progress-error"' in page.text
    assert "工作说明最多 4000 个字符" in page.text
    _nothing_reported(urban_task)
    at_the_limit = api_as(cast.urban).post_multipart(
        f"tasks/{urban_task.pk}/progress", {"percent": "10", "text": "字" * 4000}
    )
    assert at_the_limit.status_code == 201


def test_the_progress_form_refuses_an_old_date_with_the_reason(cast, page_as, urban_task):
    page = page_as(cast.urban).post(
        f"/plans/tasks/{urban_task.pk}/progress/",
        {"percent": "10", "text": "x", "reported_on": "0001-01-01"},
    )
    assert page.status_code == 400 and "进度报告日期不能早于任务开始日期" in page.text
    _nothing_reported(urban_task)
    form = page_as(cast.urban).get(f"/plans/tasks/{urban_task.pk}/")
    assert f'min="{urban_task.start.isoformat()}"' in form.text and 'maxlength="4000"' in form.text


# ---------------------------------------------------------------- ledger filters and export


BAD_FILTERS = [
    ({"status": "bogus"}, "未知状态：bogus。"),
    ({"unit": "abc"}, "筛选条件“单位”不是有效的编号：abc。"),
    ({"campaign": "abc"}, "筛选条件“创建周期”不是有效的编号：abc。"),
    ({"region": "99999999999999999999"}, "筛选条件“区域”不是有效的编号：99999999999999999999。"),
    ({"missing": "xyz"}, "未知的落实项：xyz。"),
    ({"overdue": "maybe"}, "筛选条件“已超期”只能是 1 或 0，不能是 maybe。"),
]


@pytest.mark.parametrize(("query", "message"), BAD_FILTERS)
def test_the_ledger_excel_refuses_a_bad_filter(cast, page_as, urban_task, query, message):
    response = page_as(cast.office).get("/plans/export.xlsx", query)
    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"].startswith("text/html")
    assert message in response.text and urban_task.title not in response.text


@pytest.mark.parametrize(("query", "message"), BAD_FILTERS)
def test_the_ledger_page_refuses_a_bad_filter(cast, page_as, urban_task, query, message):
    response = page_as(cast.office).get("/plans/", query)
    assert response.status_code == 400
    assert 'data-testid="filter-error"' in response.text and message in response.text
    assert urban_task.title not in response.text


def test_a_refused_filter_speaks_english_on_switch(cast, page_as, urban_task):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "en"
    response = client.get("/plans/export.xlsx", {"overdue": "maybe"})
    assert response.status_code == 400
    assert "The Overdue filter is 1 or 0, not maybe." in response.text


def test_good_filters_still_export(cast, page_as, urban_task, education_task):
    client = page_as(cast.office)
    for query in (
        {"overdue": "0"},
        {"overdue": "", "status": "", "unit": ""},
        {"status": "not_started"},
    ):
        response = client.get("/plans/export.xlsx", query)
        assert response.status_code == 200
        assert len(_sheet(response)) == 3
    only = client.get("/plans/export.xlsx", {"unit": cast.education_unit.pk})
    assert [row[1] for row in _sheet(only)[1:]] == [education_task.title]


def test_making_letters_refuses_a_target_that_is_not_an_id(cast, page_as, campaign):
    office = page_as(cast.office)
    url = f"/plans/campaigns/{campaign.pk}/letters/make/"
    for target in ("abc", "-1", "0", "99999999999999999999"):
        refused = office.post(url, {"holder": "unit", "target": target})
        assert refused.status_code == 400 and "未知的单位或地区。" in refused.text
    assert not Job.objects.exists()


# ---------------------------------------------------------------- the Excel's words


def _sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def late_task(cast, campaign):
    return task_services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="已超期任务",
        description="x",
        lead_unit=cast.urban_unit,
        start=TODAY - datetime.timedelta(days=60),
        deadline=TODAY - datetime.timedelta(days=5),
    )


def test_the_excel_says_overdue_in_words_and_joins_in_the_readers_language(
    cast, page_as, urban_task, late_task
):
    client = page_as(cast.office)
    rows = {row[1]: row for row in _sheet(client.get("/plans/export.xlsx"))[1:]}
    assert rows[late_task.title][9] == "是" and rows[urban_task.title][9] == "否"
    assert rows[urban_task.title][10] == "人员落实、进度落实、效果落实"
    client.cookies["wenming_language"] = "en"
    rows = {row[1]: row for row in _sheet(client.get("/plans/export.xlsx"))[1:]}
    assert rows[late_task.title][9] == "Yes" and rows[urban_task.title][9] == "No"
    assert rows[urban_task.title][10] == "Personnel, Progress, Effect"
