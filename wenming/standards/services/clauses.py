"""Level IV: the numbered clauses of a content line, each with its points per method.

A content line's points and methods are its clauses' together: every write here brings the
line's totals up to date, so everything that reads `Standard.points` and `Standard.methods`
(the method balance, coverage, the matrix) keeps meaning what it says.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wenming.core.errors import Conflict, InvalidInput
from wenming.org.models import Unit

from ..models import CLAUSE_METHOD_FIELDS, METHOD_ORDER, Clause, Standard
from ..spec import split_points
from .rules import _clean, _delete, _guard, _lock, _record, _save, _update, require_office

METHOD_POINT_FIELDS = tuple(CLAUSE_METHOD_FIELDS[m] for m in METHOD_ORDER)
CENT = Decimal("0.01")


def _decimal(value, *, label: str, code: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("Clause %(code)s: %(field)s is not a number.") % {"code": code, "field": label}
        ) from exc
    if not number.is_finite() or number < 0:
        raise InvalidInput(
            _("Clause %(code)s: %(field)s cannot be negative.") % {"code": code, "field": label}
        )
    return number


def clause_points_check(clause: Clause) -> None:
    """The clause's method points add up to its points, and a scored clause names a method."""
    per_method = [getattr(clause, name) or Decimal("0") for name in METHOD_POINT_FIELDS]
    total = sum(per_method, Decimal("0"))
    if clause.points and not any(p > 0 for p in per_method):
        raise InvalidInput(
            _("Clause %(code)s has no method: give points to at least one method.")
            % {"code": clause.code},
            code="clause_has_no_method",
        )
    if abs(total - (clause.points or 0)) >= CENT / 2:
        raise InvalidInput(
            _(
                "Clause %(code)s: its methods' points add up to %(sum)s, not to its %(points)s "
                "points."
            )
            % {"code": clause.code, "sum": total, "points": clause.points},
            code="clause_points_do_not_add_up",
        )


def line_sync(standard: Standard) -> None:
    """Set a content line's points and methods from its clauses (unchanged if it has none)."""
    clauses = list(Clause.objects.filter(standard=standard))
    if not clauses:
        return
    points = sum((c.points for c in clauses), Decimal("0"))
    used = {m for c in clauses for m in METHOD_ORDER if c.method_points(m) > 0}
    methods = ",".join(m for m in METHOD_ORDER if m in used) or standard.methods
    if (standard.points, standard.methods) != (points, methods):
        Standard.objects.filter(pk=standard.pk).update(points=points, methods=methods)
        standard.points, standard.methods = points, methods


def clause_create(
    *,
    standard: Standard,
    text: str,
    points,
    points_material=0,
    points_field=0,
    points_questionnaire=0,
    number: int | None = None,
    lead_unit: Unit | None = None,
    co_units=(),
    notes: str = "",
    actor,
) -> Clause:
    """Add a numbered clause to a content line (the next number when none is given)."""
    require_office(actor)
    with transaction.atomic():
        system = _lock(standard.system)
        _guard(system, destructive=True)
        standard = Standard.objects.select_for_update().get(pk=standard.pk)
        if number is None:
            last = Clause.objects.filter(standard=standard).aggregate(n=Max("number"))["n"]
            number = (last or 0) + 1
        code = f"{standard.code}.{number}"
        values = {
            name: _decimal(value, label=str(Clause._meta.get_field(name).verbose_name), code=code)
            for name, value in (
                ("points", points),
                ("points_material", points_material),
                ("points_field", points_field),
                ("points_questionnaire", points_questionnaire),
            )
        }
        clause = Clause(
            system=system,
            standard=standard,
            number=number,
            code=code,
            order=number,
            text=text,
            lead_unit=lead_unit,
            notes=notes,
            **values,
        )
        clause_points_check(clause)
        if Clause.objects.filter(standard=standard, number=number).exists():
            raise Conflict(
                _("Content line %(line)s already has a clause %(number)s.")
                % {"line": standard.code, "number": number},
                code="duplicate_code",
            )
        _clean(clause)
        _save(clause)
        if co_units:
            clause.co_units.set(co_units)
        line_sync(standard)
        _record(
            system=system, actor=actor, action="clause.create", target=clause, data={"code": code}
        )
    return clause


