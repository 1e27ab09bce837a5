"""`wenming tick` with the notifications' tick: notices made by a tick go out in the same run,
delivery retries, idempotent runs (the registry itself: core/tests/test_ticks.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wenming.core import ticks
from wenming.core.ticks import register_tick, run_ticks
from wenming.notifications.models import Delivery, Message, Notice
from wenming.notifications.services import notify
from wenming.notifications.ticks import deliveries_tick


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    # Each test registers its own ticks beside the deliveries; the other apps' are left out.
    monkeypatch.setattr(ticks, "_TICKS", [(90, deliveries_tick)])


def test_a_registered_tick_runs_with_now_and_reports_counts(cast):
    seen = []

    def problems_tick(*, now):
        seen.append(now)
        made = notify(
            kind="due_soon",
            recipients=[cast.zhongshan],
            title="WM2026-000001 明天到期",
            dedupe_key="due_soon:1",
        )
        return {"due_soon": made}

    register_tick(problems_tick)
    register_tick(problems_tick)  # registering twice runs it once
    now = timezone.now()
    report = run_ticks(now=now)
    assert seen == [now]
    assert report.ok and report.results["problems_tick"] == {"due_soon": 1}
    assert "problems_tick: due_soon=1" in report.summary()
    assert "deliveries: sent=0 failed=0 gave_up=0" in report.summary()

    # Idempotent: the second run creates nothing new.
    assert run_ticks().results["problems_tick"] == {"due_soon": 0}
    assert Notice.objects.count() == 1 and Message.objects.count() == 1


def test_the_command_prints_one_line(cast):
    register_tick(lambda *, now: {"overdue": 0, "escalated": 0})
    out = StringIO()
    call_command("tick", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tick: ") and "overdue=0 escalated=0" in lines[0]


def test_one_failing_tick_does_not_stop_the_others_and_the_command_fails(cast):
    ran = []

    def broken(*, now):
        raise RuntimeError("database is locked")

    def healthy(*, now):
        ran.append(True)
        return 3

    register_tick(broken)
    register_tick(healthy)
    report = run_ticks()
    assert ran == [True] and not report.ok
    assert "broken: ERROR RuntimeError: database is locked" in report.summary()
    assert "healthy: 3" in report.summary()
    with pytest.raises(CommandError, match="database is locked"):
        call_command("tick", stdout=StringIO())


def test_the_tick_sends_pending_deliveries_whose_task_never_ran(cast):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    # notify() inside the test transaction: its on-commit task never runs, as after a crash.
    notify(kind="dispatch", recipients=[cast.urban], title="WM2026-000002 已派遣")
    assert Delivery.objects.get().status == "pending"
    report = run_ticks(now=timezone.now() + timedelta(seconds=1))
    assert report.results["deliveries"]["sent"] == 1
    assert Delivery.objects.get().status == "sent"
