"""Campaigns: the list (and the office's form), one campaign's page with its work plans and
the breakdown from the standards (generate, merge, publish), and the coverage view."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.documents import document_response
from wenming.core.errors import DomainError, InvalidInput
from wenming.core.roles import is_office
from wenming.org.models import Region
from wenming.standards.models import EvaluationSystem

from .. import selectors
from ..models import CompetitionGroup, PlanKind, Status, Task
from ..services import breakdown
from ..services import campaigns as services
from .common import form_date, form_int, or_404


def _list(request, *, error=None, status=200):
    actor = request.user
    return render(
        request,
        "plans/campaigns.html",
        {
            "campaigns": selectors.campaigns_visible(actor=actor)[:100],
            "is_office": is_office(actor),
            "regions": Region.objects.filter(level__in=("city", "district")).order_by("path"),
            "systems": EvaluationSystem.objects.order_by("-edition_year", "code"),
            "groups": CompetitionGroup.choices,
            # The form's bounds are the service's, so the browser and the server agree.
            "first_year": services.FIRST_YEAR,
            "last_year": services.LAST_YEAR,
            "error": error,
            "post": request.POST if error else {},
        },
        status=status,
    )


@login_required
def campaign_list(request):
    if request.method == "POST":
        post = request.POST
        try:
            region = Region.objects.filter(pk=form_int(post.get("region"), field=_("Region")))
            system = EvaluationSystem.objects.filter(
                pk=form_int(post.get("system"), field=_("Evaluation system"))
            )
            campaign = services.campaign_create(
                actor=request.user,
                name=post.get("name", ""),
                region=region.first(),
                system=system.first(),
                cycle_start_year=form_int(post.get("cycle_start_year"), field=_("Cycle starts")),
                cycle_end_year=form_int(post.get("cycle_end_year"), field=_("Cycle ends")),
                competition_group=post.get("competition_group", ""),
            )
        except DomainError as exc:
            return _list(request, error=exc.message, status=exc.status)
        return redirect("plans:campaign", campaign.pk)
    return _list(request)


def _detail(request, pk, *, error=None, form=None, status=200, result=None):
    actor = request.user
    campaign = or_404(selectors.campaign_get, actor=actor, campaign_id=pk)
    office = is_office(actor)
    drafts = []
    if office:
        drafts = list(
            Task.objects.filter(campaign=campaign, is_published=False)
            .select_related("lead_unit")
            .order_by("title", "id")[:500]
        )
    counts = selectors.task_counts(actor=actor, filters=selectors.LedgerFilters(campaign=pk))
    labels = dict(Status.choices)
    return render(
        request,
        "plans/campaign.html",
        {
            "campaign": campaign,
            "plans": selectors.plans_of(actor=actor, campaign=campaign),
            "drafts": drafts,
            "draft_count": Task.objects.filter(campaign=campaign, is_published=False).count()
            if office
            else 0,
            "counts": counts,
            "count_rows": [(v, labels[v], n) for v, n in counts["by_status"].items()],
            "kinds": PlanKind.choices,
            "is_office": office,
            "error": error,
            "error_form": form,
            "result": result,
            "today": timezone.localdate(),
            "year_end": timezone.localdate().replace(month=12, day=31),
        },
        status=status,
    )


@login_required
def campaign_page(request, pk):
    return _detail(request, pk)


def _run(request, pk, form, fn):
    try:
        fn()
    except DomainError as exc:
        return _detail(request, pk, error=exc.message, form=form, status=exc.status)
    return redirect("plans:campaign", pk)


@login_required
@require_POST
def plan_add(request, pk):
    campaign = or_404(selectors.campaign_get, actor=request.user, campaign_id=pk)
    post = request.POST
    return _run(
        request,
        pk,
        "plan",
        lambda: services.plan_create(
            actor=request.user,
            campaign=campaign,
            kind=post.get("kind", ""),
            title=post.get("title", ""),
            month=form_date(post.get("month") + "-01", required=False)
            if post.get("month")
            else None,
            document=request.FILES.get("document"),
        ),
    )


@login_required
@require_POST
def generate(request, pk):
    campaign = or_404(selectors.campaign_get, actor=request.user, campaign_id=pk)
    return _run(
        request,
        pk,
        "breakdown",
        lambda: breakdown.tasks_generate(
            actor=request.user,
            campaign=campaign,
            start=form_date(request.POST.get("start")),
            deadline=form_date(request.POST.get("deadline")),
        ),
    )


@login_required
@require_POST
def merge(request, pk):
    campaign = or_404(selectors.campaign_get, actor=request.user, campaign_id=pk)
    ids = [int(i) for i in request.POST.getlist("task") if i.isdigit()]
    return _run(
        request,
        pk,
        "breakdown",
        lambda: breakdown.tasks_merge(
            actor=request.user,
            campaign=campaign,
            task_ids=ids,
            title=request.POST.get("title", ""),
        ),
    )


@login_required
@require_POST
def publish(request, pk):
    campaign = or_404(selectors.campaign_get, actor=request.user, campaign_id=pk)
    chosen = [int(i) for i in request.POST.getlist("task") if i.isdigit()]
    return _run(
        request,
        pk,
        "breakdown",
        lambda: breakdown.tasks_publish(
            actor=request.user, campaign=campaign, task_ids=chosen or None
        ),
    )


@login_required
def coverage(request, pk):
    actor = request.user
    campaign = or_404(selectors.campaign_get, actor=actor, campaign_id=pk)
    return render(
        request,
        "plans/coverage.html",
        {"campaign": campaign, "coverage": selectors.coverage(actor=actor, campaign=campaign)},
    )


@login_required
def plan_document(request, pk):
    plan = or_404(selectors.plan_get, actor=request.user, plan_id=pk)
    if not plan.document:
        raise InvalidInput(_("This plan has no document."))
    try:
        return document_response(plan.document, filename=plan.document_name)
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status)
