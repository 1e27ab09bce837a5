"""Evaluation-system pages: systems, the tree, editing, responsibility views, import/export."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.audit import audit_record, client_ip
from wenming.core.errors import DomainError, NotAllowed, NotFound
from wenming.core.jobs import job_start
from wenming.org.roles import Role, is_office
from wenming.org.selectors import unit_get, units_visible

from . import selectors, services
from .forms import (
    ChecklistItemForm,
    CloneForm,
    ImportForm,
    StandardForm,
    SystemForm,
)
from .jobs import WORKBOOK
from .models import ChecklistItem


def page(view):
    """Log-in required; a domain NotFound is a 404 page and NotAllowed a 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


def office_only(request) -> None:
    if not is_office(request.user):
        raise PermissionDenied


def _is_office(request) -> bool:
    return is_office(request.user)


@page
def systems(request):
    return render(
        request,
        "standards/systems.html",
        {
            "systems": selectors.systems_visible(actor=request.user),
            "is_office": _is_office(request),
        },
    )


@page
def system_detail(request, code):
    system = selectors.system_get(actor=request.user, code=code)
    return render(
        request,
        "standards/system.html",
        {
            "system": system,
            "items": selectors.system_tree(actor=request.user, system=system),
            "balance": selectors.method_balance(system=system),
            "counts": selectors.system_counts(system=system),
            "negative": selectors.negative_list(actor=request.user, system=system),
            "events": selectors.system_events(actor=request.user, system=system, limit=20),
            "is_office": _is_office(request),
        },
    )


def _run(request, action, success: str, *, fallback: str):
    """Call a service; report its refusal as a message and go back."""
    try:
        result = action()
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
        return None, redirect(fallback)
    messages.success(request, success)
    return result, None


def _form_page(request, form, *, save, saved: str, done, title, fallback=None, **context):
    """A page of one form: a valid POST runs `save()` (a service call) and answers `done(result)`;
    anything else (GET, an invalid form, a refusal) shows the form again."""
    if request.method == "POST" and form.is_valid():
        result, failed = _run(request, save, saved, fallback=fallback or request.path)
        return failed or done(result)
    return render(request, "standards/form.html", {"form": form, "title": title, **context})


@page
def system_edit(request, code):
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    form = SystemForm(
        request.POST or None, instance=selectors.system_get(actor=request.user, code=code)
    )
    return _form_page(
        request,
        form,
        save=lambda: services.system_update(
            system=system, actor=request.user, data=form.cleaned_data
        ),
        saved=_("The evaluation system has been saved."),
        done=lambda _result: redirect("standards:system", code=code),
        title=_("Edit %(name)s") % {"name": system.name},
        system=system,
    )


@require_POST
@page
def system_transition(request, code, action):
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    calls = {
        "activate": (services.system_activate, _("The system is now in force.")),
        "archive": (services.system_archive, _("The system has been archived.")),
        "delete": (services.system_delete, _("The draft has been deleted.")),
    }
    if action not in calls:
        raise Http404
    service, success = calls[action]
    _result, failed = _run(
        request,
        lambda: service(system=system, actor=request.user),
        success,
        fallback=f"/standards/{code}/",
    )
    if failed:
        return failed
    return (
        redirect("standards:systems")
        if action == "delete"
        else redirect("standards:system", code=code)
    )


@page
def system_clone(request, code):
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    initial = {
        "edition_year": system.edition_year + 1,
        "name": system.name,
        "code": f"{system.code}-{system.edition_year + 1}",
    }
    form = CloneForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        save=lambda: services.system_clone(system=system, actor=request.user, **form.cleaned_data),
        saved=_("A new draft edition has been created."),
        done=lambda clone: redirect("standards:system", code=clone.code),
        title=_("Clone %(name)s as a new edition") % {"name": system.name},
        system=system,
    )


@page
def standard_edit(request, code, pk):
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    standard = selectors.standard_get(actor=request.user, pk=pk)
    if standard.system_id != system.pk:
        raise Http404
    form = StandardForm(
        request.POST or None, instance=selectors.standard_get(actor=request.user, pk=pk)
    )
    return _form_page(
        request,
        form,
        save=lambda: services.standard_update(
            standard=standard, actor=request.user, data=form.changes()
        ),
        saved=_("The standard has been saved."),
        done=lambda _result: redirect("standards:system", code=code),
        title=_("Standard %(code)s") % {"code": standard.code},
        system=system,
        delete_url=f"/standards/{code}/standards/{pk}/delete/",
    )


@require_POST
@page
def standard_delete(request, code, pk):
    office_only(request)
    standard = selectors.standard_get(actor=request.user, pk=pk)
    _result, failed = _run(
        request,
        lambda: services.standard_delete(standard=standard, actor=request.user),
        _("The standard has been deleted."),
        fallback=f"/standards/{code}/standards/{pk}/edit/",
    )
    return failed or redirect("standards:system", code=standard.system.code)


@page
def checklist_edit(request, pk):
    office_only(request)
    item = selectors.checklist_item_get(actor=request.user, pk=pk)
    form = ChecklistItemForm(
        request.POST or None, instance=selectors.checklist_item_get(actor=request.user, pk=pk)
    )
    back = f"/standards/point-types/{item.point_type.code}/?system={item.system.code}"
    return _form_page(
        request,
        form,
        save=lambda: services.checklist_item_update(
            item=item, actor=request.user, data=form.cleaned_data
        ),
        saved=_("The checklist item has been saved."),
        done=lambda _result: redirect(back),
        title=_("Checklist item %(code)s") % {"code": item.code},
        system=item.system,
        back=back,
        delete_url=f"/standards/checklist/{pk}/delete/",
    )