def clause_update(*, clause: Clause, actor, data: dict) -> Clause:
    """Edit a clause: owners and notes always; wording, points and methods when history allows.

    A new `number` renumbers the clause (its code follows); changing points keeps the rule
    that the methods' points add up to them.
    """
    code = clause.code
    for name in ("points", *METHOD_POINT_FIELDS):
        if name in data:
            data = {
                **data,
                name: _decimal(
                    data[name], label=str(Clause._meta.get_field(name).verbose_name), code=code
                ),
            }
    if "standard" in data and data["standard"].pk != clause.standard_id:
        raise InvalidInput(_("A clause cannot move to another content line; add it there anew."))
    if "number" in data:
        number = data["number"]
        if not isinstance(number, int) or number < 1:
            raise InvalidInput(_("Clause %(code)s: the number must be 1 or more.") % {"code": code})
        data = {**data, "code": f"{clause.standard.code}.{number}"}
        if (
            number != clause.number
            and Clause.objects.filter(standard_id=clause.standard_id, number=number).exists()
        ):
            raise Conflict(
                _("Content line %(line)s already has a clause %(number)s.")
                % {"line": clause.standard.code, "number": number},
                code="duplicate_code",
            )
    probe = Clause(
        code=data.get("code", code),
        points=data.get("points", clause.points),
        **{name: data.get(name, getattr(clause, name)) for name in METHOD_POINT_FIELDS},
    )
    clause_points_check(probe)
    with transaction.atomic():
        clause = _update(
            clause, system=clause.system, actor=actor, data=data, action="clause.update"
        )
        line_sync(clause.standard)
    return clause


def clause_delete(*, clause: Clause, actor) -> None:
    """Delete a clause (never a line's last one: delete the content line instead)."""
    require_office(actor)
    if not Clause.objects.filter(standard_id=clause.standard_id).exclude(pk=clause.pk).exists():
        raise Conflict(
            _(
                "Clause %(code)s is the last clause of its content line; delete the content "
                "line instead."
            )
            % {"code": clause.code},
            code="last_clause",
        )
    standard = clause.standard
    with transaction.atomic():
        _delete(clause, system=clause.system, actor=actor, action="clause.delete")
        line_sync(standard)


def line_first_clause(*, standard: Standard) -> Clause:
    """The one clause of a content line written without clauses: its text and points, split."""
    split = split_points(standard.points, standard.method_list)
    clause = Clause(
        system_id=standard.system_id,
        standard=standard,
        number=1,
        code=f"{standard.code}.1",
        order=1,
        text=standard.text,
        points=standard.points,
        **{CLAUSE_METHOD_FIELDS[m]: split[m] for m in METHOD_ORDER},
    )
    _save(clause)
    return clause


def line_follow(*, standard: Standard, changed: set) -> None:
    """After a content line changed: its clauses' codes follow its code; a one-clause line's
    clause follows its points and methods (a line with several clauses is edited by clause)."""
    clauses = list(Clause.objects.filter(standard=standard))
    renamed = [c for c in clauses if c.code != f"{standard.code}.{c.number}"]
    for c in renamed:
        c.code = f"{standard.code}.{c.number}"
    if renamed:
        Clause.objects.bulk_update(renamed, ["code"])
    if changed & {"points", "methods"} and len(clauses) == 1:
        (only,) = clauses
        split = split_points(standard.points, standard.method_list)
        only.points = standard.points
        for method in METHOD_ORDER:
            setattr(only, CLAUSE_METHOD_FIELDS[method], split[method])
        only.save(update_fields=["points", *METHOD_POINT_FIELDS])
