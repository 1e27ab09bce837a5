"""The graded effects of a negative-list entry: the office sets them as one list."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput

from ..models import NegativeEffect, NegativeListEntry

# Tables of this app refer to each other freely; a reference from any other app is a result.
from .rules import _guard, _lock, _plain, _record, require_office
from .tree import _effect, negative_entry_update

MAX_DEDUCTION = Decimal("100")


def _effect_rows(effects) -> list[NegativeEffect]:
    """Validated effects in grade order; 400 naming the first grade that is wrong."""
    rows = [_effect(dict(e), n) for n, e in enumerate(effects, start=1)]
    if not rows:
        raise InvalidInput(_("An entry needs at least one effect."), code="no_effect")
    seen = set()
    for row in rows:
        if row.grade in seen:
            raise InvalidInput(
                _("Two effects have grade %(grade)s.") % {"grade": row.grade}, code="same_grade"
            )
        seen.add(row.grade)
        if row.deduction is not None and not (0 < row.deduction <= MAX_DEDUCTION):
            raise InvalidInput(
                _("Grade %(grade)s: the points deducted must lie above 0 and at most 100.")
                % {"grade": row.grade}
            )
        if row.effect != "deduct":
            row.deduction = None  # only a deduction costs points
    rows.sort(key=lambda r: r.grade)
    for order, row in enumerate(rows, start=1):
        row.order = order
    return rows


def _plain_effects(rows) -> list[dict]:
    return [
        {
            "grade": r.grade,
            "condition": r.condition,
            "effect": r.effect,
            "deduction": _plain(r.deduction),
        }
        for r in rows
    ]


def negative_effects_set(*, entry: NegativeListEntry, effects, actor) -> NegativeListEntry:
    """Replace an entry's graded effects (grade 1 the mildest) when history allows.

    `effects` is a list of {"grade", "condition", "effect", "deduction"}. Changing what an
    event costs rewrites what recorded events meant, so it is refused (409) once results
    refer to the system, like rewording a standard: clone the edition instead.
    """
    require_office(actor)
    rows = _effect_rows(effects)
    with transaction.atomic():
        system = _lock(entry.system)
        entry = NegativeListEntry.objects.select_for_update().get(pk=entry.pk)
        before = _plain_effects(entry.effects.all())
        after = _plain_effects(rows)
        if before == after:
            return entry
        _guard(system, destructive=True)
        entry.effects.all().delete()
        for row in rows:
            row.entry = entry
        NegativeEffect.objects.bulk_create(rows)
        _record(
            system=system,
            actor=actor,
            action="negative.update",
            target=entry,
            data={"changes": {"effects": [before, after]}},
        )
    return entry


def negative_entry_save(
    *, entry: NegativeListEntry, data: dict, effects, actor
) -> NegativeListEntry:
    """Edit an entry's wording, domain and veto and set its graded effects, all or nothing."""
    with transaction.atomic():
        entry = negative_entry_update(entry=entry, actor=actor, data=data)
        return negative_effects_set(entry=entry, effects=effects, actor=actor)
