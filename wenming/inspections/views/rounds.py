"""The rounds a reader may see, one round's figures, and the office's review of its visits.

A review sent from the round page with htmx is answered with the visit's row: the outcome in
it on success, the reason beside the kept form on a refusal (4xx, which core/app.js swaps like
a success). Without JavaScript a review redirects back to the round page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput
from wenming.core.roles import Role, is_office

from .. import reports, selectors, services
from ..followup import followup_counts, followup_outcomes
from ..forms import ReviewForm
from ..models import RoundStatus, VisitStatus
from ..performance import inspector_performance
from .common import is_htmx, round_or_404, visit_or_404

# The round page lists this many visits awaiting review (the oldest submissions first); the
# count above the list says how many there are in all.
REVIEW_LIMIT = 100
REVIEWABLE = (VisitStatus.SUBMITTED, VisitStatus.HAS_ISSUES)
SEE_PERFORMANCE = (Role.OFFICE_ADMIN, Role.LEADER)


@login_required
def round_list(request):
    """The rounds in the reader's scope, each with the number of its visits they may see."""
    actor = request.user
    rounds = list(selectors.rounds_visible(actor=actor).select_related("system")[:200])
    counts = dict(
        selectors.visits_visible(actor=actor)
        .filter(round__in=[r.pk for r in rounds])
        .order_by()
        .values_list("round_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("round_id", "n")
    )
    rows = [(r, counts.get(r.pk, 0)) for r in rounds]
    has_visits = selectors.visits_visible(actor=actor, mine=True).exists()
    return render(
        request,
        "inspections/rounds.html",
        {"rows": rows, "has_visits": has_visits, "can_plan": is_office(actor)},
    )


def _can_review(actor, round_) -> bool:
    return is_office(actor) or round_.owner_id == getattr(actor, "pk", None)


@login_required
def round_detail(request, pk):
    """Status counts, scores by point type, the field score and score rate; for the office
    and leaders the mock-assessment estimate; for the owner and the office the review list."""
    actor = request.user
    round_ = round_or_404(request, pk)
    summary = selectors.round_summary(actor=actor, round_=round_)
    statuses = [(label, summary.by_status.get(value, 0)) for value, label in VisitStatus.choices]
    context = {
        "round": round_,
        "summary": summary,
        "statuses": statuses,
        "can_review": _can_review(actor, round_),
        "review": [],
        "review_count": 0,
        "review_limit": REVIEW_LIMIT,
        "performance": None,
        "followup": None,
    }
    visible = selectors.visits_visible(actor=actor, round_=round_)
    if is_office(actor):
        from .planning import draw_form

        context["people_form"] = draw_form()
    if round_.status == RoundStatus.DRAFT and is_office(actor):
        context["draw_form"] = context["people_form"]
        context["plans"] = list(round_.plans.select_related("point_type"))
    context["can_report"] = actor.role not in reports.NO_REPORTS
    # Who found what, how fast and how carefully: for those who answer for the inspectors.
    if context["can_review"] or actor.role in SEE_PERFORMANCE:
        context["performance"] = inspector_performance(visible)
    if round_.follow_up_of_id:
        context["followup"] = followup_outcomes(actor=actor, round_=round_)
        context["followup_counts"] = followup_counts(context["followup"])
    if context["can_review"]:
        waiting = visible.filter(status__in=REVIEWABLE)
        context["review_count"] = waiting.count()
        context["review"] = list(
            waiting.select_related("district").order_by("submitted_at", "id")[:REVIEW_LIMIT]
        )
    return render(request, "inspections/round.html", context)


@login_required
@require_POST
def review(request, pk):
    """Approve, flag (has issues) or reject (with a reason) one submitted visit."""
    visit = visit_or_404(request, pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(
                "; ".join(" ".join(errors) for errors in form.errors.values()), code="bad_review"
            )
        visit = services.visit_review(
            actor=request.user,
            visit=visit,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        if not is_htmx(request):
            messages.error(request, str(exc.message))
            return redirect("inspections:round", pk=visit.round_id)
        return render(
            request,
            "inspections/_review_row.html",
            {"visit": visit, "error": str(exc.message), "note": request.POST.get("note", "")},
            status=exc.status,
        )
    done = _("Done: %(visit)s is now %(status)s.") % {
        "visit": visit.point.code,
        "status": visit.get_status_display(),
    }
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("inspections:round", pk=visit.round_id)
    visit = visit_or_404(request, pk)
    return render(request, "inspections/_review_row.html", {"visit": visit, "result": done})


@login_required
@require_POST
def report(request, pk, kind):
    """Ask the worker for the round as Excel or Word; the job page shows its progress."""
    round_ = round_or_404(request, pk)
    try:
        job = reports.round_report_start(actor=request.user, round_=round_, kind=kind)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("inspections:round", pk=round_.pk)
    return redirect("jobs:page", pk=job.pk)
