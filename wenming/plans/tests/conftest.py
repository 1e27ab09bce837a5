import datetime

import pytest

from wenming.plans.models import Campaign
from wenming.plans.services import tasks as task_services
from wenming.standards.tests.factories import small_system
from wenming.testing.storage import isolate_media


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
def media(settings, tmp_path):
    isolate_media(settings, tmp_path)


@pytest.fixture
def urban_task(cast, campaign):
    """A published task led by the Urban Management Bureau, the police helping, in Zhongshan."""
    today = datetime.date.today()
    return task_services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="主次干道保洁",
        description="每日两次清扫",
        lead_unit=cast.urban_unit,
        co_units=[cast.police_unit],
        regions=[cast.zhongshan_street],
        start=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=30),
        milestones=[{"title": "方案", "deadline": today + datetime.timedelta(days=5)}],
    )


@pytest.fixture
def education_task(cast, campaign):
    today = datetime.date.today()
    return task_services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="校园周边整治",
        lead_unit=cast.education_unit,
        regions=[cast.ganjingzi_district],
        start=today - datetime.timedelta(days=10),
        deadline=today + datetime.timedelta(days=60),
    )
