"""Ledger pages (thin: parse, call one service or selector, render).

htmx: the ledger table and the detail's main block re-render in place (HX-Request); without
JavaScript every form still works with a full page load.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.calendar import add_working_days
from wenming.core.errors import DomainError, InvalidInput
from wenming.org.roles import Role
from wenming.org.selectors import regions_visible, units_visible

from . import selectors, services
from .export import write_ledger_xlsx
from .forms import (
    ActionForm,
    BulkDispatchForm,
    CategoryForm,
    ConfigForm,
    ProblemForm,
    RoutingRuleForm,
)
from .lifecycle import actions_for, is_handler
from .models import Action, Category, Source, Status
from .services.creation import REPORTERS


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _office_only(request) -> None:
    if request.user.role != Role.OFFICE_ADMIN:
        raise PermissionDenied(_("Only the Civilization Office may do this."))


def _ledger_context(request) -> dict:
    actor = request.user
    try:
        found = selectors.ledger_filter(actor=actor, params=request.GET)
        error = None
    except DomainError as exc:
        found, error = selectors.LedgerFilter(), str(exc.message)
    qs = selectors.ledger_queryset(actor=actor, f=found)
    try:
        page = selectors.ledger_page(
            qs,
            sort=found.sort,
            cursor=request.GET.get("cursor"),
            limit=request.GET.get("limit") or 50,
        )
    except DomainError as exc:
        page, error = selectors.ledger_page(qs, sort=found.sort, limit=50), str(exc.message)
    params = found.as_params()
    today = timezone.localdate()
    total, exact = selectors.ledger_count(qs, cap=selectors.count_cap(found))
    # Counting every status of a broad text search would read each match; say "more than".
    text_search = selectors.count_cap(found) == selectors.SEARCH_COUNT_CAP
    counts = {} if text_search and not exact else selectors.status_counts(actor=actor, f=found)
    chips = [
        {
            "status": status,
            "label": label,
            "count": counts.get(status),
            "url": "?" + urlencode({**params, "status": status}),
            "active": found.statuses == [status],
        }
        for status, label in Status.choices
    ]
    return {
        "filter": found,
        "page": page,
        "error": error,
        "total": total,
        "total_exact": exact,
        "chips": chips,
        "all_url": "?" + urlencode({k: v for k, v in params.items() if k != "status"}),
        "next_url": (
            "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None
        ),
        "export_url": reverse("problems:export") + "?" + urlencode(params),
        "today": today,
        "soon": add_working_days(today, 1),
        "statuses": Status.choices,
        "sources": Source.choices,
        "sorts": selectors.SORT_LABELS.items(),
        "categories": selectors.categories_visible(actor=actor),
        "regions": regions_visible(actor=actor).exclude(level="community"),
        "units": units_visible(actor=actor, active_only=True),
        "can_dispatch": actor.role == Role.OFFICE_ADMIN,
        "can_report": actor.role in REPORTERS,
        # Unfold a phone's "more filters" when one of them is in use.
        "more_filters": any(
            getattr(found, name, None)
            for name in (
                "unit",
                "category",
                "source",
                "created_from",
                "created_to",
                "sort_given",
                "open_only",
                "overdue",
                "due_soon",
                "mine",
                "flagged",
            )
        ),
    }


@login_required
def ledger(request):
    """The ledger list with the clerk's filters, counts by status and cursor pages."""
    context = _ledger_context(request)
    template = "problems/_table.html" if _is_htmx(request) else "problems/ledger.html"
    return render(request, template, context)


