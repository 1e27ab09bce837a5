"""The monthly briefing (Word with Chinese charts, Excel) and the exposure board."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook
from PIL import Image

from wenming.core.jobs import job_run
from wenming.core.models import AuditEntry, Job
from wenming.dashboards import aggregates, briefing, exposure
from wenming.dashboards.models import ExposureEvent
from wenming.problems import services
from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import HERE, closed, now_exif, photo, report
from wenming.problems.tests.test_metrics import scene  # noqa: F401

pytestmark = pytest.mark.django_db


def test_briefing_word_and_excel_in_the_worker(cast):
    closed(cast)
    aggregates.aggregates_refresh()
    month = f"{local_today():%Y-%m}"
    job = briefing.briefing_start(actor=cast.office, month=month, kind="docx")
    assert job_run(job_id=job.pk) == "done"
    job = Job.objects.get(pk=job.pk)
    data = job.result.read()
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        text = docx.read("word/document.xml").decode()
        images = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert "文明城市创建工作月度通报" in text and month in text
    assert images  # the charts
    xjob = briefing.briefing_start(actor=cast.office, month=month, kind="xlsx")
    assert job_run(job_id=xjob.pk) == "done"
    wb = load_workbook(io.BytesIO(Job.objects.get(pk=xjob.pk).result.read()))
    assert "各区" in wb.sheetnames


def test_chart_image_draws_chinese_with_the_packaged_font():
    font = briefing.cjk_font()
    assert "CJK" in font.get_name()
    png = briefing.chart_png(
        {
            "id": "s",
            "title": "问题状态分布",
            "kind": "pie",
            "empty": False,
            "columns": ["状态", "问题数"],
            "rows": [["已办结", 3], ["待处置", 2]],
        }
    )
    assert Image.open(io.BytesIO(png)).size[0] > 500


def test_briefing_is_for_the_office_and_not_for_the_future(cast):
    from wenming.core.errors import InvalidInput, NotAllowed

    for who in (cast.zhongshan, cast.urban, cast.inspector):
        with pytest.raises(NotAllowed):
            briefing.briefing_start(actor=who, month="2026-01", kind="docx")
    with pytest.raises(InvalidInput):
        briefing.briefing_start(actor=cast.office, month="2999-01", kind="docx")


def test_briefing_command(cast, tmp_path):
    out = io.StringIO()
    call_command("briefing", month=f"{local_today():%Y-%m}", out=str(tmp_path), stdout=out)
    names = sorted(p.name for p in tmp_path.glob("briefing-*"))
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "xlsx"]


def _with_before_photo(cast):
    p = report(cast.office, region=cast.zhongshan_community)
    services.problem_photo_add(
        problem=p, actor=cast.office, kind="before", upload=photo(5, taken=now_exif(), gps=HERE)
    )
    return p


def test_publish_and_withdraw_are_audited_and_the_photo_has_no_exif(cast, client):
    p = _with_before_photo(cast)
    shown = exposure.exposure_publish(actor=cast.office, problem_code=p.code, title="占道经营")
    page = client.get("/dashboards/exposure-board/")  # no login
    assert page.status_code == 200 and "占道经营".encode() in page.content
    assert p.reporter_phone.encode() not in page.content if p.reporter_phone else True
    image = client.get(f"/dashboards/exposure-board/{shown.pk}/before.jpg")
    assert image.status_code == 200
    picture = Image.open(io.BytesIO(b"".join(image.streaming_content)))
    assert not picture.getexif()
    exposure.exposure_withdraw(actor=cast.office, exposure_id=shown.pk, note="已整改完毕")
    assert client.get(f"/dashboards/exposure-board/{shown.pk}/before.jpg").status_code == 404
    assert "占道经营".encode() not in client.get("/dashboards/exposure-board/").content
    assert list(ExposureEvent.objects.values_list("action", flat=True)) == ["publish", "withdraw"]
    assert AuditEntry.objects.filter(action__startswith="exposure.").count() == 2


def test_only_the_office_publishes(cast):
    from wenming.core.errors import NotAllowed

    p = _with_before_photo(cast)
    with pytest.raises(NotAllowed):
        exposure.exposure_publish(actor=cast.zhongshan, problem_code=p.code)


# --- The ladder and the month's metrics, read back from the files ------------------------------
# The metrics scene of the problems app (problems/tests/test_metrics.py), worked out by hand
# there: in the month P just ended, Zhongshan has 4 problems due (A B C D), of which A closed
# on time (1 of 4 = 25.0 %) and A, D handled on time (2 of 4 = 50.0 %); Ganjingzi has E only
# (1 due, closed and handled on its deadline: 100.0 %, 100.0 %).


def _made(cast, month: str, kind: str) -> bytes:
    job = briefing.briefing_start(actor=cast.office, month=month, kind=kind)
    assert job_run(job_id=job.pk) == "done"
    return Job.objects.get(pk=job.pk).result.read()


def _ladder_table(data: bytes) -> list[list[str]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    # The worker writes in the site's language (zh-hans): the ladder's header names the months.
    tables = [t for t in doc.tables if [c.text for c in t.rows[0].cells][2:3] == ["连续垫底月数"]]
    assert len(tables) == 1
    return [[c.text for c in row.cells] for row in tables[0].rows]


def test_briefing_ladder_once_twice_three_times(cast, scene):  # noqa: F811
    """Zhongshan (55.00) under Ganjingzi (100.00) three published months in a row (the due
    problems moved to each month in turn): 1 → talk with a city leader (市领导约谈),
    2 → organisation department (移交组织部门), 3 → accountability (问责), the default ladder."""
    from datetime import date

    from wenming.problems.models import Problem
    from wenming.scoring import services as scoring
    from wenming.scoring.models import Tier
    from wenming.scoring.services.snapshots import previous_month

    row = scoring.settings_get()
    row.min_problems_due = 1
    row.save()
    last = date.fromisoformat(f"{scene.label}-01")
    months = [previous_month(previous_month(last)), previous_month(last), last]
    due = list(Problem.objects.filter(deadline__month=last.month).values_list("pk", flat=True))
    expected = {1: "市领导约谈", 2: "移交组织部门", 3: "问责"}
    for streak, month in enumerate(months, start=1):
        Problem.objects.filter(pk__in=due).update(deadline=month.replace(day=10))
        snapshot = scoring.snapshot_compute(month=f"{month:%Y-%m}", actor=cast.office)
        scoring.snapshot_publish(snapshot=snapshot, actor=cast.office)
        table = _ladder_table(_made(cast, f"{month:%Y-%m}", "docx"))
        # "Subject" is the problems' 小类 elsewhere: the briefing says 对象 (its own context).
        assert table[0][0] == "对象"
        rows = {r[0]: r for r in table[1:]}
        _name, tier, months_at_bottom, step = rows["中山区"]
        assert (months_at_bottom, step) == (str(streak), expected[streak])
        with translation.override("zh-hans"):
            assert tier == str(Tier.DISTRICT.label)
        assert "甘井子区" not in rows  # the top of the tier is not on the ladder


def test_briefing_workbook_month_metrics(cast, scene):  # noqa: F811
    aggregates.aggregates_rebuild()
    wb = load_workbook(io.BytesIO(_made(cast, scene.label, "xlsx")))
    sheet = wb.worksheets[0]  # the districts
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # The month as a date shown as one (a month sorts and filters as a date).
    assert rows[0][:2] == ["月份", dt.datetime.strptime(scene.label, "%Y-%m")]
    assert sheet["B1"].number_format == "yyyy-mm"
    # Counts, not the problems' dates (上报时间, 结案时间 before the header had its context).
    assert rows[1][1:3] == ["上报数", "办结数"] and len(rows[1]) == 7
    by_name = {r[0]: r[1:] for r in rows[2:]}
    # Reported in P: Zhongshan A B C D F G H, the flagged one and the rejected spam = 9;
    # closed in P: A (day 9) and B (day 12) = 2; due 4; on time 25.0 % and 50.0 %; overdue now:
    # C alone (in progress, its deadline the 10th of P; F is on hold, G and the flagged one are
    # due in 40 days, H's deadline came with its dispatch today).
    assert by_name["中山区"] == [9, 2, 4, 25.0, 50.0, 1]
    # Ganjingzi: E, reported, closed and due in P, on its deadline.
    assert by_name["甘井子区"] == [1, 1, 1, 100.0, 100.0, 0]


def test_a_leader_downloads_the_monthly_briefing(cast, page_as, settings, tmp_path):
    """journeys.md: the leader downloads the monthly briefing in Word on Friday. The button
    and the page were the office's only (403 for the leader)."""
    settings.MEDIA_ROOT = tmp_path
    leader = page_as(cast.leader)
    assert 'data-testid="briefing-link"' in leader.get("/dashboards/").content.decode()
    # The form offers the month just ended.
    last_month = local_today().replace(day=1) - dt.timedelta(days=1)
    assert f'value="{last_month:%Y-%m}"' in leader.get("/dashboards/briefing/").content.decode()
    month = f"{local_today():%Y-%m}"
    queued = leader.post("/dashboards/briefing/", {"month": month, "kind": "docx"})
    assert queued.status_code == 302
    job = Job.objects.get(owner=cast.leader)
    assert job_run(job_id=job.pk) == "done"
    download = leader.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    zhongshan = page_as(cast.zhongshan)
    assert 'data-testid="briefing-link"' not in zhongshan.get("/dashboards/").content.decode()
    assert zhongshan.get("/dashboards/briefing/").status_code == 403
