"""The office's survey pages (district officers read results, links and QR codes of their
district). Plain forms: a refusal re-renders the page with the reason beside the form."""

from __future__ import annotations

import io

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput
from wenming.core.roles import is_office

from .. import reports, selectors, services
from ..forms import QuestionForm, SurveyForm, options_text
from ..models import MEASURE_ORDER, Measure, Question


def _survey_or_404(request, pk: int):
    try:
        return selectors.survey_get(actor=request.user, survey_id=pk)
    except DomainError:
        raise Http404 from None


def _office_only(request):
    if not is_office(request.user):
        raise Http404


@login_required
def survey_list(request):
    surveys = selectors.surveys_visible(actor=request.user)
    return render(request, "surveys/list.html", {"surveys": surveys})


@login_required
def survey_new(request):
    _office_only(request)
    form = SurveyForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("surveys:detail", pk=survey.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/new.html", {"form": form, "error": error}, status=status)


def _detail_context(request, survey, **extra):
    questions = selectors.questions_of(survey)
    quota_of = {q.region_id: q.target for q in survey.quotas.all()}
    context = {
        "survey": survey,
        "questions": questions,
        "question_form": extra.pop("question_form", None) or QuestionForm(),
        "survey_form": extra.pop("survey_form", None)
        or SurveyForm(
            initial={
                f: getattr(survey, f)
                for f in (
                    "code",
                    "title",
                    "title_en",
                    "intro",
                    "intro_en",
                    "opens_on",
                    "closes_on",
                    "per_address_hourly",
                )
            }
        ),
        "districts": [(d, quota_of.get(d.pk, "")) for d in selectors.districts()],
        "office": is_office(request.user),
        "events": survey.events.select_related("actor").order_by("-at", "-pk")[:20],
    }
    context.update(extra)
    return context


@login_required
def survey_detail(request, pk: int):
    survey = _survey_or_404(request, pk)
    return render(request, "surveys/detail.html", _detail_context(request, survey))


@login_required
@require_POST
def survey_edit(request, pk: int):
    survey = _survey_or_404(request, pk)
    _office_only(request)
    form = SurveyForm(request.POST)
    error = None
    if form.is_valid():
        fields = dict(form.cleaned_data)
        fields.pop("code")  # other records cite it
        try:
            services.survey_update(actor=request.user, survey=survey, **fields)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("surveys:detail", pk=survey.pk)
    context = _detail_context(request, survey, survey_form=form, survey_error=error or True)
    return render(request, "surveys/detail.html", context, status=400)


@login_required
@require_POST
def transition(request, pk: int, action: str):
    survey = _survey_or_404(request, pk)
    try:
        services.survey_transition(actor=request.user, survey=survey, action=action)
    except DomainError as exc:
        context = _detail_context(request, survey, action_error=exc.message)
        return render(request, "surveys/detail.html", context, status=exc.status)
    return redirect("surveys:detail", pk=survey.pk)


def _save_question(request, survey, question=None):
    form = QuestionForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.question_save(
                actor=request.user,
                survey=survey,
                question=question,
                kind=data["kind"],
                text=data["text"],
                text_en=data["text_en"],
                measure=data["measure"],
                required=data["required"],
                scale_min=data["scale_min"],
                scale_max=data["scale_max"],
                positive_min=data["positive_min"],
                choices=form.choices(),
                standards=data["standards"],
                clauses=data["clauses"],
            )
        except DomainError as exc:
            error = exc.message
        else:
            return None, None
    return form, error or True


@login_required
@require_POST
def question_new(request, pk: int):
    survey = _survey_or_404(request, pk)
    form, error = _save_question(request, survey)
    if form is None:
        return redirect(reverse("surveys:detail", args=[survey.pk]) + "#questions")
    context = _detail_context(request, survey, question_form=form, question_error=error)
    return render(request, "surveys/detail.html", context, status=400)


def _question_or_404(survey, qid: int) -> Question:
    question = survey.questions.filter(pk=qid).first()
    if question is None:
        raise Http404
    return question


@login_required
def question_edit(request, pk: int, qid: int):
    survey = _survey_or_404(request, pk)
    _office_only(request)
    question = _question_or_404(survey, qid)
    error = None
    if request.method == "POST":
        form, error = _save_question(request, survey, question)
        if form is None:
            return redirect(reverse("surveys:detail", args=[survey.pk]) + "#questions")
    else:
        form = QuestionForm(
            initial={
                "kind": question.kind,
                "text": question.text,
                "text_en": question.text_en,
                "measure": question.measure,
                "required": question.required,
                "options": options_text(question),
                "scale_min": question.scale_min,
                "scale_max": question.scale_max,
                "positive_min": question.positive_min,
                "standards": list(question.standards.all()),
                "clauses": list(question.clauses.all()),
            }
        )
    context = {"survey": survey, "question": question, "form": form, "error": error}
    return render(request, "surveys/question.html", context, status=400 if error else 200)


@login_required
@require_POST
def question_delete(request, pk: int, qid: int):
    survey = _survey_or_404(request, pk)
    question = _question_or_404(survey, qid)
    try:
        services.question_delete(actor=request.user, question=question)
    except DomainError as exc:
        context = _detail_context(request, survey, action_error=exc.message)
        return render(request, "surveys/detail.html", context, status=exc.status)
    return redirect(reverse("surveys:detail", args=[survey.pk]) + "#questions")


@login_required
@require_POST
def quotas(request, pk: int):
    survey = _survey_or_404(request, pk)
    targets = {}
    error = None
    for district in selectors.districts():
        raw = (request.POST.get(f"quota-{district.pk}") or "").strip()
        try:
            targets[district.pk] = int(raw) if raw else 0
        except ValueError:
            error = district.display_name
    try:
        if error:
            raise InvalidInput(_("%(district)s: a quota is a whole number.") % {"district": error})
        services.quotas_set(actor=request.user, survey=survey, targets=targets)
    except DomainError as exc:
        context = _detail_context(request, survey, quota_error=exc.message)
        return render(request, "surveys/detail.html", context, status=exc.status)
    return redirect(reverse("surveys:detail", args=[survey.pk]) + "#quotas")


@login_required
def results(request, pk: int):
    survey = _survey_or_404(request, pk)
    labels = dict(Measure.choices)
    rows = [
        {
            "region": row.region,
            "responses": row.responses,
            "target": row.target,
            "fill": _percent(row.fill),
            "cells": [(m, _rate_cell(rate)) for m, rate in row.rates()],
        }
        for row in selectors.survey_results(actor=request.user, survey=survey)
    ]
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "rows": rows, "measures": [(m, labels[m]) for m in MEASURE_ORDER]},
    )


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rate_cell(rate) -> str:
    """ "86.2% ± 3.1 (n = 480)"; a star where the margin is not to be trusted."""
    if rate.rate is None:
        return "—"
    star = "" if rate.reliable else " *"
    return f"{rate.rate * 100:.1f}% ± {rate.margin * 100:.1f} (n = {rate.n}){star}"


