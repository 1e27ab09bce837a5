"""Demo surveys: the 2026 public civility satisfaction survey, completed, with about 5,000
responses over the districts, and a short open survey whose public links work now.

The questionnaires, their questions (every kind, linked to the demo system's questionnaire
content lines and clauses, one per measure and more for satisfaction), the quotas and the
transitions go through the services. The responses are written in bulk, 1,000 at a time: each
district has a level (some districts are better liked than others), each respondent a mood
around it, and each measure its own offset (people know of the campaign more than they take
part in it), so the rates vary by district and measure as a real survey's do. Each answer's
`positive` flag is the question's own rule applied to the generated value. Everything is
`is_demo`; `reset()` removes it.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wenming.core.progress import progress
from wenming.org.models import Person, Region, RegionLevel
from wenming.standards.models import Clause, EvaluationSystem, Standard

from . import services
from .models import Answer, Measure, QuestionKind, Response, Survey

SEED = 20260601
SYSTEM_CODE = "DEMO-2026"
DONE_CODE = "DEMO-SAT-2026"
OPEN_CODE = "DEMO-PULSE-2026"
RESPONSES = {"small": 5000, "city": 5000, "city-year": 20000}
BATCH = 1000
# How much likelier than the district's level a positive answer is, per measure.
OFFSET = {
    Measure.AWARENESS: 0.08,
    Measure.SUPPORT: 0.10,
    Measure.SATISFACTION: 0.0,
    Measure.PARTICIPATION: -0.28,
}
YES = True
NO = False

QUESTIONS = [
    {
        "kind": QuestionKind.SINGLE,
        "measure": Measure.AWARENESS,
        "text": "您是否知道本市正在创建全国文明城市？",
        "text_en": "Do you know the city is campaigning to be a National Civilized City?",
        "choices": [
            ("知道", "Yes", YES),
            ("听说过", "I have heard of it", YES),
            ("不知道", "No", NO),
        ],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "measure": Measure.AWARENESS,
        "required": False,
        "text": "您通过哪些渠道了解创建工作？",
        "text_en": "Where did you hear about the campaign?",
        "choices": [
            ("公益广告", "Public-service ads", YES),
            ("社区宣传", "My community", YES),
            ("新闻媒体", "News media", YES),
            ("都没有", "Nowhere", NO),
        ],
    },
    {
        "kind": QuestionKind.SINGLE,
        "measure": Measure.SUPPORT,
        "text": "您是否支持创建全国文明城市？",
        "text_en": "Do you support the campaign?",
        "choices": [("支持", "Yes", YES), ("无所谓", "I do not mind", NO), ("不支持", "No", NO)],
    },
    {
        "kind": QuestionKind.RATING,
        "measure": Measure.SATISFACTION,
        "text": "您对所在区市容环境卫生的满意程度",
        "text_en": "How satisfied are you with the cleanliness of your district?",
        "scale": (1, 5, 4),
    },
    {
        "kind": QuestionKind.RATING,
        "measure": Measure.SATISFACTION,
        "text": "您对交通秩序和街面秩序的满意程度",
        "text_en": "How satisfied are you with order on the roads and streets?",
        "scale": (1, 5, 4),
    },
    {
        "kind": QuestionKind.SINGLE,
        "measure": Measure.SATISFACTION,
        "text": "您对政务服务窗口的服务满意吗？",
        "text_en": "Are you satisfied with the service at government windows?",
        "choices": [
            ("满意", "Satisfied", YES),
            ("比较满意", "Fairly satisfied", YES),
            ("一般", "So-so", NO),
            ("不满意", "Not satisfied", NO),
        ],
    },
    {
        "kind": QuestionKind.RATING,
        "measure": Measure.SATISFACTION,
        "text": "总体而言，您对本市文明程度打几分？",
        "text_en": "Overall, how civil is the city (0–10)?",
        "scale": (0, 10, 7),
    },
    {
        "kind": QuestionKind.SINGLE,
        "measure": Measure.PARTICIPATION,
        "text": "过去一年您是否参加过志愿服务等创建活动？",
        "text_en": "In the past year, did you take part in volunteering or campaign activities?",
        "choices": [
            ("经常参加", "Often", YES),
            ("偶尔参加", "Sometimes", YES),
            ("没有参加", "No", NO),
        ],
    },
    {
        "kind": QuestionKind.TEXT,
        "measure": Measure.SATISFACTION,
        "required": False,
        "text": "您对创建工作有什么意见和建议？",
        "text_en": "What would you suggest to the campaign?",
    },
]
SUGGESTIONS = [
    "希望增加垃圾桶",
    "小区停车太乱",
    "公交站台需要遮阳",
    "夜市油烟扰民",
    "公园厕所要常打扫",
    "建议多组织志愿活动",
    "背街小巷照明不足",
    "共享单车乱停放",
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def load(*, scale: str = "small", stdout=None, seed: int = SEED) -> None:
    """Load the demo surveys (skipped when they exist, or without the demo office)."""
    if Survey.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo surveys already exist.")
        return
    office = Person.objects.filter(username="office").first()
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("path"))
    if office is None or not districts:
        _say(stdout, "surveys: no demo office or districts; skipped.")
        return
    started = time.monotonic()
    rng = random.Random(seed)
    today = timezone.localdate()
    links = _standard_links()
    done = _survey(
        office,
        DONE_CODE,
        "2026年城市文明程度市民满意度调查",
        "2026 public civility satisfaction survey",
        today - timedelta(days=75),
        today - timedelta(days=15),
        QUESTIONS,
        links,
    )
    total = RESPONSES.get(scale, RESPONSES["small"])
    share = _shares(rng, districts)
    targets = {
        d.pk: max(50, round(total * share[d.pk] * rng.uniform(0.95, 1.15) / 10) * 10)
        for d in districts
    }
    services.quotas_set(actor=office, survey=done, targets=targets)
    _responses(done, districts, share, total, rng, stdout)
    services.survey_transition(actor=office, survey=done, action="close")
    pulse = _survey(
        office,
        OPEN_CODE,
        "2026年第四季度市民满意度快速调查",
        "2026 Q4 quick satisfaction poll",
        today - timedelta(days=5),
        today + timedelta(days=40),
        [QUESTIONS[2], QUESTIONS[3], QUESTIONS[8]],
        links,
    )
    services.quotas_set(actor=office, survey=pulse, targets={d.pk: 200 for d in districts})
    Survey.objects.filter(pk__in=[done.pk, pulse.pk]).update(is_demo=True)
    _say(stdout, f"surveys: {total} responses in {time.monotonic() - started:.1f} s")


def reset(*, stdout=None) -> None:
    """Remove the demo surveys with their questions, quotas, responses and answers."""
    with transaction.atomic():
        Survey.objects.filter(is_demo=True).delete()


def _standard_links() -> dict[str, tuple[list, list]]:
    """Per measure, the demo system's questionnaire lines and clauses the questions test."""
    system = EvaluationSystem.objects.filter(code=SYSTEM_CODE).first()
    if system is None:
        return {}
    lines = list(
        Standard.objects.filter(system=system, methods__contains="questionnaire").order_by(
            "order", "code"
        )
    )
    clauses = list(
        Clause.objects.filter(system=system, points_questionnaire__gt=0).order_by("code")
    )
    out = {}
    for i, measure in enumerate(
        [Measure.AWARENESS, Measure.SUPPORT, Measure.SATISFACTION, Measure.PARTICIPATION]
    ):
        line = lines[i % len(lines)] if lines else None
        own = [c for c in clauses if line is not None and c.standard_id == line.pk][:1]
        out[measure] = ([line] if line else [], own)
    return out


