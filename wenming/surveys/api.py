"""Survey endpoints of the JSON API: the surveys a reader may see, a survey's questions, the
public response (no login) and the results per district (a district officer gets their own
district only). Lists are `{"items": [...], "next": cursor}`."""

from datetime import date

from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from wenming.core.audit import client_ip
from wenming.core.errors import NotFound
from wenming.core.pagination import id_page
from wenming.core.services import token_authenticate

from . import selectors, services
from .models import Question, Survey

router = Router(tags=["surveys"])
MAX_PAGE = 200
DEVICE_COOKIE = "wm_survey_device"


class SurveyOut(Schema):
    id: int
    code: str
    title: str
    status: str
    opens_on: date
    closes_on: date


class SurveyPageOut(Schema):
    items: list[SurveyOut]
    next: str | None


class ChoiceOut(Schema):
    id: int
    text: str
    positive: bool


class QuestionOut(Schema):
    id: int
    number: int
    kind: str
    text: str
    measure: str
    required: bool
    scale_min: int | None
    scale_max: int | None
    positive_min: int | None
    choices: list[ChoiceOut]
    standards: list[str] = Field(description="codes of the content lines it is linked to")
    clauses: list[str] = Field(description="codes of the clauses it is linked to")


class QuestionPageOut(Schema):
    items: list[QuestionOut]
    next: str | None


class SurveyAnswerIn(Schema):
    question: int
    choice: int | None = None
    choices: list[int] | None = Field(None, max_length=50)
    value: int | None = None
    text: str | None = Field(None, max_length=4000)


class ResponseIn(Schema):
    district: str = Field(max_length=12, description="the district's code, as in the link")
    answers: list[SurveyAnswerIn] = Field(max_length=200)


class ResponseOut(Schema):
    id: int
    survey: int
    district: str
    submitted_at: str


class MeasureOut(Schema):
    rate: float | None
    n: int
    margin: float | None
    reliable: bool


class DistrictResultOut(Schema):
    district: str | None = Field(description="null: the whole city")
    name: str | None
    responses: int
    target: int | None
    fill: float | None
    measures: dict[str, MeasureOut]


class ResultPageOut(Schema):
    items: list[DistrictResultOut]
    next: str | None


class ListFilters(Schema):
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def survey_out(survey: Survey) -> dict:
    return {
        "id": survey.pk,
        "code": survey.code,
        "title": survey.display_title,
        "status": survey.status,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
    }


def question_out(question: Question, number: int) -> dict:
    rating = question.kind == "rating"
    return {
        "id": question.pk,
        "number": number,
        "kind": question.kind,
        "text": question.display_text,
        "measure": question.measure,
        "required": question.required,
        "scale_min": question.scale_min if rating else None,
        "scale_max": question.scale_max if rating else None,
        "positive_min": question.positive_min if rating else None,
        "choices": [
            {"id": c.pk, "text": c.display_text, "positive": c.is_positive}
            for c in question.choices.all()
        ],
        "standards": [s.code for s in question.standards.all()],
        "clauses": [c.code for c in question.clauses.all()],
    }


@router.get("/surveys", response=SurveyPageOut, summary="Surveys you may see")
def list_surveys(request, filters: Query[ListFilters]):
    qs = selectors.surveys_visible(actor=request.auth)
    return id_page(qs, after=filters.after, limit=filters.limit, out=survey_out)


class OptionalToken(HttpBearer):
    """A bearer token when one is sent (as the API's own auth); else `ANYONE` answers."""

    def authenticate(self, request, token):
        person = token_authenticate(token)
        if person is not None:
            request.user = person
        return person


class Anyone:
    """The public side of an endpoint that also serves signed-in readers (`auth=[OptionalToken(), ANYONE]`)."""

    is_authenticated = False

    def __call__(self, request):
        return self


ANYONE = Anyone()


def _survey_for(reader, survey_id: int) -> Survey:
    """An open survey is public; a closed one or a draft only for those who may see it."""
    try:
        return selectors.survey_public(survey_id=survey_id)
    except NotFound:
        if reader is not ANYONE:
            return selectors.survey_get(actor=reader, survey_id=survey_id)
        raise


@router.get(
    "/surveys/{survey_id}/questions",
    response=QuestionPageOut,
    auth=[OptionalToken(), ANYONE],
    summary="A survey's questions (public while the survey is open)",
)
def list_questions(request, survey_id: int):
    survey = _survey_for(request.auth, survey_id)
    questions = selectors.questions_of(survey)
    return {
        "items": [question_out(q, i) for i, q in enumerate(questions, start=1)],
        "next": None,
    }


@router.post(
    "/surveys/{survey_id}/responses",
    response={201: ResponseOut},
    auth=None,
    summary="Answer an open survey (public, no login)",
)
def submit_response(request, survey_id: int, payload: ResponseIn):
    survey = selectors.survey_public(survey_id=survey_id)
    response = services.response_submit(
        survey=survey,
        region_code=payload.district,
        answers=[a.model_dump(exclude_none=True) for a in payload.answers],
        device=request.COOKIES.get(DEVICE_COOKIE, ""),
        address=client_ip(request),
    )
    return Status(
        201,
        {
            "id": response.pk,
            "survey": survey.pk,
            "district": payload.district,
            "submitted_at": response.submitted_at.isoformat(),
        },
    )


@router.get(
    "/surveys/{survey_id}/results",
    response=ResultPageOut,
    summary="Results per district: rates per measure, sample sizes, quota fill, 95% margins",
)
def survey_results(request, survey_id: int):
    survey = selectors.survey_get(actor=request.auth, survey_id=survey_id)
    rows = selectors.survey_results(actor=request.auth, survey=survey)
    return {"items": [selectors.results_row_dict(r) for r in rows], "next": None}
