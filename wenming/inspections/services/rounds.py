"""Every write of the inspections app: rounds, their draw and the visits' assignments.

Each service is keyword-only, runs in one transaction, writes an `InspectionEvent` (the
round's own log) and an audit entry (the global chain).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput
from wenming.core.roles import require_office
from wenming.org.models import Person, Region, RegionLevel
from wenming.points.models import Point
from wenming.standards.models import EvaluationSystem, PointType

from .. import sampling
from ..models import (
    AssignMode,
    InspectionEvent,
    Round,
    RoundKind,
    RoundStatus,
    SamplingMode,
    SamplingPlan,
    Visit,
    VisitStatus,
)

INSPECTING_ROLES = ("inspector", "evaluator")


def _event(round_, actor, action: str, data: dict, visit=None) -> None:
    InspectionEvent.objects.create(round=round_, visit=visit, actor=actor, action=action, data=data)
    audit_record(
        action=f"inspections.{action}",
        actor=actor,
        target=visit or round_,
        data={"round": round_.code, **data},
    )


def round_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    system: EvaluationSystem,
    regions: Sequence[Region],
    opens_on: date,
    closes_on: date,
    late_submission: bool = False,
    plans: Sequence[dict] = (),
    seed: int | None = None,
    assign_mode: str = AssignMode.BALANCED,
    pass_threshold=None,
    follow_up_of: Round | None = None,
    is_demo: bool = False,
) -> Round:
    """A draft round with its sampling plans (`{"point_type", "mode", "size", "by_district"}`).

    The seed is drawn here unless given, and stored: the draw can be repeated by anyone."""
    require_office(actor, _("Only the Civilization Office may plan inspection rounds."))
    if kind not in RoundKind.values:
        raise InvalidInput(_("Unknown kind of round."), code="bad_kind")
    if assign_mode not in AssignMode.values:
        raise InvalidInput(_("Unknown way of assigning visits."), code="bad_assign_mode")
    if closes_on < opens_on:
        raise InvalidInput(_("A round cannot close before it opens."), code="bad_window")
    if not regions:
        raise InvalidInput(_("Choose the regions the round covers."), code="no_regions")
    if Round.objects.filter(code=code).exists():
        raise Conflict(_("A round with code %(code)s exists.") % {"code": code}, code="dup")
    with transaction.atomic():
        round_ = Round.objects.create(
            code=code,
            name=name,
            kind=kind,
            system=system,
            opens_on=opens_on,
            closes_on=closes_on,
            late_submission=late_submission,
            owner=actor,
            seed=seed if seed is not None else secrets.randbelow(2**62),
            assign_mode=assign_mode,
            pass_threshold=pass_threshold,
            follow_up_of=follow_up_of,
            is_demo=is_demo,
        )
        round_.regions.set(regions)
        for plan in plans:
            _plan_add(round_, plan)
        _event(round_, actor, "round_create", {"kind": kind, "seed": round_.seed})
    return round_


def _plan_add(round_: Round, plan: dict) -> SamplingPlan:
    point_type = plan["point_type"]
    mode = plan.get("mode", SamplingMode.ALL)
    size = int(plan.get("size") or 0)
    if mode not in SamplingMode.values:
        raise InvalidInput(_("Unknown sampling mode."), code="bad_mode")
    if mode == SamplingMode.RANDOM and size <= 0:
        raise InvalidInput(
            _("Say how many points of %(type)s to draw.") % {"type": point_type.display_name},
            code="bad_size",
        )
    return SamplingPlan.objects.create(
        round=round_,
        point_type=point_type,
        mode=mode,
        size=size if mode == SamplingMode.RANDOM else 0,
        by_district=bool(plan.get("by_district")),
    )


def round_frame(round_: Round) -> list[sampling.FramePoint]:
    """The active points of the round's plan types in the regions it covers, as the draw
    reads them (codes only: the draw depends on nothing the database numbers itself)."""
    region_ids: set[int] = set()
    for region in round_.regions.all():
        region_ids.update(region.subtree_ids())
    types = [p.point_type_id for p in round_.plans.all()]
    rows = (
        Point.objects.filter(is_active=True, region_id__in=region_ids, point_type_id__in=types)
        .values_list("code", "point_type__code", "region__path")
        .order_by("code")
    )
    return [sampling.FramePoint(code, t, _district_code(path)) for code, t, path in rows]


def _district_code(path: str) -> str:
    # Paths are city/district/street/community codes; the district is the second.
    codes = [c for c in path.strip("/").split("/") if c]
    return codes[1] if len(codes) > 1 else ""


def round_plans(round_: Round) -> list[sampling.Plan]:
    return [
        sampling.Plan(p.point_type.code, p.mode, p.size, p.by_district)
        for p in round_.plans.select_related("point_type")
    ]


def round_sample(round_: Round) -> list[sampling.FramePoint]:
    """The points the round's stored seed draws from today's registry."""
    return sampling.draw(round_frame(round_), round_plans(round_), round_.seed)


def round_draw(*, actor, round_: Round, teams: Sequence[Sequence[Person]] = ()) -> int:
    """Draw the round's visits and assign them to `teams` (each a list of inspectors).

    Only a draft round is drawn, once; the visits' team assignments are events."""
    require_office(actor, _("Only the Civilization Office may draw inspection rounds."))
    for team in teams:
        for person in team:
            if person.role not in INSPECTING_ROLES:
                raise InvalidInput(
                    _("%(name)s is not an inspector or an evaluator.")
                    % {"name": person.display_name or person.username},
                    code="not_inspector",
                )
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.DRAFT or locked.visits.exists():
            raise Conflict(_("This round has been drawn already."), code="drawn")
        chosen = round_sample(locked)
        points = Point.objects.in_bulk([p.code for p in chosen], field_name="code")
        districts = Region.objects.in_bulk(
            {p.district for p in chosen if p.district}, field_name="code"
        )
        visits = Visit.objects.bulk_create(
            [
                Visit(
                    round=locked,
                    point=points[p.code],
                    region_id=points[p.code].region_id,
                    district=districts.get(p.district),
                    point_type_id=points[p.code].point_type_id,
                )
                for p in chosen
            ]
        )
        assigned = _assign(locked, chosen, visits, teams)
        locked.status = RoundStatus.OPEN
        locked.save(update_fields=["status"])
        _event(
            locked,
            actor,
            "round_draw",
            {"seed": locked.seed, "visits": len(visits), "assigned": assigned},
        )
    return len(visits)


