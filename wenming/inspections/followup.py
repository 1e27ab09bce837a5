"""Follow-up rounds (回头看): did the fixes of an earlier round's problems hold?

A follow-up round (`Round.follow_up_of`) revisits points of an earlier round. For each problem
the earlier round found (a failed item's `VisitAnswer.problem`), the outcome is read from the
follow-up's visit to the same point:

- `held`: the same item passed again in a submitted follow-up visit;
- `not_held`: it failed again;
- `not_visited`: no submitted follow-up visit to the point yet, or the item was answered
  "not applicable" there (the fix was not checked).

A rejected follow-up visit does not count (it is redone). Readers see the problems found in
the earlier round's visits of their scope (`selectors.visits_visible`), and the outcomes from
the follow-up's visits of their scope.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wenming.core.errors import InvalidInput

from . import selectors
from .models import Answer, Round, VisitAnswer

HELD, NOT_HELD, NOT_VISITED = "held", "not_held", "not_visited"
OUTCOMES = {HELD: _("Fix held"), NOT_HELD: _("Fix did not hold"), NOT_VISITED: _("Not yet visited")}


@dataclass(frozen=True)
class FollowUpRow:
    problem_id: int
    problem_code: str
    problem_status: str
    point_code: str
    point_name: str
    item_code: str
    item_text: str
    outcome: str
    visit_id: int | None  # the follow-up visit that decided it

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES[self.outcome])


def followup_outcomes(*, actor, round_: Round) -> list[FollowUpRow]:
    """Per problem found in the round `round_` follows up, whether its fix held (see the
    module's rules), over the actor's scope; ordered by point and item."""
    round_ = selectors.round_get(actor=actor, round_id=round_.pk)
    if round_.follow_up_of_id is None:
        raise InvalidInput(_("This round does not follow up an earlier one."), code="not_follow_up")
    earlier = selectors.visits_visible(actor=actor, round_=round_.follow_up_of).values("pk")
    found = (
        VisitAnswer.objects.filter(visit__in=earlier, answer=Answer.FAIL, problem__isnull=False)
        .select_related("problem", "item", "visit__point")
        .order_by("visit__point__code", "item__order", "item__code")
    )
    later = selectors.visits_visible(actor=actor, round_=round_).filter(status__in=selectors.SCORED)
    now = {
        (point_id, item_id): (answer, visit_id)
        for point_id, item_id, answer, visit_id in VisitAnswer.objects.filter(
            visit__in=later.values("pk")
        ).values_list("visit__point_id", "item_id", "answer", "visit_id")
    }
    rows, seen = [], set()
    for a in found:
        key = (a.problem_id, a.visit.point_id, a.item_id)
        if key in seen:
            continue
        seen.add(key)
        answer, visit_id = now.get((a.visit.point_id, a.item_id), (None, None))
        outcome = {Answer.PASS: HELD, Answer.FAIL: NOT_HELD}.get(answer, NOT_VISITED)
        rows.append(
            FollowUpRow(
                problem_id=a.problem_id,
                problem_code=a.problem.code,
                problem_status=a.problem.status,
                point_code=a.visit.point.code,
                point_name=a.visit.point.name,
                item_code=a.item.code,
                item_text=a.item.text,
                outcome=outcome,
                visit_id=visit_id if outcome != NOT_VISITED else None,
            )
        )
    return rows


def followup_counts(rows: list[FollowUpRow]) -> dict[str, int]:
    """How many fixes held, did not hold, are not yet visited (every outcome present)."""
    counts = Counter(r.outcome for r in rows)
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}
