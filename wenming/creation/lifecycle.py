"""The application's state machine: one table of moves and who may make each.

    submitted ──region_pass──▶ region_passed ──office_pass──▶ notice ──approve──▶ approved
        │ region_reject            │ office_reject              │ reject            │ recheck (annual)
        ▼                          ▼                            ▼                   ▼
     rejected                   rejected                     rejected            approved
    (withdraw by the applicant while submitted)              object / answer     warn ▶ warned
                                                             (stay in notice)    revoke ▶ revoked
                                                                                 warned: recheck ▶
                                                                                 approved, revoke

Who: APPLICANT (the person who applied, or anyone whose scope holds the entry), FIRST (the
reviewing region, `levels.may_review_first`), OFFICE, CHECKER (the reviewing region or the
office: the annual re-check). Order of checks in `services.applications`: the application in
the actor's scope (404) → the move exists now (409) → the actor may make it (403) → the
move's own rules (400, or 409 for the notice period and open objections).
"""

from django.utils.translation import gettext_lazy, pgettext_lazy

from .models import ApplicationStatus

A = ApplicationStatus
APPLICANT, FIRST, OFFICE, CHECKER = "applicant", "first", "office", "checker"

REGION_PASS, REGION_REJECT, WITHDRAW = "region_pass", "region_reject", "withdraw"
OFFICE_PASS, OFFICE_REJECT = "office_pass", "office_reject"
OBJECT, ANSWER, APPROVE, REJECT = "object", "answer", "approve", "reject"
RECHECK, WARN, REVOKE = "recheck", "warn", "revoke"

TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (A.SUBMITTED, REGION_PASS): (A.REGION_PASSED, FIRST),
    (A.SUBMITTED, REGION_REJECT): (A.REJECTED, FIRST),
    (A.SUBMITTED, WITHDRAW): (A.WITHDRAWN, APPLICANT),
    (A.REGION_PASSED, OFFICE_PASS): (A.NOTICE, OFFICE),
    (A.REGION_PASSED, OFFICE_REJECT): (A.REJECTED, OFFICE),
    (A.NOTICE, OBJECT): (A.NOTICE, OFFICE),
    (A.NOTICE, ANSWER): (A.NOTICE, OFFICE),
    (A.NOTICE, APPROVE): (A.APPROVED, OFFICE),
    (A.NOTICE, REJECT): (A.REJECTED, OFFICE),
    (A.APPROVED, RECHECK): (A.APPROVED, CHECKER),
    (A.APPROVED, WARN): (A.WARNED, OFFICE),
    (A.APPROVED, REVOKE): (A.REVOKED, OFFICE),
    (A.WARNED, RECHECK): (A.APPROVED, CHECKER),
    (A.WARNED, REVOKE): (A.REVOKED, OFFICE),
}

ACTIONS = sorted({action for (_state, action) in TRANSITIONS})
# Moves that need a reason (the cycle's refusals and the dynamic management).
NEED_REASON = {REGION_REJECT, OFFICE_REJECT, REJECT, WARN, REVOKE, WITHDRAW}
# Moves that carry a score.
SCORED = {REGION_PASS: "region_score", OFFICE_PASS: "office_score"}
# Open applications: the ones that still block a second one and show as "applying".
OPEN = (A.SUBMITTED, A.REGION_PASSED, A.NOTICE)
# Not a move: more evidence filed while the application is open (the state stays).
EVIDENCE = "evidence"


def move(status: str, action: str) -> tuple[str, str] | None:
    """(next status, who may) for `action` from `status`, or None when not allowed now."""
    return TRANSITIONS.get((status, action))


def allowed_now(status: str) -> list[str]:
    return [action for (state, action) in TRANSITIONS if state == status]


# What each step is called on the pages (the timeline and the buttons).
ACTION_LABELS = {
    "apply": gettext_lazy("Applied"),
    REGION_PASS: gettext_lazy("Pass the region's review"),
    REGION_REJECT: gettext_lazy("Not recommended"),
    WITHDRAW: pgettext_lazy("creation step", "Withdraw"),
    OFFICE_PASS: gettext_lazy("Pass and start the public notice"),
    OFFICE_REJECT: gettext_lazy("Not approved by the office"),
    OBJECT: gettext_lazy("Record an objection"),
    ANSWER: gettext_lazy("Answer the objection"),
    APPROVE: gettext_lazy("Approve the honour"),
    REJECT: gettext_lazy("Refuse after the notice"),
    RECHECK: gettext_lazy("Annual re-check passed"),
    WARN: gettext_lazy("Warn"),
    REVOKE: pgettext_lazy("creation step", "Revoke"),
    EVIDENCE: gettext_lazy("Evidence added"),
}
