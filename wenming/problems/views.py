"""Ledger pages (thin: parse, call one service or selector, render).

htmx: the ledger table and the detail's main block re-render in place (HX-Request); without
JavaScript every form still works with a full page load.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput, Unavailable
from wenming.org.roles import is_office
from wenming.org.selectors import regions_visible, units_visible

from . import listing, selectors, services
from .deadlines import DeadlineClock, local_today
from .export import ledger_xlsx_response
from .forms import (
    ActionForm,
    BulkDispatchForm,
    CategoryForm,
    ConfigForm,
    ProblemForm,
    RoutingRuleForm,
)
from .lifecycle import actions_for
from .models import Action, Category, PhotoKind, Source, Status
from .photofiles import photo_response
from .services.creation import REPORTERS, report_sources
from .services.evidence import photo_allowed
from .services.transitions import problem_dispatch_many


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _office_only(request) -> None:
    if not is_office(request.user):
        raise PermissionDenied(_("Only the Civilization Office may do this."))


def _ledger_context(request, params=None) -> dict:
    """The ledger page for `params` (default: the request's query string)."""
    actor = request.user
    if params is None:
        params = request.GET
    try:
        found = selectors.ledger_filter(actor=actor, params=params)
        error = None
    except DomainError as exc:
        found, error = selectors.LedgerFilter(), str(exc.message)
    qs = selectors.ledger_queryset(actor=actor, f=found)
    try:
        page, total, exact = selectors.ledger_counted_page(
            qs,
            f=found,
            cursor=params.get("cursor"),
            limit=params.get("limit") or 50,
            columns=selectors.LIST_COLUMNS,
        )
    except DomainError as exc:
        page, total, exact = selectors.ledger_counted_page(
            qs, f=found, limit=50, columns=selectors.LIST_COLUMNS
        )
        error = str(exc.message)
    params = found.as_params()
    today = local_today()
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
        # Plain rows with every cell worked out once (listing.LedgerRows.table_row): the table's
        # template only prints them.
        "rows": listing.LedgerRows(today).table_rows(page.items),
        "error": error,
        "total": total,
        "total_exact": exact,
        "chips": chips,
        "all_url": "?" + urlencode({k: v for k, v in params.items() if k != "status"}),
        "next_url": (
            "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None
        ),
        "export_url": reverse("problems:export") + "?" + urlencode(params),
        "statuses": Status.choices,
        "sources": Source.choices,
        "sorts": selectors.SORT_LABELS.items(),
        "categories": selectors.categories_visible(actor=actor),
        "regions": regions_visible(actor=actor).exclude(level="community"),
        "units": units_visible(actor=actor, active_only=True),
        "can_dispatch": is_office(actor),
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
    # Streamed: the first bytes leave at once, the workbook is written while it is sent.
    return ledger_xlsx_response(qs, filename=f"{_('Problem ledger')}-{stamp}.xlsx")


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
    """A stored photo, streamed after the scope check (see `photofiles`)."""
    try:
        return photo_response(actor=request.user, photo_id=pk, variant=variant)
    except Unavailable as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain")
    except DomainError:
        raise Http404 from None


@login_required
def create(request):
    """Report a problem (office, officers, inspectors, evaluators)."""
    actor = request.user
    if actor.role not in REPORTERS:
        raise PermissionDenied(_("Your role may not report problems."))
    kwargs = {
        "regions": regions_visible(actor=actor),
        "categories": selectors.categories_visible(actor=actor, active_only=True),
        "sources": report_sources(actor),
    }
    # The office mostly records calls and hotline tickets; an inspection would auto-dispatch.
    initial = {"source": Source.CITIZEN} if is_office(actor) else {}
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
            # A refusal keeps its own status (503 when the file store is down, so retry).
            return render(request, "problems/new.html", {"form": form}, status=exc.status)
        else:
            messages.success(request, _("Problem %(code)s was recorded.") % {"code": problem.code})
            if selectors.problems_visible(actor=actor).filter(pk=problem.pk).exists():
                return redirect("problems:detail", code=problem.code)
            return redirect("problems:ledger")
    return render(request, "problems/new.html", {"form": form}, status=400 if form.errors else 200)


def _ledger_back(request) -> str:
    """The ledger address the bulk form came from (only a path of this site)."""
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        return reverse("problems:ledger")
    return back


def _bulk_refused(request, back: str, message, *, status: int, lines=(), codes=()):
    """The ledger page the bulk form came from, again, with why nothing was dispatched."""
    query = QueryDict(urlsplit(back).query)
    context = _ledger_context(request, query)
    context.update(
        error=message,
        error_lines=list(lines)[:10],
        next_path=back,
        picked=set(codes),
        bulk_choice={k: str(request.POST.get(k) or "")[:20] for k in ("unit", "deadline")},
    )
    return render(request, "problems/ledger.html", context, status=status)


@login_required
@require_POST
def bulk_dispatch(request):
    """Dispatch many problems to one unit or locality at once (office); all or none.

    A refusal answers 4xx with the ledger page and the reason, and dispatches nothing:
    403 for anyone but the office, 400 for a missing choice, 404 for a code outside the
    ledger, else the status the services gave (409 when a problem may not be dispatched now).
    """
    back = _ledger_back(request)
    codes = [c for c in request.POST.getlist("codes") if c][:500]
    if not is_office(request.user):
        return _bulk_refused(
            request, back, _("Only the Civilization Office may do this."), status=403
        )
    form = BulkDispatchForm(request.POST)
    if not form.is_valid():
        lines = [
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        ]
        return _bulk_refused(
            request, back, _("Nothing was dispatched."), status=400, lines=lines, codes=codes
        )
    data = form.cleaned_data
    if not codes or (data["unit"] is None) == (data["region"] is None):
        return _bulk_refused(
            request,
            back,
            _("Choose problems and one member unit or region."),
            status=400,
            codes=codes,
        )
    problems, unknown = selectors.problems_get_many(actor=request.user, codes=codes)
    if unknown:
        return _bulk_refused(
            request,
            back,
            _("Nothing was dispatched: no such problem in the ledger you may see: %(codes)s.")
            % {"codes": ", ".join(c[:20] for c in unknown[:10])},
            status=404,
            codes=codes,
        )
    try:
        done = problem_dispatch_many(
            problems=problems,
            actor=request.user,
            unit=data["unit"],
            region=data["region"],
            deadline=data["deadline"],
        )
    except DomainError as exc:
        return _bulk_refused(
            request,
            back,
            exc.message,
            status=exc.status,
            lines=exc.details.get("failed", ()),
            codes=codes,
        )
    messages.success(request, _("%(count)d problems dispatched.") % {"count": done})
    return redirect(back)


def _settings_action(request, actor, forms_: dict) -> str | None:
    """Apply the posted settings form: the success message ("" for none), or None when the
    form is invalid (its errors are then on the form in `forms_`).

    Raises DomainError (also InvalidInput for an unknown form or a malformed rule id).
    """
    kind = request.POST.get("form")
    if kind in ("rule_toggle", "rule_delete"):
        try:
            rule_id = int(request.POST.get("rule") or "")
        except ValueError:
            rule_id = 0
        if not 0 < rule_id < 2**31:  # a database integer, so a huge number is no 500
            raise InvalidInput(_("Choose a routing rule."), code="bad_rule")
        if kind == "rule_toggle":
            active = request.POST.get("active") == "1"
            services.routing_rule_update(actor=actor, rule_id=rule_id, is_active=active)
            return ""  # the list shows the new state
        services.routing_rule_delete(actor=actor, rule_id=rule_id)
        return _("The routing rule was removed.")
    form_class = {"config": ConfigForm, "rule": RoutingRuleForm, "category": CategoryForm}.get(kind)
    if form_class is None:
        raise InvalidInput(_("The request is not valid."), code="bad_form")
    form = forms_[kind] = form_class(request.POST)
    if not form.is_valid():
        return None
    if kind == "config":
        services.ledger_config_update(actor=actor, **form.cleaned_data)
        return _("The settings were saved.")
    if kind == "rule":
        services.routing_rule_create(actor=actor, **form.cleaned_data)
        return _("The routing rule was added.")
    _save_category(actor, dict(form.cleaned_data))
    return _("The category was saved.")


@login_required
def settings_page(request):
    """The office's ledger settings: categories, routing rules, thresholds.

    A refused change answers with the page again, the reason on top and nothing saved: 400
    for bad input, 404 for a rule that no longer exists; anyone but the office gets 403.
    """
    _office_only(request)
    actor = request.user
    config = services.ledger_config()
    forms_ = {
        "config": ConfigForm(initial={f: getattr(config, f) for f in ConfigForm.base_fields}),
        "rule": RoutingRuleForm(),
        "category": CategoryForm(
            initial={"is_active": True, "after_photo_required": True, "deadline_days": 5}
        ),
    }
    error, status = None, 200
    if request.method == "POST":
        try:
            done = _settings_action(request, actor, forms_)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            if done is not None:
                if done:
                    messages.success(request, done)
                return redirect("problems:settings")
            error, status = _("Nothing was saved: correct the marked fields."), 400
    return render(
        request,
        "problems/settings.html",
        {
            "config_form": forms_["config"],
            "rule_form": forms_["rule"],
            "category_form": forms_["category"],
            "categories": selectors.categories_visible(actor=actor),
            "rules": selectors.routing_rules_visible(actor=actor),
            "error": error,
        },
        status=status,
    )


def _save_category(actor, data: dict) -> None:
    code = data.pop("code", "")
    existing = Category.objects.filter(code=code).first() if code else None
    if existing is not None:
        services.category_update(actor=actor, category=existing, **data)
    else:
        services.category_create(actor=actor, code=code, **data)
