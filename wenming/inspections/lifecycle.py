"""The visit's state machine: one table of moves and who may make each.

- the team (the inspectors the visit is assigned to) starts, answers and submits;
- the round's owner or the office reviews a submitted visit: approved, has issues, or
  rejected with a reason; a rejected visit goes back to its team, who answer and submit again.
"""

from .models import VisitStatus

TEAM, REVIEWER = "team", "reviewer"
V = VisitStatus

START, ANSWER, SUBMIT = "start", "answer", "submit"
APPROVE, FLAG, REJECT = "approve", "has_issues", "reject"

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (V.ASSIGNED, START): (V.STARTED, TEAM),
    (V.STARTED, ANSWER): (V.STARTED, TEAM),
    (V.REJECTED, ANSWER): (V.REJECTED, TEAM),
    (V.STARTED, SUBMIT): (V.SUBMITTED, TEAM),
    (V.REJECTED, SUBMIT): (V.SUBMITTED, TEAM),
    (V.SUBMITTED, APPROVE): (V.APPROVED, REVIEWER),
    (V.SUBMITTED, FLAG): (V.HAS_ISSUES, REVIEWER),
    (V.SUBMITTED, REJECT): (V.REJECTED, REVIEWER),
    (V.HAS_ISSUES, APPROVE): (V.APPROVED, REVIEWER),
    (V.HAS_ISSUES, REJECT): (V.REJECTED, REVIEWER),
}

REVIEWS = {APPROVE, FLAG, REJECT}


def move(status: str, action: str) -> tuple[str, str] | None:
    """(next status, who may) for `action` from `status`, or None when not allowed now."""
    return TRANSITIONS.get((status, action))


def allowed_now(status: str) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]
