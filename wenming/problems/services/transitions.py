"""One function per lifecycle action; `problem_transition` picks the one an action names.

Each runs in one transaction: lock the row, check role → status → relation (lifecycle.py),
validate the action's fields, compare-and-set the row, append the event (and audit entry),
and schedule notices for after the commit. A refusal raises before anything is written.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from wenming.core.calendar import working_days_between
from wenming.core.errors import DomainError, InvalidInput, NotAllowed, NotFound

from .. import notify
from ..lifecycle import FORWARDER, OFFICE, TRANSITIONS, relations, role_may_ever
from ..models import Action, EventKind, Problem, Status, status_flags
from ._common import (
    check_co_units,
    clean_note,
    conflict,
    default_deadline,
    future_date,
    ledger_config,
    lock_problem,
    lock_problems,
    record_event,
    record_events,
    refuse_co_units_unless,
    save_changes,
    save_changes_many,
)
from .evidence import after_photos_pending, rectify_needs_photo


def check_role(actor, action: str) -> None:
    """403 unless `actor`'s role performs `action` in some status (None is the system)."""
    if actor is not None and not role_may_ever(getattr(actor, "role", ""), action):
        raise NotAllowed(
            _("Your role may not “%(action)s” problems.") % {"action": Action(action).label},
            code="forbidden",
        )


def _begin(problem, actor, action: str, version: int | None):
    """Lock the problem and check the transition (`check_transition`)."""
    p = lock_problem(problem)
    return p, check_transition(p, actor, action, version)


def check_transition(p: Problem, actor, action: str, version: int | None = None):
    """The lifecycle table's transition for `action` on the locked `p`, after checking, in
    order: role (403), status (409), relation (403), the version the client saw (409).

    Every transition passes here, one problem at a time or many (`problem_dispatch_many`).
    """
    system = actor is None
    check_role(actor, action)
    transition = TRANSITIONS.get((p.status, action))
    if transition is None:
        # Named in the user's language; API clients read the codes from details.allowed_actions.
        allowed = pgettext("list separator", ", ").join(
            str(Action(a).label) for (s, a) in TRANSITIONS if s == p.status
        )
        allowed = allowed or _("none")
        raise conflict(
            p,
            _(
                "Problem %(code)s is “%(status)s”: “%(action)s” is not possible now. "
                "Allowed actions: %(allowed)s."
            )
            % {
                "code": p.code,
                "status": p.get_status_display(),
                "action": Action(action).label,
                "allowed": allowed,
            },
        )
    if not system and not transition.who & relations(actor, p):
        raise NotAllowed(
            _("Problem %(code)s is not yours to “%(action)s”.")
            % {"code": p.code, "action": Action(action).label},
            code="forbidden",
        )
    if version is not None and int(version) != p.version:
        raise conflict(
            p,
            _(
                "Problem %(code)s changed since you loaded it (it is now “%(status)s”)."
                " Reload and try again."
            )
            % {"code": p.code, "status": p.get_status_display()},
        )
    return transition


def _refuse_a_second_request(p: Problem, waiting_until, message: str) -> None:
    """409 while a request of the same kind waits for the office (it answers one at a time)."""
    if waiting_until is not None:
        raise conflict(p, message % {"code": p.code})


def _finish(
    p: Problem,
    transition,
    action: str,
    actor,
    changes: dict,
    *,
    note: str = "",
    data: dict | None = None,
    unit=None,
):
    from_status = p.status
    save_changes(p, {**changes, **status_flags(transition.to)}, expected_version=p.version)
    return record_event(
        problem=p,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=transition.to,
        note=note,
        data=data,
        unit=unit,
    )


def _notice(kind: str, recipients, p: Problem, title) -> None:
    """Schedule a notice whose lazy `title` is filled in each language (notify.in_both)."""
    values = {"code": p.code, "title": p.title}
    notify.schedule(
        kind=kind, recipients=recipients, problem=p, title=lambda: title % values, body=p.title
    )


