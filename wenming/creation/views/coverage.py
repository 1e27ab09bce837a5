"""The coverage page: per county-level region the share reached, the gap, the trend and the
closest candidates, the county-level campaigns, the office's targets; and the exports."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput, NotFound
from wenming.core.roles import is_office
from wenming.org.models import Region
from wenming.standards.models import EvaluationSystem

from .. import coverage, reports, selectors, services
from ..models import HonourLevel
from .common import chosen_type


@login_required
def coverage_page(request):
    actor = request.user
    types = list(selectors.types_visible(actor=actor))
    kind = chosen_type(request, types)
    rows = coverage.coverage(actor=actor, type=kind) if kind is not None else []
    context = {
        "types": types,
        "kind": kind,
        "rows": rows,
        "short": [r for r in rows if r.met is False],
        "campaigns": [r for r in rows if r.campaign is not None],
        "total": coverage.totals(rows),
        "is_office": is_office(actor),
        "can_export": actor.role not in reports.NO_REPORTS,
        "levels": HonourLevel.choices,
    }
    if context["is_office"]:
        context["target_regions"] = list(Region.objects.filter(level__in=("city", "district")))
        context["systems"] = list(EvaluationSystem.objects.order_by("-edition_year", "code"))
    return render(request, "creation/coverage.html", context)


@login_required
@require_POST
def target_save(request):
    """The office sets a region's target for a type (and its own campaign's edition)."""
    post = request.POST
    try:
        kind = selectors.type_get(actor=request.user, code=post.get("type", ""))
    except NotFound as exc:
        messages.error(request, str(exc.message))
        return redirect("creation:coverage")
    try:
        region = Region.objects.filter(code=post.get("region", "")).first()
        if region is None:
            raise InvalidInput(_("No region has that code."))
        try:
            due_on = date.fromisoformat(post.get("due_on", ""))
        except ValueError:
            raise InvalidInput(_("Give the date as YYYY-MM-DD.")) from None
        system = None
        if post.get("system"):
            system = EvaluationSystem.objects.filter(code=post["system"]).first()
        services.target_set(
            actor=request.user,
            region=region,
            type=kind,
            share=post.get("share", ""),
            due_on=due_on,
            min_level=post.get("min_level", HonourLevel.COUNTY),
            system=system,
            note=post.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The target is saved."))
    return redirect(f"{reverse('creation:coverage')}?type={kind.code}")


@login_required
@require_POST
def export(request, kind):
    """Ask the worker for the honour roll, the coverage table or the notice list."""
    try:
        job = reports.export_start(
            actor=request.user, kind=kind, type_code=request.POST.get("type", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("creation:coverage")
    return redirect("jobs:page", pk=job.pk)