@login_required
def export(request):
    """The current filter as an .xlsx file (scoped; headers in the user's language)."""
    try:
        found = selectors.ledger_filter(actor=request.user, params=request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("problems:ledger")
    qs = selectors.ledger_queryset(actor=request.user, f=found)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        write_ledger_xlsx(qs),
        as_attachment=True,
        filename=f"problem-ledger-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _detail_context(request, problem, *, error=None) -> dict:
    actor = request.user
    photos = selectors.problem_photos(actor=actor, problem=problem)
    actions = actions_for(actor, problem)
    today = timezone.localdate()
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
        .filter(code__in=[c for c in problem.region.path.strip("/").split("/") if c])
        .exclude(level="city")
        if Action.DISPATCH in actions
        else [],
        "can_add_after": problem.status in ("dispatched", "in_progress")
        and is_handler(actor, problem),
        "can_add_before": problem.status in ("new", "registered", "dispatched")
        and (actor.role == Role.OFFICE_ADMIN or problem.reported_by_id == actor.pk),
        "today": today,
        "overdue": problem.is_pending and problem.deadline and problem.deadline < today,
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
    template = "problems/_main.html" if _is_htmx(request) else "problems/detail.html"
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
    if _is_htmx(request):
        return _render_main(request, _reload(request, problem))
    return redirect("problems:detail", code=problem.code)


def _reload(request, problem):
    try:
        return selectors.problem_get(actor=request.user, code=problem.code)
    except DomainError:
        return problem


def _redirect(request, url):
    if _is_htmx(request):
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
    """A stored photo; only the office gets the original with its EXIF and GPS."""
    try:
        photo = selectors.photo_get(actor=request.user, photo_id=pk)
    except DomainError:
        raise Http404 from None
    if variant == "thumb":
        path = photo.thumb_path
    elif selectors.shows_private_details(request.user):
        path = photo.path
    else:
        path = photo.public_path
    try:
        handle = default_storage.open(path, "rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type="image/webp" if path.endswith(".webp") else "image/jpeg"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def create(request):
    """Report a problem (office, officers, inspectors, evaluators)."""
    actor = request.user
    if actor.role not in REPORTERS:
        raise PermissionDenied(_("Your role may not report problems."))
    sources = (
        Source.values
        if actor.role == Role.OFFICE_ADMIN
        else [Source.INSPECTION]
        if actor.role in (Role.INSPECTOR, Role.EVALUATOR)
        else [Source.SELF_FOUND]
    )
    kwargs = {
        "regions": regions_visible(actor=actor),
        "categories": selectors.categories_visible(actor=actor, active_only=True),
        "sources": sources,
    }
    # The office mostly records calls and hotline tickets; an inspection would auto-dispatch.
    initial = {"source": Source.CITIZEN} if actor.role == Role.OFFICE_ADMIN else {}
    form = ProblemForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photos = services.validate_photos(data.get("photos") or [])
            problem = services.problem_create(
                actor=actor,
                title=data["title"],
                category=data["category"],
                source=data["source"],
                severity=data["severity"],
                region=data["region"],
                address=data["address"],
                lat=data["lat"],
                lon=data["lon"],
                description=data["description"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                is_anonymous=data["is_anonymous"],
                photos=photos,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Problem %(code)s was recorded.") % {"code": problem.code})
            if selectors.problems_visible(actor=actor).filter(pk=problem.pk).exists():
                return redirect("problems:detail", code=problem.code)
            return redirect("problems:ledger")
    return render(request, "problems/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def bulk_dispatch(request):
    """Dispatch many problems to one unit or locality at once (office)."""
    _office_only(request)
    form = BulkDispatchForm(request.POST)
    back = request.POST.get("next") or reverse("problems:ledger")
    if not back.startswith("/"):
        back = reverse("problems:ledger")
    if not form.is_valid():
        messages.error(request, _("Choose problems and one member unit or region."))
        return redirect(back)
    data = form.cleaned_data
    codes = [c for c in request.POST.getlist("codes") if c][:500]
    if not codes or (data["unit"] is None) == (data["region"] is None):
        messages.error(request, _("Choose problems and one member unit or region."))
        return redirect(back)
    done, failed = 0, []
    for code in codes:
        try:
            problem = selectors.problem_get(actor=request.user, code=code)
            services.problem_dispatch(
                problem=problem,
                actor=request.user,
                unit=data["unit"],
                region=data["region"],
                deadline=data["deadline"],
            )
            done += 1
        except DomainError as exc:
            failed.append(f"{code}: {exc.message}")
    if done:
        messages.success(request, _("%(count)d problems dispatched.") % {"count": done})
    for line in failed[:10]:
        messages.error(request, line)
    return redirect(back)


@login_required
def settings_page(request):
    """The office's ledger settings: categories, routing rules, thresholds."""
    _office_only(request)
    actor = request.user
    config = services.ledger_config()
    config_form = ConfigForm(initial={f: getattr(config, f) for f in ConfigForm.base_fields})
    rule_form = RoutingRuleForm()
    category_form = CategoryForm(
        initial={"is_active": True, "after_photo_required": True, "deadline_days": 5}
    )
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "config":
                config_form = ConfigForm(request.POST)
                if config_form.is_valid():
                    services.ledger_config_update(actor=actor, **config_form.cleaned_data)
                    messages.success(request, _("The settings were saved."))
                    return redirect("problems:settings")
            elif kind == "rule":
                rule_form = RoutingRuleForm(request.POST)
                if rule_form.is_valid():
                    services.routing_rule_create(actor=actor, **rule_form.cleaned_data)
                    messages.success(request, _("The routing rule was added."))
                    return redirect("problems:settings")
            elif kind == "rule_toggle":
                rule_id = int(request.POST.get("rule") or 0)
                services.routing_rule_update(
                    actor=actor, rule_id=rule_id, is_active=request.POST.get("active") == "1"
                )
                return redirect("problems:settings")
            elif kind == "rule_delete":
                services.routing_rule_delete(
                    actor=actor, rule_id=int(request.POST.get("rule") or 0)
                )
                messages.success(request, _("The routing rule was removed."))
                return redirect("problems:settings")
            elif kind == "category":
                category_form = CategoryForm(request.POST)
                if category_form.is_valid():
                    _save_category(actor, category_form.cleaned_data)
                    messages.success(request, _("The category was saved."))
                    return redirect("problems:settings")
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("The request is not valid."))
    return render(
        request,
        "problems/settings.html",
        {
            "config_form": config_form,
            "rule_form": rule_form,
            "category_form": category_form,
            "categories": selectors.categories_visible(actor=actor),
            "rules": selectors.routing_rules_visible(actor=actor),
        },
    )


def _save_category(actor, data: dict) -> None:
    code = data.pop("code", "")
    existing = Category.objects.filter(code=code).first() if code else None
    if existing is not None:
        services.category_update(actor=actor, category=existing, **data)
    else:
        services.category_create(actor=actor, code=code, **data)
