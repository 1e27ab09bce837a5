"""How the exposure board's audit entries read on the activity page (core/activity.py asks)."""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import register_activity

LABELS = {
    "exposure.publish": pgettext_lazy("audit action", "Problem put on the exposure board"),
    "exposure.withdraw": pgettext_lazy("audit action", "Problem withdrawn from the exposure board"),
}


def register() -> None:
    register_activity(
        labels=LABELS,
        prefix="exposure.",
        keys={"problem": pgettext_lazy("audit detail", "Problem")},
    )
