"""A survey's results as Excel, made by the worker (`wenming.core.jobs`) for the person who
asked, over what they may see (a district officer: their district's rows and responses only).

Sheets: the results per district (responses, quota and fill, and per measure the rate, its 95 %
margin and n, as `selectors.survey_results`), the questions (their measure, linked standards
and each option's or rating's count over the reader's responses), and the responses, one row
each with one column per question (write-only mode: a hundred thousand rows stay light).
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core.errors import NotAllowed
from wenming.core.jobs import job_start
from wenming.core.scope import scope_queryset
from wenming.core.spreadsheets import append_row

from . import selectors
from .models import Answer, Measure, QuestionKind, Response, Survey

XLSX = "surveys.results_xlsx"


def results_report_start(*, actor, survey: Survey):
    """Queue the survey's results workbook for `actor` (office, leaders, district officers)."""
    survey = selectors.survey_get(actor=actor, survey_id=survey.pk)
    if not selectors.districts_visible(actor=actor):
        raise NotAllowed(_("Only the office, leaders and district officers read survey results."))
    return job_start(
        owner=actor,
        kind=XLSX,
        params={"survey": survey.pk, "lang": translation.get_language() or ""},
        title=_("Survey %(code)s results as Excel") % {"code": survey.code},
    )


def make_xlsx(*, job, out, progress) -> str:
    with translation.override(job.params.get("lang") or settings.LANGUAGE_CODE):
        return _write(job, out, progress)


def _pct(value):
    return None if value is None else round(value * 100, 2)


def _write(job, out, progress) -> str:
    from openpyxl import Workbook

    actor = job.owner
    survey = selectors.survey_get(actor=actor, survey_id=int(job.params["survey"]))
    responses = scope_queryset(Response.objects.filter(survey=survey), actor)
    questions = selectors.questions_of(survey)
    progress.total(responses.count() + len(questions) + 1)
    book = Workbook(write_only=True)
    measures = {code: str(label) for code, label in Measure.choices}

    sheet = book.create_sheet(_("Results"))
    append_row(sheet, [survey.display_title])
    append_row(
        sheet,
        [_("Rate: positive answers ÷ answers; margin of error (95%): 1.96 × √(p(1 − p) / n).")],
    )
    head = [_("District"), _("Responses"), _("Quota"), _("Quota filled (%)")]
    for label in measures.values():
        head += [
            f"{label} (%)",
            f"{label} ± (%)",
            f"{label} n",
        ]
    append_row(sheet, head)
    for row in selectors.survey_results(actor=actor, survey=survey):
        line = [
            row.region.display_name if row.region else _("Whole city"),
            row.responses,
            row.target,
            _pct(row.fill),
        ]
        for _m, rate in row.rates():
            line += [_pct(rate.rate), _pct(rate.margin), rate.n]
        append_row(sheet, line)
    progress()

    sheet = book.create_sheet(_("Questions"))
    append_row(
        sheet,
        [_("No."), _("Kind"), _("Measure"), _("Question"), _("Standards"), _("Answer"), _("Count")],
    )
    answers = scope_queryset(Answer.objects.filter(question__survey=survey), actor)
    by_choice = dict(
        answers.filter(choice__isnull=False)
        .values_list("choice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_value = defaultdict(int)
    for qid, value, n in (
        answers.filter(value__isnull=False)
        .values_list("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_value[(qid, value)] = n
    multi = defaultdict(int)
    for ids in (
        answers.filter(question__kind=QuestionKind.MULTIPLE)
        .values_list("choices", flat=True)
        .iterator(chunk_size=5000)
    ):
        for pk in ids or []:
            multi[pk] += 1
    for number, q in enumerate(questions, start=1):
        links = ", ".join([s.code for s in q.standards.all()] + [c.code for c in q.clauses.all()])
        base = [number, str(q.get_kind_display()), measures[q.measure], q.display_text, links]
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = by_choice if q.kind == QuestionKind.SINGLE else multi
            for c in q.choices.all():
                mark = " (+)" if c.is_positive else ""
                append_row(sheet, [*base, c.display_text + mark, counts.get(c.pk, 0)])
        elif q.kind == QuestionKind.RATING:
            for value in q.scale:
                mark = " (+)" if value >= q.positive_min else ""
                append_row(sheet, [*base, f"{value}{mark}", by_value.get((q.pk, value), 0)])
        else:
            append_row(sheet, [*base, _("free text"), answers.filter(question=q).count()])
        progress()

    sheet = book.create_sheet(_("Responses"))
    append_row(
        sheet,
        [_("Response"), _("District"), pgettext("date column", "Submitted")]
        + [f"{i}. {q.display_text}" for i, q in enumerate(questions, start=1)],
    )
    column = {q.pk: i for i, q in enumerate(questions)}
    option = {c.pk: c.display_text for q in questions for c in q.choices.all()}
    names = {d.pk: d.display_name for d in selectors.districts()}
    rows = answers.order_by("response_id", "question_id").values_list(
        "response_id", "question_id", "choice_id", "choices", "value", "text"
    )
    meta = responses.order_by("pk").values_list("pk", "region_id", "submitted_at")
    answer_iter = iter(rows.iterator(chunk_size=5000))
    pending = next(answer_iter, None)
    for pk, region_id, submitted_at in meta.iterator(chunk_size=5000):
        cells: list = [None] * len(questions)
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                _r, qid, choice_id, choices, value, text = pending
                cells[column[qid]] = (
                    option.get(choice_id)
                    if choice_id
                    else "；".join(option.get(c, "") for c in choices or [])
                    if choices
                    else value
                    if value is not None
                    else text
                )
            pending = next(answer_iter, None)
        local = timezone.localtime(submitted_at).replace(tzinfo=None)
        append_row(sheet, [pk, names.get(region_id, ""), local, *cells])
        progress()
    book.save(out)
    return f"{survey.code}-results.xlsx"
