"""Organisation pages: the regions tree and the member units, as the user's scope allows."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from . import places, selectors


@login_required
def regions(request):
    level = request.GET.get("level") or None
    items = selectors.regions_visible(actor=request.user, level=level)
    return render(request, "org/regions.html", {"regions": items, "level": level})


@login_required
def units(request):
    return render(request, "org/units.html", {"units": selectors.units_visible(actor=request.user)})


@login_required
def region_search(request):
    """The region picker's answer (core/region_picker.js): regions in the user's scope whose
    code, name or path hold every word of `q`, each with its path."""
    found = places.region_search(actor=request.user, q=request.GET.get("q", "")[:100])
    return JsonResponse({"results": found})