def _survey(office, code, title, title_en, opens_on, closes_on, specs, links) -> Survey:
    survey = services.survey_create(
        actor=office,
        code=code,
        title=title,
        title_en=title_en,
        opens_on=opens_on,
        closes_on=closes_on,
        intro="本问卷匿名填写，约需 2 分钟，结果用于改进城市文明创建工作。",
        intro_en="Anonymous; about two minutes. The answers help improve the campaign.",
    )
    for spec in specs:
        low, high, positive = spec.get("scale", (1, 5, 4))
        lines, clauses = links.get(spec["measure"], ([], []))
        services.question_save(
            actor=office,
            survey=survey,
            kind=spec["kind"],
            text=spec["text"],
            text_en=spec["text_en"],
            measure=spec["measure"],
            required=spec.get("required", True),
            scale_min=low,
            scale_max=high,
            positive_min=positive,
            choices=[
                {"text": t, "text_en": e, "is_positive": p} for t, e, p in spec.get("choices", [])
            ],
            standards=lines if spec["kind"] != QuestionKind.TEXT else [],
            clauses=clauses if spec["kind"] != QuestionKind.TEXT else [],
        )
    services.survey_transition(actor=office, survey=survey, action="open")
    survey.refresh_from_db()
    return survey


def _shares(rng, districts) -> dict[int, float]:
    """Each district's share of the responses (bigger districts answer more)."""
    weights = {d.pk: rng.uniform(0.6, 1.4) for d in districts}
    total = sum(weights.values())
    return {pk: w / total for pk, w in weights.items()}


