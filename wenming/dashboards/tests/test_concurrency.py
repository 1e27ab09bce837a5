"""The aggregates stay right while writers move problems: refreshes run between and during
transitions whose events commit out of id order, and the counts end equal to a full recount."""

import random
import threading
import time

import pytest
from django.db import connection

from wenming.dashboards import aggregates
from wenming.problems import services
from wenming.problems.services import transitions
from wenming.problems.tests.factories import category, report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_commit(monkeypatch):
    """Each transition waits a little after writing its event, before it commits: later ids
    commit first, as on a busy PostgreSQL."""
    original = transitions.record_event

    def record_and_wait(*args, **kwargs):
        event = original(*args, **kwargs)
        time.sleep(random.random() * 0.05)
        return event

    monkeypatch.setattr(transitions, "record_event", record_and_wait)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_counts_equal_a_recount_under_concurrent_transitions(cast, slow_commit):
    category("dirty.sanitation")
    problems = [report(cast.office, region=cast.zhongshan_community) for _ in range(24)]
    aggregates.aggregates_refresh()
    stop = threading.Event()
    errors = []

    def writer(chunk):
        from django.db import connection as own

        try:
            for p in chunk:
                p = services.problem_dispatch(problem=p, actor=cast.office, unit=cast.urban_unit)
                services.problem_accept(problem=p, actor=cast.urban)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(repr(exc))
        finally:
            own.close()

    def refresher():
        from django.db import connection as own

        try:
            while not stop.is_set():
                aggregates.aggregates_refresh(batch=5)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            own.close()

    writers = [threading.Thread(target=writer, args=(problems[i::3],)) for i in range(3)]
    reader = threading.Thread(target=refresher)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert not errors, errors
    aggregates.aggregates_refresh()
    assert aggregates.aggregates_stored() == aggregates.aggregates_recount()
    stored = aggregates.aggregates_stored()
    key = ("status", cast.zhongshan_district.pk, -1, -1, problems[0].category_id, "in_progress")
    assert stored[key] == 24


def test_interleaved_refreshes_equal_a_recount(cast):
    """On any database: refreshes between each step of many problems' lives."""
    category("dirty.sanitation")
    rng = random.Random(7)
    problems = [report(cast.office, region=cast.ganjingzi_community) for _ in range(6)]
    for p in problems:
        p = services.problem_dispatch(problem=p, actor=cast.office, unit=cast.urban_unit)
        if rng.random() < 0.7:
            aggregates.aggregates_refresh(batch=3, max_batches=1)
        services.problem_accept(problem=p, actor=cast.urban)
    aggregates.aggregates_refresh()
    assert aggregates.aggregates_stored() == aggregates.aggregates_recount()
