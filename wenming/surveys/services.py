"""Every write of the surveys app: the office's questionnaires, questions and quotas, and the
citizens' anonymous responses.

The office's writes are keyword-only, run in one transaction, lock the survey, check its
status (`TRANSITIONS`) and write a `SurveyEvent` and an audit entry. A response is a citizen's
anonymous answer, not a person's action on the system's state: it is checked whole (unknown
question, option not of the question, rating out of range, a required question left out),
written in one transaction (response + answers) or not at all, and not audited one by one, so
thousands of respondents do not queue behind the audit chain's head row.

One response per device is enforced softly: the public page gives each browser a first-party
cookie whose SHA-256 is kept on the response (a second response with it is refused), and each
address may send `Survey.per_address_hourly` responses an hour, counted in Django's configured
cache so the limit holds across app servers. Both can be got round (a new browser, another
network); they stop careless doubles and casual stuffing, not a determined forger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, DomainError, InvalidInput, NotFound
from wenming.core.roles import require_office
from wenming.org.models import Region, RegionLevel

from .models import (
    Answer,
    Choice,
    Measure,
    Question,
    QuestionKind,
    Quota,
    Response,
    Survey,
    SurveyEvent,
    SurveyStatus,
)

# (status, action) -> the status it leads to; anything else is refused (409).
TRANSITIONS = {
    (SurveyStatus.DRAFT, "open"): SurveyStatus.OPEN,
    (SurveyStatus.OPEN, "close"): SurveyStatus.CLOSED,
    (SurveyStatus.CLOSED, "reopen"): SurveyStatus.OPEN,
}
MAX_TEXT = 2000
MAX_SCALE_STEPS = 11  # 0–10 is the widest rating scale offered
RATE_WINDOW_S = 3600


class RateLimited(DomainError):
    """Too many responses from one address within the hour: HTTP 429."""

    status = 429
    code = "rate_limited"


def _event(survey: Survey, actor, action: str, data: dict | None = None) -> None:
    data = data or {}
    SurveyEvent.objects.create(survey=survey, actor=actor, action=action, data=data)
    audit_record(
        action=f"surveys.{action}", actor=actor, target=survey, data={"survey": survey.code, **data}
    )


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _check_window(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise InvalidInput(_("A survey cannot close before it opens."), code="bad_window")


def survey_create(
    *,
    actor,
    code: str,
    title: str,
    opens_on: date,
    closes_on: date,
    title_en: str = "",
    intro: str = "",
    intro_en: str = "",
    per_address_hourly: int = 30,
) -> Survey:
    """Create a draft survey (the office only)."""
    require_office(actor, _("Only the Civilization Office may edit surveys."))
    code = (code or "").strip()
    if not code or not title.strip():
        raise InvalidInput(_("A survey needs a code and a title."), code="missing_field")
    _check_window(opens_on, closes_on)
    if not 1 <= per_address_hourly <= 10000:
        raise InvalidInput(
            _("Responses an hour from one address must be between 1 and 10000."),
            code="bad_limit",
        )
    with transaction.atomic():
        if Survey.objects.filter(code=code).exists():
            raise Conflict(_("A survey with code %(code)s exists.") % {"code": code})
        survey = Survey(
            code=code,
            title=title.strip(),
            title_en=title_en.strip(),
            intro=intro,
            intro_en=intro_en,
            opens_on=opens_on,
            closes_on=closes_on,
            per_address_hourly=per_address_hourly,
            created_by=actor,
        )
        survey.full_clean()
        survey.save()
        _event(survey, actor, "created", {"title": survey.title})
    return survey


def survey_update(*, actor, survey: Survey, **fields) -> Survey:
    """Change a survey's titles, introduction, window or address limit (any status)."""
    require_office(actor, _("Only the Civilization Office may edit surveys."))
    allowed = {"title", "title_en", "intro", "intro_en", "opens_on", "closes_on"}
    allowed.add("per_address_hourly")
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        survey = _locked(survey)
        for name, value in fields.items():
            setattr(survey, name, value.strip() if isinstance(value, str) else value)
        if not survey.title:
            raise InvalidInput(_("A survey needs a code and a title."), code="missing_field")
        _check_window(survey.opens_on, survey.closes_on)
        if not 1 <= survey.per_address_hourly <= 10000:
            raise InvalidInput(
                _("Responses an hour from one address must be between 1 and 10000."),
                code="bad_limit",
            )
        survey.save()
        _event(survey, actor, "updated", {"fields": sorted(fields)})
    return survey


