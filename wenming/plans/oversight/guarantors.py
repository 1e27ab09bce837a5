"""Guarantor units (包保/包联): the office assigns a member unit to a street, a community or an
assessment point besides the place's territorial owner, and ends the assignment."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput
from wenming.core.roles import require_office
from wenming.org.models import RegionLevel
from wenming.problems.deadlines import local_today

from ..models import Guarantor

GUARANTEED_LEVELS = (RegionLevel.STREET, RegionLevel.COMMUNITY)


def guarantor_assign(
    *,
    actor,
    unit,
    region=None,
    point=None,
    since: date | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Guarantor:
    """Make `unit` a guarantor of a street or community (`region`) or of a `point`."""
    require_office(actor, _("Only the Civilization Office assigns guarantor units."))
    if unit is None:
        raise InvalidInput(_("Choose the guarantor unit."), code="unit_required")
    if (region is None) == (point is None):
        raise InvalidInput(
            _("A guarantor guarantees one street, community or assessment point."),
            code="place_required",
        )
    if region is not None and region.level not in GUARANTEED_LEVELS:
        raise InvalidInput(
            _("Guarantors are assigned to streets and communities (or to points)."),
            code="bad_level",
        )
    note = (note or "").strip()
    if len(note) > 200:
        raise InvalidInput(_("A note has at most 200 characters."), code="text_too_long")
    try:
        with transaction.atomic():
            row = Guarantor.objects.create(
                unit=unit,
                region=region,
                point=point,
                since=since or local_today(),
                note=note,
                assigned_by=actor,
                is_demo=is_demo,
            )
            audit_record(
                action="guarantor.assign",
                actor=actor,
                target=row,
                data={
                    "unit": unit.code,
                    "region": getattr(region, "code", None),
                    "point": getattr(point, "code", None),
                },
            )
    except IntegrityError:
        raise Conflict(
            _("%(unit)s already guarantees this place.") % {"unit": unit.display_name},
            code="already_guarantor",
        ) from None
    return row


def guarantor_end(*, actor, guarantor: Guarantor | int, until: date | None = None) -> Guarantor:
    """End an assignment (kept for the history and the rankings of past months)."""
    require_office(actor, _("Only the Civilization Office assigns guarantor units."))
    with transaction.atomic():
        pk = guarantor.pk if isinstance(guarantor, Guarantor) else int(guarantor)
        row = Guarantor.objects.select_for_update().get(pk=pk)
        if row.until is not None:
            raise Conflict(_("This assignment has already ended."), code="already_ended")
        until = until or local_today()
        if until < row.since:
            raise InvalidInput(_("An assignment cannot end before it began."), code="bad_until")
        row.until = until
        row.save(update_fields=["until"])
        audit_record(
            action="guarantor.end", actor=actor, target=row, data={"until": until.isoformat()}
        )
    return row
