"""Pages of the oversight: supervision orders (list, issue, one order with its timeline and
moves), review meetings (list, record, one meeting with its figures and commitments) and
guarantor units (the office's list; a unit's page of the places it guarantees). A refused form
re-renders the page with the reason beside it and the refusal's status (4xx)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput
from wenming.core.ids import row_id
from wenming.core.roles import Role, is_office
from wenming.org.models import Region, RegionLevel, Unit
from wenming.points.models import Point
from wenming.problems.models import Problem

from ..models import Guarantor, OrderAction, OrderKind, OrderStatus
from ..selectors import campaigns_visible, tasks_visible
from ..views.common import form_date
from . import guarantors as guarantor_services
from . import meetings as meeting_services
from . import orders as order_services
from . import selectors

PAGE = 100


def _units():
    return Unit.objects.filter(is_active=True).order_by("kind", "code")


def _unit(value, *, required=True):
    if not value:
        if required:
            raise InvalidInput(_("Choose a unit."), code="unit_required")
        return None
    unit = Unit.objects.filter(pk=row_id(value) or -1, is_active=True).first()
    if unit is None:
        raise InvalidInput(_("Unknown unit."), code="bad_unit")
    return unit


# ---------------------------------------------------------------- supervision orders


@login_required
def order_list(request):
    actor = request.user
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    rows = list(selectors.orders_visible(actor, status=status, overdue=overdue)[:PAGE])
    return render(
        request,
        "plans/oversight/orders.html",
        {
            "section": "orders",
            "rows": [(o, selectors.order_is_overdue(o)) for o in rows],
            "counts": selectors.order_counts(actor),
            "status": status,
            "overdue": overdue,
            "statuses": OrderStatus.choices,
            "is_office": is_office(actor),
        },
    )


def _new_form(request, *, error=None, status=200):
    actor = request.user
    source = request.POST if request.method == "POST" else request.GET
    return render(
        request,
        "plans/oversight/order_new.html",
        {
            "section": "orders",
            "units": _units(),
            "kinds": OrderKind.choices,
            "post": source,
            "error": error,
            "task": tasks_visible(actor=actor).filter(pk=_int(source.get("task"))).first(),
        },
        status=status,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def order_new(request):
    if not is_office(request.user):
        raise Http404
    if request.method != "POST":
        return _new_form(request)
    post = request.POST
    try:
        task = problem = None
        if post.get("task"):
            task = tasks_visible(actor=request.user).filter(pk=_int(post["task"])).first()
            if task is None:
                raise InvalidInput(_("No such task."), code="bad_task")
        if post.get("problem"):
            problem = Problem.objects.filter(code=post["problem"].strip().upper()).first()
            if problem is None:
                raise InvalidInput(_("No problem has this number."), code="bad_problem")
        order = order_services.supervision_order_issue(
            actor=request.user,
            kind=post.get("kind", ""),
            title=post.get("title", ""),
            requirement=post.get("requirement", ""),
            deadline=form_date(post.get("deadline")),
            lead_unit=_unit(post.get("lead_unit")),
            assisting_units=[_unit(v) for v in post.getlist("assisting_units") if v],
            task=task,
            problem=problem,
        )
    except DomainError as exc:
        return _new_form(request, error=exc.message, status=exc.status)
    return redirect("oversight:order", order.pk)


def _order_page(request, pk, *, error=None, status=200):
    actor = request.user
    try:
        order = selectors.order_for(actor, pk)
    except DomainError:
        raise Http404 from None
    actions = [(a, OrderAction(a).label) for a in order_services.actions_for(actor, order)]
    return render(
        request,
        "plans/oversight/order.html",
        {
            "section": "orders",
            "order": order,
            "overdue": selectors.order_is_overdue(order),
            "events": order.events.all(),
            "actions": actions,
            "error": error,
            "post": request.POST if error else {},
            "problem_visible": order.problem_id is not None
            and _problem_visible(actor, order.problem_id),
        },
        status=status,
    )


def _problem_visible(actor, problem_id) -> bool:
    from wenming.problems.selectors import problems_visible

    return problems_visible(actor=actor).filter(pk=problem_id).exists()


@login_required
def order_page(request, pk):
    return _order_page(request, pk)


@login_required
@require_POST
def order_move(request, pk):
    try:
        order = selectors.order_for(request.user, pk)
    except DomainError:
        raise Http404 from None
    try:
        order_services.supervision_order_transition(
            actor=request.user,
            order=order,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            deadline=form_date(request.POST.get("deadline"), required=False),
        )
    except DomainError as exc:
        return _order_page(request, pk, error=exc.message, status=exc.status)
    return redirect("oversight:order", pk)


# ---------------------------------------------------------------- review meetings


@login_required
def meeting_list(request):
    actor = request.user
    return render(
        request,
        "plans/oversight/meetings.html",
        {
            "section": "meetings",
            "meetings": selectors.meetings_visible(actor)[:PAGE],
            "campaigns": campaigns_visible(actor=actor),
            "is_office": is_office(actor),
            "post": {},
        },
    )


@login_required
@require_POST
def meeting_new(request):
    actor = request.user
    if not is_office(actor):
        raise Http404
    post = request.POST
    try:
        campaign = campaigns_visible(actor=actor).filter(pk=_int(post.get("campaign"))).first()
        if campaign is None:
            raise InvalidInput(_("Choose the campaign."), code="campaign_required")
        meeting = meeting_services.meeting_create(
            actor=actor,
            campaign=campaign,
            title=post.get("title", ""),
            held_on=form_date(post.get("held_on")),
            attendees=post.get("attendees", ""),
            attending_units=[_unit(v) for v in post.getlist("attending_units") if v],
            decisions=post.get("decisions", ""),
        )
    except DomainError as exc:
        return render(
            request,
            "plans/oversight/meetings.html",
            {
                "section": "meetings",
                "meetings": selectors.meetings_visible(actor)[:PAGE],
                "campaigns": campaigns_visible(actor=actor),
                "is_office": True,
                "error": exc.message,
                "post": post,
            },
            status=exc.status,
        )
    return redirect("oversight:meeting", meeting.pk)


def _meeting_page(request, pk, *, error=None, status=200):
    actor = request.user
    try:
        meeting = selectors.meeting_for(actor, pk)
    except DomainError:
        raise Http404 from None
    figures = [(key, meeting.figures.get(key)) for key in selectors.FIGURE_LABELS]
    return render(
        request,
        "plans/oversight/meeting.html",
        {
            "section": "meetings",
            "meeting": meeting,
            "figures": figures,
            "commitments": meeting.commitments.select_related("task", "task__lead_unit"),
            "carried_over": selectors.open_commitments(meeting.campaign, before=meeting.held_on),
            "is_office": is_office(actor),
            "units": _units(),
            "error": error,
            "post": request.POST if error else {},
        },
        status=status,
    )


@login_required
def meeting_page(request, pk):
    return _meeting_page(request, pk)


@login_required
@require_POST
def meeting_commit(request, pk):
    actor = request.user
    try:
        meeting = selectors.meeting_for(actor, pk)
    except DomainError:
        raise Http404 from None
    try:
        meeting_services.meeting_commit(
            actor=actor,
            meeting=meeting,
            title=request.POST.get("title", ""),
            deadline=form_date(request.POST.get("deadline")),
            lead_unit=_unit(request.POST.get("lead_unit"), required=False),
            description=request.POST.get("description", ""),
        )
    except DomainError as exc:
        return _meeting_page(request, pk, error=exc.message, status=exc.status)
    return redirect("oversight:meeting", pk)


# ---------------------------------------------------------------- guarantors


def _guarantor_page(request, *, error=None, status=200):
    actor = request.user
    office = is_office(actor)
    return render(
        request,
        "plans/oversight/guarantors.html",
        {
            "section": "guarantors",
            "rows": selectors.guarantors_visible(actor).order_by("unit__kind", "unit__code")[:500],
            "is_office": office,
            "units": _units() if office else (),
            "places": Region.objects.filter(
                level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY)
            ).order_by("path")[:2000]
            if office
            else (),
            "error": error,
            "post": request.POST if error else {},
        },
        status=status,
    )


@login_required
def guarantor_list(request):
    return _guarantor_page(request)


@login_required
@require_POST
def guarantor_assign(request):
    actor = request.user
    if not is_office(actor):
        raise Http404
    post = request.POST
    try:
        region = point = None
        if post.get("region"):
            region = Region.objects.filter(pk=_int(post["region"])).first()
            if region is None:
                raise InvalidInput(_("Unknown region."), code="bad_region")
        if post.get("point"):
            point = Point.objects.filter(code=post["point"].strip()).first()
            if point is None:
                raise InvalidInput(_("No assessment point has this code."), code="bad_point")
        guarantor_services.guarantor_assign(
            actor=actor,
            unit=_unit(post.get("unit")),
            region=region,
            point=point,
            note=post.get("note", ""),
        )
    except DomainError as exc:
        return _guarantor_page(request, error=exc.message, status=exc.status)
    return redirect("oversight:guarantors")


@login_required
@require_POST
def guarantor_end(request, pk):
    if not is_office(request.user):
        raise Http404
    try:
        guarantor_services.guarantor_end(actor=request.user, guarantor=pk)
    except DomainError as exc:
        return _guarantor_page(request, error=exc.message, status=exc.status)
    except Guarantor.DoesNotExist:
        raise Http404 from None
    return redirect("oversight:guarantors")


@login_required
def guaranteed(request):
    """A unit's page: the open problems and the failed checks on the places it guarantees."""
    actor = request.user
    if getattr(actor, "role", None) != Role.UNIT_OFFICER and not is_office(actor):
        raise Http404
    if is_office(actor):  # the office picks the unit; one that does not exist is a 404
        unit = Unit.objects.filter(pk=row_id(request.GET.get("unit")) or -1, is_active=True).first()
    else:
        unit = actor.unit
    if unit is None:
        raise Http404
    return render(
        request,
        "plans/oversight/guaranteed.html",
        {
            "section": "guarantors",
            "unit": unit,
            "places": selectors.guarantors_visible(actor, unit=unit),
            "problems": selectors.guaranteed_problems(unit.pk).select_related("region")[:PAGE],
            "failures": selectors.guaranteed_failures(unit.pk)[:PAGE],
        },
    )
