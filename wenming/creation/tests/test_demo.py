"""The demo registry: every type with several hundred entries, a cycle at every stage, warnings
and a revocation, counties short of the target, a county campaign; idempotent, reset cleanly."""

from collections import Counter

import pytest

from wenming.creation import coverage, demo, selectors
from wenming.creation.models import Application, CreationType, Entry
from wenming.org.models import Person, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(db):
    from wenming.org import demo as org_demo

    org_demo.load(scale="small")
    demo.load(scale="small")


def test_the_demo_registry_tells_a_whole_story(demo_city):
    counts = Counter(Entry.objects.values_list("type__code", flat=True))
    assert set(counts) == {code for code, *_rest in demo.TYPES}
    # Villages and towns are every one of the tree's (216 and 81 in the demo city).
    assert (
        counts["VILLAGE"] >= 200 and counts["TOWN"] == Region.objects.filter(level="street").count()
    )
    assert all(counts[code] >= 300 for code in ("UNIT", "CAMPUS", "FAMILY", "WINDOW")), counts
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {
        "submitted",
        "region_passed",
        "notice",
        "approved",
        "warned",
        "revoked",
        "rejected",
        "withdrawn",
    }
    office = Person.objects.get(username="office")
    village = CreationType.objects.get(code="VILLAGE")
    rows = coverage.coverage(actor=office, type=village)
    assert any(r.met is False for r in rows) and any(r.met for r in rows)
    assert any(r.campaign is not None for r in rows)
    # The demo district officer has reviews waiting.
    zhongshan = Person.objects.get(username="zhongshan")
    assert selectors.reviews_waiting(actor=zhongshan).exists()
    # Loading again changes nothing; reset removes it all.
    before = Entry.objects.count()
    demo.load(scale="small")
    assert Entry.objects.count() == before
    demo.reset()
    assert not Entry.objects.exists() and not CreationType.objects.exists()
