"""Organisation pages: the regions tree and the member units, as the user's scope allows."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def regions(request):
    level = request.GET.get("level") or None
    items = selectors.regions_visible(actor=request.user, level=level)
    return render(request, "org/regions.html", {"regions": items, "level": level})


@login_required
def units(request):
    return render(request, "org/units.html", {"units": selectors.units_visible(actor=request.user)})
