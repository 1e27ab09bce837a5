"""Material review endpoints: scoped lists of submissions, opening one, adding evidence files
(checked by content: a file that is not the type it claims is a 400), submitting, and the
office's pre-review; the material score for the office and leaders."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from wenming.core.documents import document_response
from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.ids import RowId
from wenming.core.pagination import id_page
from wenming.core.scope import SEE_ALL
from wenming.org.models import Unit
from wenming.standards.models import Clause

from . import selectors, services
from .models import Submission, SubmissionStatus

router = Router(tags=["materials"])
MAX_PAGE = 200


class FileOut(Schema):
    id: int
    kind: str
    file_kind: str
    name: str
    size: int
    content_type: str
    document_date: date
    in_window: bool
    uploaded_at: datetime
    url: str


class SubmissionOut(Schema):
    id: int
    window: int
    clause: str
    clause_id: int
    standard: str
    unit: str
    owner_role: str
    status: str
    points: float = Field(description="the clause's material points")
    score: float | None = Field(description="the pre-score as a share (0 … 1) of the points")
    points_earned: float | None
    comments: str
    return_deadline: date | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    submissions: int
    version: int


class SubmissionDetailOut(SubmissionOut):
    files: list[FileOut]


class SubmissionPageOut(Schema):
    items: list[SubmissionOut]
    next: str | None


class SubmissionFilters(Schema):
    window: RowId | None = None
    status: str | None = None
    unit: str | None = Field(None, description="unit code")
    clause: str | None = Field(None, description="clause code")
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class OpenIn(Schema):
    window: int
    clause: str = Field(max_length=20, description="clause code, e.g. 1.1.2.1")
    unit: str | None = Field(None, max_length=32, description="unit code (the office only)")


class MaterialReviewIn(Schema):
    decision: str = Field(max_length=10, description="score or return")
    score: float | None = Field(None, description="share 0 … 1 of the clause's material points")
    comments: str = Field("", max_length=4000)
    deadline: date | None = Field(None, description="resubmit by (a return)")


class ScoreOut(Schema):
    score: float
    n: int


class ScoresOut(Schema):
    units: dict[str, ScoreOut]
    standards: dict[str, ScoreOut]
    clauses: dict[str, ScoreOut]
    city: ScoreOut


def _f(value):
    return float(value) if value is not None else None


def submission_out(s: Submission) -> dict:
    return {
        "id": s.pk,
        "window": s.window_id,
        "clause": s.clause.code,
        "clause_id": s.clause_id,
        "standard": s.clause.standard.code,
        "unit": s.unit.code,
        "owner_role": s.owner_role,
        "status": s.status,
        "points": float(s.clause.points_material),
        "score": _f(s.score),
        "points_earned": _f(s.points_earned),
        "comments": s.comments,
        "return_deadline": s.return_deadline,
        "submitted_at": s.submitted_at,
        "reviewed_at": s.reviewed_at,
        "submissions": s.submissions,
        "version": s.version,
    }


def detail_out(s: Submission) -> dict:
    return {
        **submission_out(s),
        "files": [
            {
                "id": f.pk,
                "kind": f.kind,
                "file_kind": f.file_kind,
                "name": f.name,
                "size": f.size,
                "content_type": f.content_type,
                "document_date": f.document_date,
                "in_window": s.window.covers(f.document_date),
                "uploaded_at": f.uploaded_at,
                "url": f"/api/v1/materials/{s.pk}/files/{f.pk}",
            }
            for f in s.files.all()
        ],
    }


@router.get("/materials", response=SubmissionPageOut, summary="Material submissions you may see")
def list_materials(request, filters: Query[SubmissionFilters]):
    qs = selectors.submissions_visible(actor=request.auth)
    if filters.window is not None:
        qs = qs.filter(window_id=filters.window)
    if filters.status:
        # An unknown status would silently list nothing: say so instead (400).
        if filters.status not in SubmissionStatus.values:
            raise InvalidInput(
                _("Unknown status %(status)s.") % {"status": filters.status}, code="status"
            )
        qs = qs.filter(status=filters.status)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.clause:
        qs = qs.filter(clause__code=filters.clause)
    return id_page(
        qs, after=filters.after, limit=filters.limit, out=submission_out, newest_first=False
    )


@router.post(
    "/materials",
    response={200: SubmissionDetailOut, 201: SubmissionDetailOut},
    summary="Open (or get) your unit's submission for a material clause of a window",
)
def open_material(request, payload: OpenIn):
    window = selectors.window_get(actor=request.auth, window_id=payload.window)
    clause = Clause.objects.filter(system_id=window.system_id, code=payload.clause).first()
    if clause is None:
        raise InvalidInput(
            _("No clause %(code)s in this window's system.") % {"code": payload.clause},
            code="clause",
        )
    unit = None
    if payload.unit:
        unit = Unit.objects.filter(code=payload.unit).first()
        if unit is None:
            raise InvalidInput(_("No member unit %(code)s.") % {"code": payload.unit}, code="unit")
    submission, created = services.submission_open(
        actor=request.auth, window=window, clause=clause, unit=unit
    )
    body = detail_out(selectors.submission_get(actor=request.auth, submission_id=submission.pk))
    return Status(201 if created else 200, body)


@router.get("/materials/scores", response=ScoresOut, summary="The material score (office, leaders)")
def material_scores(request, start: date | None = None, end: date | None = None):
    if getattr(request.auth, "role", None) not in SEE_ALL:
        raise NotAllowed(_("Only the office and leaders read the city's material score."))
    result = selectors.material_scores(start=start, end=end)
    units = dict(Unit.objects.values_list("pk", "code"))
    return {
        "units": {units[pk]: v for pk, v in result["units"].items()},
        "standards": {str(pk): v for pk, v in result["standards"].items()},
        "clauses": {str(pk): v for pk, v in result["clauses"].items()},
        "city": result["city"],
    }


@router.get("/materials/{submission_id}", response=SubmissionDetailOut, summary="One submission")
def get_material(request, submission_id: int):
    return detail_out(selectors.submission_get(actor=request.auth, submission_id=submission_id))


@router.post(
    "/materials/{submission_id}/files",
    response={201: FileOut},
    summary="Add a file (multipart: kind, document_date, file); checked by content",
)
def add_file(
    request,
    submission_id: int,
    kind: Form[str],
    document_date: Form[str],
    file: File[UploadedFile],
):
    submission = selectors.submission_get(actor=request.auth, submission_id=submission_id)
    evidence = services.evidence_add(
        actor=request.auth,
        submission=submission,
        upload=file,
        kind=kind,
        document_date=document_date,
    )
    body = detail_out(selectors.submission_get(actor=request.auth, submission_id=submission_id))
    return Status(201, next(f for f in body["files"] if f["id"] == evidence.pk))


@router.get("/materials/{submission_id}/files/{file_id}", summary="Download one file")
def get_file(request, submission_id: int, file_id: int):
    evidence = selectors.evidence_get(
        actor=request.auth, submission_id=submission_id, file_id=file_id
    )
    return document_response(evidence.path, filename=evidence.name)


@router.delete("/materials/{submission_id}/files/{file_id}", response={204: None})
def delete_file(request, submission_id: int, file_id: int):
    evidence = selectors.evidence_get(
        actor=request.auth, submission_id=submission_id, file_id=file_id
    )
    services.evidence_remove(actor=request.auth, evidence=evidence)
    return Status(204, None)


@router.post(
    "/materials/{submission_id}/submit",
    response=SubmissionDetailOut,
    summary="Submit for the office's pre-review (409 on an illegal move)",
)
def submit_material(request, submission_id: int):
    submission = selectors.submission_get(actor=request.auth, submission_id=submission_id)
    services.submission_submit(actor=request.auth, submission=submission)
    return detail_out(selectors.submission_get(actor=request.auth, submission_id=submission_id))


@router.post(
    "/materials/{submission_id}/review",
    response=SubmissionDetailOut,
    summary="The office's pre-review: score (share 0 … 1) or return with a deadline",
)
def review_material(request, submission_id: int, payload: MaterialReviewIn):
    submission = selectors.submission_get(actor=request.auth, submission_id=submission_id)
    services.submission_review(
        actor=request.auth,
        submission=submission,
        decision=payload.decision,
        score=payload.score,
        comments=payload.comments,
        deadline=payload.deadline,
    )
    return detail_out(selectors.submission_get(actor=request.auth, submission_id=submission_id))