@page
def checklist_new(request, type_code):
    """Add a check to a point type's checklist in one system (allowed on the system in force)."""
    office_only(request)
    system = _chosen_system(request)
    point_type = selectors.point_type_get(actor=request.user, code=type_code)
    form = ChecklistItemForm(
        request.POST or None, instance=ChecklistItem(system=system, point_type=point_type)
    )
    back = f"/standards/point-types/{point_type.code}/?system={system.code}"
    return _form_page(
        request,
        form,
        save=lambda: services.checklist_item_create(
            system=system, point_type=point_type, actor=request.user, **form.cleaned_data
        ),
        saved=_("The checklist item has been saved."),
        done=lambda _result: redirect(back),
        fallback=request.get_full_path(),
        title=_("New check for %(type)s") % {"type": point_type.display_name},
        system=system,
        back=back,
    )


@require_POST
@page
def checklist_delete(request, pk):
    office_only(request)
    item = selectors.checklist_item_get(actor=request.user, pk=pk)
    back = f"/standards/point-types/{item.point_type.code}/?system={item.system.code}"
    _result, failed = _run(
        request,
        lambda: services.checklist_item_delete(item=item, actor=request.user),
        _("The checklist item has been deleted."),
        fallback=f"/standards/checklist/{pk}/edit/",
    )
    return failed or redirect(back)


def _chosen_system(request):
    return selectors.system_resolve(actor=request.user, code=request.GET.get("system") or None)


def _shown_system(request):
    """The chosen system for a read page, or None on day one when there is no system at all.

    A page that lists things says "no evaluation system yet" rather than answering 404; a
    code in the address that names no visible system is still a 404.
    """
    code = request.GET.get("system") or None
    if code:
        return selectors.system_get(actor=request.user, code=code)
    return selectors.system_current(actor=request.user)


@page
def point_types(request):
    system = _shown_system(request)
    return render(
        request,
        "standards/point_types.html",
        {
            "system": system,
            "systems": selectors.systems_visible(actor=request.user),
            "types": selectors.point_types_with_checklists(actor=request.user, system=system)
            if system
            else [],
            "is_office": _is_office(request),
        },
    )


@page
def point_type_detail(request, type_code):
    system = _shown_system(request)
    point_type = selectors.point_type_get(actor=request.user, code=type_code)
    checklist = (
        list(
            selectors.checklist_items_visible(
                actor=request.user, system=system, point_type=point_type
            )
        )
        if system
        else []
    )
    for item in checklist:
        item.category_name = _category_name(item.default_category_code)
    return render(
        request,
        "standards/point_type.html",
        {
            "system": system,
            "point_type": point_type,
            "is_office": _is_office(request),
            "checklist": checklist,
        },
    )


def _category_name(code: str) -> str:
    """A problem category's name for its code (the ledger's per-process copy: no query)."""
    if not code:
        return ""
    # The check names the ledger's category by code only, so the standards app keeps no
    # foreign key to the problems app; the name is looked up where it is shown.
    from wenming.problems.reference import CATEGORIES

    category = CATEGORIES.by_key(code)
    return category.display_name if category is not None else code


@page
def matrix(request, code):
    system = selectors.system_get(actor=request.user, code=code)
    return render(
        request,
        "standards/matrix.html",
        {"system": system, **selectors.responsibility_matrix(actor=request.user, system=system)},
    )


@page
def my_standards(request):
    """A unit officer's standards; the office and leaders may look at any unit's."""
    system = _shown_system(request)
    user = request.user
    if user.role == Role.UNIT_OFFICER:
        unit = user.unit
    elif request.GET.get("unit"):
        unit = unit_get(actor=user, code=request.GET["unit"])
    else:
        unit = None
    standards = (
        selectors.unit_clause_roles(
            standards=selectors.standards_of_unit(
                actor=user, system=system, unit=unit
            ).prefetch_related("co_units"),
            unit=unit,
        )
        if unit and system
        else []
    )
    return render(
        request,
        "standards/mine.html",
        {
            "system": system,
            "unit": unit,
            "standards": standards,
            "units": units_visible(actor=user) if user.role != Role.UNIT_OFFICER else [],
            "is_office": _is_office(request),
        },
    )


@page
def coverage(request, code):
    system = selectors.system_get(actor=request.user, code=code)
    return render(
        request,
        "standards/coverage.html",
        {"system": system, **selectors.coverage_gaps(actor=request.user, system=system)},
    )


@page
def export(request, code):
    """The office asks for the workbook: the worker makes it, the job page shows its progress."""
    office_only(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    system = selectors.system_get(actor=request.user, code=code)
    job = job_start(
        owner=request.user,
        kind=WORKBOOK,
        params={"system": system.code},
        title=_("Evaluation system %(code)s as an Excel workbook") % {"code": system.code},
    )
    audit_record(
        action="standards.export", actor=request.user, target=system, ip=client_ip(request)
    )
    return redirect("jobs:page", job.pk)


@page
def import_workbook(request):
    office_only(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, message = [], None
    if request.method == "POST" and form.is_valid():
        try:
            system = services.workbook_import(file=form.cleaned_data["file"], actor=request.user)
        except DomainError as exc:
            message = str(exc.message)
            errors = exc.details.get("errors", [])
        else:
            messages.success(request, _("%(code)s has been imported.") % {"code": system.code})
            return redirect("standards:system", code=system.code)
    status = 400 if message else 200
    return render(
        request,
        "standards/import.html",
        {"form": form, "errors": errors, "message": message},
        status=status,
    )