def survey_transition(*, actor, survey: Survey, action: str) -> Survey:
    """Open a draft, close an open survey, or reopen a closed one (the office only)."""
    require_office(actor, _("Only the Civilization Office may edit surveys."))
    with transaction.atomic():
        survey = _locked(survey)
        target = TRANSITIONS.get((survey.status, action))
        if target is None:
            raise Conflict(
                _("A survey that is %(status)s cannot be %(action)s.")
                % {"status": survey.get_status_display(), "action": _action_label(action)},
                details={"status": survey.status},
            )
        if action == "open" and not survey.questions.exists():
            raise Conflict(_("Add at least one question before opening the survey."))
        before = survey.status
        survey.status = target
        survey.save(update_fields=["status", "updated_at"])
        _event(survey, actor, action, {"from": before, "to": target})
    return survey


def _action_label(action: str) -> str:
    return {
        "open": pgettext("survey event", "opened"),
        "close": pgettext("survey event", "closed"),
        "reopen": pgettext("survey event", "reopened"),
    }.get(action, action)


# --- questions ------------------------------------------------------------------------------


def _require_draft(survey: Survey) -> None:
    # Responses already taken were given to the questions as they stood.
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict(
            _("Questions can only be changed while the survey is a draft."),
            details={"status": survey.status},
        )


def _clean_question(
    kind: str,
    measure: str,
    text: str,
    choices: Sequence[dict],
    scale_min: int,
    scale_max: int,
    positive_min: int,
) -> None:
    if kind not in QuestionKind.values:
        raise InvalidInput(_("Unknown kind of question."), code="bad_kind")
    if measure not in Measure.values:
        raise InvalidInput(_("Unknown measure."), code="bad_measure")
    if not text.strip():
        raise InvalidInput(_("A question needs its text."), code="missing_field")
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2:
            raise InvalidInput(_("A choice question needs at least two options."))
        if any(not (c.get("text") or "").strip() for c in choices):
            raise InvalidInput(_("Every option needs its text."))
        if not any(c.get("is_positive") for c in choices):
            raise InvalidInput(
                _("Mark at least one option as positive: it is what the rate counts.")
            )
    elif choices:
        raise InvalidInput(_("Only choice questions have options."))
    if kind == QuestionKind.RATING:
        if not scale_min < scale_max or scale_max - scale_min + 1 > MAX_SCALE_STEPS:
            raise InvalidInput(
                _("A rating scale runs from a lower to a higher number, at most 11 steps.")
            )
        if not scale_min <= positive_min <= scale_max:
            raise InvalidInput(_("The lowest positive rating must lie on the scale."))


def question_save(
    *,
    actor,
    survey: Survey,
    kind: str,
    text: str,
    measure: str,
    question: Question | None = None,
    text_en: str = "",
    required: bool = True,
    scale_min: int = 1,
    scale_max: int = 5,
    positive_min: int = 4,
    choices: Sequence[dict] = (),
    standards: Sequence = (),
    clauses: Sequence = (),
    order: int | None = None,
) -> Question:
    """Add a question to a draft survey, or replace one (`question`): its options are
    `[{"text", "text_en", "is_positive"}]`, in order."""
    require_office(actor, _("Only the Civilization Office may edit surveys."))
    choices = list(choices)
    _clean_question(kind, measure, text, choices, scale_min, scale_max, positive_min)
    if kind != QuestionKind.RATING:
        scale_min, scale_max, positive_min = 1, 5, 4
    with transaction.atomic():
        survey = _locked(survey)
        _require_draft(survey)
        if question is None:
            last = survey.questions.order_by("-order").values_list("order", flat=True).first()
            question = Question(survey=survey, order=(last or 0) + 1 if order is None else order)
            action = "question_added"
        else:
            if question.survey_id != survey.pk:
                raise NotFound(code="question_not_found")
            action = "question_changed"
            if order is not None:
                question.order = order
        question.kind = kind
        question.text = text.strip()
        question.text_en = text_en.strip()
        question.measure = measure
        question.required = required
        question.scale_min, question.scale_max = scale_min, scale_max
        question.positive_min = positive_min
        question.save()
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(
                question=question,
                order=i,
                text=c["text"].strip(),
                text_en=(c.get("text_en") or "").strip(),
                is_positive=bool(c.get("is_positive")),
            )
            for i, c in enumerate(choices, start=1)
        )
        question.standards.set(standards)
        question.clauses.set(clauses)
        _event(survey, actor, action, {"question": question.pk, "kind": kind})
    return question