def _team_key(team: Sequence[Person]) -> str:
    return "+".join(sorted(p.username for p in team))


def _assign(round_, chosen, visits, teams) -> int:
    if not teams:
        return 0
    by_key = {_team_key(t): t for t in teams}
    keys = list(by_key)
    if round_.assign_mode == AssignMode.THREE_RANDOMS:
        street_of = _streets_of([v.point for v in visits])
        plan = sampling.assign_three_randoms(chosen, keys, street_of, round_.seed)
    else:
        plan = sampling.assign_balanced(chosen, keys)
    through = Visit.team.through
    links = [
        through(visit_id=v.pk, person_id=person.pk)
        for v in visits
        for person in by_key[plan[v.point.code]]
    ]
    through.objects.bulk_create(links)
    return len(visits)


def _streets_of(points) -> dict[str, str]:
    regions = Region.objects.in_bulk({p.region_id for p in points})
    result = {}
    for point in points:
        codes = regions[point.region_id].lineage_codes()
        result[point.code] = codes[2] if len(codes) > 2 else codes[-1]
    return result


def visit_reassign(*, actor, visit: Visit, team: Sequence[Person], reason: str = "") -> Visit:
    """Give a visit to another team; an event records who had it and why."""
    require_office(actor, _("Only the Civilization Office may reassign visits."))
    if visit.status not in (VisitStatus.ASSIGNED, VisitStatus.STARTED):
        raise Conflict(_("A submitted visit cannot be reassigned."), code="visit_done")
    if not team or any(p.role not in INSPECTING_ROLES for p in team):
        raise InvalidInput(_("Choose inspectors or evaluators."), code="not_inspector")
    with transaction.atomic():
        before = sorted(visit.team.values_list("username", flat=True))
        visit.team.set(team)
        _event(
            visit.round,
            actor,
            "visit_reassign",
            {
                "point": visit.point.code,
                "from": before,
                "to": sorted(p.username for p in team),
                "reason": reason[:500],
            },
            visit=visit,
        )
    return visit


def district_of(region: Region) -> Region | None:
    if region.level == RegionLevel.DISTRICT:
        return region
    codes = region.lineage_codes()
    return Region.objects.filter(code__in=codes, level=RegionLevel.DISTRICT).first()


def point_types_of(round_: Round) -> list[PointType]:
    return [p.point_type for p in round_.plans.select_related("point_type")]
