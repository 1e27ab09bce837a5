"""The registry (entries by type, county and status, newest first, a page at a time), one
entry's history of honours, and the types with their schemes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput
from wenming.core.roles import is_office
from wenming.core.scope import scope_queryset
from wenming.org.models import Region, RegionKind, RegionLevel
from wenming.standards.models import EvaluationSystem, Standard

from .. import selectors, services
from ..models import EntityKind, EntryStatus, HonourLevel
from ..services.registry import READ_ONLY
from .common import chosen_type, or_404

PAGE = 50


@login_required
def entry_list(request):
    actor = request.user
    types = list(selectors.types_visible(actor=actor))
    kind = chosen_type(request, types)
    districts = list(scope_queryset(Region.objects.filter(level=RegionLevel.DISTRICT), actor))
    district = next((d for d in districts if d.code == request.GET.get("region")), None)
    status = request.GET.get("status") if request.GET.get("status") in EntryStatus.values else ""
    rows, more = [], None
    if kind is not None:
        qs = selectors.entries_visible(actor=actor, type=kind, region=district, status=status)
        after = request.GET.get("after", "")
        if after.isdigit():
            qs = qs.filter(pk__lt=int(after))
        rows = list(qs.select_related("region", "district").order_by("-id")[: PAGE + 1])
        if len(rows) > PAGE:
            rows, more = rows[:PAGE], rows[PAGE - 1].pk
    return render(
        request,
        "creation/entries.html",
        {
            "types": types,
            "kind": kind,
            "districts": districts,
            "district": district,
            "status": status,
            "statuses": EntryStatus.choices,
            "rows": rows,
            "more": more,
            "can_apply": actor.role not in READ_ONLY,
            "waiting": selectors.reviews_waiting(actor=actor).count(),
        },
    )


@login_required
def entry_detail(request, pk):
    actor = request.user
    entry = or_404(selectors.entry_get, actor=actor, entry_id=pk)
    applications = list(entry.applications.order_by("-year", "-id"))
    return render(
        request,
        "creation/entry.html",
        {"entry": entry, "applications": applications, "can_apply": actor.role not in READ_ONLY},
    )


@login_required
def type_list(request):
    types = list(selectors.types_visible(actor=request.user, active_only=False))
    criteria: dict[int, list] = {}
    for s in Standard.objects.filter(system__in={t.system_id for t in types}).order_by(
        "order", "code"
    ):
        criteria.setdefault(s.system_id, []).append(s)
    rows = [(t, criteria.get(t.system_id, [])) for t in types]
    context = {"rows": rows, "is_office": is_office(request.user)}
    if context["is_office"]:
        context["systems"] = list(EvaluationSystem.objects.order_by("-edition_year", "code"))
        context["kinds"] = EntityKind.choices
        context["levels"] = HonourLevel.choices
        context["region_kinds"] = RegionKind.choices
    return render(request, "creation/types.html", context)


@login_required
@require_POST
def type_save(request):
    """The office adds or changes a type: its scheme, entity, levels and terms."""
    post = request.POST
    try:
        system = EvaluationSystem.objects.filter(code=post.get("system", "")).first()
        if system is None:
            raise InvalidInput(_("Choose the type's scheme."))
        numbers = {}
        for field in ("validity_years", "notice_days", "order"):
            value = post.get(field, "0").strip() or "0"
            if not value.isdigit():
                raise InvalidInput(_("Whole numbers only for the validity, notice and order."))
            numbers[field] = int(value)
        services.type_save(
            actor=request.user,
            code=post.get("code", "").strip(),
            name=post.get("name", "").strip(),
            name_en=post.get("name_en", "").strip(),
            entity_kind=post.get("entity_kind", ""),
            system=system,
            levels=post.getlist("levels"),
            region_kinds=_region_kinds(post),
            pass_score=post.get("pass_score", "85"),
            is_active=post.get("is_active") == "on",
            **numbers,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The type is saved."))
    return redirect("creation:types")


def _region_kinds(post) -> list[str]:
    """The ticked region kinds (one value each), or a comma-separated list of codes as the
    form used to take them; stored as before, codes joined by commas."""
    return [
        k for value in post.getlist("region_kinds") for k in value.replace(" ", "").split(",") if k
    ]
