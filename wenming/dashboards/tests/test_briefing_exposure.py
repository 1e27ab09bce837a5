"""The monthly briefing (Word with Chinese charts, Excel) and the exposure board."""

import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from PIL import Image

from wenming.core.jobs import job_run
from wenming.core.models import AuditEntry, Job
from wenming.dashboards import aggregates, briefing, exposure
from wenming.dashboards.models import ExposureEvent
from wenming.problems import services
from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import HERE, closed, now_exif, photo, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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

    with pytest.raises(NotAllowed):
        briefing.briefing_start(actor=cast.zhongshan, month="2026-01", kind="docx")
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
