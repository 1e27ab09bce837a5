"""Pages of the evaluation system's content: a system's kind and threshold, the negative list
with its graded effects, and adding or retiring point types.

A refused change is shown on the form again with the service's message and the status the
API would answer (400 bad value, 409 conflict), so a script driving the page and a person
reading it learn the same thing.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput, NotFound

from . import selectors, services
from .forms import (
    EFFECT_ROWS,
    EffectFormSet,
    NegativeEntryForm,
    PointTypeForm,
    PointTypeNewForm,
    SystemRulesForm,
    effect_rows,
)
from .models import PointType
from .views import office_only, page


def _refused(exc: DomainError) -> int:
    """The status a refusal answers with (a NotFound stays a 404 page)."""
    if isinstance(exc, NotFound):
        raise exc
    return exc.status


def _form(request, template: str, context: dict, *, status: int = 200):
    return render(request, template, context, status=status)


@page
def system_rules(request, code):
    """A system's kind (main or prerequisite), its threshold and the main system's prerequisite."""
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    initial = {
        "kind": system.kind,
        "threshold": system.threshold,
        "prerequisite": system.prerequisite.code if system.prerequisite_id else None,
    }
    form = SystemRulesForm(request.POST or None, initial=initial)
    form.fields["prerequisite"].queryset = form.fields["prerequisite"].queryset.exclude(
        pk=system.pk
    )
    context = {"form": form, "system": system, "title": _("Kind and threshold of %(name)s")}
    context["title"] = context["title"] % {"name": system.name}
    if request.method != "POST":
        return _form(request, "standards/form.html", context)
    if not form.is_valid():
        return _form(request, "standards/form.html", context, status=400)
    try:
        services.system_update(system=system, actor=request.user, data=form.cleaned_data)
    except DomainError as exc:
        status = _refused(exc)
        form.add_error(None, str(exc.message))
        return _form(request, "standards/form.html", context, status=status)
    messages.success(request, _("The evaluation system has been saved."))
    return redirect("standards:system", code=code)


# --- the negative list ----------------------------------------------------------------------


@page
def negative_list(request, code):
    system = selectors.system_get(actor=request.user, code=code)
    return render(
        request,
        "standards/negative.html",
        {
            "system": system,
            "entries": selectors.negative_list(actor=request.user, system=system),
            "is_office": office_can_edit(request, system),
        },
    )


def office_can_edit(request, system) -> bool:
    from wenming.org.roles import is_office

    return is_office(request.user) and system.status != "archived"


def _entry(request, system, entry_code):
    entry = (
        selectors.negative_list(actor=request.user, system=system).filter(code=entry_code).first()
    )
    if entry is None:
        raise Http404
    return entry


@page
def negative_entry_edit(request, code, entry_code=None):
    """Add or edit a negative-list entry with its graded effects (grade 1 the mildest)."""
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    entry = _entry(request, system, entry_code) if entry_code else None
    initial = (
        {
            "code": entry.code,
            "text": entry.text,
            "domain": entry.domain,
            "is_veto": entry.is_veto,
            "notes": entry.notes,
        }
        if entry
        else {}
    )
    effects = (
        [
            {
                "grade": f.grade,
                "condition": f.condition,
                "effect": f.effect,
                "deduction": f.deduction,
            }
            for f in entry.effects.all()
        ]
        if entry
        else []
    )
    effects += [{}] * max(0, EFFECT_ROWS - len(effects))
    form = NegativeEntryForm(request.POST or None, initial=initial)
    # Bound, the rows are what was sent: against an initial, an unchanged row would be
    # skipped as an untouched extra form.
    if request.method == "POST":
        formset = EffectFormSet(request.POST, prefix="effects")
    else:
        formset = EffectFormSet(initial=effects, prefix="effects")
    context = {
        "system": system,
        "entry": entry,
        "form": form,
        "formset": formset,
        "back": f"/standards/{system.code}/negative/",
    }
    if request.method != "POST":
        return render(request, "standards/negative_form.html", context)
    if not (form.is_valid() and formset.is_valid()):
        return render(request, "standards/negative_form.html", context, status=400)
    data, rows = form.cleaned_data, effect_rows(formset)
    try:
        if not rows:
            raise InvalidInput(_("An entry needs at least one effect."))
        if entry is None:
            services.negative_entry_create(system=system, actor=request.user, effects=rows, **data)
        else:
            services.negative_entry_save(entry=entry, data=data, effects=rows, actor=request.user)
    except DomainError as exc:
        status = _refused(exc)
        context["error"] = str(exc.message)
        return render(request, "standards/negative_form.html", context, status=status)
    messages.success(request, _("The negative-list entry has been saved."))
    return redirect("standards:negative", code=system.code)


@require_POST
@page
def negative_entry_delete(request, code, entry_code):
    office_only(request)
    system = selectors.system_get(actor=request.user, code=code)
    entry = _entry(request, system, entry_code)
    try:
        services.negative_entry_delete(entry=entry, actor=request.user)
    except DomainError as exc:
        _refused(exc)
        messages.error(request, str(exc.message))
        return redirect("standards:negative_edit", code=code, entry_code=entry_code)
    messages.success(request, _("The negative-list entry has been deleted."))
    return redirect("standards:negative", code=code)


# --- point types --------------------------------------------------------------------------


@page
def point_type_new(request):
    """Add a point type (shared by every edition)."""
    office_only(request)
    form = PointTypeNewForm(request.POST or None, instance=PointType())
    context = {"form": form, "title": _("New point type"), "back": "/standards/point-types/"}
    if request.method != "POST":
        return _form(request, "standards/form.html", context)
    if not form.is_valid():
        return _form(request, "standards/form.html", context, status=400)
    data = dict(form.cleaned_data)
    data.pop("is_active", None)
    try:
        point_type = services.point_type_create(actor=request.user, **data)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _form(request, "standards/form.html", context, status=_refused(exc))
    messages.success(request, _("The point type has been saved."))
    return redirect("standards:point_type", type_code=point_type.code)


@page
def point_type_edit(request, type_code):
    """Rename, regroup, re-weight or retire a point type; retiring it with open work is a 409."""
    office_only(request)
    point_type = selectors.point_type_get(actor=request.user, code=type_code)
    form = PointTypeForm(
        request.POST or None, instance=selectors.point_type_get(actor=request.user, code=type_code)
    )
    back = f"/standards/point-types/{point_type.code}/"
    context = {"form": form, "title": point_type.display_name, "back": back}
    if request.method != "POST":
        return _form(request, "standards/form.html", context)
    if not form.is_valid():
        return _form(request, "standards/form.html", context, status=400)
    try:
        services.point_type_update(
            point_type=point_type, actor=request.user, data=form.cleaned_data
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _form(request, "standards/form.html", context, status=_refused(exc))
    messages.success(request, _("The point type has been saved."))
    return redirect(back)
