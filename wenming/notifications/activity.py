"""How the group robots' and deliveries' audit entries read on the activity page
(core/activity.py asks)."""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import choice_label, register_activity

from .models import DeliveryChannel, NotificationKind, RobotKind

LABELS = {
    "webhook.create": pgettext_lazy("audit action", "Group robot added"),
    "webhook.update": pgettext_lazy("audit action", "Group robot changed"),
    "webhook.delete": pgettext_lazy("audit action", "Group robot removed"),
    "webhook.test": pgettext_lazy("audit action", "Group robot tested"),
    "delivery.retry": pgettext_lazy("audit action", "Failed delivery retried"),
}


def register() -> None:
    register_activity(
        labels=LABELS,
        prefix="webhook.",
        values={"kind": choice_label(RobotKind), "kinds": choice_label(NotificationKind)},
        keys={
            "kind": pgettext_lazy("audit detail", "Robot"),
            "host": pgettext_lazy("audit detail", "Host"),
            "kinds": pgettext_lazy("audit detail", "Notification kinds"),
            "signed": pgettext_lazy("audit detail", "Signed"),
            "ok": pgettext_lazy("audit detail", "Succeeded"),
            "error": pgettext_lazy("audit detail", "Error"),
        },
    )
    register_activity(
        prefix="delivery.",
        values={"channel": choice_label(DeliveryChannel)},
        keys={
            "channel": pgettext_lazy("audit detail", "Channel"),
            "address": pgettext_lazy("audit detail", "Address"),
        },
    )
