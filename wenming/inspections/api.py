"""Inspection endpoints of the JSON API: rounds with their scores and estimate, the visits on
a phone (start, results, photos, submit) and the owner's review. Scoped like every list:
a visit outside the reader's scope is a 404."""

from datetime import date, datetime

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from wenming.core.ids import RowId
from wenming.core.pagination import id_page

from . import selectors, services
from .models import Round, Visit

router = Router(tags=["inspections"])
MAX_PAGE = 200


class EstimateOut(Schema):
    score: float | None
    low: float | None
    high: float | None
    standard_error: float | None
    threshold: float | None
    pass_probability: float | None


class TypeScoreOut(Schema):
    type: str
    name: str
    weight: float
    visits: int
    score: float | None
    earned: float
    possible: float
    score_rate: float | None


class RoundOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    status: str
    system: str
    opens_on: date
    closes_on: date
    late_submission: bool
    seed: int


class RoundDetailOut(RoundOut):
    visits: int
    by_status: dict[str, int]
    field_score: float | None
    score_rate: float | None
    types: list[TypeScoreOut]
    estimate: EstimateOut | None
    sample_sizes: list[dict]
    whole_round: bool = Field(description="false: the figures cover only the visits you see")


class RoundPageOut(Schema):
    items: list[RoundOut]
    next: str | None


class VisitOut(Schema):
    id: int
    round: str
    point: str
    point_name: str
    point_type: str
    lat: float
    lon: float
    status: str
    started_at: datetime | None
    start_distance_m: float | None
    submitted_at: datetime | None
    score: float | None
    earned: float | None
    possible: float | None
    places_observed: int
    places_passed: int
    review_note: str
    version: int


class VisitPageOut(Schema):
    items: list[VisitOut]
    next: str | None


