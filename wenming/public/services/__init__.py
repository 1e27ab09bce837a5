"""Every write of the citizens' portal (grep `citizen_report_<verb>`, `portal_settings_<verb>` …)."""

from .office import (
    portal_settings_update,
    public_category_set,
    response_template_delete,
    response_template_set,
)
from .reports import (
    RateLimited,
    citizen_report_create,
    citizen_report_rate,
    rate_limit_check,
)
from .retention import personal_data_erase_due, public_tick
from .triage import (
    citizen_report_merge,
    citizen_report_register,
    citizen_report_reject,
    citizen_review_decide,
)

__all__ = [
    "RateLimited",
    "citizen_report_create",
    "citizen_report_merge",
    "citizen_report_rate",
    "citizen_report_register",
    "citizen_report_reject",
    "citizen_review_decide",
    "personal_data_erase_due",
    "portal_settings_update",
    "public_category_set",
    "public_tick",
    "rate_limit_check",
    "response_template_delete",
    "response_template_set",
]
