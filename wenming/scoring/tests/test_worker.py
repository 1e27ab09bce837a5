"""The month's snapshot in the worker: the tick queues the month just ended once; the worker
computes it; the command does the same inline (idempotent, refusing a future month)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wenming.scoring.models import Score, Snapshot, SnapshotStatus
from wenming.scoring.tasks import month_just_ended, scoring_tick
from wenming.testing.tasks import queued_tasks, run_worker


def test_the_tick_queues_the_month_just_ended_once(cast, scene, small_sample):
    now = timezone.now()
    assert month_just_ended(now) == scene.label  # the scene is last month's
    assert scoring_tick(now=now) == {"queued": 1}
    assert scoring_tick(now=now) == {"queued": 0}  # queued already
    assert queued_tasks("wenming.scoring.tasks.snapshot_month") == 1
    assert run_worker() == 1
    snap = Snapshot.objects.get()
    assert snap.status == SnapshotStatus.DRAFT and f"{snap.month:%Y-%m}" == scene.label
    assert scoring_tick(now=now) == {"queued": 0}  # made


def test_the_command(cast, scene, small_sample, capsys):
    call_command("snapshot", "--month", scene.label, "--publish")
    snap = Snapshot.objects.get()
    assert snap.status == SnapshotStatus.PUBLISHED
    call_command("snapshot", "--month", scene.label)  # published: left as it is
    assert Snapshot.objects.count() == 1
    zs = Score.objects.get(snapshot=snap, region=cast.zhongshan_district)
    assert zs.composite == D("55.00")
    call_command("snapshot", "--month", scene.label, "--recompute", "--reason", "更正")
    assert Snapshot.objects.filter(status=SnapshotStatus.SUPERSEDED).count() == 1
    future = timezone.localdate().replace(day=1) + timedelta(days=40)
    with pytest.raises(CommandError):
        call_command("snapshot", "--month", f"{future:%Y-%m}")
