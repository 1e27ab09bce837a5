"""The surveys app's navigation link: the office and leaders manage and read every survey,
district officers read their district's results."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role

READERS = (Role.OFFICE_ADMIN, Role.LEADER, Role.REGION_OFFICER)


def nav_surveys(request):
    if getattr(request.user, "role", "") not in READERS:
        return None
    return {"label": _("Surveys"), "url": reverse("surveys:list"), "active_prefix": "/surveys/"}