def problem_register(*, problem, actor, note: str = "", version: int | None = None) -> Problem:
    """Accept a report into the ledger (立案)."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.REGISTER, version)
        _finish(
            p, t, Action.REGISTER, actor, {"registered_at": timezone.now()}, note=clean_note(note)
        )
    return p


def problem_reject(
    *,
    problem,
    actor,
    note: str = "",
    duplicate_of: Problem | None = None,
    version: int | None = None,
) -> Problem:
    """Refuse a report as invalid, or as a duplicate of an open problem (不予立案)."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.REJECT, version)
        note = clean_note(
            note,
            required=duplicate_of is None,
            what=_("Say why the report is rejected, or name the problem it duplicates."),
        )
        if duplicate_of is not None:
            if duplicate_of.pk == p.pk:
                raise InvalidInput(_("A problem cannot duplicate itself."), code="bad_duplicate")
            if duplicate_of.status == Status.REJECTED:
                raise InvalidInput(
                    _("%(code)s was itself rejected; name the original problem.")
                    % {"code": duplicate_of.code},
                    code="bad_duplicate",
                )
        _finish(
            p,
            t,
            Action.REJECT,
            actor,
            {"rejected_at": timezone.now(), "duplicate_of": duplicate_of},
            note=note,
            data={"duplicate_of": duplicate_of.code if duplicate_of else None},
        )
        if duplicate_of is not None:
            Problem.objects.filter(pk=duplicate_of.pk).update(
                also_reported_count=F("also_reported_count") + 1
            )
            record_event(
                problem=duplicate_of,
                action=EventKind.ALSO_REPORTED,
                actor=actor,
                data={"duplicate": p.code},
            )
    return p


def dispatches_to_units(actor, p: Problem) -> bool:
    """Whether `actor` may dispatch `p` to a member unit: the office only; a district or
    street officer passes it down to a region of theirs."""
    return actor is None or OFFICE in relations(actor, p)


def _check_dispatch_target(p: Problem, actor, unit, region) -> None:
    if (unit is None) == (region is None):
        raise InvalidInput(
            _("Dispatch to exactly one member unit or one region."), code="target_required"
        )
    if unit is not None and not unit.is_active:
        raise InvalidInput(
            _("%(unit)s is not an active member unit.") % {"unit": unit}, code="unknown_unit"
        )
    if region is not None and not region.contains(p.region):
        raise InvalidInput(
            _("The region must contain the problem's place (%(place)s).") % {"place": p.region},
            code="bad_region",
        )
    if dispatches_to_units(actor, p):
        return
    # A district (or street) officer passes the problem down, never sideways or to a unit.
    if FORWARDER in relations(actor, p):
        if unit is not None:
            raise NotAllowed(
                _(
                    "Only the Civilization Office dispatches to member units; "
                    "return the problem if it is not your region's."
                )
            )
        if not actor.region.contains(region) or region.pk == p.handling_region_id:
            raise InvalidInput(
                _("Pass the problem to a street or community of your region."), code="bad_region"
            )


def problem_dispatch(
    *,
    problem,
    actor,
    unit=None,
    region=None,
    deadline=None,
    note: str = "",
    co_units=None,
    version: int | None = None,
    system_note: dict | None = None,
) -> Problem:
    """Send a problem to a member unit or a locality, with a deadline in working days (派遣).

    `system_note`: the code of the note the system writes (`routing.SYSTEM_NOTES`), kept in
    the event so the timeline shows it in each reader's language."""
    check_co_units(co_units)
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.DISPATCH, version)
        refuse_co_units_unless(dispatches_to_units(actor, p), co_units)
        changes, data = _dispatch_changes(p, actor, unit, region, deadline, timezone.now())
        if system_note:
            data["system_note"] = system_note
        _finish(p, t, Action.DISPATCH, actor, changes, note=clean_note(note), unit=unit, data=data)
        if co_units is not None:
            p.co_units.set(co_units)
        _notice_dispatched(p)
    return p