def question_delete(*, actor, question: Question) -> None:
    """Remove a question from a draft survey."""
    require_office(actor, _("Only the Civilization Office may edit surveys."))
    with transaction.atomic():
        survey = _locked(question.survey)
        _require_draft(survey)
        pk = question.pk
        question.delete()
        _event(survey, actor, "question_removed", {"question": pk})


def quotas_set(*, actor, survey: Survey, targets: dict[int, int]) -> list[Quota]:
    """Set the target responses per district (region id -> target; 0 removes a quota)."""
    require_office(actor, _("Only the Civilization Office may edit surveys."))
    districts = {
        r.pk: r for r in Region.objects.filter(pk__in=list(targets), level=RegionLevel.DISTRICT)
    }
    unknown = set(targets) - set(districts)
    if unknown:
        raise InvalidInput(_("Quotas are set per district."), code="not_a_district")
    if any(t is None or t < 0 or t > 1_000_000 for t in targets.values()):
        raise InvalidInput(_("A quota is a number of responses from 0 to 1,000,000."))
    with transaction.atomic():
        survey = _locked(survey)
        for region_id, target in targets.items():
            if target == 0:
                Quota.objects.filter(survey=survey, region_id=region_id).delete()
            else:
                Quota.objects.update_or_create(
                    survey=survey, region_id=region_id, defaults={"target": target}
                )
        _event(survey, actor, "quotas_set", {"targets": {str(k): v for k, v in targets.items()}})
    return list(survey.quotas.select_related("region"))


# --- responses ------------------------------------------------------------------------------


def device_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


def _rate_key(survey: Survey, address: str, now: datetime) -> str:
    bucket = int(now.timestamp()) // RATE_WINDOW_S
    who = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"surveys:rate:{survey.pk}:{who}:{bucket}"


def _as_int(raw, message: str) -> int:
    if isinstance(raw, bool):
        raise InvalidInput(message, code="bad_answer")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(message, code="bad_answer") from None


def _answer_row(question: Question, raw: dict, number: int) -> Answer:
    """One answer checked against its question (400 naming the question otherwise)."""
    label = {"number": number}
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        options = {c.pk: c for c in question.choices.all()}
        pk = _as_int(raw.get("choice"), _("Question %(number)s: choose one option.") % label)
        if pk not in options:
            raise InvalidInput(
                _("Question %(number)s: that option is not one of its options.") % label,
                code="bad_choice",
            )
        return Answer(question=question, choice_id=pk, positive=options[pk].is_positive)
    if kind == QuestionKind.MULTIPLE:
        options = {c.pk: c for c in question.choices.all()}
        picked = raw.get("choices")
        if not isinstance(picked, list | tuple) or not picked:
            raise InvalidInput(
                _("Question %(number)s: tick at least one option.") % label, code="bad_choice"
            )
        ids = sorted(
            {
                _as_int(p, _("Question %(number)s: tick at least one option.") % label)
                for p in picked
            }
        )
        if any(pk not in options for pk in ids):
            raise InvalidInput(
                _("Question %(number)s: that option is not one of its options.") % label,
                code="bad_choice",
            )
        return Answer(
            question=question, choices=ids, positive=any(options[pk].is_positive for pk in ids)
        )
    if kind == QuestionKind.RATING:
        out_of_range = _("Question %(number)s: a rating from %(low)s to %(high)s, please.") % {
            **label,
            "low": question.scale_min,
            "high": question.scale_max,
        }
        value = _as_int(raw.get("value"), out_of_range)
        if not question.scale_min <= value <= question.scale_max:
            raise InvalidInput(out_of_range, code="rating_out_of_range")
        return Answer(question=question, value=value, positive=value >= question.positive_min)
    text = str(raw.get("text") or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            _("Question %(number)s: at most %(limit)s characters.") % {**label, "limit": MAX_TEXT},
            code="text_too_long",
        )
    return Answer(question=question, text=text, positive=None)