def _answer(rng, question, mood: float) -> Answer:
    """One generated answer whose chance of being positive is `mood` (clipped)."""
    chance = min(0.98, max(0.02, mood + OFFSET[question.measure]))
    good = rng.random() < chance
    options = question.demo_options
    if question.kind == QuestionKind.SINGLE:
        pool = [c for c in options if c.is_positive == good] or options
        choice = rng.choice(pool)
        return Answer(question=question, choice=choice, positive=choice.is_positive)
    if question.kind == QuestionKind.MULTIPLE:
        if good:
            picked = rng.sample([c for c in options if c.is_positive], rng.randint(1, 2))
        else:
            picked = [c for c in options if not c.is_positive][:1]
        ids = sorted(c.pk for c in picked)
        return Answer(question=question, choices=ids, positive=good)
    if question.kind == QuestionKind.RATING:
        if good:
            value = rng.randint(question.positive_min, question.scale_max)
        else:
            value = rng.randint(question.scale_min, question.positive_min - 1)
        return Answer(question=question, value=value, positive=value >= question.positive_min)
    return Answer(question=question, text=rng.choice(SUGGESTIONS), positive=None)


def _responses(survey, districts, share, total, rng, stdout) -> None:
    questions = list(survey.questions.prefetch_related("choices"))
    for q in questions:
        q.demo_options = list(q.choices.all())
    level = {d.pk: rng.uniform(0.68, 0.92) for d in districts}
    days = max(1, (survey.closes_on - survey.opens_on).days)
    tz = timezone.get_current_timezone()
    plan = rng.choices([d.pk for d in districts], weights=[share[d.pk] for d in districts], k=total)
    with progress(total, "surveys: responses", stream=stdout, unit="responses") as advance:
        for start in range(0, total, BATCH):
            chunk = plan[start : start + BATCH]
            responses = []
            for region_id in chunk:
                day = survey.opens_on + timedelta(days=rng.randrange(days + 1))
                moment = datetime(
                    day.year, day.month, day.day, rng.randint(8, 21), rng.randrange(60), tzinfo=tz
                )
                responses.append(
                    Response(
                        survey=survey,
                        region_id=region_id,
                        submitted_at=moment,
                        submitted_on=day,
                        is_demo=True,
                    )
                )
            with transaction.atomic():
                Response.objects.bulk_create(responses)
                answers = []
                for response in responses:
                    mood = level[response.region_id] + rng.gauss(0, 0.12)
                    for q in questions:
                        if not q.required and rng.random() < (
                            0.85 if q.kind == QuestionKind.TEXT else 0.3
                        ):
                            continue
                        row = _answer(rng, q, mood)
                        row.response = response
                        row.region_id = response.region_id
                        row.submitted_on = response.submitted_on
                        answers.append(row)
                Answer.objects.bulk_create(answers, batch_size=2000)
            advance(len(chunk))
