"""The page a citizen answers a survey on: no login, a phone first, light (one small style
sheet, no script, no web font), so it works in the in-app browsers of messaging apps.

The first visit gives the browser a first-party cookie (a random token; the response keeps its
SHA-256): a second response from the same browser is refused kindly (`services`), and each
address has an hourly limit. A refused answer shows the reason above the form, with what was
chosen kept."""

from __future__ import annotations

import secrets

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from wenming.core.audit import client_ip
from wenming.core.errors import DomainError, NotFound
from wenming.org.models import Region, RegionLevel

from .. import selectors, services
from ..api import DEVICE_COOKIE
from ..models import QuestionKind, Response, SurveyStatus

COOKIE_AGE_S = 365 * 24 * 3600


def _district(code: str) -> Region:
    region = Region.objects.filter(code=code, level=RegionLevel.DISTRICT).first()
    if region is None:
        raise Http404
    return region


def _answers_from(post, questions) -> list[dict]:
    """The form's fields (`q<id>`) as the service's answers; unknown fields are left to it."""
    rows = []
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            picked = post.getlist(name)
            if picked:
                rows.append({"question": question.pk, "choices": picked})
        elif question.kind == QuestionKind.SINGLE:
            if post.get(name):
                rows.append({"question": question.pk, "choice": post.get(name)})
        elif question.kind == QuestionKind.RATING:
            if post.get(name):
                rows.append({"question": question.pk, "value": post.get(name)})
        elif (post.get(name) or "").strip():
            rows.append({"question": question.pk, "text": post.get(name)})
    return rows


def _with_cookie(request, response):
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=COOKIE_AGE_S,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def answer(request, code: str, district: str):
    try:
        survey = selectors.survey_by_code(code=code)
    except NotFound:
        raise Http404 from None
    region = _district(district)
    today = timezone.localdate()
    is_open = survey.status == SurveyStatus.OPEN and survey.opens_on <= today <= survey.closes_on
    context = {"survey": survey, "district": region, "is_open": is_open, "error": None}
    if not is_open:
        return render(request, "surveys/public/closed.html", context, status=404)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if (
        device
        and Response.objects.filter(survey=survey, device=services.device_hash(device)).exists()
    ):
        return render(request, "surveys/public/thanks.html", {**context, "again": True})
    questions = selectors.questions_of(survey)
    chosen = {}
    status = 200
    if request.method == "POST":
        rows = _answers_from(request.POST, questions)
        try:
            services.response_submit(
                survey=survey,
                region_code=region.code,
                answers=[_as_numbers(r) for r in rows],
                device=device,
                address=client_ip(request),
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status
            chosen = {k: request.POST.getlist(k) for k in request.POST if k.startswith("q")}
        else:
            return redirect(reverse("surveys:thanks", args=[survey.code, region.code]))
    context["questions"] = [
        (i, q, chosen.get(f"q{q.pk}", [])) for i, q in enumerate(questions, start=1)
    ]
    return _with_cookie(
        request, render(request, "surveys/public/answer.html", context, status=status)
    )


def _as_numbers(row: dict) -> dict:
    """Option ids and ratings typed as text become numbers (a wrong one is the service's 400)."""
    out = dict(row)
    for key in ("choice", "value"):
        if key in out:
            out[key] = _number(out[key])
    if "choices" in out:
        out["choices"] = [_number(v) for v in out["choices"]]
    return out


def _number(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return raw


def thanks(request, code: str, district: str):
    try:
        survey = selectors.survey_by_code(code=code)
    except NotFound:
        raise Http404 from None
    region = _district(district)
    return render(request, "surveys/public/thanks.html", {"survey": survey, "district": region})