def _blank(raw: dict) -> bool:
    return (
        raw.get("choice") in (None, "")
        and not raw.get("choices")
        and raw.get("value") in (None, "")
        and not str(raw.get("text") or "").strip()
    )


def response_submit(
    *,
    survey: Survey,
    region_code: str,
    answers: Sequence[dict],
    device: str = "",
    address: str = "",
    now: datetime | None = None,
) -> Response:
    """Take one anonymous response to an open survey through a district's link.

    `answers` is `[{"question": id, "choice": id | "choices": [ids] | "value": n | "text": s}]`.
    Everything is checked before anything is written: a blocked or refused response writes
    nothing and counts nothing against the address's limit.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if survey.status != SurveyStatus.OPEN or not survey.opens_on <= today <= survey.closes_on:
        raise Conflict(_("This survey is not open for answers."), code="survey_closed")
    region = Region.objects.filter(code=region_code, level=RegionLevel.DISTRICT).first()
    if region is None:
        raise NotFound(_("No such district for this survey."), code="district_not_found")
    key = _rate_key(survey, address, now) if address else ""
    if key and (cache.get(key) or 0) >= survey.per_address_hourly:
        raise RateLimited(
            _("Too many answers from this network in the last hour. Please try again later.")
        )
    digest = device_hash(device)
    if digest and Response.objects.filter(survey=survey, device=digest).exists():
        raise Conflict(
            _("This device has already answered this survey. Thank you!"),
            code="already_answered",
        )
    questions = {q.pk: q for q in survey.questions.prefetch_related("choices")}
    numbers = {pk: i for i, pk in enumerate(questions, start=1)}
    rows: list[Answer] = []
    seen: set[int] = set()
    for raw in answers:
        if not isinstance(raw, dict):
            raise InvalidInput(_("Each answer names its question."), code="bad_answer")
        qid = raw.get("question")
        question = (
            questions.get(qid) if isinstance(qid, int) and not isinstance(qid, bool) else None
        )
        if question is None:
            raise InvalidInput(
                _("Question %(question)s is not in this survey.") % {"question": qid},
                code="unknown_question",
            )
        if qid in seen:
            raise InvalidInput(
                _("Question %(number)s is answered twice.") % {"number": numbers[qid]},
                code="duplicate_answer",
            )
        seen.add(qid)
        if _blank(raw):
            continue
        rows.append(_answer_row(question, raw, numbers[qid]))
    answered = {a.question_id for a in rows}
    missing = [numbers[pk] for pk, q in questions.items() if q.required and pk not in answered]
    if missing:
        raise InvalidInput(
            _("Please answer question(s) %(numbers)s.")
            % {"numbers": ", ".join(str(n) for n in missing)},
            code="missing_answer",
            details={"questions": missing},
        )
    if not rows:
        raise InvalidInput(_("Please answer at least one question."), code="missing_answer")
    with transaction.atomic():
        response = Response.objects.create(
            survey=survey, region=region, submitted_at=now, submitted_on=today, device=digest
        )
        for row in rows:
            row.response = response
            row.region = region
            row.submitted_on = today
        Answer.objects.bulk_create(rows)
    # Counted only once the response is in (a refused one costs the address nothing).
    if key and not cache.add(key, 1, RATE_WINDOW_S):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, RATE_WINDOW_S)
    return response
