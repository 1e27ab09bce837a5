"""How the assessment points' audit entries read on the activity page (core/activity.py asks).

The labels are the point history's (`standards.labels`), so an action has one name.
"""

from django.utils.translation import pgettext_lazy

from wenming.core.activity import field_changes, register_activity
from wenming.standards.labels import LABELS

from .models import Point


def register() -> None:
    register_activity(
        labels={
            f"points.{verb}": LABELS[f"point.{verb}"] for verb in ("create", "update", "import")
        },
        prefix="points.",
        values={"changes": field_changes(Point)},
        keys={"rows": pgettext_lazy("audit detail", "Rows read")},
    )
