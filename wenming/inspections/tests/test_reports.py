"""Round reports: made by the worker, real .xlsx/.docx whose figures are the round summary's."""

import io

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext

from wenming.core.errors import InvalidInput, NotAllowed, NotFound
from wenming.core.models import Job, JobStatus
from wenming.core.tests.wordfile_checks import assert_chinese_a4
from wenming.inspections import reports, selectors, services
from wenming.inspections.models import Visit
from wenming.org.roles import Role
from wenming.problems.tests.factories import photo
from wenming.testing.factories import PersonFactory, UnitFactory
from wenming.testing.tasks import run_worker


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def answer_visit(cast, visit, fail=(), n=0, actor=None):
    """Start, answer (failing `fail`, each with a photo) and submit a visit as `actor` (the
    inspector unless said)."""
    actor = actor or cast.inspector
    services.visit_start(actor=actor, visit=visit)
    codes = [i.code for i in services.visits.checklist_of(visit)]
    services.visit_answers_save(
        actor=actor,
        visit=visit,
        answers=[
            {"item": c, "answer": "fail" if c in fail else "pass", "client_id": f"{visit.pk}-{c}"}
            for c in codes
        ],
    )
    for k, code in enumerate(fail):
        services.visit_photo_add(
            actor=actor,
            visit=visit,
            item_code=code,
            upload=photo(n + k + 1),
            client_id=f"p-{visit.pk}-{code}",
        )
    return services.visit_submit(actor=actor, visit=visit)


@pytest.fixture
def answered(cast, drawn, media):
    """Three visits submitted: one market with a failure, one market clean, the school failed."""
    visits = {v.point.code: v for v in Visit.objects.filter(round=drawn).select_related("point")}
    answer_visit(cast, visits["ZS-MKT-1"], fail=("MARKET-01",), n=1)
    answer_visit(cast, visits["GJZ-MKT-1"])
    answer_visit(cast, visits["ZS-SCH-1"], fail=("SCHOOL-01",), n=5)
    return drawn


def _made(job) -> bytes:
    assert run_worker() >= 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.total > 0 and job.done == job.total  # progress was reported to the end
    with default_storage.open(job.result.name, "rb") as handle:
        return handle.read()


def _summary_sheet(book) -> dict:
    return {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}


def test_the_excel_report_reopens_with_the_round_summary_figures(cast, answered):
    with translation.override("en"):
        job = reports.round_report_start(actor=cast.office, round_=answered, kind="xlsx")
    assert job.owner == cast.office and job.kind == reports.XLSX
    book = openpyxl.load_workbook(io.BytesIO(_made(job)))
    assert book.sheetnames == ["Summary", "Visits", "Item results", "Problems"]
    summary = selectors.round_summary(actor=cast.office, round_=answered)
    figures = _summary_sheet(book)
    assert figures["Visits"] == summary.visits == 3
    assert figures["Field score"] == float(summary.field_score)
    assert figures["Score rate (%)"] == float(summary.score_rate)
    assert round(figures["Estimated field score"], 2) == round(summary.estimate.score, 2)
    visits = list(book["Visits"].iter_rows(values_only=True))
    assert visits[0][0] == "Point code" and len(visits) == 4
    scores = {row[0]: row[11] for row in visits[1:]}
    for visit in Visit.objects.filter(round=answered).select_related("point"):
        assert scores[visit.point.code] == float(visit.score)
    items = list(book["Item results"].iter_rows(values_only=True))
    assert len(items) == 1 + 9  # three items on each of three visits
    problems = list(book["Problems"].iter_rows(values_only=True))[1:]
    assert sorted(p[4] for p in problems) == ["MARKET-01", "SCHOOL-01"]
    failed = {r[1]: r[9] for r in items[1:] if r[4] == "Fail"}
    assert set(failed.values()) == {p[0] for p in problems}  # each failure names its problem


