"""The visit on a phone: my visits (cards and a map), the visit page, and its writes.

The visit page works offline (static/inspections/visit.js): answers and photos are kept in
IndexedDB with a client id each and sent here when the connection returns; the services make
a resend with the same client id change nothing. The script asks for JSON (Accept header);
a plain form post without JavaScript gets the page back, its refusal beside the form.
"""

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput
from wenming.points.geo import for_display, from_display
from wenming.points.selectors import bbox_parse
from wenming.problems.selectors import problems_visible

from .. import selectors, services
from ..forms import StartForm
from ..models import VisitStatus
from ..services.visits import FAR_START_M, checklist_of, sampling_rule_text
from .common import error_json, visit_or_404, wants_json

OPEN = (VisitStatus.ASSIGNED, VisitStatus.STARTED, VisitStatus.REJECTED)
DONE = (VisitStatus.SUBMITTED, VisitStatus.APPROVED, VisitStatus.HAS_ISSUES)
EDITABLE = (VisitStatus.STARTED, VisitStatus.REJECTED)
LIST_LIMIT = 200


def _listed(request):
    """An inspector's or evaluator's own visits; anyone else the visits in their scope
    (read-only: a region officer's subtree, a unit officer's points)."""
    actor = request.user
    mine = selectors.visits_visible(actor=actor, mine=True)
    if mine.exists():
        return mine, True
    return selectors.visits_visible(actor=actor), False


@login_required
def visits_mine(request):
    """My visits: open ones first (then by the round's closing day), each with its place for
    the distance the browser computes from here, and the map with one marker per visit."""
    qs, mine = _listed(request)
    visits = list(
        qs.annotate(
            done_last=Case(
                When(status__in=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("done_last", "round__closes_on", "point__code")[:LIST_LIMIT]
    )
    return render(
        request,
        "inspections/visits.html",
        {"visits": visits, "mine": mine, "limit": LIST_LIMIT, "open_states": OPEN},
    )


@login_required
def visit_markers(request):
    """GeoJSON of the listed visits for the map (in the tile server's datum), one feature each."""
    gcj02 = settings.MAP_TILES_GCJ02
    qs, _mine = _listed(request)
    if request.GET.get("bbox"):
        try:
            box = bbox_parse(request.GET["bbox"])
        except DomainError as exc:
            return error_json(exc)
        min_lat, min_lon = from_display(box.min_lat, box.min_lon, gcj02=gcj02)
        max_lat, max_lon = from_display(box.max_lat, box.max_lon, gcj02=gcj02)
        qs = qs.filter(
            point__lat__gte=min_lat,
            point__lat__lte=max_lat,
            point__lon__gte=min_lon,
            point__lon__lte=max_lon,
        )
    rows = list(qs.order_by("id")[: LIST_LIMIT + 1])
    features = []
    for visit in rows[:LIST_LIMIT]:
        lat, lon = for_display(visit.point.lat, visit.point.lon, gcj02=gcj02)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "name": f"{visit.point.name} · {visit.get_status_display()}",
                    "url": reverse("inspections:visit", args=[visit.pk]),
                    "is_active": visit.status in OPEN,
                },
            }
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": len(rows) > LIST_LIMIT,
        }
    )


def _is_team(request, visit) -> bool:
    return visit.team.filter(pk=request.user.pk).exists()


def _is_sampled(item) -> bool:
    return bool(
        item.sample_route_m
        or item.sample_spacing_m
        or item.sample_minutes
        or item.sample_count
        or item.sampling_note
    )