def _dispatch_changes(p: Problem, actor, unit, region, deadline, now) -> tuple[dict, dict]:
    """Check a dispatch of the locked `p` to `unit` or `region` at `now`; (row changes, event
    data). A bulk dispatch gives all its problems one `now`, so their rows share one UPDATE."""
    _check_dispatch_target(p, actor, unit, region)
    deadline = future_date(deadline, label=_("The deadline"))
    first = p.status in (Status.NEW, Status.REGISTERED) or p.deadline is None
    if deadline is None:
        deadline = default_deadline(p) if first else p.deadline
    changes = {
        "responsible_unit": unit,
        "handling_region": region,
        "deadline": deadline,
        "dispatched_at": now,
        "accepted_at": None,
    }
    if p.original_deadline is None:
        changes["original_deadline"] = deadline
    if p.registered_at is None:
        changes["registered_at"] = now
    data = {
        "unit": unit.code if unit else None,
        "region": region.code if region else None,
        "deadline": deadline.isoformat(),
    }
    return changes, data


def _notice_dispatched(p: Problem, people=None) -> None:
    """The dispatch notice to `p`'s handlers (`people`: their ids, when the caller read them)."""
    _notice(
        "dispatch",
        notify.handler_people(p) if people is None else people,
        p,
        gettext_lazy("Problem %(code)s dispatched to you: %(title)s"),
    )


def problem_dispatch_many(*, problems, actor, unit=None, region=None, deadline=None) -> int:
    """Dispatch several problems to one target, all or none (the office's bulk dispatch).

    One refusal refuses the lot, so a half-done batch never looks like success: the error
    has the status every refusal shares (else 400) and `details["failed"]` lists
    "code: reason" per refused problem. The notices of a rolled-back batch are never sent.

    The checks are those of `problem_dispatch`, problem by problem; the writes are batched:
    one SELECT … FOR UPDATE for all the rows, one compare-and-set UPDATE per distinct set of
    changes, one INSERT of the events and one append of the audit entries (a dispatch one by
    one made about ten round trips per problem: 5 s for 500 on PostgreSQL).
    """
    failed: list[tuple[str, DomainError]] = []
    given = {p.pk: p.code for p in problems if isinstance(p, Problem)}
    with transaction.atomic(), notify.batched():
        locked, missing = lock_problems(problems)
        for pk in missing:
            failed.append((given.get(pk, str(pk)), NotFound(_("No such problem."))))
        planned = []
        now = timezone.now()
        for p in locked:
            try:
                t = check_transition(p, actor, Action.DISPATCH)
                changes, data = _dispatch_changes(p, actor, unit, region, deadline, now)
            except DomainError as exc:
                failed.append((p.code, exc))
                continue
            planned.append((p, t, changes, data))
        if failed:
            raise _bulk_refusal(failed)
        try:
            _finish_many(planned, Action.DISPATCH, actor, unit=unit)
        except DomainError as exc:  # a row changed under us: only without row locks
            raise _bulk_refusal([(exc.details.get("code", ""), exc)]) from exc
        # Every problem now has the same handlers: read them once, not once per problem.
        people = (
            list(notify.handler_people(locked[0]).values_list("pk", flat=True)) if locked else []
        )
        for p in locked:
            _notice_dispatched(p, people)
    return len(locked)


def _finish_many(planned, action: str, actor, *, unit=None) -> None:
    """`_finish` for many problems of one action (`planned`: problem, transition, changes,
    event data), its writes batched."""
    from_status = {p.pk: p.status for p, _t, _c, _d in planned}
    save_changes_many([(p, {**c, **status_flags(t.to)}) for p, t, c, _d in planned])
    record_events(
        [
            {
                "problem": p,
                "action": action,
                "actor": actor,
                "from_status": from_status[p.pk],
                "to_status": t.to,
                "data": data,
                "unit": unit,
            }
            for p, t, _c, data in planned
        ]
    )


def _bulk_refusal(failed: list[tuple[str, DomainError]]) -> DomainError:
    kinds = {type(exc) for _code, exc in failed}
    error = kinds.pop() if len(kinds) == 1 else InvalidInput
    return error(
        _("Nothing was dispatched: %(count)d of the chosen problems cannot be.")
        % {"count": len(failed)},
        code="bulk_refused",
        details={"failed": [f"{code}: {exc.message}" for code, exc in failed]},
    )


