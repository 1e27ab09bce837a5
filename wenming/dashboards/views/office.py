"""The office's pages: the monthly briefing (queued for the worker; leaders too) and the
exposure board's management; and the public exposure board (no login)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, NotFound
from wenming.core.jobs import jobs_of
from wenming.core.roles import is_office
from wenming.problems.deadlines import local_today

from .. import briefing as briefing_docs
from .. import exposure as board
from ..models import Exposure


def _office(request):
    if not is_office(request.user):
        raise PermissionDenied(_("Only the Civilization Office may do this."))


@login_required
def briefing(request):
    """Pick a month and queue its Word briefing or Excel workbook (the office, leaders)."""
    if not briefing_docs.may_brief(request.user):
        raise PermissionDenied
    error = ""
    # By default the month just ended: the briefing reports a whole month.
    month = request.POST.get("month") or f"{local_today().replace(day=1) - timedelta(days=1):%Y-%m}"
    if request.method == "POST":
        try:
            job = briefing_docs.briefing_start(
                actor=request.user, month=month, kind=request.POST.get("kind", "")
            )
        except DomainError as exc:
            error = str(exc)
        else:
            return redirect("jobs:page", job.pk)
    kinds = (briefing_docs.DOCX, briefing_docs.XLSX)
    recent = [job for job in jobs_of(actor=request.user) if job.kind in kinds][:10]
    return render(
        request,
        "dashboards/briefing.html",
        {"month": month, "error": error, "recent": recent},
        status=400 if error else 200,
    )


@login_required
def exposures(request):
    """The office's list: publish a problem by its code, withdraw a published one."""
    _office(request)
    # The problems in a second query by id: joined, SQLite may walk the million-row ledger
    # looking for the few exposed problems (450 ms at 1,000,000 problems, none exposed).
    rows = list(Exposure.objects.prefetch_related("problem").order_by("-published_at")[:200])
    return render(request, "dashboards/exposures.html", {"rows": rows})


@login_required
@require_POST
def exposure_publish(request):
    _office(request)
    try:
        board.exposure_publish(
            actor=request.user,
            problem_code=request.POST.get("code", ""),
            title=request.POST.get("title", ""),
            summary=request.POST.get("summary", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published on the exposure board."))
    return redirect("dashboards:exposures")


@login_required
@require_POST
def exposure_withdraw(request, pk):
    _office(request)
    try:
        board.exposure_withdraw(
            actor=request.user, exposure_id=pk, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Withdrawn from the exposure board."))
    return redirect("dashboards:exposures")


def public_board(request):
    """The public exposure board (曝光台): no login."""
    return render(request, "dashboards/public_board.html", {"rows": board.exposures_public()})


def public_photo(request, pk, which):
    """A published exposure's photo, the copy without EXIF (404 once withdrawn)."""
    try:
        name = board.public_photo_path(exposure_id=pk, which=which)
        handle = default_storage.open(name, "rb")
    except (NotFound, FileNotFoundError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=300"
    return response
