import pytest

from wenming.inspections.models import Visit
from wenming.standards.tests.factories import small_system
from wenming.testing.inspections import drawn_round


@pytest.fixture
def system(cast):
    return small_system()


@pytest.fixture
def drawn(cast, system):
    """An open supervision round of every market and school, all visits the inspector's."""
    return drawn_round(
        office=cast.office,
        system=system,
        regions=[cast.city],
        team=[cast.inspector],
        code="R-V",
        type_codes=["MARKET", "SCHOOL"],
    )


@pytest.fixture
def market_visit(drawn):
    return Visit.objects.filter(round=drawn, point_type__code="MARKET").first()
