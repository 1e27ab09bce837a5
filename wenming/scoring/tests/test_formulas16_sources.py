"""A snapshot's material score and citizen satisfaction, by hand, on the scenes the materials
and surveys apps compute their own figures on (materials/tests/test_selectors.py,
surveys/tests/test_selectors.py): the scoring app carries them, it does not recompute them."""

from decimal import Decimal as D

from django.utils import timezone

from wenming.materials.tests.conftest import clauses, media, system, window  # noqa: F401
from wenming.materials.tests.test_selectors import scored  # noqa: F401
from wenming.scoring import services
from wenming.scoring.models import Component, Score
from wenming.surveys.tests.conftest import standards, survey_q  # noqa: F401
from wenming.surveys.tests.test_selectors import answered  # noqa: F401


def _component(snapshot, key, **subject):
    score = Score.objects.get(snapshot=snapshot, **subject)
    c = score.components.get(key=key)
    return c.value, c.denominator


def _this_month(cast):
    return services.snapshot_compute(month=f"{timezone.localdate():%Y-%m}", actor=cast.office)


def test_material_component_by_hand(cast, scored):  # noqa: F811
    """Reviewed this month: URBAN 0.8 on 1.1.2.1 (30 points) and nothing yet on 2.1.1.1 (10):
    24 of 40 = 0.6 → 60.00; PSB 0.5 on 1.1.2.1 → 15 of 30 → 50.00; EDU's 1.0 on 2.1.1.1 was
    reviewed 40 days into the window, months ago: 0 of 10 this month → 0.00 (no scored
    submission in the month: n = 0). Regions have no material score (no data)."""
    snap = _this_month(cast)
    assert _component(snap, Component.MATERIAL, unit=cast.urban_unit) == (D("60.00"), 1)
    assert _component(snap, Component.MATERIAL, unit=cast.police_unit) == (D("50.00"), 1)
    assert _component(snap, Component.MATERIAL, unit=cast.education_unit) == (D("0.00"), 0)
    assert _component(snap, Component.MATERIAL, region=cast.city) == (None, None)


def test_satisfaction_component_by_hand(cast, answered):  # noqa: F811
    """Today's responses: Zhongshan 5 positive of 8 answers (4 respondents) → 62.50; Ganjingzi 3
    of 4 (2) → 75.00; the city 8 of 12 (6) → 66.666… → 66.67 (half up, to the cent)."""
    snap = _this_month(cast)
    zs = _component(snap, Component.SATISFACTION, region=cast.zhongshan_district)
    assert zs == (D("62.50"), 4)
    gjz = _component(snap, Component.SATISFACTION, region=cast.ganjingzi_district)
    assert gjz == (D("75.00"), 2)
    assert _component(snap, Component.SATISFACTION, region=cast.city) == (D("66.67"), 6)
