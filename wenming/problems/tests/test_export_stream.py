"""The ledger's Excel export: a real workbook, streamed from the first row, scoped.

The view is not wired to the streaming response yet, so a test-only URLconf serves
`ledger_xlsx_response` the way the view is to call it.
"""

import io
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.urls import include, path
from django.utils import timezone, translation
from openpyxl import load_workbook

from wenming.problems import export, selectors
from wenming.problems.models import Problem, Status

from .factories import closed, dispatched, report


def _export_view(request):
    found = selectors.ledger_filter(actor=request.user, params=request.GET)
    qs = selectors.ledger_queryset(actor=request.user, f=found)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export.ledger_xlsx_response(qs, filename=f"问题台账-{stamp}.xlsx")


# The site's own URLs too: creating problems reverses them for notifications.
urlpatterns = [
    path("stream/export.xlsx", login_required(_export_view)),
    path("", include("wenming.urls")),
]


def _ledger(actor, **params):
    return selectors.ledger_queryset(
        actor=actor, f=selectors.ledger_filter(actor=actor, params=params)
    )


def _bytes(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def _by_field(sheet, number: int) -> dict:
    fields = [field for _label, field, _width in export._columns()]
    return dict(zip(fields, sheet[number], strict=True))


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def test_the_office_downloads_a_real_workbook_with_types_pane_and_widths(cast):
    done = closed(cast, title="中山路井盖缺失", address="天津街8号")
    late = dispatched(cast, title="垃圾桶满溢")
    Problem.objects.filter(pk=late.pk).update(deadline=date(2026, 3, 4))
    done.refresh_from_db()
    data = _bytes(export.ledger_xlsx_response(_ledger(cast.office), filename="x.xlsx"))

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        } <= set(package.namelist())
        assert b"sharedStrings" not in package.read("[Content_Types].xml")

    sheet = _sheet(data)
    assert sheet.title == "问题台账"
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["编号", "标题", "状态"] and len(header) == 24
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 16
    assert sheet.column_dimensions["B"].width == 40

    # Newest first: the dispatched problem, then the closed one.
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert codes == [late.code, done.code]
    row = _by_field(sheet, 3)
    assert row["title"].value == "中山路井盖缺失" and row["address"].value == "天津街8号"
    assert row["status"].value == str(Status.CLOSED.label) == "已结案（销号）"
    assert row["responsible_unit__name"].value == cast.urban_unit.name
    reported = row["created_at"]
    assert reported.is_date and reported.number_format == "yyyy-mm-dd hh:mm"
    assert reported.value == _local(done.created_at)
    assert row["closed_at"].value == _local(done.closed_at)
    assert isinstance(row["rework_count"].value, int) and row["rework_count"].value == 0
    assert isinstance(row["lat"].value, float) and row["lat"].value == pytest.approx(done.lat)
    other = _by_field(sheet, 2)
    assert other["deadline"].is_date and other["deadline"].number_format == "yyyy-mm-dd"
    assert other["deadline"].value == datetime(2026, 3, 4)
    assert other["closed_at"].value is None  # an empty cell, not "None"


