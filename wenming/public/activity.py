"""How the citizens' portal's audit entries read on the activity page (core/activity.py asks)."""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import choice_label, field_names, model_keys, register_activity
from wenming.problems.activity import category_label
from wenming.problems.models import Problem, Status

from .models import Channel, PortalSettings, Rating

LABELS = {
    "public.report": pgettext_lazy("audit action", "Citizen report received"),
    "public.rate": pgettext_lazy("audit action", "Citizen rated the handling"),
    "public.review": pgettext_lazy("audit action", "Dissatisfied rating reviewed"),
    "public.settings": pgettext_lazy("audit action", "Portal settings changed"),
    "public.category": pgettext_lazy("audit action", "Category offered to the public set"),
    "public.template": pgettext_lazy("audit action", "Response template saved"),
    "public.template_delete": pgettext_lazy("audit action", "Response template deleted"),
    "public.personal_data_erase": pgettext_lazy("audit action", "Citizen's personal data erased"),
}


def register() -> None:
    register_activity(
        labels=LABELS,
        prefix="public.",
        values={
            "channel": choice_label(Channel),
            "rating": choice_label(Rating),
            "status": choice_label(Status),
            "category": category_label,
            "fields": field_names(Problem),
        },
        keys={
            "problem": pgettext_lazy("audit detail", "Problem"),
            "channel": pgettext_lazy("audit detail", "Channel"),
            "rating": pgettext_lazy("audit detail", "Rating"),
            "review": pgettext_lazy("audit detail", "Review requested"),
            "reopen": pgettext_lazy("audit detail", "Reopened"),
            "is_public": pgettext_lazy("audit detail", "Offered to the public"),
            "status": pgettext_lazy("audit detail", "Status"),
            "fields": pgettext_lazy("audit detail", "Fields erased"),
            "photos_stripped": pgettext_lazy("audit detail", "Photos stripped of their position"),
        },
    )
    # The settings' "from" and "to" are the changed fields before and after, not statuses.
    register_activity(
        prefix="public.settings",
        keys={
            **model_keys(PortalSettings),
            "from": pgettext_lazy("audit detail", "Before"),
            "to": pgettext_lazy("audit detail", "After"),
        },
    )
