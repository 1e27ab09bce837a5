"""The surveys pages: the public answer page on a phone, the office's editing, results,
links and QR codes, and the results workbook made by the worker."""

import io
import re
import uuid

import openpyxl
import pytest
from django.test import Client

from wenming.core.models import Job, JobStatus
from wenming.surveys.api import DEVICE_COOKIE
from wenming.surveys.models import Answer, Question, Response
from wenming.testing.tasks import run_worker

from .conftest import build_survey


def citizen():
    return Client(REMOTE_ADDR=f"10.8.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}")


def form_of(q, *, single=0, rating=5):
    return {
        f"q{q['single'].pk}": str(list(q["single"].choices.all())[single].pk),
        f"q{q['rating'].pk}": str(rating),
    }


def test_a_citizen_answers_on_the_public_page(cast, survey_q):
    survey, q = survey_q
    url = f"/surveys/a/{survey.code}/210202/"
    phone = citizen()
    page = phone.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert q["single"].text in html and f'name="q{q["rating"].pk}"' in html
    # Light and self-contained: no script, no framework, a first-party cookie for the device.
    assert "<script" not in html and "bootstrap" not in html
    assert page.cookies[DEVICE_COOKIE]["httponly"]
    done = phone.post(url, form_of(q))
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    assert Response.objects.get().region.code == "210202"
    again = phone.get(url)
    assert b'data-testid="thanks"' in again.content  # this browser has answered
    assert b'data-testid="thanks"' in phone.post(url, form_of(q)).content  # nothing written
    assert Response.objects.count() == 1


def test_a_refused_answer_keeps_what_was_chosen(cast, survey_q):
    survey, q = survey_q
    url = f"/surveys/a/{survey.code}/210211/"
    phone = citizen()
    phone.get(url)
    data = {f"q{q['single'].pk}": str(q["single"].choices.first().pk), f"q{q['rating'].pk}": "9"}
    page = phone.post(url, data)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="answer-error"' in html and "1" in html
    assert f'value="{q["single"].choices.first().pk}" checked' in html
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_closed_and_unknown_links(cast, survey_q, standards):
    survey, _q = survey_q
    assert citizen().get(f"/surveys/a/{survey.code}/210202001/").status_code == 404
    assert citizen().get("/surveys/a/NOPE/210202/").status_code == 404
    draft, _q2 = build_survey(cast.office, code="S-D", open_=False, standards=standards)
    closed = citizen().get(f"/surveys/a/{draft.code}/210202/")
    assert closed.status_code == 404 and b'data-testid="closed"' in closed.content


def test_the_office_builds_a_survey_in_the_pages(cast, page_as, standards):
    office = page_as(cast.office)
    made = office.post(
        "/surveys/new/",
        {
            "code": "S-P",
            "title": "测试调查",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "per_address_hourly": 30,
        },
    )
    assert made.status_code == 302
    pk = int(made["Location"].strip("/").split("/")[-1])
    added = office.post(
        f"/surveys/{pk}/questions/new/",
        {
            "kind": "single",
            "measure": "support",
            "text": "您支持创建吗?",
            "required": "on",
            "options": "+支持 | Support\n不支持 | Oppose",
            "scale_min": 1,
            "scale_max": 5,
            "positive_min": 4,
            "standards": [standards[0].pk],
        },
    )
    assert added.status_code == 302
    question = Question.objects.get(survey_id=pk)
    assert [(c.text, c.text_en, c.is_positive) for c in question.choices.all()] == [
        ("支持", "Support", True),
        ("不支持", "Oppose", False),
    ]
    assert list(question.standards.all()) == [standards[0]]
    refused = office.post(
        f"/surveys/{pk}/questions/new/",
        {
            "kind": "rating",
            "measure": "satisfaction",
            "text": "打分",
            "scale_min": 5,
            "scale_max": 1,
            "positive_min": 4,
        },
    )
    assert refused.status_code == 400 and b'data-testid="form-error"' in refused.content
    assert Question.objects.filter(survey_id=pk).count() == 1
    quota = office.post(f"/surveys/{pk}/quotas/", {f"quota-{cast.zhongshan_district.pk}": "300"})
    assert quota.status_code == 302
    assert office.post(f"/surveys/{pk}/do/open/").status_code == 302
    detail = office.get(f"/surveys/{pk}/")
    assert b'data-testid="close-survey"' in detail.content
    assert b'value="300"' in detail.content


