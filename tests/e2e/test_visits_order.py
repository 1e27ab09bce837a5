"""My visits on a phone: once the position is known the cards are sorted by distance within
their group, the open visits (assigned, started, rejected) still before the finished ones, as
the server sent them. A finished visit nearer than an open one never buries it."""

import math

import pytest

from wenming.inspections import services
from wenming.inspections.models import Visit, VisitStatus
from wenming.problems.tests import factories as f
from wenming.standards.tests.factories import small_system
from wenming.testing.inspections import drawn_round
from wenming.testing.personas import build_cast

from .walk_pages import no_tiles, phone_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HERE = {"latitude": 38.91, "longitude": 121.61, "accuracy": 10}  # Dalian
OPEN = {VisitStatus.ASSIGNED, VisitStatus.STARTED, VisitStatus.REJECTED}


def _metres(lat1, lon1, lat2, lon2):
    r, rad = 6371008.8, math.pi / 180
    a = (
        math.sin((lat2 - lat1) * rad / 2) ** 2
        + math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin((lon2 - lon1) * rad / 2) ** 2
    )
    return 2 * r * math.asin(min(1, math.sqrt(a)))


def _submitted(inspector, visit):
    services.visit_start(actor=inspector, visit=visit)
    items = visit.round.system.checklist_items.filter(point_type=visit.point_type)
    services.visit_answers_save(
        actor=inspector,
        visit=visit,
        answers=[{"item": i.code, "answer": "pass", "client_id": i.code} for i in items],
    )
    return services.visit_submit(actor=inspector, visit=visit)


@pytest.fixture
def visits(settings, live_server):
    """Two rounds over the same three points. Round A: all three submitted; round B: the market
    submitted, the school started and Zhoushuizi's market still assigned. From HERE the school
    (≈1.8 km) is nearest, then the Tianjin Street market (≈2.8 km), then Zhoushuizi (≈8.6 km):
    two finished market visits are nearer than the open one at Zhoushuizi."""
    no_tiles(settings, live_server)
    f.ensure_categories()
    cast = build_cast()
    system = small_system()
    rounds = [
        drawn_round(
            office=cast.office,
            system=system,
            regions=[cast.city],
            team=[cast.inspector],
            code=code,
            type_codes=["MARKET", "SCHOOL"],
            seed=7,
        )
        for code in ("R-A", "R-B")
    ]
    first, second = rounds
    for visit in Visit.objects.filter(round=first):
        _submitted(cast.inspector, visit)
    _submitted(cast.inspector, Visit.objects.get(round=second, point__code="ZS-MKT-1"))
    services.visit_start(
        actor=cast.inspector, visit=Visit.objects.get(round=second, point__code="ZS-SCH-1")
    )
    listed = list(Visit.objects.filter(round__in=rounds).select_related("point"))
    assert len(listed) == 6
    assert sum(v.status in OPEN for v in listed) == 2
    return cast, listed


def test_open_visits_stay_first_each_group_by_distance(browser, live_server, visits):
    cast, listed = visits
    context, page = phone_as(
        browser, live_server, cast.inspector, geolocation=HERE, service_workers="block"
    )
    try:
        page.goto(f"{live_server.url}/inspections/visits/")
        page.wait_for_selector('[data-wm-visits][data-sorted="1"]')
        hrefs = page.eval_on_selector_all(
            "[data-testid=visit-card]", "cards => cards.map(a => a.getAttribute('href'))"
        )
    finally:
        context.close()

    by_path = {f"/inspections/visits/{v.pk}/": v for v in listed}
    shown = [by_path[h] for h in hrefs]
    assert len(shown) == len(listed)
    is_open = [v.status in OPEN for v in shown]
    distance = [
        _metres(HERE["latitude"], HERE["longitude"], v.point.lat, v.point.lon) for v in shown
    ]
    opened = [d for d, o in zip(distance, is_open, strict=True) if o]
    finished = [d for d, o in zip(distance, is_open, strict=True) if not o]
    # The case the fix is for: a finished visit is nearer than an open one.
    assert min(finished) < max(opened)
    # Open first, then finished; within each group nearest first.
    assert is_open == sorted(is_open, reverse=True), [(v.point.code, v.status) for v in shown]
    assert opened == sorted(opened)
    assert finished == sorted(finished)
    assert page.js_errors == []
