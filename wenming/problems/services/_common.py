"""What every ledger write shares: the row lock, compare-and-set save, events and audit."""

from contextlib import contextmanager
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record, audit_record_many
from wenming.core.calendar import add_working_days
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.refcache import Reference

from ..models import LedgerConfig, Problem, ProblemEvent, Status


def _read_config() -> LedgerConfig:
    config = LedgerConfig.objects.filter(pk=1).first()
    if config is None:
        config, _created = LedgerConfig.objects.get_or_create(pk=1)
    return config


# Read on every report, so kept like the other reference rows (core/refcache.py);
# `ledger_config_update` drops every app server's copy.
_CONFIG = Reference(_read_config)


def ledger_config() -> LedgerConfig:
    """The office's ledger settings (the row is created with defaults on first use)."""
    return _CONFIG.get()


def actor_name(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.get_username()


def lock_problem(problem) -> Problem:
    """Re-read `problem` under a row lock (PostgreSQL) / the write lock (SQLite IMMEDIATE).

    A problem this very transaction inserted (`inserted_here`) is already current, and no other
    transaction can see it yet: its instance is used as it is.
    """
    from ..selectors import attach_reference_rows

    if isinstance(problem, Problem) and problem.__dict__.get(_INSERTED_HERE):
        return problem
    pk = problem.pk if isinstance(problem, Problem) else problem
    locked = Problem.objects.select_for_update().get(pk=pk)
    attach_reference_rows([locked])  # category, regions and units from the caches, no joins
    return locked


def lock_problems(problems) -> tuple[list[Problem], list]:
    """`lock_problem` for many: one SELECT … FOR UPDATE, rows locked in id order (two bulk
    writers never wait on each other crosswise). Returns (locked, missing): the locked problems
    in the order given, each once, and the given ones no longer in the database."""
    from ..selectors import attach_reference_rows

    wanted = list(dict.fromkeys(p.pk if isinstance(p, Problem) else p for p in problems))
    rows = Problem.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    by_pk = {p.pk: p for p in rows}
    attach_reference_rows(by_pk.values())
    return [by_pk[pk] for pk in wanted if pk in by_pk], [pk for pk in wanted if pk not in by_pk]


_INSERTED_HERE = "_inserted_in_this_transaction"


@contextmanager
def inserted_here(problem: Problem):
    """Within the transaction that inserted `problem`: transitions need not re-read it (a report
    dispatched at once saved a full-row SELECT, a fifth of its time)."""
    problem.__dict__[_INSERTED_HERE] = True
    try:
        yield problem
    finally:
        problem.__dict__.pop(_INSERTED_HERE, None)


def state_of(problem) -> dict:
    """The state a 409 answer carries, so the client can refresh without another request."""
    from ..lifecycle import actions_from

    return {
        "code": problem.code,
        "status": problem.status,
        "version": problem.version,
        "allowed_actions": actions_from(problem.status),
    }


def conflict(problem, message) -> Conflict:
    return Conflict(message, code="conflict", details=state_of(problem))


def save_changes(problem: Problem, changes: dict, *, expected_version: int) -> None:
    """Compare-and-set update: applies only if nobody changed the row since it was read.

    Under the row lock this always succeeds; it is the second line of defence should a
    database give no lock (and it bumps `version` for clients that send what they saw).
    """
    now = timezone.now()
    values = {**changes, "version": F("version") + 1, "updated_at": now}
    updated = Problem.objects.filter(pk=problem.pk, version=expected_version).update(**values)
    if updated != 1:
        raise _changed_meanwhile(problem.pk)
    _applied(problem, changes, expected_version, now)
    counters = [name for name, value in changes.items() if hasattr(value, "resolve_expression")]
    if counters:
        problem.refresh_from_db(fields=counters)


def save_changes_many(planned: list[tuple[Problem, dict]]) -> None:
    """`save_changes` for many problems in one transaction (a bulk dispatch): one
    compare-and-set UPDATE per distinct set of changes and expected version, not one per row.

    Plain values only (no F() counters). A row whose version moved refuses the lot with the
    same 409 as `save_changes`.
    """
    now = timezone.now()
    groups: dict[tuple, list[Problem]] = {}
    for problem, changes in planned:
        if any(hasattr(value, "resolve_expression") for value in changes.values()):
            raise TypeError("save_changes_many takes plain values, not expressions")
        key = (problem.version, tuple(sorted(changes.items())))
        groups.setdefault(key, []).append(problem)
    for (version, items), problems in groups.items():
        changes = dict(items)
        ids = [p.pk for p in problems]
        updated = Problem.objects.filter(pk__in=ids, version=version).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if updated != len(ids):
            stale = Problem.objects.filter(pk__in=ids).exclude(version=version + 1).first()
            raise _changed_meanwhile(stale.pk if stale else ids[0])
        for problem in problems:
            _applied(problem, changes, version, now)


def _changed_meanwhile(pk):
    fresh = Problem.objects.get(pk=pk)
    return conflict(
        fresh,
        _("Someone else changed problem %(code)s a moment ago; it is now “%(status)s”.")
        % {"code": fresh.code, "status": fresh.get_status_display()},
    )


def _applied(problem: Problem, changes: dict, expected_version: int, now) -> None:
    """Give the instance the values its row now holds (the counters are read back apart)."""
    for name, value in changes.items():
        if not hasattr(value, "resolve_expression"):
            setattr(problem, name, value)
    problem.version = expected_version + 1
    problem.updated_at = now


def record_event(
    *,
    problem,
    action: str,
    actor,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
    unit=None,
    at=None,
) -> ProblemEvent:
    """Append a row to the problem's timeline (and the same fact to the global audit log)."""
    event = _event(problem, action, actor, from_status, to_status, note, data, unit, at)
    event.save(force_insert=True)
    # What this request wrote, in order, so an answer can show it without reading it back.
    problem.__dict__.setdefault("events_written", []).append(event)
    audit_record(**_audit_of(event))
    return event


def record_events(items: list[dict]) -> list[ProblemEvent]:
    """`record_event` for many (each item its keyword arguments): one INSERT of the events and
    one append of their audit entries, in the order given."""
    events = [
        _event(
            item["problem"],
            item["action"],
            item["actor"],
            item.get("from_status", ""),
            item.get("to_status", ""),
            item.get("note", ""),
            item.get("data"),
            item.get("unit"),
            item.get("at"),
        )
        for item in items
    ]
    ProblemEvent.objects.bulk_create(events)
    for event in events:
        event.problem.__dict__.setdefault("events_written", []).append(event)
    audit_record_many([_audit_of(event) for event in events])
    return events


def _event(problem, action, actor, from_status, to_status, note, data, unit, at) -> ProblemEvent:
    return ProblemEvent(
        problem=problem,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor_name(actor) else None,
        actor_name=actor_name(actor),
        created_at=at or timezone.now(),
        note=note,
        data=data or {},
        unit=unit,
        district_id=problem.district_id,
    )


def _audit_of(event: ProblemEvent) -> dict:
    """The audit entry that repeats `event` (audit_record's keyword arguments)."""
    problem = event.problem
    return {
        "action": f"problem.{event.action}",
        "actor": event.actor,
        "target": problem,
        "data": {
            "code": problem.code,
            "from": event.from_status,
            "to": event.to_status,
            **event.data,
        },
    }


def clean_note(note, *, required: bool = False, what=None) -> str:
    text = (note or "").strip()
    if required and not text:
        raise InvalidInput(what or _("Please give a reason."), code="note_required")
    if len(text) > 2000:
        raise InvalidInput(_("The note is too long (2,000 characters at most)."))
    return text


# A problem's co-units (协办单位): more than this is refused, never cut short.
MAX_CO_UNITS = 20


def bounded_text(value, *, limit: int, what) -> str:
    """`value` stripped; longer than `limit` characters is refused, never cut short."""
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(
            _("%(what)s is too long (%(limit)d characters at most).")
            % {"what": what, "limit": limit},
            code="too_long",
        )
    return text


def refuse_co_units_unless(may_involve_units: bool, co_units, *, actor=None) -> None:
    """Only who may send a problem to a member unit (the office) brings units in as co-units,
    and a unit officer their own unit: a district officer's report put its problem into a
    city bureau's ledger."""
    own_unit = getattr(actor, "unit_id", None)
    if own_unit and all(getattr(unit, "pk", None) == own_unit for unit in co_units or ()):
        return
    if co_units and not may_involve_units:
        raise NotAllowed(
            _("Only the Civilization Office brings member units in as co-units."),
            code="co_units_office_only",
        )


def check_co_units(co_units):
    """`co_units` as given, refused when there are more than MAX_CO_UNITS."""
    if co_units is not None and len(co_units) > MAX_CO_UNITS:
        raise InvalidInput(
            _("A problem has at most %(limit)d co-units.") % {"limit": MAX_CO_UNITS},
            code="too_many_co_units",
        )
    return co_units


def future_date(value, *, label) -> date | None:
    """A date the user chose that must not lie in the past (None passes through)."""
    if value is None:
        return None
    if not isinstance(value, date):
        raise InvalidInput(_("%(what)s is not a date.") % {"what": label})
    if value < timezone.localdate():
        raise InvalidInput(_("%(what)s lies in the past.") % {"what": label}, code="date_in_past")
    if (value - timezone.localdate()).days > 3 * 366:
        raise InvalidInput(_("%(what)s is too far in the future.") % {"what": label})
    return value


def default_deadline(problem) -> date:
    """Deadline in working days from today: the checklist item's, else the category's."""
    days = problem.category.deadline_days
    if problem.checklist_item_id and problem.checklist_item.deadline_days:
        days = problem.checklist_item.deadline_days
    return add_working_days(timezone.localdate(), days)


def in_atomic():
    return transaction.atomic()


OPEN_FOR_BEFORE_PHOTOS = (Status.NEW, Status.REGISTERED, Status.DISPATCHED)
