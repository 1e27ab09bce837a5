"""Idempotency-Key: a retry that arrives while the first request is still running waits and
gets the first request's answer (never a 409, never a second write); the wait is bounded; a
claim left by a dead process is taken over. The API's own replay tests are in
problems/tests/test_api.py."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from wenming.core import idempotency
from wenming.core.errors import Conflict
from wenming.core.models import IdempotencyRecord

from .idempotency_race import twin_race


def _request(actor, key="k-1", body=None):
    request = RequestFactory().post(
        "/api/v1/things",
        data=json.dumps(body or {"a": 1}),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    request.auth = actor
    return request


def _expect_twin_waited_for_the_first(result):
    assert result["first"] == ["ok", [201, {"day": "2031-10-01"}]], result
    assert result["twin"] == result["first"], result  # the first answer, replayed
    assert result["ran"] == ["first"] and result["twin_waited"], result
    assert result["days"] == ["2031-10-01"], result  # the twin's work never ran


def _expect_twin_ran_after_the_first_failed(result):
    assert result["first"] == ["InvalidInput", "refused"], result
    assert result["twin"] == ["ok", [201, {"day": "2031-10-02"}]], result
    assert result["ran"] == ["first", "twin"] and result["twin_waited"], result
    assert result["days"] == ["2031-10-02"], result


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite runs the race on a file")
@pytest.mark.django_db(transaction=True)
def test_a_retry_during_the_first_request_gets_its_answer_on_postgresql(cast):
    _expect_twin_waited_for_the_first(twin_race(cast.office))


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite runs the race on a file")
@pytest.mark.django_db(transaction=True)
def test_a_retry_runs_itself_when_the_first_request_fails_on_postgresql(cast):
    _expect_twin_ran_after_the_first_failed(twin_race(cast.office, first_fails=True))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs the race in-process")
def test_the_retry_race_on_a_sqlite_file_in_wal_mode(tmp_path):
    env = {
        **os.environ,
        "WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'idem.sqlite3'}",
        "WENMING_MEDIA_ROOT": str(tmp_path / "media"),
        "WENMING_HOME": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "wenming.core.tests.idempotency_race"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["journal_mode"] == "wal"
    _expect_twin_waited_for_the_first(report["succeeds"])
    _expect_twin_ran_after_the_first_failed(report["fails"])


@pytest.mark.django_db
def test_the_wait_is_bounded(cast):
    IdempotencyRecord.objects.create(
        actor=cast.office, endpoint="POST /things", key="k-1", status_code=0, pending=True
    )
    ran = []
    with pytest.raises(Conflict) as refused:
        idempotency.idempotent(_request(cast.office), "POST /things", lambda: ran.append(1), wait=0)
    assert refused.value.code == "idempotency_in_progress" and ran == []


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_process_is_taken_over(cast):
    IdempotencyRecord.objects.create(
        actor=cast.office,
        endpoint="POST /things",
        key="k-1",
        status_code=0,
        pending=True,
        created_at=timezone.now() - idempotency.ABANDONED - timedelta(seconds=1),
    )
    answer = idempotency.idempotent(_request(cast.office), "POST /things", lambda: (201, {"n": 1}))
    assert answer == (201, {"n": 1})
    record = IdempotencyRecord.objects.get()
    assert (record.pending, record.status_code, record.body) == (False, 201, {"n": 1})


@pytest.mark.django_db
def test_a_refusal_leaves_no_claim_and_a_retry_runs_again(cast):
    def refuse():
        raise Conflict("no", code="no")

    with pytest.raises(Conflict):
        idempotency.idempotent(_request(cast.office), "POST /things", refuse)
    assert not IdempotencyRecord.objects.exists()
    assert idempotency.idempotent(
        _request(cast.office), "POST /things", lambda: (201, {"n": 2})
    ) == (201, {"n": 2})


@pytest.mark.django_db
def test_a_pending_key_with_another_body_is_refused_at_once(cast):
    idempotency.idempotent(_request(cast.office, body={"a": 1}), "POST /things", lambda: (201, {}))
    IdempotencyRecord.objects.update(pending=True)
    with pytest.raises(Conflict) as refused:
        idempotency.idempotent(
            _request(cast.office, body={"a": 2}), "POST /things", lambda: (201, {}), wait=0
        )
    assert refused.value.code == "idempotency_key_reused"


def test_the_problems_module_keeps_no_copy():
    assert not (Path(__file__).resolve().parents[2] / "problems" / "idempotency.py").exists()