class VisitFilters(Schema):
    mine: bool = False
    round: RowId | None = None
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class StartIn(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class VisitAnswerIn(Schema):
    item: str = Field(max_length=40)
    answer: str = Field(max_length=4)
    note: str = Field("", max_length=2000)
    places_observed: int | None = Field(None, ge=0, le=100000)
    places_failed: int | None = Field(None, ge=0, le=100000)
    client_id: str = Field("", max_length=64)


class ResultsIn(Schema):
    answers: list[VisitAnswerIn] = Field(max_length=500)


class AnswerOut(Schema):
    item: str
    answer: str
    note: str
    sampling_rule: str
    places_observed: int | None
    places_failed: int | None
    client_id: str
    problem: str | None


class VisitReviewIn(Schema):
    decision: str = Field(max_length=20, description="approve, has_issues or reject")
    note: str = Field("", max_length=2000)


def _f(value):
    return float(value) if value is not None else None


def round_out(r: Round) -> dict:
    return {
        "id": r.pk,
        "code": r.code,
        "name": r.name,
        "kind": r.kind,
        "status": r.status,
        "system": r.system.code,
        "opens_on": r.opens_on,
        "closes_on": r.closes_on,
        "late_submission": r.late_submission,
        "seed": r.seed,
    }


def visit_out(v: Visit) -> dict:
    return {
        "id": v.pk,
        "round": v.round.code,
        "point": v.point.code,
        "point_name": v.point.name,
        "point_type": v.point_type.code,
        "lat": v.point.lat,
        "lon": v.point.lon,
        "status": v.status,
        "started_at": v.started_at,
        "start_distance_m": v.start_distance_m,
        "submitted_at": v.submitted_at,
        "score": _f(v.score),
        "earned": _f(v.earned),
        "possible": _f(v.possible),
        "places_observed": v.places_observed,
        "places_passed": v.places_passed,
        "review_note": v.review_note,
        "version": v.version,
    }


@router.get("/rounds", response=RoundPageOut, summary="Inspection rounds you may see")
def list_rounds(request, after: str | None = None, limit: int = Query(50, ge=1, le=MAX_PAGE)):
    qs = selectors.rounds_visible(actor=request.auth).select_related("system")
    return id_page(qs, after=after, limit=limit, out=round_out)


@router.get(
    "/rounds/{round_id}",
    response=RoundDetailOut,
    summary="One round: scores by point type, the field score and the mock-assessment estimate",
)
def get_round(request, round_id: int):
    round_ = selectors.round_get(actor=request.auth, round_id=round_id)
    summary = selectors.round_summary(actor=request.auth, round_=round_)
    est = summary.estimate
    return {
        **round_out(round_),
        "visits": summary.visits,
        "by_status": summary.by_status,
        "field_score": _f(summary.field_score),
        "score_rate": _f(summary.score_rate),
        "types": [
            {
                "type": t.code,
                "name": t.name,
                "weight": float(t.weight),
                "visits": t.visits,
                "score": _f(t.score),
                "earned": float(t.earned),
                "possible": float(t.possible),
                "score_rate": _f(t.score_rate),
            }
            for t in summary.types
        ],
        "estimate": None
        if est is None
        else {
            "score": est.score,
            "low": est.low,
            "high": est.high,
            "standard_error": est.standard_error,
            "threshold": _f(round_.pass_threshold),
            "pass_probability": summary.pass_probability,
        },
        "sample_sizes": summary.strata,
        "whole_round": summary.whole_round,
    }


@router.get("/visits", response=VisitPageOut, summary="Visits you may see (`mine=1`: your own)")
def list_visits(request, filters: Query[VisitFilters]):
    qs = selectors.visits_visible(actor=request.auth, mine=filters.mine)
    if filters.round is not None:
        qs = qs.filter(round_id=filters.round)
    return id_page(qs, after=filters.after, limit=filters.limit, out=visit_out, newest_first=False)


@router.get("/visits/{visit_id}", response=VisitOut, summary="One visit")
def get_visit(request, visit_id: int):
    return visit_out(selectors.visit_get(actor=request.auth, visit_id=visit_id))


@router.post("/visits/{visit_id}/start", response=VisitOut, summary="Start: time and position")
def start_visit(request, visit_id: int, payload: StartIn):
    visit = selectors.visit_get(actor=request.auth, visit_id=visit_id)
    visit = services.visit_start(actor=request.auth, visit=visit, lat=payload.lat, lon=payload.lon)
    return visit_out(selectors.visit_get(actor=request.auth, visit_id=visit.pk))


@router.put(
    "/visits/{visit_id}/results",
    response=list[AnswerOut],
    summary="Save answers (idempotent: a resend with the same client ids changes nothing)",
)
def put_results(request, visit_id: int, payload: ResultsIn):
    visit = selectors.visit_get(actor=request.auth, visit_id=visit_id)
    saved = services.visit_answers_save(
        actor=request.auth, visit=visit, answers=[a.dict() for a in payload.answers]
    )
    return [
        {
            "item": a.item.code,
            "answer": a.answer,
            "note": a.note,
            "sampling_rule": a.sampling_rule,
            "places_observed": a.places_observed,
            "places_failed": a.places_failed,
            "client_id": a.client_id,
            "problem": a.problem.code if a.problem_id else None,
        }
        for a in sorted(saved, key=lambda a: (a.item.order, a.item.code))
    ]


class VisitPhotoOut(Schema):
    id: int
    item: str
    client_id: str


@router.post(
    "/visits/{visit_id}/photos",
    response={201: VisitPhotoOut},
    summary="A photo for one checklist item (multipart: item, client_id, file)",
)
def add_photo(
    request,
    visit_id: int,
    item: Form[str],
    client_id: Form[str],
    file: File[UploadedFile],
):
    visit = selectors.visit_get(actor=request.auth, visit_id=visit_id)
    photo = services.visit_photo_add(
        actor=request.auth, visit=visit, item_code=item, upload=file, client_id=client_id
    )
    return Status(201, {"id": photo.pk, "item": photo.item.code, "client_id": photo.client_id})


@router.post(
    "/visits/{visit_id}/submit",
    response=VisitOut,
    summary="Submit: scores the visit, failures become problems (a second submit changes nothing)",
)
def submit_visit(request, visit_id: int):
    visit = selectors.visit_get(actor=request.auth, visit_id=visit_id)
    services.visit_submit(actor=request.auth, visit=visit)
    return visit_out(selectors.visit_get(actor=request.auth, visit_id=visit_id))


@router.post("/visits/{visit_id}/review", response=VisitOut, summary="The owner's review")
def review_visit(request, visit_id: int, payload: VisitReviewIn):
    visit = selectors.visit_get(actor=request.auth, visit_id=visit_id)
    services.visit_review(
        actor=request.auth, visit=visit, decision=payload.decision, note=payload.note
    )
    return visit_out(selectors.visit_get(actor=request.auth, visit_id=visit_id))
