"""The task state machine: one table of allowed moves and who may make each.

    not started ─start─► in progress ─submit─► submitted for acceptance ─accept─► accepted
         │                    ▲                          │
         └──────submit────────┼──────────────────────────┘ return (comments required)
                              │                          ▼
                              └────────start──────── returned ─submit─► submitted …

A first progress report starts a task that has not started (or was returned): the report is
the start. Who acts is a relation between a person and a task:

- `office`: a Civilization Office admin (accepts, returns);
- `handler`: an officer of the lead unit, the person in charge, or — for a task with no lead
  unit — a region officer whose region contains one of the task's regions.

Co-units and region officers of the task's regions may report progress (`may_report`) but
do not move the task. The check order (service `task_transition`) is: the action exists
(400); the person's role could ever take it (403); the current status allows it (409, naming
the status and the moves allowed now); this person relates to this task as the table
requires (403); the move's own conditions (400 / 409).
"""

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from wenming.core.roles import Role, is_office

from .models import Action, Status

OFFICE = "office"
HANDLER = "handler"


@dataclass(frozen=True)
class Transition:
    to: str
    who: frozenset[str]


def _t(to: str, *who: str) -> Transition:
    return Transition(to=to, who=frozenset(who))


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.NOT_STARTED, A.START): _t(S.IN_PROGRESS, HANDLER),
    (S.RETURNED, A.START): _t(S.IN_PROGRESS, HANDLER),
    (S.NOT_STARTED, A.SUBMIT): _t(S.SUBMITTED, HANDLER),
    (S.IN_PROGRESS, A.SUBMIT): _t(S.SUBMITTED, HANDLER),
    (S.RETURNED, A.SUBMIT): _t(S.SUBMITTED, HANDLER),
    (S.SUBMITTED, A.ACCEPT): _t(S.ACCEPTED, OFFICE),
    (S.SUBMITTED, A.RETURN): _t(S.RETURNED, OFFICE),
}

# Which roles could ever take an action (the 403 before looking at the task).
ROLES_FOR = {
    OFFICE: frozenset({Role.OFFICE_ADMIN}),
    HANDLER: frozenset({Role.UNIT_OFFICER, Role.REGION_OFFICER, Role.OFFICE_ADMIN}),
}

# Statuses in which progress may be reported (a report on a submitted or accepted task would
# change what the office is judging or has judged).
REPORTABLE = frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.RETURNED})


def allowed_actions(status: str) -> list[str]:
    return [action for (frm, action) in TRANSITIONS if frm == status]


def roles_may(action: str, role: str) -> bool:
    """True when a person of `role` could take `action` on some task."""
    whos = {t.who for (_frm, act), t in TRANSITIONS.items() if act == action}
    return any(role in ROLES_FOR[w] for who in whos for w in who)


def _region_officer_covers(person, task, region_ids) -> bool:
    if person.role != Role.REGION_OFFICER or not person.region_id:
        return False
    subtree = set(person.region.subtree_ids())
    return bool(subtree.intersection(region_ids))


def relations(person, task, *, region_ids=None) -> set[str]:
    """How `person` relates to `task`: a subset of {office, handler}."""
    found: set[str] = set()
    if is_office(person):
        found.add(OFFICE)
    if person.role == Role.UNIT_OFFICER and person.unit_id and person.unit_id == task.lead_unit_id:
        found.add(HANDLER)
    if task.person_in_charge_id and task.person_in_charge_id == person.pk:
        found.add(HANDLER)
    if task.lead_unit_id is None:
        ids = region_ids if region_ids is not None else _region_ids(task)
        if _region_officer_covers(person, task, ids):
            found.add(HANDLER)
    return found


def _region_ids(task) -> list[int]:
    return list(task.regions.values_list("pk", flat=True))


def may_report(person, task) -> bool:
    """Whether `person` may report progress on `task`: its handlers, its co-units' officers and
    the officers of its regions (the office too, recording a report handed in on paper)."""
    if relations(person, task):
        return True
    if person.role == Role.UNIT_OFFICER and person.unit_id:
        return task.co_units.filter(pk=person.unit_id).exists()
    return _region_officer_covers(person, task, _region_ids(task))


def may_act(person, task, action: str) -> bool:
    """Whether `person` may take `action` on `task` now (for showing buttons)."""
    transition = TRANSITIONS.get((task.status, action))
    return bool(transition and transition.who & relations(person, task))


# What each timeline row says happened (`TaskEvent.action`).
EVENT_LABELS = {
    "create": pgettext_lazy("task event", "Created"),
    "edit": pgettext_lazy("task event", "Edited"),
    "generate": pgettext_lazy("task event", "Drafted from the standards"),
    "merge": pgettext_lazy("task event", "Merged"),
    "publish": pgettext_lazy("task event", "Published"),
    "progress": pgettext_lazy("task event", "Progress reported"),
    "milestone": pgettext_lazy("task event", "Milestone added"),
    "milestone_done": pgettext_lazy("task event", "Milestone reached"),
    A.START: pgettext_lazy("task event", "Started"),
    A.SUBMIT: pgettext_lazy("task event", "Submitted for acceptance"),
    A.ACCEPT: pgettext_lazy("task event", "Accepted"),
    A.RETURN: pgettext_lazy("task event", "Returned"),
}
