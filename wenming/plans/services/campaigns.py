"""Writes on campaigns and their work plans (the office's)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.documents import document_delete, document_store, validate_document
from wenming.core.errors import InvalidInput
from wenming.core.roles import require_office
from wenming.org.models import Region
from wenming.standards.models import EvaluationSystem

from ..models import Campaign, CompetitionGroup, PlanKind, WorkPlan

PLAN_FOLDER = "plans/documents"

# The years a cycle may name. The national assessment's cycles began in the 2000s; a year
# past 2100 is a slip of the keyboard, and one past 32767 would not fit the column at all
# (a 500 instead of an answer), so both years are held to this range before anything else.
FIRST_YEAR = 2000
LAST_YEAR = 2100
# The national assessment runs in three-year cycles (domain.md; the scores weight three
# years). A campaign covers one cycle at most: fewer years when a city joins part-way.
MAX_CYCLE_YEARS = 3


def campaign_create(
    *,
    actor,
    name: str,
    region: Region,
    system: EvaluationSystem,
    cycle_start_year: int,
    cycle_end_year: int,
    competition_group: str = CompetitionGroup.PREFECTURE,
    is_demo: bool = False,
) -> Campaign:
    """A campaign run by `region` against `system` over the cycle years."""
    require_office(actor, _("Only the Civilization Office may create campaigns."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A campaign needs a name."), code="name_required")
    if region is None or system is None:
        raise InvalidInput(
            _("A campaign needs a region and an evaluation system."), code="required"
        )
    _check_cycle(cycle_start_year, cycle_end_year)
    if competition_group not in CompetitionGroup.values:
        raise InvalidInput(_("Unknown competition group."), code="bad_group")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            region=region,
            system=system,
            cycle_start_year=cycle_start_year,
            cycle_end_year=cycle_end_year,
            competition_group=competition_group,
            created_by=actor,
            is_demo=is_demo,
        )
        audit_record(
            action="plans.campaign_create",
            actor=actor,
            target=campaign,
            data={"name": name, "system": system.code, "region": region.code},
        )
    return campaign


def _check_cycle(start: int, end: int) -> None:
    """Both years in range, the end not before the start, no longer than one national cycle."""
    if not (FIRST_YEAR <= start <= LAST_YEAR and FIRST_YEAR <= end <= LAST_YEAR):
        raise InvalidInput(
            _("The cycle years lie between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="bad_cycle",
        )
    if end < start:
        raise InvalidInput(_("The cycle cannot end before it starts."), code="bad_cycle")
    if end - start + 1 > MAX_CYCLE_YEARS:
        raise InvalidInput(
            _("A campaign's cycle lasts at most %(n)d years, as the national one does.")
            % {"n": MAX_CYCLE_YEARS},
            code="bad_cycle",
        )


def plan_create(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    title: str,
    month: date | None = None,
    document=None,
    is_demo: bool = False,
) -> WorkPlan:
    """A work plan of `campaign`, with its document (PDF, Word, Excel or image) if given."""
    require_office(actor, _("Only the Civilization Office may add work plans."))
    if kind not in PlanKind.values:
        raise InvalidInput(_("Unknown kind of work plan."), code="bad_kind")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("A work plan needs a title."), code="title_required")
    if kind == PlanKind.MONTHLY:
        if month is None:
            raise InvalidInput(_("A monthly plan says which month."), code="month_required")
        month = month.replace(day=1)
    else:
        month = None
    validated = validate_document(document, kinds=("pdf", "word", "excel")) if document else None
    stored = document_store(validated, folder=PLAN_FOLDER) if validated else ""
    try:
        with transaction.atomic():
            plan = WorkPlan.objects.create(
                campaign=campaign,
                kind=kind,
                title=title,
                month=month,
                document=stored,
                document_name=validated.name if validated else "",
                created_by=actor,
                is_demo=is_demo,
            )
            audit_record(
                action="plans.plan_create",
                actor=actor,
                target=plan,
                data={"campaign": campaign.pk, "kind": kind, "document": bool(stored)},
            )
    except Exception:
        if stored:
            document_delete(stored)
        raise
    return plan
