"""The briefing's documents as a reader gets them: A4 Word pages, the asker's language, and a
workbook whose sheets are named by their charts, with headers, widths and real dates."""

import datetime as dt
import io

import docx
import pytest
from django.utils import translation
from openpyxl import load_workbook

from wenming.core.models import Job, JobStatus
from wenming.core.tests.wordfile_checks import assert_chinese_a4
from wenming.dashboards import aggregates, briefing
from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import closed
from wenming.testing.storage import isolate_media
from wenming.testing.tasks import run_worker

pytestmark = pytest.mark.django_db

CHART_CODES = {"status", "category", "place", "weekly", "overdue", "on_time", "ranking"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)


@pytest.fixture
def month(cast):
    closed(cast)
    aggregates.aggregates_refresh()
    return f"{local_today():%Y-%m}"


def _made(job) -> bytes:
    run_worker()
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE, job.message
    with job.result.open("rb") as handle:
        return handle.read()


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def _chart_titles(actor, month) -> list[str]:
    charts = briefing.briefing_data(actor=actor, month=month)["dashboard"]["charts"]
    return [chart["title"] for chart in charts]


def test_the_word_briefing_is_a4_chinese_with_page_numbers(cast, month):
    assert_chinese_a4(_made(briefing.briefing_start(actor=cast.office, month=month, kind="docx")))


def test_an_english_speaking_office_user_gets_the_briefing_in_english(cast, month, page_as):
    office = page_as(cast.office)
    office.cookies["wenming_language"] = "en"
    for kind in ("xlsx", "docx"):
        assert (
            office.post("/dashboards/briefing/", {"month": month, "kind": kind}).status_code == 302
        )
    xlsx, word = (Job.objects.get(kind=kind) for kind in (briefing.XLSX, briefing.DOCX))
    book = _book(_made(xlsx))
    with translation.override("en"):
        titles = _chart_titles(cast.office, month)
    assert book.sheetnames == ["Districts", *(t[:31] for t in titles)]
    assert "Problems by status" in book.sheetnames
    assert [c.value for c in book["Districts"][2]][:2] == ["District", "Reported"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(_made(word))).paragraphs)
    assert f"Monthly briefing of the Civilized City Campaign, {month}" in text


def test_the_workbook_names_its_sheets_by_their_charts_in_the_askers_language(cast, month):
    book = _book(_made(briefing.briefing_start(actor=cast.office, month=month, kind="xlsx")))
    with translation.override("zh-hans"):
        titles = _chart_titles(cast.office, month)
    assert book.sheetnames == ["各区", *titles]
    assert "问题状态分布" in book.sheetnames
    assert not CHART_CODES & set(book.sheetnames)


def test_every_sheet_has_a_bold_frozen_header_and_fitted_columns(cast, month):
    book = _book(_made(briefing.briefing_start(actor=cast.office, month=month, kind="xlsx")))
    for ws in book.worksheets:
        assert ws.freeze_panes == "A3", ws.title
        assert all(cell.font.bold for cell in ws[2] if cell.value is not None), ws.title
        widths = [ws.column_dimensions[c[0].column_letter].width for c in ws.iter_cols()]
        assert all(briefing.WIDTH_MIN <= w <= briefing.WIDTH_MAX for w in widths), ws.title
    districts = book.worksheets[0]
    # 中山区: the names column fits a Chinese name; the first figures column its header.
    assert districts.column_dimensions["A"].width >= 2 * len("中山区")
    assert districts.column_dimensions["E"].width >= len(districts["E2"].value)


def test_weeks_and_months_are_dates(cast, month):
    book = _book(_made(briefing.briefing_start(actor=cast.office, month=month, kind="xlsx")))
    ids = [
        c["id"]
        for c in briefing.briefing_data(actor=cast.office, month=month)["dashboard"]["charts"]
    ]
    weekly, on_time = (book.worksheets[1 + ids.index(i)] for i in ("weekly", "on_time"))
    weeks = [row[0] for row in weekly.iter_rows(min_row=3)]
    assert weeks and all(isinstance(c.value, dt.datetime) for c in weeks)
    assert all(c.value.weekday() == 0 and c.number_format == "yyyy-mm-dd" for c in weeks)
    months = [row[0] for row in on_time.iter_rows(min_row=3)]
    assert months[-1].value == dt.datetime.strptime(month, "%Y-%m")
    assert all(c.number_format == "yyyy-mm" for c in months)
    assert book.worksheets[0]["B1"].value == dt.datetime.strptime(month, "%Y-%m")


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("问题状态分布", set(), "问题状态分布"),
        ("On-time rates of the problems due", set(), "On-time rates of the problems d"),
        ("Ranking: 2026/10 [draft]?", set(), "Ranking 2026 10 draft"),
        ("'quoted'", set(), "quoted"),
        ("各区", {"各区"}, "各区 (2)"),
        ("A" * 40, {"a" * 31}, "A" * 27 + " (2)"),
    ],
    ids=["chinese", "too-long", "forbidden", "apostrophes", "taken", "taken-whatever-the-case"],
)
def test_a_sheet_name_is_one_excel_accepts(title, taken, expected):
    name = briefing.sheet_name(title, taken)
    assert name == expected and len(name) <= 31
    assert name.casefold() in taken
