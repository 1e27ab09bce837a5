"""Every write of the inspections app: rounds and their draw (`rounds`), visits (`visits`)."""

from .rounds import (
    round_create,
    round_draw,
    round_frame,
    round_plans,
    round_sample,
    visit_reassign,
)
from .visits import (
    visit_answers_save,
    visit_photo_add,
    visit_review,
    visit_start,
    visit_submit,
)

__all__ = [
    "round_create",
    "round_draw",
    "round_frame",
    "round_plans",
    "round_sample",
    "visit_answers_save",
    "visit_photo_add",
    "visit_reassign",
    "visit_review",
    "visit_start",
    "visit_submit",
]
