"""Inspector performance, against figures worked out by hand."""

from datetime import timedelta

from django.utils import timezone

from wenming.inspections import services
from wenming.inspections.models import Visit
from wenming.inspections.performance import inspector_performance
from wenming.problems.tests.factories import photo


def _do(cast, visit, *, far=False, fail=False, minutes=30):
    start = timezone.now() - timedelta(minutes=minutes)
    lat = visit.point.lat + (0.01 if far else 0)
    services.visit_start(actor=cast.inspector, visit=visit, lat=lat, lon=visit.point.lon, at=start)
    codes = visit.round.system.checklist_items.filter(point_type=visit.point_type).values_list(
        "code", flat=True
    )
    first = codes[0]
    services.visit_answers_save(
        actor=cast.inspector,
        visit=visit,
        answers=[
            {"item": c, "answer": "fail" if fail and c == first else "pass", "client_id": c}
            for c in codes
        ],
    )
    if fail:
        services.visit_photo_add(
            actor=cast.inspector, visit=visit, item_code=first, upload=photo(11), client_id="x"
        )
    return services.visit_submit(actor=cast.inspector, visit=visit)


def test_inspector_lines_match_a_hand_count(cast, drawn):
    visits = list(Visit.objects.filter(round=drawn).order_by("id"))
    assert len(visits) >= 2
    _do(cast, visits[0], far=True, fail=True, minutes=30)
    _do(cast, visits[1], minutes=50)
    (line,) = inspector_performance(Visit.objects.filter(round=drawn))
    assert line.name == cast.inspector.display_name
    assert (line.visits_done, line.on_time, line.failures) == (2, 2, 1)
    assert 39 < line.median_minutes < 41  # the median of 30 and 50 minutes
    assert line.far_start_share == 0.5
    # One photo, for the one failure; it has no camera time or position: flagged.
    assert line.photos_per_failure == 1.0 and line.flagged_photo_share == 1.0
