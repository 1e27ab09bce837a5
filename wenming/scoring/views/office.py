"""The office's pages: weights and settings (refusals name the sum), the predicted national
score with its events, and what to fix first."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError, InvalidInput, NotAllowed
from wenming.core.roles import is_office
from wenming.standards.models import Method, NegativeEffect, NegativeListEntry

from .. import prediction, services
from ..api import resolve_scope
from ..caching import cached
from ..models import CityStatus, Component
from ..priorities import priorities
from ..selectors import sees_all
from ..services.config import SETTING_FIELDS
from ..services.weights import scheme_default, weights_of


def _office_or_404(request):
    if not is_office(request.user):
        raise Http404


@login_required
def settings_page(request):
    """The composite's weights and the office's settings (office only)."""
    _office_or_404(request)
    current = weights_of(scheme_default())
    error = None
    settings = services.settings_get()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "weights":
                posted = {key: request.POST.get(key, "0") for key in Component.values}
                current = posted
                services.weights_set(actor=request.user, weights=posted)
                messages.success(request, _("The weights are saved."))
            else:
                changes = {
                    name: request.POST[name] for name in SETTING_FIELDS if name in request.POST
                }
                services.settings_update(actor=request.user, **changes)
                messages.success(request, _("The settings are saved."))
            return redirect("scoring:settings")
        except DomainError as exc:
            error, status = exc.message, exc.status
            settings = services.settings_get()
    rows = [(key, Component(key).label, current.get(key, 0)) for key in Component.values]
    return render(
        request,
        "scoring/settings.html",
        {"rows": rows, "error": error, "settings": settings, "statuses": CityStatus.choices},
        status=status,
    )


def _weakest(standards, limit: int = 15) -> list[tuple]:
    """The standards furthest from full marks, each with its methods' achievement rates named
    in the reader's language (the method codes showed as English words)."""
    lines = sorted(
        (line for line in standards if line.achievement),
        key=lambda line: min(a.rate for a in line.achievement.values()),
    )[:limit]
    return [
        (line, [(Method(m).label, a.rate) for m, a in line.achievement.items()]) for line in lines
    ]


@login_required
def predicted_page(request):
    """The predicted national score with its range, cycle, prerequisite and events."""
    if not sees_all(request.user):
        raise Http404
    result = cached("predicted", (), prediction.predict)
    entries = []
    if result.system is not None:
        entries = list(
            NegativeListEntry.objects.filter(system=result.system).prefetch_related("effects")
        )
    return render(
        request,
        "scoring/predicted.html",
        {
            "p": result,
            "entries": entries,
            "can_act": is_office(request.user),
            "weakest": _weakest(result.standards),
        },
    )


@login_required
@require_POST
def event_record(request):
    """The office records a hard-requirement or negative-list event (or withdraws one)."""
    back = reverse("scoring:predicted")
    try:
        if not is_office(request.user):
            raise NotAllowed(_("Only the Civilization Office records events."))
        effect = None
        if request.POST.get("effect"):
            effect = NegativeEffect.objects.filter(pk=request.POST["effect"]).first()
            if effect is None:
                raise InvalidInput(_("No such effect."))
        try:
            occurred = date.fromisoformat(request.POST.get("occurred_on", ""))
        except ValueError:
            raise InvalidInput(_("Give the date as YYYY-MM-DD."), code="bad_date") from None
        services.compliance_event_record(
            actor=request.user,
            occurred_on=occurred,
            description=request.POST.get("description", ""),
            effect=effect,
            is_veto=request.POST.get("is_veto") == "1",
        )
    except DomainError as exc:
        return render(
            request,
            "scoring/refused.html",
            {"message": exc.message, "back": back},
            status=exc.status,
        )
    messages.success(request, _("The event is recorded."))
    return redirect(back)


@login_required
def priorities_page(request):
    """What to fix first in a scope (the reader's own region or unit when not the office)."""
    try:
        region, unit = resolve_scope(
            request.user, request.GET.get("region") or None, request.GET.get("unit") or None
        )
    except DomainError:
        raise Http404 from None
    # The list is the reader's own (scoped problems): the key names the reader and the scope.
    result = cached(
        "priorities",
        (request.user.pk, region and region.pk, unit and unit.pk),
        lambda: priorities(actor=request.user, region=region, unit=unit),
    )
    return render(
        request,
        "scoring/priorities.html",
        {"result": result, "region": region, "unit": unit},
    )
