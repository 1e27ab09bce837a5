"""The service worker and the web app manifest that make the visit page installable and
usable offline.

The worker is served from /inspections/sw.js (not /static/), so its scope covers the visit
pages under /inspections/visits/ without a Service-Worker-Allowed header for a wider path; it
is never cached by the browser's HTTP cache, so a new version is picked up on the next visit.
"""

from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKER = Path(__file__).resolve().parent.parent / "static" / "inspections" / "sw.js"


@require_GET
@never_cache
def service_worker(request):
    response = HttpResponse(WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("inspections:rounds")
    return response


@require_GET
def manifest(request):
    """The web app manifest: installing opens "my visits" in its own window."""
    return JsonResponse(
        {
            "name": _("Wenming inspections"),
            "short_name": _("Inspections"),
            "start_url": reverse("inspections:visits"),
            "scope": reverse("inspections:rounds"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#b02a1f",
            "icons": [
                {
                    "src": static("inspections/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("inspections/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "any",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
