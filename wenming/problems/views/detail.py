"""One problem's page: facts, map, photos, timeline and the actions the user may take.

An action or a photo sent from the page with htmx is answered with the page's main block: the
outcome ("Done: accepted.") shown in it on success, the reason beside the form on a refusal
(4xx, which core/app.js swaps like a success). A refused form keeps its DOM (hx-preserve), so
a chosen photo or a typed reason is never lost. Without JavaScript a post redirects back to the
same problem, whose next load shows the outcome once.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput, NotFound, Unavailable
from wenming.org.selectors import regions_visible, units_visible

from .. import selectors, services
from ..deadlines import DeadlineClock
from ..forms import ActionForm
from ..lifecycle import actions_for
from ..models import Action, PhotoKind
from ..photofiles import photo_response
from ..services.evidence import (
    after_photo_check,
    has_after_photo,
    photo_allowed,
    problem_rectify_with_photos,
    rectify_needs_photo,
)
from .common import is_htmx

A = Action
# The page lists what moves the problem on first (on a phone "accept" is above the fold), then
# requests, then what sends it back or away.
ACTION_ORDER = [
    A.REGISTER, A.DISPATCH, A.ACCEPT, A.RECTIFY, A.VERIFY_PASS, A.APPROVE_EXTENSION, A.HOLD,
    A.RESUME, A.REOPEN, A.REQUEST_EXTENSION, A.REQUEST_HOLD, A.DENY_EXTENSION, A.DENY_HOLD,
    A.VERIFY_FAIL, A.RETURN, A.REJECT,
]  # fmt: skip
del A
PHOTO_FORM = "photo"  # the refused form's name when the photo upload is refused


def ordered_actions(actions) -> list[str]:
    rank = {a: i for i, a in enumerate(ACTION_ORDER)}
    return sorted(actions, key=lambda a: rank.get(a, len(rank)))


def _detail_context(request, problem, *, error=None, refused=None, result=None) -> dict:
    actor = request.user
    photos = selectors.problem_photos(actor=actor, problem=problem)
    actions = ordered_actions(actions_for(actor, problem))
    timeline = selectors.problem_timeline(actor=actor, problem=problem)
    can_add_before = photo_allowed(actor=actor, problem=problem, kind=PhotoKind.BEFORE)
    forms_shown = [*actions, PHOTO_FORM] if can_add_before else actions
    return {
        "problem": problem,
        "timeline": timeline,
        "names": selectors.region_names({e.data.get("region") for e in timeline} - {None}),
        "before": photos["before"],
        "after": photos["after"],
        "actions": actions,
        "action_labels": dict(Action.choices),
        "error": error,
        # The form the refusal answers (its DOM is kept); the message goes beside it.
        "refused": refused if refused in forms_shown else None,
        "result": result,
        "private": selectors.shows_private_details(actor),
        # Suggested only while the office may still reject the report as a duplicate; later
        # (when verifying, say) the list is noise.
        "candidates": (
            selectors.duplicate_candidates(actor=actor, problem=problem)
            if Action.REJECT in actions
            else []
        ),
        # A district or street officer passes a problem down to a region: no unit list.
        "units": (
            units_visible(actor=actor, active_only=True)
            if Action.DISPATCH in actions and services.dispatches_to_units(actor, problem)
            else []
        ),
        "localities": regions_visible(actor=actor)
        .filter(code__in=problem.region.lineage_codes())
        .exclude(level="city")
        if Action.DISPATCH in actions
        else [],
        # After-photos travel with the rectification (one form); the upload form takes the
        # before-photos, offered exactly when the evidence service would take them.
        "can_add_before": can_add_before,
        "rectify_needs_photo": Action.RECTIFY in actions and rectify_needs_photo(problem),
        "verify_without_photo": Action.VERIFY_PASS in actions and not has_after_photo(problem),
        "overdue": DeadlineClock().overdue(problem),
    }


@login_required
def detail(request, code):
    """One problem: facts, map, before/after photos with flags, timeline, the user's actions."""
    problem = _problem_or_404(request, code)
    return render(request, "problems/detail.html", _detail_context(request, problem))


def _problem_or_404(request, code):
    try:
        return selectors.problem_get(actor=request.user, code=code)
    except DomainError:
        raise Http404 from None


