"""A drawn inspection round for tests: every point of the given types, one team's visits."""

from datetime import date

from wenming.inspections import services
from wenming.inspections.models import Round, RoundKind
from wenming.standards.models import PointType


def drawn_round(
    *,
    office,
    system,
    regions,
    team,
    code: str = "R-T",
    type_codes=None,
    kind: str = RoundKind.SUPERVISION,
    opens_on: date = date(2026, 1, 1),
    closes_on: date = date(2099, 12, 31),
    seed: int = 1,
    **kwargs,
) -> Round:
    """A round of all the points of `type_codes` (default: every type) in `regions`, drawn
    and given to `team` (a list of inspectors or evaluators)."""
    types = PointType.objects.all()
    if type_codes is not None:
        types = types.filter(code__in=type_codes)
    round_ = services.round_create(
        actor=office,
        code=code,
        name=code,
        kind=kind,
        system=system,
        regions=regions,
        opens_on=opens_on,
        closes_on=closes_on,
        plans=[{"point_type": t} for t in types.order_by("code")],
        seed=seed,
        **kwargs,
    )
    services.round_draw(actor=office, round_=round_, teams=[list(team)])
    return round_
