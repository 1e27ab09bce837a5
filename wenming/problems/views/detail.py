"""One problem's page: facts, map, photos, timeline and the actions the user may take."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput, Unavailable
from wenming.org.selectors import regions_visible, units_visible

from .. import selectors, services
from ..deadlines import DeadlineClock
from ..forms import (
    ActionForm,
)
from ..lifecycle import actions_for
from ..models import Action, PhotoKind
from ..photofiles import photo_response
from ..services.evidence import photo_allowed
from .common import is_htmx


def _detail_context(request, problem, *, error=None) -> dict:
    actor = request.user
    photos = selectors.problem_photos(actor=actor, problem=problem)
    actions = actions_for(actor, problem)
    timeline = selectors.problem_timeline(actor=actor, problem=problem)
    return {
        "problem": problem,
        "timeline": timeline,
        "names": selectors.region_names({e.data.get("region") for e in timeline} - {None}),
        "before": photos["before"],
        "after": photos["after"],
        "actions": actions,
        "action_labels": dict(Action.choices),
        "error": error,
        "private": selectors.shows_private_details(actor),
        # Suggested only while the office may still reject the report as a duplicate; later
        # (when verifying, say) the list is noise.
        "candidates": (
            selectors.duplicate_candidates(actor=actor, problem=problem)
            if Action.REJECT in actions
            else []
        ),
        "units": units_visible(actor=actor, active_only=True) if Action.DISPATCH in actions else [],
        "localities": regions_visible(actor=actor)
        .filter(code__in=problem.region.lineage_codes())
        .exclude(level="city")
        if Action.DISPATCH in actions
        else [],
        # Offered exactly when the evidence service would take the photo.
        "can_add_after": photo_allowed(actor=actor, problem=problem, kind=PhotoKind.AFTER),
        "can_add_before": photo_allowed(actor=actor, problem=problem, kind=PhotoKind.BEFORE),
        "overdue": DeadlineClock().overdue(problem),
        "map_tiles": _map_settings(),
    }


def _map_settings() -> dict:
    from django.conf import settings

    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "gcj02": "1" if settings.MAP_TILES_GCJ02 else "",
    }


@login_required
def detail(request, code):
    """One problem: facts, map, before/after photos with flags, timeline, the user's actions."""
    try:
        problem = selectors.problem_get(actor=request.user, code=code)
    except DomainError:
        raise Http404 from None
    return render(request, "problems/detail.html", _detail_context(request, problem))


def _render_main(request, problem, *, error=None, status=200):
    template = "problems/_main.html" if is_htmx(request) else "problems/detail.html"
    return render(request, template, _detail_context(request, problem, error=error), status=status)


@login_required
def act(request, code):
    """Apply one action from the detail page (htmx re-renders the main block)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        problem = selectors.problem_get(actor=request.user, code=code)
    except DomainError:
        raise Http404 from None
    form = ActionForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(messages_)}"
            for name, messages_ in form.errors.items()
        )
        return _render_main(request, problem, error=errors, status=400)
    data = form.cleaned_data
    try:
        duplicate = (
            selectors.problem_get(actor=request.user, code=data["duplicate_of"])
            if data.get("duplicate_of")
            else None
        )
        services.problem_transition(
            problem=problem,
            actor=request.user,
            action=data["action"],
            note=data["note"],
            version=data.get("version"),
            unit=data.get("unit"),
            region=data.get("region"),
            deadline=data.get("deadline"),
            until=data.get("until"),
            plan=data.get("plan"),
            duplicate_of=duplicate,
        )
    except DomainError as exc:
        return _render_main(
            request, _reload(request, problem), error=str(exc.message), status=exc.status
        )
    messages.success(request, _("Done: %(action)s.") % {"action": Action(data["action"]).label})
    if not selectors.problems_visible(actor=request.user).filter(pk=problem.pk).exists():
        return _redirect(request, reverse("problems:ledger"))
    if is_htmx(request):
        return _render_main(request, _reload(request, problem))
    return redirect("problems:detail", code=problem.code)


def _reload(request, problem):
    try:
        return selectors.problem_get(actor=request.user, code=problem.code)
    except DomainError:
        return problem


def _redirect(request, url):
    if is_htmx(request):
        response = render(request, "problems/_empty.html")
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
def add_photo(request, code):
    """Upload a before- or after-photo from the detail page."""
    try:
        problem = selectors.problem_get(actor=request.user, code=code)
    except DomainError:
        raise Http404 from None
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput(_("Choose a photo to upload."))
        photo = services.problem_photo_add(
            problem=problem, actor=request.user, kind=request.POST.get("kind", ""), upload=upload
        )
    except DomainError as exc:
        # The page again with the reason on top, answered 4xx like the API (nothing stored).
        return _render_main(request, problem, error=str(exc.message), status=exc.status)
    if photo.is_flagged:
        messages.warning(request, _("The photo was stored, but it is flagged for the verifier."))
    else:
        messages.success(request, _("The photo was added."))
    return redirect("problems:detail", code=problem.code)


@login_required
def photo_file(request, pk, variant):
    """A stored photo, streamed after the scope check (see `photofiles`)."""
    try:
        return photo_response(actor=request.user, photo_id=pk, variant=variant)
    except Unavailable as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain")
    except DomainError:
        raise Http404 from None