def _render_main(request, problem, *, status=200, **context):
    template = "problems/_main.html" if is_htmx(request) else "problems/detail.html"
    return render(request, template, _detail_context(request, problem, **context), status=status)


def _form_errors(form) -> str:
    return "; ".join(
        f"{form.fields[name].label}: {' '.join(found)}" if name in form.fields else " ".join(found)
        for name, found in form.errors.items()
    )


def _original(request, code: str):
    """The problem a rejected report duplicates; a code the user cannot see is not there."""
    try:
        return selectors.problem_get(actor=request.user, code=code)
    except NotFound:
        raise InvalidInput(
            _("There is no problem %(code)s to name as the original.") % {"code": code},
            code="bad_duplicate",
        ) from None


def _check_safeguards(actor, problem, data) -> None:
    """The page's confirmations on risky actions (issue 10, item 18)."""
    if (
        data["action"] == Action.VERIFY_PASS
        and data["action"] in actions_for(actor, problem)  # else the service's own refusal
        and not has_after_photo(problem)
        and not data.get("confirm")
    ):
        raise InvalidInput(
            _(
                "%(code)s has no after-photo. Tick the box to close it without one, or send it "
                "back for rework."
            )
            % {"code": problem.code},
            code="confirm_required",
        )


@login_required
def act(request, code):
    """Apply one action from the detail page (htmx re-renders the main block)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    problem = _problem_or_404(request, code)
    form = ActionForm(request.POST)
    action = request.POST.get("action", "")
    if not form.is_valid():
        return _render_main(request, problem, error=_form_errors(form), refused=action, status=400)
    data = form.cleaned_data
    try:
        _check_safeguards(request.user, problem, data)
        duplicate = _original(request, data["duplicate_of"]) if data.get("duplicate_of") else None
        uploads = request.FILES.getlist("photos")
        if data["action"] == Action.RECTIFY and uploads:
            problem_rectify_with_photos(
                problem=problem,
                actor=request.user,
                note=data["note"],
                version=data.get("version"),
                uploads=uploads,
            )
        else:
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
            request,
            _reload(request, problem),
            error=str(exc.message),
            refused=action,
            status=exc.status,
        )
    done = _("Done: %(action)s.") % {"action": Action(data["action"]).label}
    if not selectors.problems_visible(actor=request.user).filter(pk=problem.pk).exists():
        # The problem left the user's sight: the ledger, which shows the outcome once.
        messages.success(request, done)
        return _redirect(request, reverse("problems:ledger"))
    if is_htmx(request):
        return _render_main(request, _reload(request, problem), result=done)
    messages.success(request, done)
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
    problem = _problem_or_404(request, code)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput(_("Choose a photo to upload."))
        photo = services.problem_photo_add(
            problem=problem, actor=request.user, kind=request.POST.get("kind", ""), upload=upload
        )
    except DomainError as exc:
        # The page again with the reason beside the form, answered 4xx like the API (nothing
        # stored); the form keeps its chosen file.
        return _render_main(
            request, problem, error=str(exc.message), refused=PHOTO_FORM, status=exc.status
        )
    if photo.is_flagged:
        done = _("The photo was stored, but it is flagged for the verifier.")
    else:
        done = _("The photo was added.")
    if is_htmx(request):
        return _render_main(request, _reload(request, problem), result=done)
    (messages.warning if photo.is_flagged else messages.success)(request, done)
    return redirect("problems:detail", code=problem.code)


@login_required
@require_POST
def check_photo(request, code):
    """The integrity flags an after-photo would get, shown before it is sent (nothing stored)."""
    problem = _problem_or_404(request, code)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput(_("Choose a photo to upload."))
        flags = after_photo_check(problem=problem, actor=request.user, upload=upload)
    except DomainError as exc:
        return render(
            request,
            "problems/_photo_check.html",
            {"error": str(exc.message)},
            status=exc.status,
        )
    return render(request, "problems/_photo_check.html", {"flags": flags})


@login_required
def photo_file(request, pk, variant):
    """A stored photo, streamed after the scope check (see `photofiles`)."""
    try:
        return photo_response(actor=request.user, photo_id=pk, variant=variant)
    except Unavailable as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain")
    except DomainError:
        raise Http404 from None
