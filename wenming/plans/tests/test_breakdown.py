"""Breakdown from the standards: draft per standard with lead and co-units, merge, publish
(twice changes nothing), and the coverage view."""

import datetime

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.plans import selectors
from wenming.plans.models import Task
from wenming.plans.services import breakdown

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 3, 1), datetime.date(2026, 12, 31)


def generate(cast, campaign):
    return breakdown.tasks_generate(actor=cast.office, campaign=campaign, start=START, deadline=END)


def test_one_draft_per_standard_with_a_lead_unit_and_its_co_units(cast, campaign):
    # small_system: six standards, five with a lead unit (1.2.2 has none).
    assert generate(cast, campaign) == 5
    drafts = Task.objects.filter(campaign=campaign, is_published=False)
    assert drafts.count() == 5
    task = drafts.get(source_standard__code="1.2.1")
    assert task.lead_unit == cast.urban_unit
    assert set(task.co_units.values_list("code", flat=True)) == {"PSB", "EDU"}
    assert list(task.standards.values_list("code", flat=True)) == ["1.2.1"]
    # Drafts are the office's: a unit officer sees none of them yet.
    assert not selectors.tasks_visible(actor=cast.urban).exists()
    assert selectors.tasks_visible(actor=cast.office, drafts=True).count() == 5


def test_generating_again_drafts_nothing_new(cast, campaign):
    generate(cast, campaign)
    assert generate(cast, campaign) == 0
    assert Task.objects.filter(campaign=campaign).count() == 5


def test_publishing_twice_changes_nothing(cast, campaign):
    generate(cast, campaign)
    assert breakdown.tasks_publish(actor=cast.office, campaign=campaign) == 5
    before = list(Task.objects.order_by("id").values("id", "is_published", "published_at"))
    events = sum(t.events.count() for t in Task.objects.all())
    assert breakdown.tasks_publish(actor=cast.office, campaign=campaign) == 0
    assert list(Task.objects.order_by("id").values("id", "is_published", "published_at")) == before
    assert sum(t.events.count() for t in Task.objects.all()) == events
    assert selectors.tasks_visible(actor=cast.urban).count() == 4  # leads 3, helps with 1


def test_merge_joins_standards_and_units_and_keeps_them_claimed(cast, campaign):
    generate(cast, campaign)
    a = Task.objects.get(source_standard__code="1.1.1")
    b = Task.objects.get(source_standard__code="1.1.2")
    kept = breakdown.tasks_merge(
        actor=cast.office, campaign=campaign, task_ids=[a.pk, b.pk], title="市容环卫"
    )
    assert kept.pk == a.pk and kept.title == "市容环卫"
    assert set(kept.standards.values_list("code", flat=True)) == {"1.1.1", "1.1.2"}
    assert set(kept.co_units.values_list("code", flat=True)) == {"PSB"}
    assert not Task.objects.filter(pk=b.pk).exists()
    assert generate(cast, campaign) == 0  # the merged standard is not drafted again


def test_merge_refuses_published_tasks_and_single_tasks(cast, campaign):
    generate(cast, campaign)
    ids = list(Task.objects.values_list("pk", flat=True)[:2])
    with pytest.raises(InvalidInput):
        breakdown.tasks_merge(actor=cast.office, campaign=campaign, task_ids=ids[:1])
    breakdown.tasks_publish(actor=cast.office, campaign=campaign, task_ids=ids[:1])
    with pytest.raises(Conflict):
        breakdown.tasks_merge(actor=cast.office, campaign=campaign, task_ids=ids)


def test_only_the_office_breaks_down(cast, campaign):
    with pytest.raises(NotAllowed):
        breakdown.tasks_generate(actor=cast.urban, campaign=campaign, start=START, deadline=END)


def test_coverage_lists_standards_without_owner_or_live_task(cast, campaign):
    cov = selectors.coverage(actor=cast.office, campaign=campaign)
    assert [s.code for s in cov["no_owner"]] == ["1.2.2"]
    assert len(cov["no_task"]) == 6
    generate(cast, campaign)
    # Drafts are not live: nothing changes until they are published.
    assert len(selectors.coverage(actor=cast.office, campaign=campaign)["no_task"]) == 6
    breakdown.tasks_publish(actor=cast.office, campaign=campaign)
    cov = selectors.coverage(actor=cast.office, campaign=campaign)
    assert [s.code for s in cov["no_task"]] == ["1.2.2"]
