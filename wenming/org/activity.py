"""How the regions', units' and people's audit entries read on the activity page
(core/activity.py asks)."""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import choice_label, model_keys, register_activity
from wenming.core.roles import Role

from .models import Person, Region, Unit

LABELS = {
    "region.create": pgettext_lazy("audit action", "Region added"),
    "region.update": pgettext_lazy("audit action", "Region changed"),
    "region.delete": pgettext_lazy("audit action", "Region deleted"),
    "unit.create": pgettext_lazy("audit action", "Member unit added"),
    "unit.update": pgettext_lazy("audit action", "Member unit changed"),
    "unit.delete": pgettext_lazy("audit action", "Member unit deleted"),
    "person.create": pgettext_lazy("audit action", "Person added"),
    "person.update": pgettext_lazy("audit action", "Person changed"),
}


def register() -> None:
    register_activity(labels=LABELS)
    # A change keeps the changed fields before and after, by their names.
    register_activity(prefix="region.", keys=model_keys(Region))
    register_activity(prefix="unit.", keys=model_keys(Unit))
    register_activity(
        prefix="person.", keys=model_keys(Person), values={"role": choice_label(Role)}
    )
