"""The office's pages: the review queue with filters and counts, the per-unit gap list, the
material score's roll-up, and opening, changing or closing an assessment window."""

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.errors import DomainError, InvalidInput
from wenming.core.ids import row_id
from wenming.core.roles import is_office
from wenming.core.scope import SEE_ALL
from wenming.org.models import Unit
from wenming.standards.models import EvaluationSystem, Standard, SystemStatus

from .. import selectors, services
from ..models import AssessmentWindow, SubmissionStatus, WindowStatus

QUEUE_LIMIT = 200


def material_readers_only(view):
    """The material pages answer 403 to whoever `selectors.reads_material` leaves out (a
    district officer saw the city's material score, which the API refuses him)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not selectors.reads_material(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def _window(request):
    window_id = row_id(request.GET.get("window"))
    if window_id is not None:
        try:
            return selectors.window_get(actor=request.user, window_id=window_id)
        except DomainError:
            raise Http404 from None
    return selectors.current_window(actor=request.user)


@login_required
@material_readers_only
def queue(request):
    """Submissions by status (awaiting pre-review first), filtered by window, unit and line."""
    actor = request.user
    window = _window(request)
    status = request.GET.get("status")
    if status not in SubmissionStatus.values:
        status = SubmissionStatus.SUBMITTED if status is None else None
    unit_id = row_id(request.GET.get("unit"))
    standard_id = row_id(request.GET.get("standard"))
    result = selectors.review_queue(
        actor=actor, window=window, status=status, unit_id=unit_id, standard_id=standard_id
    )
    rows = list(result.rows[:QUEUE_LIMIT])
    tabs = [
        (value, label, result.counts.get(value, 0)) for value, label in SubmissionStatus.choices
    ]
    units = Unit.objects.filter(
        pk__in=selectors.submissions_visible(actor=actor).values("unit_id")
    ).order_by("code")
    standards = (
        Standard.objects.filter(clauses__points_material__gt=0, system_id=window.system_id)
        .distinct()
        .order_by("order", "code")
        if window
        else Standard.objects.none()
    )
    return render(
        request,
        "materials/queue.html",
        {
            "window": window,
            "windows": selectors.windows_visible(actor=actor),
            "rows": rows,
            "more": result.total and len(rows) == QUEUE_LIMIT,
            "tabs": tabs,
            "total": result.total,
            "status": status or "",
            "unit_id": unit_id,
            "standard_id": standard_id,
            "units": units,
            "standards": standards,
            "is_office": is_office(actor),
        },
    )


@login_required
@material_readers_only
def gap_list(request):
    """Per unit: the clauses whose material is missing and the files dated outside the window."""
    window = _window(request)
    rows = selectors.gaps(actor=request.user, window=window) if window else []
    return render(
        request,
        "materials/gaps.html",
        {"window": window, "windows": selectors.windows_visible(actor=request.user), "rows": rows},
    )


def _field_label(name: str) -> str:
    return str(AssessmentWindow._meta.get_field(name).verbose_name)


def _parse(value, label):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(
            _("%(what)s must be a date (YYYY-MM-DD).") % {"what": label}, code="date"
        ) from None


@login_required
@material_readers_only
def scores(request):
    """The material score per unit, content line and for the city (the office and leaders, as
    the API); a unit officer sees their own unit's line only."""
    actor = request.user
    try:
        start = _parse(request.GET.get("start"), _("Period start"))
        end = _parse(request.GET.get("end"), _("Period end"))
        result = selectors.material_scores(start=start, end=end)
    except InvalidInput as refused:  # the whole record instead, and why the period was not
        start = end = None
        result = selectors.material_scores()
        messages.error(request, refused.message)
        status = 400
    else:
        status = 200
    units = Unit.objects.in_bulk(list(result["units"]))
    unit_rows = [
        (units[pk], v)
        for pk, v in sorted(result["units"].items(), key=lambda kv: -kv[1]["score"])
        if actor.role in SEE_ALL or pk == actor.unit_id
    ]
    line_rows = []
    if actor.role in SEE_ALL:
        lines = Standard.objects.in_bulk(list(result["standards"]))
        line_rows = sorted(
            ((lines[pk], v) for pk, v in result["standards"].items()),
            key=lambda pair: (pair[0].order, pair[0].code),
        )
    return render(
        request,
        "materials/scores.html",
        {
            "city": result["city"] if actor.role in SEE_ALL else None,
            "city_percent": round(result["city"]["score"] * 100, 1),
            "unit_rows": unit_rows,
            "line_rows": line_rows,
            "start": start,
            "end": end,
            "clauses": len(result["clauses"]),
        },
        status=status,
    )


@login_required
def window_new(request):
    """The office opens a material assessment of an active evaluation system."""
    if not is_office(request.user):
        raise Http404
    systems = EvaluationSystem.objects.filter(status=SystemStatus.ACTIVE)
    error = None
    if request.method == "POST":
        try:
            system = systems.filter(pk=row_id(request.POST.get("system"))).first()
            assessment = _parse(request.POST.get("assessment_date"), _field_label("assessment_date"))
            if system is None or assessment is None:
                raise InvalidInput(_("Choose the evaluation system and the assessment date."))
            window = services.window_create(
                actor=request.user,
                system=system,
                name=request.POST.get("name", ""),
                assessment_date=assessment,
                starts_on=_parse(request.POST.get("starts_on"), _field_label("starts_on")),
                ends_on=_parse(request.POST.get("ends_on"), _field_label("ends_on")),
                submit_by=_parse(request.POST.get("submit_by"), _field_label("submit_by")),
            )
            return redirect(reverse("materials:queue") + f"?window={window.pk}&status=draft")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "materials/window_new.html",
        {
            "systems": systems,
            "error": error,
            "kept": request.POST,
        },
        status=400 if error else 200,
    )


@login_required
def window_edit(request, pk: int):
    """The office changes a window's evidence period or submission date, or closes (or
    reopens) it; `services.window_update` checks the period and records the audit entry."""
    if not is_office(request.user):
        raise Http404
    try:
        window = selectors.window_get(actor=request.user, window_id=pk)
    except DomainError:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            starts_on = _parse(request.POST.get("starts_on"), _field_label("starts_on"))
            ends_on = _parse(request.POST.get("ends_on"), _field_label("ends_on"))
            submit_by = _parse(request.POST.get("submit_by"), _field_label("submit_by"))
            if starts_on is None or ends_on is None or submit_by is None:
                raise InvalidInput(_("Give the evidence period and the date to submit by."))
            services.window_update(
                actor=request.user,
                window=window,
                starts_on=starts_on,
                ends_on=ends_on,
                submit_by=submit_by,
                status=request.POST.get("status") or None,
            )
            return redirect(reverse("materials:queue") + f"?window={window.pk}")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "materials/window_edit.html",
        {
            "window": window,
            "statuses": WindowStatus.choices,
            "error": error,
            "kept": request.POST if error else None,
        },
        status=400 if error else 200,
    )
