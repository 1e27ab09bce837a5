"""The scoring app's navigation link."""

from django.urls import reverse
from django.utils.translation import gettext as _


def nav_scores(request):
    if not getattr(request.user, "role", ""):
        return None
    return {"label": _("Scores"), "url": reverse("scoring:month"), "active_prefix": "/scores/"}
