import datetime as dt

import pytest
from django.utils import timezone

from wenming.materials import services
from wenming.standards.models import Clause
from wenming.standards.tests.factories import small_system
from wenming.testing.storage import isolate_media


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    isolate_media(settings, tmp_path)


@pytest.fixture
def system(cast):
    return small_system()


@pytest.fixture
def window(cast, system):
    """A window assessed in 60 days: evidence from 12 months before it."""
    return services.window_create(
        actor=cast.office,
        system=system,
        name="2026 material review",
        assessment_date=timezone.localdate() + dt.timedelta(days=60),
    )


@pytest.fixture
def clauses(system):
    """The small system's two material clauses: 1.1.2.1 (30 points: URBAN lead, PSB) and
    2.1.1.1 (EDU lead, URBAN)."""
    rows = Clause.objects.filter(system=system, points_material__gt=0).order_by("code")
    return {c.code: c for c in rows}