@login_required
@require_POST
def report(request, pk: int):
    survey = _survey_or_404(request, pk)
    try:
        job = reports.results_report_start(actor=request.user, survey=survey)
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status)
    return redirect("jobs:page", pk=job.pk)


def public_url(request, survey, district) -> str:
    return request.build_absolute_uri(reverse("surveys:answer", args=[survey.code, district.code]))


@login_required
def survey_links(request, pk: int):
    survey = _survey_or_404(request, pk)
    links = [
        (d, public_url(request, survey, d), reverse("surveys:qr", args=[survey.pk, d.code]))
        for d in selectors.districts_visible(actor=request.user)
    ]
    return render(request, "surveys/links.html", {"survey": survey, "links": links})


@login_required
def survey_qr(request, pk: int, district: str):
    """The district's link as a QR code (SVG drawn here; prints sharp at any size)."""
    survey = _survey_or_404(request, pk)
    region = next(
        (d for d in selectors.districts_visible(actor=request.user) if d.code == district), None
    )
    if region is None:
        raise Http404
    code = segno.make(public_url(request, survey, region), error="m")
    out = io.BytesIO()
    # A file of its own for <img>: it keeps the SVG namespace (an inline SVG would not).
    code.save(out, kind="svg", scale=8, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{survey.code}-{region.code}.svg"'
    return response
