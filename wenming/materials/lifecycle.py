"""A submission's state machine: one table of moves and who may make each.

    draft ──submit──► submitted ──score──► scored ──score──► scored (a corrected pre-score)
                          │                  │
                          └──return──► returned ◄──return──┘
                                         │
                                   submit (by the deadline)
                                         ▼
                                    resubmitted ──score──► scored / ──return──► returned

- the unit (its officers) adds and removes files while the submission is a draft or returned,
  and submits it; a returned submission must be resubmitted by the office's deadline;
- the office pre-scores (a share of the clause's material points) or returns it with comments
  and a deadline.

Order of checks in the services: the input (400), then the state (409), then who acts (403);
a submission outside the reader's scope was already a 404 in the selector.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import SubmissionStatus

UNIT, OFFICE = "unit", "office"
S = SubmissionStatus

SUBMIT, SCORE, RETURN = "submit", "score", "return"
OPEN, FILE_ADD, FILE_REMOVE = "open", "file_add", "file_remove"

# What each entry of a submission's history says (MaterialEvent.action).
ACTION_LABELS = {
    OPEN: _("Opened"),
    FILE_ADD: _("File uploaded"),
    FILE_REMOVE: _("File removed"),
    SUBMIT: _("Submitted for pre-review"),
    SCORE: pgettext_lazy("material history", "Pre-scored"),
    RETURN: pgettext_lazy("material history", "Returned"),
}

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, SUBMIT): (S.SUBMITTED, UNIT),
    (S.RETURNED, SUBMIT): (S.RESUBMITTED, UNIT),
    (S.SUBMITTED, SCORE): (S.SCORED, OFFICE),
    (S.RESUBMITTED, SCORE): (S.SCORED, OFFICE),
    (S.SCORED, SCORE): (S.SCORED, OFFICE),
    (S.SUBMITTED, RETURN): (S.RETURNED, OFFICE),
    (S.RESUBMITTED, RETURN): (S.RETURNED, OFFICE),
    (S.SCORED, RETURN): (S.RETURNED, OFFICE),
}

# States in which the unit may change its files.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# States waiting for the office.
AWAITING_REVIEW = (S.SUBMITTED, S.RESUBMITTED)
# States waiting for the unit.
AWAITING_UNIT = (S.DRAFT, S.RETURNED)


def move(status: str, action: str) -> tuple[str, str] | None:
    """(next status, who may) for `action` from `status`, or None when not allowed now."""
    return TRANSITIONS.get((status, action))


def allowed_now(status: str) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]
