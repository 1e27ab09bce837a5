"""The dashboards app's navigation link."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .scope import HAS_DASHBOARD


def nav_dashboards(request):
    """The office, leaders, districts and units have a dashboard."""
    if getattr(request.user, "role", "") not in HAS_DASHBOARD:
        return None
    return {
        "label": _("Dashboards"),
        "url": reverse("dashboards:overview"),
        "active_prefix": "/dashboards/",
    }
