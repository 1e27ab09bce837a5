"""How the partner apps' keys read on the activity page (core/activity.py asks)."""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import register_activity

LABELS = {
    "open311.key_issue": pgettext_lazy("audit action", "Partner app key issued"),
    "open311.key_revoke": pgettext_lazy("audit action", "Partner app key revoked"),
}


def register() -> None:
    register_activity(labels=LABELS)
