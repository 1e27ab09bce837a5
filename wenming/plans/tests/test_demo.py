"""The demo campaign: about 300 tasks generated from the demo system and edited, progress
over the past months, some overdue, some returned, most letters signed; idempotent load and
a clean reset."""

import pytest
from django.utils import timezone

from wenming.plans import demo, selectors
from wenming.plans.models import Campaign, Letter, Status, Task, TaskProgress, WorkPlan


@pytest.fixture
def demo_city(db, settings, tmp_path):
    from wenming.org import demo as org_demo
    from wenming.standards import demo as standards_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    demo.load(scale="small")


def test_the_demo_campaign_tells_a_whole_story(demo_city):
    campaign = Campaign.objects.get(is_demo=True)
    assert WorkPlan.objects.filter(campaign=campaign, kind="promotion").exclude(document="")
    tasks = Task.objects.filter(campaign=campaign)
    assert 250 <= tasks.count() <= 350
    assert tasks.filter(source_standard__isnull=False).count() > 100  # generated
    assert not tasks.filter(is_published=False).exists()
    assert tasks.filter(events__action="merge").exists()  # edited: merged
    assert tasks.filter(events__action="edit").count() > 100
    statuses = set(tasks.values_list("status", flat=True))
    assert {Status.IN_PROGRESS, Status.ACCEPTED, Status.RETURNED, Status.SUBMITTED} <= statuses
    today = timezone.localdate()
    assert tasks.filter(status__in=[Status.IN_PROGRESS, Status.RETURNED], deadline__lt=today)
    months = {
        d.strftime("%Y-%m") for d in TaskProgress.objects.values_list("reported_on", flat=True)
    }
    assert len(months) >= 4
    letters = Letter.objects.filter(campaign=campaign)
    signed = letters.filter(signed_on__isnull=False).count()
    assert letters.count() > 10 and signed > letters.count() / 2 and signed < letters.count()
    # The demo unit officer has a home panel of tasks.
    from wenming.org.models import Person

    urban = Person.objects.get(username="urban")
    assert selectors.home_items(actor=urban)["open"] > 0
    demo.load(scale="small")  # a second load changes nothing
    assert Task.objects.filter(campaign__is_demo=True).count() == tasks.count()
    demo.reset()
    assert not Campaign.objects.exists() and not Task.objects.exists()