def problem_return(*, problem, actor, note: str = "", version: int | None = None) -> Problem:
    """Give a mis-routed problem back to the dispatcher, saying whose it is (退回)."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.RETURN, version)
        note = clean_note(
            note,
            required=True,
            what=_("Say why the problem is not yours (for example, whose it is)."),
        )
        data = {
            "unit": p.responsible_unit.code if p.responsible_unit_id else None,
            "region": p.handling_region.code if p.handling_region_id else None,
        }
        returning_unit = p.responsible_unit
        _finish(
            p,
            t,
            Action.RETURN,
            actor,
            {
                "responsible_unit": None,
                "handling_region": None,
                "deadline": None,
                "accepted_at": None,
                "return_count": F("return_count") + 1,
                "extension_requested_until": None,
                "extension_reason": "",
                "hold_requested_until": None,
                "hold_request_plan": "",
            },
            note=note,
            data=data,
            unit=returning_unit,
        )
        _notice(
            "return",
            notify.office_people(),
            p,
            gettext_lazy("Problem %(code)s was returned: %(title)s"),
        )
    return p


def problem_accept(*, problem, actor, note: str = "", version: int | None = None) -> Problem:
    """Sign for a dispatched problem (签收): the handler starts work."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.ACCEPT, version)
        _finish(p, t, Action.ACCEPT, actor, {"accepted_at": timezone.now()}, note=clean_note(note))
    return p


def problem_rectify(*, problem, actor, note: str = "", version: int | None = None) -> Problem:
    """Report the fix with its after-photos (整改反馈); the office verifies next."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.RECTIFY, version)
        photos = after_photos_pending(p)
        if rectify_needs_photo(p):
            raise InvalidInput(
                _("Upload at least one after-photo before reporting the rectification."),
                code="after_photo_required",
            )
        now = timezone.now()
        today = timezone.localdate(now)
        started = timezone.localdate(p.dispatched_at) if p.dispatched_at else today
        event = _finish(
            p,
            t,
            Action.RECTIFY,
            actor,
            {
                "rectified_at": now,
                "rectified_on": today,
                "handling_days": max(0, working_days_between(started, today)),
            },
            note=clean_note(note),
            data={"photos": list(photos.values_list("pk", flat=True))},
        )
        photos.update(event=event)
    return p


def problem_verify_pass(*, problem, actor, note: str = "", version: int | None = None) -> Problem:
    """Confirm the fix on site or from the evidence and close the problem (核查通过, 销号)."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.VERIFY_PASS, version)
        now = timezone.now()
        _finish(
            p,
            t,
            Action.VERIFY_PASS,
            actor,
            {"closed_at": now, "closed_on": timezone.localdate(now)},
            note=clean_note(note),
        )
        _notice(
            "close",
            notify.handler_people(p),
            p,
            gettext_lazy("Problem %(code)s verified and closed: %(title)s"),
        )
    return p


def problem_verify_fail(
    *, problem, actor, note: str = "", deadline=None, version: int | None = None
) -> Problem:
    """Send the fix back for rework (核查不通过); the rework count goes up by one."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.VERIFY_FAIL, version)
        note = clean_note(note, required=True, what=_("Say what is still wrong."))
        changes = {"rework_count": F("rework_count") + 1}
        deadline = future_date(deadline, label=_("The deadline"))
        if deadline is not None:
            changes["deadline"] = deadline
        _finish(
            p,
            t,
            Action.VERIFY_FAIL,
            actor,
            changes,
            note=note,
            data={"deadline": deadline.isoformat() if deadline else None},
        )
        _notice(
            "rework",
            notify.handler_people(p),
            p,
            gettext_lazy("Problem %(code)s sent back for rework: %(title)s"),
        )
    return p


def problem_request_extension(
    *, problem, actor, deadline=None, note: str = "", version: int | None = None
) -> Problem:
    """Ask the office for a later deadline, with a reason (延期申请)."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.REQUEST_EXTENSION, version)
        note = clean_note(note, required=True, what=_("Say why more time is needed."))
        if deadline is None:
            raise InvalidInput(_("Give the deadline you ask for."), code="deadline_required")
        deadline = future_date(deadline, label=_("The requested deadline"))
        if p.deadline and deadline <= p.deadline:
            raise InvalidInput(
                _("The requested deadline must be after the current one (%(deadline)s).")
                % {"deadline": p.deadline},
                code="deadline_not_later",
            )
        _refuse_a_second_request(
            p,
            p.extension_requested_until,
            _("An extension request for %(code)s is already waiting for the office."),
        )
        _finish(
            p,
            t,
            Action.REQUEST_EXTENSION,
            actor,
            {"extension_requested_until": deadline, "extension_reason": note},
            note=note,
            data={"deadline": deadline.isoformat()},
        )
    return p


