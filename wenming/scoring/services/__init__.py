"""Every write of the scoring app (keyword-only, one transaction, an event and an audit entry)."""

from .common import settings_get
from .config import (
    annual_result_set,
    compliance_event_record,
    compliance_event_withdraw,
    questionnaire_figure_set,
    settings_update,
)
from .ladder import ladder_climb
from .snapshots import (
    current_snapshot,
    month_parse,
    snapshot_compute,
    snapshot_publish,
    snapshot_recompute,
)
from .weights import weights_for_snapshot, weights_set

__all__ = [
    "annual_result_set",
    "compliance_event_record",
    "compliance_event_withdraw",
    "current_snapshot",
    "ladder_climb",
    "month_parse",
    "questionnaire_figure_set",
    "settings_get",
    "settings_update",
    "snapshot_compute",
    "snapshot_publish",
    "snapshot_recompute",
    "weights_for_snapshot",
    "weights_set",
]
