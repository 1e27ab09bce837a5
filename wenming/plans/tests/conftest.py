import datetime

import pytest

from wenming.plans.models import Campaign
from wenming.standards.tests.factories import small_system


@pytest.fixture
def system(cast):
    return small_system()


@pytest.fixture
def campaign(cast, system):
    return Campaign.objects.create(
        name="2026 创建周期",
        region=cast.city,
        system=system,
        cycle_start_year=2024,
        cycle_end_year=2026,
    )


@pytest.fixture
def today():
    return datetime.date(2026, 3, 2)