def _pending_request(p: Problem):
    if p.extension_requested_until is None:
        raise conflict(p, _("No extension request is waiting for %(code)s.") % {"code": p.code})
    return p.extension_requested_until


def problem_approve_extension(
    *, problem, actor, note: str = "", version: int | None = None
) -> Problem:
    """Grant the requested deadline; the extension count goes up by one."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.APPROVE_EXTENSION, version)
        requested = _pending_request(p)
        _finish(
            p,
            t,
            Action.APPROVE_EXTENSION,
            actor,
            {
                "deadline": requested,
                "extension_count": F("extension_count") + 1,
                "extension_requested_until": None,
                "extension_reason": "",
                "escalated_at": None,
            },
            note=clean_note(note),
            data={"deadline": requested.isoformat()},
        )
        notify.decided(p, "extension_granted", deadline=requested.isoformat())
    return p


def problem_deny_extension(
    *, problem, actor, note: str = "", version: int | None = None
) -> Problem:
    """Refuse the extension request; the deadline stays."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.DENY_EXTENSION, version)
        requested = _pending_request(p)
        note = clean_note(note)
        _finish(
            p,
            t,
            Action.DENY_EXTENSION,
            actor,
            {"extension_requested_until": None, "extension_reason": ""},
            note=note,
            data={"requested": requested.isoformat()},
        )
        notify.decided(p, "extension_refused", reason=note, deadline=p.deadline)
    return p


def problem_request_hold(
    *, problem, actor, plan: str = "", until=None, note: str = "", version: int | None = None
) -> Problem:
    """Ask the office to put a long-standing problem on hold (挂账申请), with a plan and a
    target date; the status stays until the office answers with `hold` or `deny_hold`."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.REQUEST_HOLD, version)
        note = clean_note(note)
        # The page's single text box is the note; the API may send `plan` apart from it.
        plan = clean_note(
            plan or note, required=True, what=_("Give the plan for the problem on hold.")
        )
        if until is None:
            raise InvalidInput(_("Give the target date of the plan."), code="until_required")
        until = future_date(until, label=_("The target date"))
        _refuse_a_second_request(
            p,
            p.hold_requested_until,
            _("A hold request for %(code)s is already waiting for the office."),
        )
        _finish(
            p,
            t,
            Action.REQUEST_HOLD,
            actor,
            {"hold_requested_until": until, "hold_request_plan": plan},
            note=note or plan,
            data={"until": until.isoformat()},
        )
    return p


def problem_hold(
    *, problem, actor, plan: str = "", until=None, note: str = "", version: int | None = None
) -> Problem:
    """Put a long-standing problem on hold (挂账) with a plan and a target date.

    With a handler's request pending this approves it: the plan and the date default to the
    requested ones, and the request is cleared.
    """
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.HOLD, version)
        requested = p.hold_requested_until is not None
        plan = clean_note(
            plan or p.hold_request_plan,
            required=True,
            what=_("Give the plan for the problem on hold."),
        )
        until = until or p.hold_requested_until
        if until is None:
            raise InvalidInput(_("Give the target date of the plan."), code="until_required")
        until = future_date(until, label=_("The target date"))
        _finish(
            p,
            t,
            Action.HOLD,
            actor,
            {
                "held_at": timezone.now(),
                "hold_plan": plan,
                "hold_until": until,
                "hold_requested_until": None,
                "hold_request_plan": "",
            },
            note=clean_note(note) or plan,
            data={"until": until.isoformat(), "requested": requested},
        )
        notify.decided(p, "hold_granted", reason=plan, until=until.isoformat())
    return p


def problem_deny_hold(*, problem, actor, note: str = "", version: int | None = None) -> Problem:
    """Refuse the handler's hold request, with a reason; the problem stays with the handler."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.DENY_HOLD, version)
        note = clean_note(note, required=True, what=_("Say why the hold is denied."))
        if p.hold_requested_until is None:
            raise conflict(p, _("No hold request is waiting for %(code)s.") % {"code": p.code})
        requested = p.hold_requested_until
        _finish(
            p,
            t,
            Action.DENY_HOLD,
            actor,
            {"hold_requested_until": None, "hold_request_plan": ""},
            note=note,
            data={"requested": requested.isoformat()},
        )
        notify.decided(p, "hold_refused", reason=note)
    return p