def _visit_context(request, visit, *, error=None, error_item=None) -> dict:
    team = _is_team(request, visit)
    answers = {a.item_id: a for a in visit.answers.all()}
    # The problems the failures became, by code, where the reader may open them (a failure
    # may join an open problem someone else reported).
    problem_codes = dict(
        problems_visible(actor=request.user)
        .filter(pk__in=[a.problem_id for a in answers.values() if a.problem_id])
        .values_list("pk", "code")
    )
    photos = dict(
        visit.photos.order_by()
        .values_list("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    rows = []
    for item in checklist_of(visit):
        rows.append(
            {
                "item": item,
                "answer": answers.get(item.pk),
                "problem_code": problem_codes.get(
                    getattr(answers.get(item.pk), "problem_id", None)
                ),
                "photos": photos.get(item.pk, 0),
                "sampled": _is_sampled(item),
                "rule": sampling_rule_text(item),
            }
        )
    return {
        "visit": visit,
        "rows": rows,
        "team": team,
        "can_start": team and visit.status == VisitStatus.ASSIGNED,
        "editable": team and visit.status in EDITABLE,
        "done": visit.status in DONE,
        "far": visit.start_distance_m is not None and visit.start_distance_m > FAR_START_M,
        "far_m": FAR_START_M,
        "error": error,
        "error_item": error_item,
        "answered": len(answers),
    }


def _page(request, visit, *, status=200, **context):
    return render(
        request,
        "inspections/visit.html",
        _visit_context(request, visit, **context),
        status=status,
    )


@login_required
def visit_page(request, pk):
    """The visit: start, the checklist of the point's type, photos, submit; read-only for a
    reader who is not on its team (a region or unit officer in whose scope it lies)."""
    return _page(request, visit_or_404(request, pk))


def _refused(request, visit, exc: DomainError):
    if wants_json(request):
        return error_json(exc)
    return _page(
        request,
        visit_or_404(request, visit.pk),
        status=exc.status,
        error=str(exc.message),
        error_item=exc.details.get("item"),
    )


@login_required
@require_POST
def visit_start(request, pk):
    """Start: the time and the browser's position (a far start is accepted and flagged)."""
    visit = visit_or_404(request, pk)
    form = StartForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("The position sent is not a valid latitude and longitude."))
        visit = services.visit_start(
            actor=request.user,
            visit=visit,
            lat=form.cleaned_data.get("lat"),
            lon=form.cleaned_data.get("lon"),
        )
    except DomainError as exc:
        return _refused(request, visit, exc)
    if wants_json(request):
        return JsonResponse({"status": visit.status})
    messages.success(request, _("The visit is started."))
    return redirect("inspections:visit", pk=visit.pk)


def _posted_answers(request, visit) -> list[dict]:
    """The checklist form's answers (answer-<code>, note-<code>, observed-<code>,
    failed-<code>); items left unanswered are not sent."""
    rows = []
    for item in checklist_of(visit):
        answer = request.POST.get(f"answer-{item.code}", "")
        if not answer:
            continue
        rows.append(
            {
                "item": item.code,
                "answer": answer,
                "note": request.POST.get(f"note-{item.code}", ""),
                "places_observed": request.POST.get(f"observed-{item.code}", ""),
                "places_failed": request.POST.get(f"failed-{item.code}", ""),
            }
        )
    return rows


def _json_answers(request) -> list[dict]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_("The answers sent are not valid JSON."), code="bad_json") from None
    answers = body.get("answers") if isinstance(body, dict) else None
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise InvalidInput(_("Send the answers as a list."), code="bad_json")
    if len(answers) > 500:
        raise InvalidInput(_("Too many answers in one send."), code="bad_json")
    return answers


@login_required
@require_POST
def visit_answers(request, pk):
    """Save answers: JSON from the phone's script (idempotent by client id), or the
    checklist form posted without JavaScript (with its photos)."""
    visit = visit_or_404(request, pk)
    is_json = request.content_type == "application/json"
    try:
        answers = _json_answers(request) if is_json else _posted_answers(request, visit)
        saved = services.visit_answers_save(actor=request.user, visit=visit, answers=answers)
        if not is_json:
            for item in checklist_of(visit):
                for upload in request.FILES.getlist(f"photo-{item.code}"):
                    services.visit_photo_add(
                        actor=request.user,
                        visit=visit,
                        item_code=item.code,
                        upload=upload,
                        client_id=uuid.uuid4().hex,
                    )
    except DomainError as exc:
        return _refused(request, visit, exc)
    if wants_json(request):
        return JsonResponse(
            {"saved": [{"item": a.item.code, "client_id": a.client_id} for a in saved]}
        )
    messages.success(request, _("The answers are saved."))
    return redirect("inspections:visit", pk=visit.pk)


@login_required
@require_POST
def visit_photos(request, pk):
    """One photo for one item (multipart: item, client_id, file); a resend is a no-op."""
    visit = visit_or_404(request, pk)
    try:
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Choose a photo to upload."), code="no_file")
        photo = services.visit_photo_add(
            actor=request.user,
            visit=visit,
            item_code=request.POST.get("item", ""),
            upload=upload,
            client_id=request.POST.get("client_id", ""),
        )
    except DomainError as exc:
        return _refused(request, visit, exc)
    if wants_json(request):
        return JsonResponse(
            {
                "id": photo.pk,
                "item": photo.item.code,
                "client_id": photo.client_id,
                "flags": photo.flags,
            },
            status=201,
        )
    messages.success(request, _("The photo was added."))
    return redirect("inspections:visit", pk=visit.pk)


@login_required
@require_POST
def visit_submit(request, pk):
    """Submit: scores the visit, failures become problems (a second submit changes nothing);
    unanswered items or a missing required photo are a 400 naming them."""
    visit = visit_or_404(request, pk)
    try:
        visit = services.visit_submit(actor=request.user, visit=visit)
    except DomainError as exc:
        return _refused(request, visit, exc)
    raised = visit.answers.filter(problem__isnull=False).count()
    done = _("Submitted: score %(score)s.") % {"score": visit.score}
    if raised:
        done += " " + ngettext(
            "%(n)d failure is in the problem ledger; its code is beside the item.",
            "%(n)d failures are in the problem ledger; their codes are beside the items.",
            raised,
        ) % {"n": raised}
    messages.success(request, done)
    if wants_json(request):
        return JsonResponse({"status": visit.status, "score": float(visit.score), "message": done})
    return redirect("inspections:visit", pk=visit.pk)
