"""The public rankings page (no sign-in), shown only while the portal's setting is on."""

from django.http import Http404
from django.shortcuts import render

from .. import selectors
from ..models import Snapshot, SnapshotStatus
from ..services import settings_get
from ..sources import optional


def public_rankings_on() -> bool:
    """The public portal's switch (`public.selectors.portal_settings().public_rankings`); off
    while the public app does not provide it."""
    portal_settings = optional("wenming.public.selectors", "portal_settings")
    if portal_settings is None:
        return False
    return bool(getattr(portal_settings(), "public_rankings", False))


def public_rankings(request):
    if not public_rankings_on():
        raise Http404
    snapshot = Snapshot.objects.filter(status=SnapshotStatus.PUBLISHED).order_by("-month").first()
    lists = []
    if snapshot is not None:
        size = settings_get().list_size
        for tier in selectors.RANKING_TIERS:
            entry = selectors.public_lists(snapshot=snapshot, tier=tier, size=size)
            if entry.rows:
                lists.append(entry)
    return render(request, "scoring/public.html", {"snapshot": snapshot, "lists": lists})
