"""The problem state machine: one table of allowed transitions and who may perform each.

Who acts is a *relation* between a person and a problem:

- `office`: a Civilization Office admin (registers, dispatches, verifies, closes, approves);
- `handler`: the responsible party — an officer of the responsible unit, or a region officer
  whose region contains the region the problem was dispatched to;
- `forwarder`: a handler who is a region officer (may pass the problem down to a street).

Requests the office answers leave the status alone and are stored on the problem until then:
an extension (`request_extension` → `approve_extension` / `deny_extension`) and a long-term
hold (`request_hold` → `hold`, which approves it, / `deny_hold`); `guard_ok` allows one pending
request of each kind.

Leaders read and never act; inspectors and evaluators report and never act on a problem.
The check order (service `problem_transition`) is: the action exists (400); the person's role
could ever take it (403); the current status allows it (409, naming the status and the
actions allowed now); this person relates to this problem as the table requires (403);
the action's own conditions (400 / 409).
"""

from dataclasses import dataclass

from wenming.org.roles import Role, is_office

from .models import Action, Status

OFFICE = "office"
HANDLER = "handler"
FORWARDER = "forwarder"


@dataclass(frozen=True)
class Transition:
    to: str
    who: frozenset[str]


def _t(to: str, *who: str) -> Transition:
    return Transition(to=to, who=frozenset(who))


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.NEW, A.REGISTER): _t(S.REGISTERED, OFFICE),
    (S.NEW, A.REJECT): _t(S.REJECTED, OFFICE),
    (S.REGISTERED, A.REJECT): _t(S.REJECTED, OFFICE),
    (S.NEW, A.DISPATCH): _t(S.DISPATCHED, OFFICE),
    (S.REGISTERED, A.DISPATCH): _t(S.DISPATCHED, OFFICE),
    # Re-dispatch: the office corrects a route; a district passes the problem to a street.
    (S.DISPATCHED, A.DISPATCH): _t(S.DISPATCHED, OFFICE, FORWARDER),
    (S.IN_PROGRESS, A.DISPATCH): _t(S.DISPATCHED, OFFICE, FORWARDER),
    (S.DISPATCHED, A.RETURN): _t(S.REGISTERED, HANDLER),
    (S.IN_PROGRESS, A.RETURN): _t(S.REGISTERED, HANDLER),
    (S.DISPATCHED, A.ACCEPT): _t(S.IN_PROGRESS, HANDLER),
    (S.IN_PROGRESS, A.RECTIFY): _t(S.RECTIFIED, HANDLER),
    (S.RECTIFIED, A.VERIFY_PASS): _t(S.CLOSED, OFFICE),
    (S.RECTIFIED, A.VERIFY_FAIL): _t(S.IN_PROGRESS, OFFICE),
    (S.DISPATCHED, A.REQUEST_EXTENSION): _t(S.DISPATCHED, HANDLER),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): _t(S.IN_PROGRESS, HANDLER),
    (S.DISPATCHED, A.APPROVE_EXTENSION): _t(S.DISPATCHED, OFFICE),
    (S.IN_PROGRESS, A.APPROVE_EXTENSION): _t(S.IN_PROGRESS, OFFICE),
    (S.DISPATCHED, A.DENY_EXTENSION): _t(S.DISPATCHED, OFFICE),
    (S.IN_PROGRESS, A.DENY_EXTENSION): _t(S.IN_PROGRESS, OFFICE),
    # Long-term hold (挂账): the handler asks, the office holds (approving) or denies; the
    # office may also hold on its own initiative.
    (S.DISPATCHED, A.REQUEST_HOLD): _t(S.DISPATCHED, HANDLER),
    (S.IN_PROGRESS, A.REQUEST_HOLD): _t(S.IN_PROGRESS, HANDLER),
    (S.DISPATCHED, A.DENY_HOLD): _t(S.DISPATCHED, OFFICE),
    (S.IN_PROGRESS, A.DENY_HOLD): _t(S.IN_PROGRESS, OFFICE),
    (S.DISPATCHED, A.HOLD): _t(S.ON_HOLD, OFFICE),
    (S.IN_PROGRESS, A.HOLD): _t(S.ON_HOLD, OFFICE),
    (S.ON_HOLD, A.RESUME): _t(S.IN_PROGRESS, OFFICE),
    (S.CLOSED, A.REOPEN): _t(S.IN_PROGRESS, OFFICE),
}
del S, A

# Which roles can ever hold each relation (for the 403-before-409 check).
_ROLES_OF = {
    OFFICE: {Role.OFFICE_ADMIN},
    HANDLER: {Role.UNIT_OFFICER, Role.REGION_OFFICER},
    FORWARDER: {Role.REGION_OFFICER},
}


def actions_from(status: str) -> list[str]:
    """Every action the table allows from `status`, in the table's order."""
    return [action for (source, action) in TRANSITIONS if source == status]


def role_may_ever(role: str, action: str) -> bool:
    """True when someone with `role` performs `action` in at least one status."""
    return any(
        role in _ROLES_OF[who] for (_s, a), t in TRANSITIONS.items() if a == action for who in t.who
    )


def is_handler(person, problem) -> bool:
    """True when `person` answers for `problem` now (its unit, or its region's officers)."""
    role = getattr(person, "role", "")
    if role == Role.UNIT_OFFICER:
        return bool(problem.responsible_unit_id) and problem.responsible_unit_id == person.unit_id
    if role == Role.REGION_OFFICER and problem.handling_region_id and person.region_id:
        return person.region.contains(problem.handling_region)
    return False


def relations(person, problem) -> set[str]:
    """How `person` relates to `problem` for the transition table."""
    found = set()
    if is_office(person):
        found.add(OFFICE)
    if is_handler(person, problem):
        found.add(HANDLER)
        if person.role == Role.REGION_OFFICER:
            found.add(FORWARDER)
    return found


def actions_for(person, problem) -> list[str]:
    """The actions `person` may take on `problem` now (the table plus each action's guards)."""
    mine = relations(person, problem)
    allowed = []
    for action in actions_from(problem.status):
        transition = TRANSITIONS[(problem.status, action)]
        if transition.who & mine and guard_ok(problem, action):
            allowed.append(action)
    return allowed


def guard_ok(problem, action: str) -> bool:
    """Conditions beyond the status, checked again under the row lock by the service."""
    pending_request = problem.extension_requested_until is not None
    if action == Action.REQUEST_EXTENSION:
        return not pending_request
    if action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        return pending_request
    pending_hold = problem.hold_requested_until is not None
    if action == Action.REQUEST_HOLD:
        return not pending_hold
    if action == Action.DENY_HOLD:
        return pending_hold
    return True