def test_the_response_is_a_streamed_attachment_with_the_chinese_name(cast):
    response = export.ledger_xlsx_response(
        _ledger(cast.office), filename="问题台账-20260304-0930.xlsx"
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == export.CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''%E9%97%AE%E9%A2%98%E5%8F%B0%E8%B4%A6-20260304-0930.xlsx" in disposition
    assert "Content-Length" not in response
    plain = export.ledger_xlsx_response(_ledger(cast.office), filename="ledger.xlsx")
    assert plain["Content-Disposition"] == 'attachment; filename="ledger.xlsx"'


def test_the_first_chunk_leaves_before_the_query_runs(cast, django_assert_num_queries):
    report(cast.office, region=cast.zhongshan_community)
    chunks = export.ledger_xlsx_chunks(_ledger(cast.office))
    with django_assert_num_queries(0):
        first = next(chunks)
    assert first.startswith(b"PK")
    rest = b"".join(chunks)
    assert len(_rows(first + rest)) == 2


def test_chunks_flow_while_the_rows_are_still_being_read():
    total = 3000
    read = 0

    def rows():
        nonlocal read
        for i in range(total):
            read += 1
            yield (f"WM2026-{i:06d}", f"问题 {i} & <更多>", i, 38.9 + i / 1e4)

    columns = [("Code", "code", 16), ("Title", "title", 40), ("Count", "n", 8), ("Lat", "lat", 11)]
    seen_at = []
    data = b""
    for chunk in export.xlsx_chunks(
        rows(), columns=columns, labels={}, title="t", tz=ZoneInfo("Asia/Shanghai"), chunk_size=1024
    ):
        seen_at.append(read)
        data += chunk
    assert seen_at[0] == 0  # the download started before the first row was read
    assert any(0 < n < total for n in seen_at[1:])  # and went on while rows were read
    rows_back = _rows(data)
    assert len(rows_back) == total + 1
    assert rows_back[-1] == (
        f"WM2026-{total - 1:06d}",
        f"问题 {total - 1} & <更多>",
        total - 1,
        39.1999,
    )


def test_control_characters_in_user_text_and_title_do_not_break_the_file(cast):
    problem = report(cast.office, region=cast.zhongshan_community)
    Problem.objects.filter(pk=problem.pk).update(
        title="井盖\x01缺失\x08\x0b\x1f\ufffe", address=" 天津街\t8号 "
    )
    response = export.ledger_xlsx_response(
        _ledger(cast.office), filename="x.xlsx", title="台账[1]:*?/\\\x07 2026"
    )
    data = _bytes(response)
    sheet = _sheet(data)
    assert sheet.title == "台账 1 2026"
    assert sheet["B2"].value == "井盖缺失"
    assert sheet["J2"].value == " 天津街\t8号 "  # whitespace kept as typed


def test_labels_and_language_are_those_of_the_request_even_when_sent_later(cast):
    dispatched(cast)
    with translation.override("en"):
        response = export.ledger_xlsx_response(_ledger(cast.office), filename="x.xlsx")
    with translation.override("zh-hans"):
        rows = _rows(_bytes(response))
    assert rows[0][:3] == ("Code", "Title", "Status")
    assert rows[1][2] == "Dispatched" and rows[1][10] == cast.urban_unit.name_en


def test_the_export_is_capped_newest_first(cast, monkeypatch):
    first = report(cast.office, region=cast.zhongshan_community, title="一")
    second = report(cast.office, region=cast.zhongshan_community, title="二")
    third = report(cast.office, region=cast.zhongshan_community, title="三")
    now = timezone.now()
    for age, problem in enumerate([third, second, first]):
        Problem.objects.filter(pk=problem.pk).update(created_at=now - timedelta(hours=age))
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    rows = _rows(_bytes(export.ledger_xlsx_response(_ledger(cast.office), filename="x.xlsx")))
    assert [r[0] for r in rows[1:]] == [third.code, second.code]


@pytest.mark.urls(__name__)
def test_a_district_officers_download_holds_only_their_district(cast, page_as):
    zs = dispatched(cast, title="中山区垃圾桶满溢")
    gjz = dispatched(cast, title="甘井子区乱停车", place=cast.ganjingzi_community)
    office = page_as(cast.office).get("/stream/export.xlsx")
    assert office.status_code == 200 and office.streaming
    assert sorted(r[0] for r in _rows(_bytes(office))[1:]) == sorted([zs.code, gjz.code])
    mine = page_as(cast.ganjingzi).get("/stream/export.xlsx")
    assert [r[0] for r in _rows(_bytes(mine))[1:]] == [gjz.code]
    theirs = page_as(cast.zhongshan).get("/stream/export.xlsx", {"q": gjz.code})
    assert _rows(_bytes(theirs))[1:] == []


def test_write_ledger_xlsx_still_gives_a_file(cast):
    problem = report(cast.office, region=cast.zhongshan_community)
    with export.write_ledger_xlsx(_ledger(cast.office)) as target:
        rows = _rows(target.read())
    assert [r[0] for r in rows[1:]] == [problem.code]
