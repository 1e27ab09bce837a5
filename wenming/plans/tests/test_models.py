import datetime

import pytest
from django.db import IntegrityError, transaction

from wenming.plans.models import Task

pytestmark = pytest.mark.django_db


def test_a_task_deadline_before_its_start_is_refused_by_the_database(campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            campaign=campaign,
            title="x",
            start=datetime.date(2026, 3, 2),
            deadline=datetime.date(2026, 3, 1),
        )
