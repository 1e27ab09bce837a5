"""The inspections pages: rounds (list, round page with the office's review), my visits with
their map, the visit on a phone (start, checklist, photos, submit; offline through the
service worker and IndexedDB in static/inspections/visit.js), and the service worker itself."""

from .offline import manifest, service_worker
from .planning import round_draw, round_new, visit_reassign
from .rounds import report, review, round_detail, round_list
from .visits import (
    visit_answers,
    visit_markers,
    visit_page,
    visit_photos,
    visit_start,
    visit_submit,
    visits_mine,
)

__all__ = [
    "manifest",
    "report",
    "round_draw",
    "round_new",
    "review",
    "round_detail",
    "round_list",
    "service_worker",
    "visit_answers",
    "visit_markers",
    "visit_page",
    "visit_photos",
    "visit_reassign",
    "visit_start",
    "visit_submit",
    "visits_mine",
]
