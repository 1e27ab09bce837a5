"""The tick registry (`wenming tick`, core/ticks.py): each registered function runs once per
run with the same `now`, in order; a failure is reported and does not stop the others; the
apps register theirs without importing each other."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wenming.core import ticks
from wenming.core.ticks import register_tick, registered_ticks, run_ticks, tick_name


@pytest.fixture
def own_registry(monkeypatch):
    monkeypatch.setattr(ticks, "_TICKS", [])


def test_the_apps_register_their_ticks_and_the_deliveries_go_last():
    names = [tick_name(func) for func in registered_ticks()]
    assert "problems" in names
    assert names[-1] == "deliveries"  # notices the other ticks made go out in the same run


def test_each_tick_runs_once_with_the_same_now_in_order(own_registry, db):
    seen = []

    def last(*, now):
        seen.append(("last", now))
        return {"sent": 0}

    def first(*, now):
        seen.append(("first", now))
        return 2

    register_tick(last, order=90)
    register_tick(first)
    register_tick(first)  # registering twice runs it once
    now = timezone.now()
    report = run_ticks(now=now)
    assert seen == [("first", now), ("last", now)]
    assert report.ok and report.summary() == "first: 2; last: sent=0"


def test_the_command_prints_one_line(own_registry, db):
    register_tick(lambda *, now: {"overdue": 0, "escalated": 0})
    out = StringIO()
    call_command("tick", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tick: ") and "overdue=0 escalated=0" in lines[0]


def test_one_failing_tick_does_not_stop_the_others_and_the_command_fails(own_registry, db):
    ran = []

    def broken(*, now):
        raise RuntimeError("database is locked")

    def healthy(*, now):
        ran.append(True)

    register_tick(broken)
    register_tick(healthy)
    report = run_ticks()
    assert ran == [True] and not report.ok
    assert "broken: ERROR RuntimeError: database is locked" in report.summary()
    assert "healthy: ok" in report.summary()
    with pytest.raises(CommandError, match="database is locked"):
        call_command("tick", stdout=StringIO())
