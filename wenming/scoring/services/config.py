"""The office's records the predicted score reads, and its settings: each an audited write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.errors import Conflict, InvalidInput
from wenming.core.roles import require_office

from ..models import (
    AnnualResult,
    CityStatus,
    ComplianceEvent,
    QuestionnaireFigure,
    ScoringSettings,
)
from .common import event, settings_get

SETTING_FIELDS = (
    "min_problems_due",
    "min_visits",
    "list_size",
    "ladder_talk",
    "ladder_organisation",
    "ladder_accountability",
    "city_status",
    "cycle_weight_1",
    "cycle_weight_2",
    "cycle_weight_3",
    "field_window_months",
)


def _decimal(value, name) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("%(name)s is not a number.") % {"name": name}, code="bad_number"
        ) from None
    if not number.is_finite():
        raise InvalidInput(_("%(name)s is not a number.") % {"name": name}, code="bad_number")
    return number


def _storable(name: str, value) -> None:
    """Refuse a value its column cannot hold (the field's own validators: the database's
    integer range, a decimal's digits), which would otherwise fail the save with a 500."""
    try:
        ScoringSettings._meta.get_field(name).run_validators(value)
    except ValidationError:
        raise InvalidInput(
            _("%(name)s: %(value)s is out of range.") % {"name": name, "value": value},
            code="bad_number",
        ) from None


def settings_update(*, actor, **changes):
    """Change the office's scoring settings; cycle weights must add up to 100."""
    require_office(actor)
    unknown = set(changes) - set(SETTING_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        row = settings_get()
        before = {name: str(getattr(row, name)) for name in changes}
        for name, value in changes.items():
            if name == "city_status":
                if value not in CityStatus.values:
                    raise InvalidInput(_("Unknown city status."), code="bad_status")
            elif name.startswith("cycle_weight"):
                value = _decimal(value, name)
                if value < 0:
                    raise InvalidInput(_("A weight must be zero or more."), code="bad_weights")
            else:
                value = int(_decimal(value, name))
                if value < 0:
                    raise InvalidInput(_("A count must be zero or more."), code="bad_number")
            _storable(name, value)
            setattr(row, name, value)
        total = row.cycle_weight_1 + row.cycle_weight_2 + row.cycle_weight_3
        if total != 100:
            raise InvalidInput(
                _("The cycle weights add up to %(sum)s%%, not 100%%.")
                % {"sum": f"{total.normalize():f}"},
                code="weights_not_100",
                details={"sum": f"{total.normalize():f}"},
            )
        row.save()
        event(
            actor=actor,
            action="settings_updated",
            target=row,
            data={"before": before, "after": {n: str(getattr(row, n)) for n in changes}},
        )
    return row


def questionnaire_figure_set(*, actor, standard, rate, respondents=None, note: str = ""):
    """The office's questionnaire result for a standard (0–1), used when no survey has one
    (`actor` None: the demo loader)."""
    if actor is not None:
        require_office(actor)
    rate = _decimal(rate, _("rate"))
    if not 0 <= rate <= 1:
        raise InvalidInput(_("A rate lies between 0 and 1."), code="bad_rate")
    with transaction.atomic():
        row, _created = QuestionnaireFigure.objects.update_or_create(
            standard=standard,
            defaults={"rate": rate, "respondents": respondents, "note": note, "entered_by": actor},
        )
        event(
            actor=actor,
            action="questionnaire_figure_set",
            target=row,
            data={"standard": standard.code, "rate": str(rate), "respondents": respondents},
        )
    return row


def annual_result_set(*, actor, year: int, score, note: str = "", is_demo: bool = False):
    """A year's annual score of the city (out of 100), for the cycle score."""
    if actor is not None:
        require_office(actor)
    score = _decimal(score, _("annual score"))
    if not 0 <= score <= 100:
        raise InvalidInput(_("An annual score lies between 0 and 100."), code="bad_score")
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("The year is out of range."), code="bad_year")
    with transaction.atomic():
        row, _created = AnnualResult.objects.update_or_create(
            year=int(year), defaults={"score": score, "note": note, "is_demo": is_demo}
        )
        event(
            actor=actor,
            action="annual_result_set",
            target=row,
            data={"year": int(year), "score": str(score)},
        )
    return row


def compliance_event_record(
    *,
    actor,
    occurred_on: date,
    description: str,
    entry=None,
    effect=None,
    is_veto: bool = False,
    is_demo: bool = False,
) -> ComplianceEvent:
    """Record a hard-requirement or negative-list event; its effect is read from the city's
    status when the prediction is shown (prediction.py)."""
    if actor is not None:
        require_office(actor)
    if not (description or "").strip():
        raise InvalidInput(_("Describe the event."), code="description_required")
    if occurred_on > timezone.localdate():
        raise InvalidInput(_("The event cannot be in the future."), code="future_event")
    if effect is not None and entry is not None and effect.entry_id != entry.pk:
        raise InvalidInput(_("The effect is not one of the entry's."), code="bad_effect")
    if effect is not None and entry is None:
        entry = effect.entry
    if entry is None and not is_veto:
        raise InvalidInput(
            _("Name the negative-list entry, or mark the event as a veto."), code="entry_required"
        )
    with transaction.atomic():
        row = ComplianceEvent.objects.create(
            occurred_on=occurred_on,
            entry=entry,
            effect=effect,
            is_veto=is_veto,
            description=description.strip(),
            recorded_by=actor,
            is_demo=is_demo,
        )
        event(
            actor=actor,
            action="compliance_event_recorded",
            target=row,
            data={
                "entry": entry.code if entry else "",
                "veto": is_veto,
                "effect": effect.effect if effect else "",
                "on": occurred_on.isoformat(),
            },
        )
    return row


def compliance_event_withdraw(*, actor, event_row: ComplianceEvent, reason: str):
    """Withdraw an event recorded by mistake (kept, marked withdrawn, audited)."""
    require_office(actor)
    with transaction.atomic():
        row = ComplianceEvent.objects.select_for_update().get(pk=event_row.pk)
        if row.withdrawn_at is not None:
            raise Conflict(_("The event was already withdrawn."), code="withdrawn")
        row.withdrawn_at = timezone.now()
        row.save(update_fields=["withdrawn_at"])
        event(
            actor=actor,
            action="compliance_event_withdrawn",
            target=row,
            data={"event": row.pk, "reason": reason},
        )
    return row
