"""The worker sends what requests only store: a bulk dispatch, the worker down, then up."""

import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from wenming.notifications.models import Delivery, DeliveryStatus, Notice
from wenming.notifications.services import (
    deliveries_retry_due,
    delivery_send,
    notify,
    webhook_channel_create,
)
from wenming.notifications.tasks import send_due_deliveries
from wenming.problems.models import Problem
from wenming.problems.tests.factories import report
from wenming.testing.tasks import queued_tasks, run_worker

OK_WECOM = (200, {"errcode": 0, "errmsg": "ok"})
# The bulk form takes at most 500 problems; the test dispatches that many.
BULK = 500


def test_a_bulk_dispatch_queues_one_task_and_the_worker_sends_each_notice_exactly_once(
    cast, page_as, robot_server, django_capture_on_commit_callbacks
):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    robot = robot_server([OK_WECOM])
    webhook_channel_create(
        actor=cast.office, name="城管群", kind="wecom", url=robot.url, kinds=["dispatch"]
    )
    codes = [
        report(cast.office, region=cast.zhongshan_community, title=f"占道经营 {i}").code
        for i in range(BULK)
    ]

    # No worker runs: the dispatch succeeds and every notice waits in the database.
    with django_capture_on_commit_callbacks(execute=True):
        response = page_as(cast.office).post(
            "/problems/bulk-dispatch/", {"codes": codes, "unit": "URBAN"}
        )
    assert response.status_code == 302
    assert Problem.objects.filter(code__in=codes, status="dispatched").count() == BULK
    dispatch = Delivery.objects.filter(notice__kind="dispatch")
    assert Notice.objects.filter(kind="dispatch").count() == BULK
    assert dispatch.filter(status=DeliveryStatus.PENDING).count() == 2 * BULK  # e-mail + robot
    assert mail.outbox == [] and robot.received == []
    # One task for the whole request, not one per notice.
    assert queued_tasks() == 1

    # The worker starts: each notice goes out once, by e-mail and to the group robot.
    assert run_worker() == 1
    assert len(mail.outbox) == BULK and len(robot.received) == BULK
    assert len({email.subject for email in mail.outbox}) == BULK
    contents = {post.body["markdown"]["content"] for post in robot.received}
    assert all(any(f"占道经营 {i}" in c for c in contents) for i in (0, BULK // 2, BULK - 1))
    assert set(dispatch.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}

    # Nothing is sent twice: the worker again, a second sweep, `wenming tick` a day later.
    send_due_deliveries.enqueue()
    assert run_worker() == 1
    assert deliveries_retry_due(now=timezone.now() + timedelta(days=1))["sent"] == 0
    assert len(mail.outbox) == BULK and len(robot.received) == BULK


def test_a_sweep_already_waiting_takes_the_next_notices_too(
    cast, django_capture_on_commit_callbacks
):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            notify(kind="dispatch", recipients=[cast.urban], title=f"第 {n} 条")
    assert queued_tasks(send_due_deliveries.module_path) == 1
    assert run_worker() == 1
    assert len(mail.outbox) == 3


def test_with_immediate_tasks_a_notice_is_sent_at_commit(
    cast, immediate_tasks, django_capture_on_commit_callbacks
):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="dispatch", recipients=[cast.urban], title="立即发送")
    assert len(mail.outbox) == 1
    assert queued_tasks() == 0


@pytest.mark.django_db(transaction=True)
def test_the_delivery_claim_is_a_transaction_of_its_own(cast):
    # An UPDATE in autocommit on SQLite takes the write lock without BEGIN IMMEDIATE: outside
    # the write queue, contending with page requests' writes in SQLite's busy handler.
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    notify(kind="dispatch", recipients=[cast.urban], title="认领")
    delivery = Delivery.objects.get()
    claims = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "attempts" in sql:
            claims.append(context["connection"].in_atomic_block)
        return execute(sql, params, many, context)

    assert not connection.in_atomic_block
    with connection.execute_wrapper(watch):
        assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert claims == [True]


def _silent_smtp_server():
    """A TCP server that accepts and never says a word (an SMTP server hung)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return server, held


def test_a_hung_mail_server_fails_the_attempt_after_email_timeout(cast):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    notify(kind="dispatch", recipients=[cast.urban], title="超时")
    delivery = Delivery.objects.get()
    server, held = _silent_smtp_server()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=server.getsockname()[1],
            EMAIL_TIMEOUT=0.2,
        ):
            assert delivery_send(delivery_id=delivery.pk) == "failed"
    finally:
        server.close()
        for conn in held:
            conn.close()
    delivery.refresh_from_db()
    assert "timed out" in delivery.last_error
    assert delivery.next_attempt_at is not None  # retried after its back-off


def _settings_value(name: str, **environ) -> str:
    """A setting as a fresh process reads it from its environment."""
    code = f"from django.conf import settings; print(settings.{name})"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wenming.settings", **environ}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_email_timeout_is_ten_seconds_unless_wenming_email_timeout_says_otherwise():
    assert settings.EMAIL_TIMEOUT == 10
    assert _settings_value("EMAIL_TIMEOUT", WENMING_EMAIL_TIMEOUT="3.5") == "3.5"


def test_notices_gathered_in_a_block_are_written_at_its_end_and_dropped_on_error(cast):
    from wenming.notifications.services import notices_batched

    with notices_batched():
        assert notify(kind="dispatch", recipients=[cast.urban], title="一") == 1
        with notices_batched():  # nested: the outer block writes
            notify(kind="dispatch", recipients=[cast.urban], title="二")
        assert not Notice.objects.exists()
    assert sorted(Notice.objects.values_list("title", flat=True)) == ["一", "二"]

    with pytest.raises(RuntimeError), notices_batched():
        notify(kind="dispatch", recipients=[cast.urban], title="三")
        raise RuntimeError("the dispatch failed")
    assert not Notice.objects.filter(title="三").exists()
    # A notice with a dedupe key is written at once, even inside a block.
    with notices_batched():
        notify(kind="due_soon", recipients=[cast.urban], title="四", dedupe_key="k")
        assert Notice.objects.filter(title="四").exists()
