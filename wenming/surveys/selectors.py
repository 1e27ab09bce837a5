"""Every read of the surveys app, scoped to the reader; and the two reads the scores use.

Rates, sample sizes and margins (docs/surveys.md, "How a rate is computed"):

- an answer is positive or not by its question's rule, decided when it was taken
  (`Answer.positive`; free text feeds no rate);
- a rate over a set of questions is the positive answers divided by the answers: one grouped
  SQL aggregate over the answers, by district and question, never a loop over responses;
- its sample size n is, per survey, the most respondents who answered any one of those
  questions (a respondent answers a question at most once, so with required questions n is
  the number of respondents), summed over surveys (different surveys, different people);
- its 95 % margin of error is the normal approximation's half-width
  1.96 · √(p (1 − p) / n). We report p ± margin because the rate itself is the observed share
  that the national questionnaire reports and a symmetric ± is what the office publishes; at
  the quotas' sample sizes (hundreds per district) it differs from Wilson's by well under a
  point. Where it is not to be trusted (n·p or n·(1 − p) below 10: the rate is near 0 or 1 or
  the sample small) `Rate.reliable` is false and the pages say so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from wenming.core.errors import NotFound
from wenming.core.scope import SEE_ALL, scope_queryset, scope_unrestricted
from wenming.org.models import Region, RegionLevel

from .models import (
    MEASURE_ORDER,
    Answer,
    Measure,
    Question,
    QuestionKind,
    Quota,
    Response,
    Survey,
    SurveyStatus,
)

Z95 = 1.96
RELIABLE_MIN = 10  # n·p and n·(1 − p) at least this for the normal approximation


def margin_of_error(rate: float, n: int) -> float:
    """95 % half-width of the normal approximation: 1.96 · √(p (1 − p) / n)."""
    if n <= 0:
        return 0.0
    return Z95 * math.sqrt(rate * (1 - rate) / n)


@dataclass
class Rate:
    positive: int = 0
    answers: int = 0
    n: int = 0

    @property
    def rate(self) -> float | None:
        return self.positive / self.answers if self.answers else None

    @property
    def margin(self) -> float | None:
        return None if self.rate is None else margin_of_error(self.rate, self.n)

    @property
    def reliable(self) -> bool:
        p = self.rate
        return p is not None and self.n * p >= RELIABLE_MIN and self.n * (1 - p) >= RELIABLE_MIN

    def as_dict(self) -> dict:
        return {"rate": self.rate or 0.0, "n": self.n, "margin": self.margin or 0.0}


def _combine(rows, key_of) -> dict:
    """Sum grouped per-question rows into one `Rate` per key: positives and answers add up; n
    is per survey the largest per-question count, summed over surveys (module docstring).
    Each row is (question_id, survey_id, ..., positive, answers)."""
    sums: dict = defaultdict(Rate)
    per_question: dict = defaultdict(int)  # (key, survey, question) -> its answers
    for row in rows:
        for key in key_of(row):
            sums[key].positive += row["pos"]
            sums[key].answers += row["total"]
            per_question[(key, row["survey_id"], row["question_id"])] += row["total"]
    widest: dict = defaultdict(int)  # (key, survey) -> most answers to one question
    for (key, survey, _question), total in per_question.items():
        widest[(key, survey)] = max(widest[(key, survey)], total)
    for (key, _survey), n in widest.items():
        sums[key].n += n
    return dict(sums)


def _grouped(answers: QuerySet, *by: str):
    return (
        answers.filter(positive__isnull=False)
        .values("question_id", *by)
        .annotate(pos=Count("pk", filter=Q(positive=True)), total=Count("pk"))
        .order_by()
    )


def _survey_of_questions(question_ids) -> dict[int, int]:
    return dict(Question.objects.filter(pk__in=list(question_ids)).values_list("pk", "survey_id"))


def _with_survey(rows: list[dict]) -> list[dict]:
    surveys = _survey_of_questions({r["question_id"] for r in rows})
    for r in rows:
        r["survey_id"] = surveys[r["question_id"]]
    return rows


def city_root() -> Region | None:
    return Region.objects.filter(level=RegionLevel.CITY).order_by("path").first()


# --- the contract with the scores -----------------------------------------------------------


def satisfaction_by_region(*, start: date, end: date) -> dict[int, dict]:
    """For the responses taken in [start, end]: region id (each district with responses, and
    the city's root region over all of them) -> {"rate", "n", "margin"} of the satisfaction
    questions. Not scoped: the scores read the whole city and scope their own pages."""
    questions = Question.objects.filter(measure=Measure.SATISFACTION).exclude(
        kind=QuestionKind.TEXT
    )
    rows = list(
        _grouped(
            Answer.objects.filter(
                question__in=questions, submitted_on__gte=start, submitted_on__lte=end
            ),
            "region_id",
        )
    )
    root = city_root()
    rates = _combine(
        _with_survey(rows),
        lambda r: (r["region_id"], root.pk) if root is not None else (r["region_id"],),
    )
    return {region_id: rate.as_dict() for region_id, rate in rates.items() if rate.answers}


def questionnaire_by_standard(*, start: date, end: date) -> dict[int, dict]:
    """For the responses taken in [start, end]: standard (content line) id -> {"rate", "n",
    "margin"} over every question linked to it, directly or through one of its clauses, of
    any measure. Not scoped (as `satisfaction_by_region`)."""
    links: dict[int, set[int]] = defaultdict(set)  # question -> standards
    through = Question.standards.through.objects.values_list("question_id", "standard_id")
    for question_id, standard_id in through:
        links[question_id].add(standard_id)
    for question_id, standard_id in Question.clauses.through.objects.values_list(
        "question_id", "clause__standard_id"
    ):
        links[question_id].add(standard_id)
    if not links:
        return {}
    rows = list(
        _grouped(
            Answer.objects.filter(
                question_id__in=list(links), submitted_on__gte=start, submitted_on__lte=end
            )
        )
    )
    rates = _combine(_with_survey(rows), lambda r: links[r["question_id"]])
    return {standard_id: rate.as_dict() for standard_id, rate in rates.items() if rate.answers}


# --- what the pages and the API read --------------------------------------------------------


def surveys_visible(*, actor) -> QuerySet:
    """Office and leaders: every survey; region officers: every survey that is not a draft
    (to read their district's results); anyone else: none."""
    qs = scope_queryset(Survey.objects.all(), actor)
    if getattr(actor, "role", "") not in SEE_ALL:
        qs = qs.exclude(status=SurveyStatus.DRAFT)
    return qs


def survey_get(*, actor, survey_id: int) -> Survey:
    found = surveys_visible(actor=actor).filter(pk=survey_id).first()
    if found is None:
        raise NotFound(code="survey_not_found")
    return found


def survey_public(*, survey_id: int) -> Survey:
    """An open survey, for anyone (the public link, the public API)."""
    found = Survey.objects.filter(pk=survey_id, status=SurveyStatus.OPEN).first()
    if found is None:
        raise NotFound(_not_open(), code="survey_not_found")
    return found


def _not_open():
    from django.utils.translation import gettext as _

    return _("This survey is not open, or the link is wrong.")


def survey_by_code(*, code: str) -> Survey:
    found = Survey.objects.filter(code=code).first()
    if found is None:
        raise NotFound(_not_open(), code="survey_not_found")
    return found


def questions_of(survey: Survey) -> list[Question]:
    return list(
        survey.questions.prefetch_related("choices", "standards", "clauses").order_by("order", "pk")
    )


def districts() -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("path"))


def districts_visible(*, actor) -> list[Region]:
    """The districts whose links and results the reader may see."""
    return list(
        scope_queryset(Region.objects.filter(level=RegionLevel.DISTRICT), actor).order_by("path")
    )


@dataclass
class DistrictResult:
    region: Region | None  # None: the whole city
    responses: int = 0
    target: int | None = None
    measures: dict[str, Rate] = field(default_factory=dict)

    @property
    def fill(self) -> float | None:
        return self.responses / self.target if self.target else None

    def rates(self) -> list[tuple[str, Rate]]:
        return [(m, self.measures.get(m, Rate())) for m in MEASURE_ORDER]


def survey_results(*, actor, survey: Survey) -> list[DistrictResult]:
    """Per district the reader may see: responses, quota and its fill, and per measure the
    rate, n and margin; then (for a reader who sees every district) the whole city. Three
    grouped queries."""
    survey = survey_get(actor=actor, survey_id=survey.pk)
    visible = districts_visible(actor=actor)
    ids = [r.pk for r in visible]
    counts = dict(
        scope_queryset(Response.objects.filter(survey=survey, region_id__in=ids), actor)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    targets = dict(
        Quota.objects.filter(survey=survey, region_id__in=ids).values_list("region_id", "target")
    )
    measure_of = dict(survey.questions.values_list("pk", "measure"))
    rows = list(
        _grouped(
            scope_queryset(
                Answer.objects.filter(question_id__in=list(measure_of), region_id__in=ids), actor
            ),
            "region_id",
        )
    )
    for r in rows:
        r["survey_id"] = survey.pk
    per_district = _combine(rows, lambda r: [(r["region_id"], measure_of[r["question_id"]])])
    results = []
    for region in visible:
        if region.pk not in counts and region.pk not in targets:
            continue
        results.append(
            DistrictResult(
                region=region,
                responses=counts.get(region.pk, 0),
                target=targets.get(region.pk),
                measures={
                    m: per_district[(region.pk, m)]
                    for m in Measure.values
                    if (region.pk, m) in per_district
                },
            )
        )
    if scope_unrestricted(actor, Response):
        city = _combine(rows, lambda r: [measure_of[r["question_id"]]])
        results.append(
            DistrictResult(
                region=None,
                responses=sum(counts.values()),
                target=sum(targets.values()) or None,
                measures=city,
            )
        )
    return results


def results_row_dict(result: DistrictResult) -> dict:
    """One district's results as the API and the workbook give them."""
    return {
        "district": result.region.code if result.region else None,
        "name": result.region.display_name if result.region else None,
        "responses": result.responses,
        "target": result.target,
        "fill": None if result.fill is None else round(result.fill, 4),
        "measures": {
            m: {
                "rate": None if rate.rate is None else round(rate.rate, 4),
                "n": rate.n,
                "margin": None if rate.margin is None else round(rate.margin, 4),
                "reliable": rate.reliable,
            }
            for m, rate in result.rates()
        },
    }
