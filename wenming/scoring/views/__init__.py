"""The scoring pages: one module per family (months and rankings, the subject's page, the
office's work: actions, weights, the predicted score and what to fix first; the public list)."""

from .months import month_page, rankings_page, snapshot_action, week_page
from .office import (
    event_record,
    predicted_page,
    priorities_page,
    settings_page,
)
from .public import public_rankings
from .subject import subject_page

__all__ = [
    "event_record",
    "month_page",
    "predicted_page",
    "priorities_page",
    "public_rankings",
    "rankings_page",
    "settings_page",
    "snapshot_action",
    "subject_page",
    "week_page",
]