def test_region_officers_read_and_do_not_edit(cast, page_as, survey_q):
    survey, _q = survey_q
    zs = page_as(cast.zhongshan)
    assert zs.get(f"/surveys/{survey.pk}/").status_code == 200
    assert zs.get("/surveys/new/").status_code == 404
    assert zs.post(f"/surveys/{survey.pk}/do/close/").status_code == 403
    for persona in (cast.urban, cast.inspector):
        assert page_as(persona).get(f"/surveys/{survey.pk}/results/").status_code == 404


def test_results_page_and_links(cast, page_as, survey_q):
    survey, q = survey_q
    phone = citizen()
    phone.get(f"/surveys/a/{survey.code}/210202/")
    phone.post(f"/surveys/a/{survey.code}/210202/", form_of(q, single=0, rating=5))
    page = page_as(cast.zhongshan).get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "100.0% ± 0.0 (n = 1) *" in page
    links = page_as(cast.zhongshan).get(f"/surveys/{survey.pk}/links/").content.decode()
    assert f"/surveys/a/{survey.code}/210202/" in links
    assert "210211" not in links
    qr = page_as(cast.zhongshan).get(f"/surveys/{survey.pk}/qr/210202.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")
    assert page_as(cast.zhongshan).get(f"/surveys/{survey.pk}/qr/210211.svg").status_code == 404
    office_links = page_as(cast.office).get(f"/surveys/{survey.pk}/links/").content.decode()
    assert "210211" in office_links


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_results_workbook_made_by_the_worker(cast, page_as, survey_q, media):
    survey, q = survey_q
    for rating in (5, 2):
        phone = citizen()
        phone.get(f"/surveys/a/{survey.code}/210202/")
        phone.post(f"/surveys/a/{survey.code}/210202/", form_of(q, rating=rating))
    started = page_as(cast.zhongshan).post(f"/surveys/{survey.pk}/results.xlsx")
    assert started.status_code == 302
    job = Job.objects.get()
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    book = openpyxl.load_workbook(io.BytesIO(job.result.read()))
    assert len(book.sheetnames) == 3
    results = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(row[0] == "中山区" and row[1] == 2 for row in results)
    responses = list(book.worksheets[2].iter_rows(values_only=True))
    assert len(responses) == 3  # the header and the two responses
    assert {row[4] for row in responses[1:]} == {5, 2}


def test_a_free_text_answer_typed_as_a_formula_stays_text(cast, page_as, survey_q, media):
    """A citizen's answer `=HYPERLINK(…)` was written as a live formula into the office's
    results workbook."""
    survey, q = survey_q
    typed = '=HYPERLINK("http://x.example","详情")'
    phone = citizen()
    phone.get(f"/surveys/a/{survey.code}/210202/")
    answered = phone.post(
        f"/surveys/a/{survey.code}/210202/", {**form_of(q), f"q{q['text'].pk}": typed}
    )
    assert answered.status_code == 302
    page_as(cast.office).post(f"/surveys/{survey.pk}/results.xlsx")
    run_worker()
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.message
    sheet = openpyxl.load_workbook(io.BytesIO(job.result.read())).worksheets[2]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == typed]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["新建问卷", "新增问卷题目", "开放问卷"]),
        ("en", ["Survey created", "Question added to a survey", "Survey opened"]),
    ],
)
def test_the_survey_log_says_what_happened_in_words(cast, page_as, survey_q, language, words):
    survey, _q = survey_q
    client = page_as(cast.office)
    client.cookies["wenming_language"] = language
    html = client.get(f"/surveys/{survey.pk}/").content.decode()
    log = html.split('data-testid="survey-log"', 1)[1].split("</ul>", 1)[0]
    assert all(word in log for word in words)
    assert not re.search(r"· (created|question_added|open|quotas_set|close)</li>", log)