def test_a_note_typed_as_a_formula_stays_text(cast, drawn, media):
    """An inspector's note `=HYPERLINK(…)` was written as a live formula (a link in the office's
    workbook)."""
    visit = Visit.objects.filter(round=drawn).select_related("point").first()
    services.visit_start(actor=cast.inspector, visit=visit)
    typed = '=HYPERLINK("http://x.example","详情")'
    services.visit_answers_save(
        actor=cast.inspector,
        visit=visit,
        answers=[
            {"item": item.code, "answer": "pass", "note": typed, "client_id": f"n-{item.code}"}
            for item in services.visits.checklist_of(visit)
        ],
    )
    services.visit_submit(actor=cast.inspector, visit=visit)
    job = reports.round_report_start(actor=cast.office, round_=drawn, kind="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(_made(job)))
    notes = [row[8] for row in book.worksheets[2].iter_rows(min_row=2)]
    assert notes and {(cell.value, cell.data_type) for cell in notes} == {(typed, "s")}


def test_headers_follow_the_language_of_the_person_who_asked(cast, answered):
    with translation.override("zh-hans"):
        job = reports.round_report_start(actor=cast.office, round_=answered, kind="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(_made(job)))
    with translation.override("zh-hans"):
        names = [gettext(n) for n in ("Summary", "Visits", "Item results", "Problems")]
    assert book.sheetnames == names and "逐项结果" in names
    assert book["逐项结果"]["A1"].value == "点位编码"


def test_the_word_report_has_the_scores_failures_photos_and_estimate(cast, answered):
    answered.pass_threshold = 80
    answered.save()
    with translation.override("en"):
        job = reports.round_report_start(actor=cast.office, round_=answered, kind="docx")
    document = docx.Document(io.BytesIO(_made(job)))
    text = "\n".join(p.text for p in document.paragraphs)
    summary = selectors.round_summary(actor=cast.office, round_=answered)
    assert f"Field score: {summary.field_score:.2f}." in text
    assert f"Estimated field score {summary.estimate.score:.2f}" in text
    assert "Chance of clearing 80" in text
    by_type, by_district, failed, strata = document.tables
    rows = [[c.text for c in row.cells] for row in by_type.rows][1:]
    assert [(r[2], r[3]) for r in rows] == [
        (str(line.visits), f"{line.score:.2f}") for line in summary.types
    ]
    districts = {r.cells[0].text: r.cells[2].text for r in by_district.rows[1:]}
    assert set(districts) == {"中山区", "甘井子区"}
    gjz = Visit.objects.get(round=answered, point__code="GJZ-MKT-1")
    assert districts["甘井子区"] == f"{gjz.score:.2f}"  # one market: its own score
    assert sorted(int(r.cells[2].text) for r in failed.rows[1:]) == [1, 1]
    assert len(document.inline_shapes) == 2  # the photo of each failed item
    assert [int(r.cells[2].text) for r in strata.rows[1:]] == [s["n"] for s in summary.strata]


def test_a_region_officer_gets_the_report_of_their_subtree_only(cast, answered):
    with translation.override("en"):
        job = reports.round_report_start(actor=cast.zhongshan, round_=answered, kind="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(_made(job)))
    summary = selectors.round_summary(actor=cast.zhongshan, round_=answered)
    figures = _summary_sheet(book)
    assert figures["Visits"] == summary.visits == 2
    assert figures["Field score"] == float(summary.field_score)
    assert "Estimated field score" not in figures  # the estimate needs the whole round
    codes = {row[0] for row in book["Visits"].iter_rows(min_row=2, values_only=True)}
    assert codes == {"ZS-MKT-1", "ZS-SCH-1"}
    problems = list(book["Problems"].iter_rows(min_row=2, values_only=True))
    assert {p[3] for p in problems} == {"ZS-MKT-1", "ZS-SCH-1"}
    with translation.override("en"):
        job = reports.round_report_start(actor=cast.ganjingzi, round_=answered, kind="docx")
    document = docx.Document(io.BytesIO(_made(job)))
    assert len(document.inline_shapes) == 0  # Ganjingzi's visit failed nothing
    assert [r.cells[0].text for r in document.tables[1].rows[1:]] == ["甘井子区"]


def test_who_may_ask_for_a_report(cast, answered, system):
    for person in (cast.inspector, cast.evaluator):
        with pytest.raises(NotAllowed):
            reports.round_report_start(actor=person, round_=answered, kind="xlsx")
    with pytest.raises(InvalidInput):
        reports.round_report_start(actor=cast.office, round_=answered, kind="pdf")
    # A unit with no point in the round does not see it: not found, no job.
    outsider = PersonFactory(
        username="civil", role=Role.UNIT_OFFICER, unit=UnitFactory(code="CIVIL", name="民政局")
    )
    with pytest.raises(NotFound):
        reports.round_report_start(actor=outsider, round_=answered, kind="xlsx")
    assert not Job.objects.exists()
    assert reports.round_report_start(actor=cast.leader, round_=answered, kind="docx")


@pytest.fixture
def split(cast, system, media):
    """A round whose markets are sampled district by district, every visit answered."""
    from datetime import date

    from wenming.standards.models import PointType

    types = {t.code: t for t in PointType.objects.filter(code__in=["MARKET", "SCHOOL"])}
    round_ = services.round_create(
        actor=cast.office,
        code="R-D",
        name="R-D",
        kind="supervision",
        system=system,
        regions=[cast.city],
        opens_on=date(2026, 1, 1),
        closes_on=date(2099, 12, 31),
        plans=[
            {"point_type": types["MARKET"], "by_district": True},
            {"point_type": types["SCHOOL"]},
        ],
        seed=1,
    )
    services.round_draw(actor=cast.office, round_=round_, teams=[[cast.inspector]])
    for n, visit in enumerate(Visit.objects.filter(round=round_).select_related("point")):
        answer_visit(cast, visit, n=10 * n)
    return round_


def test_the_word_estimate_names_the_point_types_and_districts(cast, split):
    """Its last table showed the codes (BACK_STREET, 210202) the estimate is keyed by."""
    with translation.override("zh-hans"):
        job = reports.round_report_start(actor=cast.office, round_=split, kind="docx")
    strata = docx.Document(io.BytesIO(_made(job))).tables[-1]
    shown = [(row.cells[0].text, row.cells[1].text) for row in strata.rows[1:]]
    summary = selectors.round_summary(actor=cast.office, round_=split)
    assert {s["district"] for s in summary.strata} > {""}  # the markets split by district
    assert shown == [(s["type_name"], s["district_name"] or "—") for s in summary.strata]
    assert ("农贸市场", "中山区") in shown and ("中小学校及周边", "—") in shown
    codes = {s["type"] for s in summary.strata} | {s["district"] for s in summary.strata}
    assert not codes & {text for pair in shown for text in pair}


def test_the_word_report_is_a4_chinese_with_page_numbers(cast, answered):
    assert_chinese_a4(
        _made(reports.round_report_start(actor=cast.office, round_=answered, kind="docx"))
    )


def test_the_visits_sheet_heads_each_column_differently(cast, answered):
    """Points earned (J) and the visit's score (L) were both 得分."""
    with translation.override("zh-hans"):
        job = reports.round_report_start(actor=cast.office, round_=answered, kind="xlsx")
    header = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(_made(job)))["检查任务"][1]]
    assert len(set(header)) == len(header), header
    assert header[9:12] == ["实得分", "应得分", "得分"]
