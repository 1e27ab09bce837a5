from datetime import date

import pytest

from wenming.inspections import services
from wenming.inspections.models import RoundKind, Visit
from wenming.standards.models import PointType
from wenming.standards.tests.factories import small_system


@pytest.fixture
def system(cast):
    return small_system()


@pytest.fixture
def drawn(cast, system):
    """An open supervision round of every market and school, all visits the inspector's."""
    types = {t.code: t for t in PointType.objects.all()}
    round_ = services.round_create(
        actor=cast.office,
        code="R-V",
        name="visits",
        kind=RoundKind.SUPERVISION,
        system=system,
        regions=[cast.city],
        opens_on=date(2026, 1, 1),
        closes_on=date(2099, 12, 31),
        plans=[{"point_type": types["MARKET"]}, {"point_type": types["SCHOOL"]}],
        seed=1,
    )
    services.round_draw(actor=cast.office, round_=round_, teams=[[cast.inspector]])
    return round_


@pytest.fixture
def market_visit(drawn):
    return Visit.objects.filter(round=drawn, point_type__code="MARKET").first()
