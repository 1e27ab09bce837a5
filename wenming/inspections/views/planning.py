"""The office plans a round (what, where, when, how sampled) and draws it (who goes where).

A refused form answers 400 with every field's error beside it and nothing saved; a draw of a
round that was drawn already answers 409 with the reason on the round page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError
from wenming.core.roles import Role, is_office
from wenming.org.models import Person, Region, RegionLevel
from wenming.standards.models import EvaluationSystem, PointType

from .. import services
from ..forms import DrawForm, RoundForm, plans_from
from ..models import Round, SamplingMode
from .common import round_or_404


def _round_form(data=None) -> RoundForm:
    return RoundForm(
        data,
        systems=EvaluationSystem.objects.exclude(status="archived").order_by("code"),
        regions=Region.objects.filter(level__in=(RegionLevel.CITY, RegionLevel.DISTRICT)).order_by(
            "path"
        ),
        rounds=Round.objects.order_by("-opens_on")[:100] if data is None else Round.objects.all(),
    )


def _point_types():
    return list(PointType.objects.filter(is_active=True).order_by("order", "code"))


@login_required
def round_new(request):
    """The office's form for a new round with a sampling plan per point type."""
    actor = request.user
    if not is_office(actor):
        raise PermissionDenied(_("Only the Civilization Office may plan inspection rounds."))
    types = _point_types()
    form = _round_form(request.POST or None)
    errors, status = [], 200
    if request.method == "POST":
        plans, errors = plans_from(request.POST, types)
        if form.is_valid() and not errors:
            data = form.cleaned_data
            try:
                round_ = services.round_create(actor=actor, plans=plans, **data)
            except DomainError as exc:
                errors.append(str(exc.message))
            else:
                messages.success(request, _("Round %(code)s was planned.") % {"code": round_.code})
                return redirect("inspections:round", pk=round_.pk)
        status = 400
    return render(
        request,
        "inspections/round_new.html",
        {
            "form": form,
            "types": types,
            "errors": errors,
            "posted": request.POST,
            "modes": SamplingMode.choices,
        },
        status=status,
    )


def draw_form(data=None) -> DrawForm:
    people = Person.objects.filter(
        role__in=(Role.INSPECTOR, Role.EVALUATOR), is_active=True
    ).order_by("username")
    return DrawForm(data, people=people)


@login_required
@require_POST
def round_draw(request, pk):
    """Draw the round's points with its stored seed and share them among the teams."""
    round_ = round_or_404(request, pk)
    form = draw_form(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("inspections:round", pk=round_.pk)
    try:
        count = services.round_draw(actor=request.user, round_=round_, teams=form.teams())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)d visits were drawn and assigned.") % {"n": count})
    return redirect("inspections:round", pk=round_.pk)


@login_required
@require_POST
def visit_reassign(request, pk):
    """Give one of the round's visits (named by its point's code) to other people; the
    round's log records who had it and why."""
    round_ = round_or_404(request, pk)
    form = draw_form(request.POST)
    code = (request.POST.get("point") or "").strip()[:40]
    visit = round_.visits.filter(point__code=code).first()
    if visit is None or not form.is_valid():
        messages.error(
            request,
            _("Name a point of this round and the people to send.")
            if visit is None
            else " ".join(" ".join(e) for e in form.errors.values()),
        )
        return redirect("inspections:round", pk=round_.pk)
    people = sorted(form.cleaned_data["people"], key=lambda p: p.username)
    try:
        services.visit_reassign(
            actor=request.user,
            visit=visit,
            team=people,
            reason=(request.POST.get("reason") or "")[:500],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The visit to %(point)s was reassigned.") % {"point": visit.point.code}
        )
    return redirect("inspections:round", pk=round_.pk)