def problem_resume(
    *, problem, actor, deadline=None, note: str = "", version: int | None = None
) -> Problem:
    """Take a problem off hold; it is in progress again with a new deadline."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.RESUME, version)
        deadline = future_date(deadline, label=_("The deadline")) or default_deadline(p)
        _finish(
            p,
            t,
            Action.RESUME,
            actor,
            {"deadline": deadline, "hold_until": None},
            note=clean_note(note),
            data={"deadline": deadline.isoformat()},
        )
    return p


def problem_reopen(
    *, problem, actor, note: str = "", deadline=None, version: int | None = None
) -> Problem:
    """Reopen a closed problem within the office's reopen window (重新打开)."""
    with transaction.atomic():
        p, t = _begin(problem, actor, Action.REOPEN, version)
        note = clean_note(note, required=True, what=_("Say why the problem is reopened."))
        window = ledger_config().reopen_window_days
        if p.closed_at is None or p.closed_at < timezone.now() - timedelta(days=window):
            raise conflict(
                p,
                _(
                    "Problem %(code)s was closed more than %(days)d days ago and can "
                    "no longer be reopened; report it again."
                )
                % {"code": p.code, "days": window},
            )
        deadline = future_date(deadline, label=_("The deadline")) or default_deadline(p)
        _finish(
            p,
            t,
            Action.REOPEN,
            actor,
            {
                "reopened_at": timezone.now(),
                "reopen_count": F("reopen_count") + 1,
                "closed_at": None,
                "closed_on": None,
                "deadline": deadline,
            },
            note=note,
            data={"deadline": deadline.isoformat()},
        )
        _notice(
            "rework",
            notify.handler_people(p),
            p,
            gettext_lazy("Problem %(code)s was reopened: %(title)s"),
        )
    return p


# The fields each action takes besides `problem`, `actor`, `note` and `version`.
ACTION_FUNCTIONS = {
    Action.REGISTER: (problem_register, ()),
    Action.REJECT: (problem_reject, ("duplicate_of",)),
    Action.DISPATCH: (problem_dispatch, ("unit", "region", "deadline", "co_units")),
    Action.RETURN: (problem_return, ()),
    Action.ACCEPT: (problem_accept, ()),
    Action.RECTIFY: (problem_rectify, ()),
    Action.VERIFY_PASS: (problem_verify_pass, ()),
    Action.VERIFY_FAIL: (problem_verify_fail, ("deadline",)),
    Action.REQUEST_EXTENSION: (problem_request_extension, ("deadline",)),
    Action.APPROVE_EXTENSION: (problem_approve_extension, ()),
    Action.DENY_EXTENSION: (problem_deny_extension, ()),
    Action.REQUEST_HOLD: (problem_request_hold, ("plan", "until")),
    Action.HOLD: (problem_hold, ("plan", "until")),
    Action.DENY_HOLD: (problem_deny_hold, ()),
    Action.RESUME: (problem_resume, ("deadline",)),
    Action.REOPEN: (problem_reopen, ("deadline",)),
}


def problem_transition(
    *, problem, actor, action: str, note: str = "", version: int | None = None, **fields
) -> Problem:
    """Apply `action` to `problem` (fields the action does not take are ignored)."""
    if action not in ACTION_FUNCTIONS:
        raise InvalidInput(
            _("Unknown action “%(action)s”. Known actions: %(known)s.")
            % {"action": str(action)[:40], "known": ", ".join(ACTION_FUNCTIONS)},
            code="unknown_action",
        )
    func, takes = ACTION_FUNCTIONS[action]
    kwargs = {name: fields[name] for name in takes if fields.get(name) is not None}
    return func(problem=problem, actor=actor, note=note, version=version, **kwargs)
