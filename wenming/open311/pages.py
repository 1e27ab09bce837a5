"""The office's page of partner apps' keys: issue (the secret is shown once), revoke, see when
each key was last used. Everyone else is refused (403): the keys are the office's business."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wenming.core.audit import client_ip
from wenming.core.errors import DomainError
from wenming.core.roles import is_office

from . import keys


@login_required
@require_http_methods(["GET", "POST"])
def keys_page(request):
    if not is_office(request.user):
        raise PermissionDenied(_("Only the Civilization Office manages Open311 keys."))
    context = {"new_key": None, "result": "", "error": "", "name": ""}
    status = 200
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                key = keys.api_key_revoke(
                    actor=request.user,
                    key_id=int(request.POST["revoke"] or 0),
                    ip=client_ip(request),
                )
                context["result"] = _("The key of “%(name)s” is revoked.") % {"name": key.name}
            else:
                key, raw = keys.api_key_issue(
                    actor=request.user, name=request.POST.get("name", ""), ip=client_ip(request)
                )
                context["new_key"] = raw
                context["result"] = _("A key for “%(name)s” is issued.") % {"name": key.name}
        except ValueError:
            context["error"], status = _("No such Open311 key."), 400
        except DomainError as exc:
            context["error"], status = exc.message, exc.status
            context["name"] = request.POST.get("name", "")[:100]
    context["keys"] = keys.api_keys_list()
    context["discovery_url"] = request.build_absolute_uri(
        reverse("open311:discovery", kwargs={"fmt": "xml"})
    )
    return render(request, "open311/keys.html", context, status=status)


def panel_partner_apps(request):
    """The office's home panel: partner apps' keys and what they sent this week."""
    if not is_office(getattr(request, "user", None)):
        return None
    from datetime import timedelta

    from django.utils import timezone

    from .models import ApiKey, Open311Request

    week = Open311Request.objects.filter(created_at__gte=timezone.now() - timedelta(days=7))
    url = reverse("open311:keys")
    return {
        "title": _("Open311 partner apps"),
        "items": [
            {
                "label": _("Active keys"),
                "count": ApiKey.objects.filter(revoked_at__isnull=True).count(),
                "url": url,
                "tone": "secondary",
            },
            {
                "label": _("Requests posted in the last 7 days"),
                "count": week.count(),
                "url": url,
                "tone": "secondary",
            },
        ],
        "empty": "",
        "order": 95,
    }
