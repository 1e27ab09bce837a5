"""Group robots, against real HTTP servers on 127.0.0.1 speaking each robot's protocol."""

import base64
import hashlib
import hmac
import time
from datetime import timedelta
from urllib.parse import unquote_plus

import pytest
from django.test import override_settings
from django.utils import timezone

from wenming.notifications import robots
from wenming.notifications.models import Delivery, DeliveryAttempt, DeliveryStatus
from wenming.notifications.services import (
    deliveries_retry_due,
    notify,
    webhook_channel_create,
    webhook_channel_test,
)
from wenming.testing.tasks import run_worker

OK_WECOM = (200, {"errcode": 0, "errmsg": "ok"})
OK_FEISHU = (200, {"code": 0, "msg": "success", "data": {}})
SITE = "https://wenming.dalian.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WENMING_SITE_URL = SITE


def add_robot(cast, kind, url, *, secret="", kinds=("dispatch", "overdue", "rework")):
    return webhook_channel_create(
        actor=cast.office, name=f"{kind} 群", kind=kind, url=url, secret=secret, kinds=list(kinds)
    )


def overdue(cast, capture, **extra):
    options = {
        "kind": "overdue",
        "recipients": [cast.zhongshan],
        "url": "/problems/WM2026-000042/",
        "title": "WM2026-000042 占道经营 已超期",
        "body": "超期 2 个工作日，请尽快整改。",
    }
    options.update(extra)
    with capture(execute=True):
        notify(**options)
    run_worker()  # the robots hear of it when the worker sends, not inside notify()


def test_wecom_robot_gets_a_markdown_message(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server([OK_WECOM])
    add_robot(cast, "wecom", server.url)
    overdue(cast, django_capture_on_commit_callbacks)

    assert len(server.received) == 1
    got = server.received[0]
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.body["msgtype"] == "markdown"
    content = got.body["markdown"]["content"]
    assert "WM2026-000042 占道经营 已超期" in content and "超期 2 个工作日" in content
    assert f"({SITE}/problems/WM2026-000042/)" in content
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.channel == "wecom"


def test_dingtalk_robot_gets_markdown_signed_in_the_query(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server([OK_WECOM])
    secret = "SEC000111222333444555666777888999aaabbbcccdddeeefff"
    add_robot(cast, "dingtalk", server.url, secret=secret)
    before_ms = int(time.time() * 1000)
    overdue(cast, django_capture_on_commit_callbacks)

    got = server.received[0]
    assert got.query["access_token"] == "abc"
    timestamp = got.query["timestamp"]
    assert abs(int(timestamp) - before_ms) < 60_000  # milliseconds, close to now
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert got.query["sign"] == expected
    assert got.body["msgtype"] == "markdown"
    assert "WM2026-000042" in got.body["markdown"]["title"]
    assert "超期 2 个工作日" in got.body["markdown"]["text"]


def test_dingtalk_signature_is_url_encoded():
    url = robots.dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=x", "SECsecret", now_ms=1_700_000_000_000
    )
    sign = url.split("&sign=")[1]
    digest = hmac.new(b"SECsecret", b"1700000000000\nSECsecret", hashlib.sha256).digest()
    assert unquote_plus(sign) == base64.b64encode(digest).decode()
    assert "+" not in sign and "/" not in sign and "=" not in sign


def test_feishu_robot_gets_a_signed_rich_text_post(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server([OK_FEISHU])
    add_robot(cast, "feishu", server.url, secret="feishu-secret")
    overdue(cast, django_capture_on_commit_callbacks)

    body = server.received[0].body
    timestamp = body["timestamp"]
    assert abs(int(timestamp) - time.time()) < 60  # seconds
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\nfeishu-secret".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert "WM2026-000042" in post["title"]
    link = post["content"][-1][0]
    assert link["tag"] == "a" and link["href"] == f"{SITE}/problems/WM2026-000042/"


def test_feishu_without_a_link_or_secret_gets_plain_text(
    cast, robot_server, settings, django_capture_on_commit_callbacks
):
    settings.WENMING_SITE_URL = ""  # no public address known: no link to send
    server = robot_server([OK_FEISHU])
    add_robot(cast, "feishu", server.url)
    overdue(cast, django_capture_on_commit_callbacks)
    body = server.received[0].body
    assert body["msg_type"] == "text" and "sign" not in body
    assert "WM2026-000042" in body["content"]["text"]


def test_a_500_is_retried_by_the_tick_and_then_delivered(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server([(500, {"error": "internal"}), OK_WECOM])
    add_robot(cast, "wecom", server.url)
    overdue(cast, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert delivery.last_error.startswith("HTTP 500")
    assert delivery.next_attempt_at > timezone.now()

    assert deliveries_retry_due(now=timezone.now())["sent"] == 0  # backoff not over yet
    result = deliveries_retry_due(now=timezone.now() + timedelta(minutes=1, seconds=5))
    assert result == {"sent": 1, "failed": 0, "gave_up": 0}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.last_error == ""
    assert len(server.received) == 2
    assert list(DeliveryAttempt.objects.values_list("ok", "http_status")) == [
        (False, 500),
        (True, 200),
    ]


def test_a_robot_error_code_in_a_200_answer_is_a_failure(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server([(200, {"errcode": 310000, "errmsg": "sign not match"})])
    add_robot(cast, "dingtalk", server.url, secret="SECwrong")
    overdue(cast, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "310000: sign not match"


def test_feishu_error_codes_are_failures_too(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server(
        [
            (
                200,
                {
                    "code": 19021,
                    "msg": "sign match fail or timestamp is not within one hour from current time",
                },
            )
        ]
    )
    add_robot(cast, "feishu", server.url, secret="x")
    overdue(cast, django_capture_on_commit_callbacks)
    assert Delivery.objects.get().last_error.startswith("19021: sign match fail")


@override_settings(WENMING_NOTIFY_MAX_ATTEMPTS=3)
def test_a_refusing_server_fails_is_retried_and_finally_shown_to_the_office(
    cast, refused_url, page_as, django_capture_on_commit_callbacks
):
    add_robot(cast, "wecom", refused_url)
    overdue(cast, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "refused" in delivery.last_error.lower()

    now = timezone.now()
    assert deliveries_retry_due(now=now + timedelta(minutes=2))["failed"] == 1
    assert deliveries_retry_due(now=now + timedelta(hours=1))["gave_up"] == 1
    delivery.refresh_from_db()
    assert delivery.gave_up and delivery.attempts == 3

    # The inbox message was delivered all the same: delivery is apart from the notice.
    assert cast.zhongshan.inbox_messages.count() == 1

    office = page_as(cast.office)
    page = office.get("/notifications/deliveries/?status=gave_up").content.decode()
    assert "WM2026-000042" in page and "refused" in page.lower()
    home = office.get("/").content.decode()
    assert "/notifications/deliveries/?status=gave_up" in home


def test_only_robots_for_the_kind_are_posted(
    cast, robot_server, django_capture_on_commit_callbacks
):
    server = robot_server([OK_WECOM])
    add_robot(cast, "wecom", server.url, kinds=["close"])
    overdue(cast, django_capture_on_commit_callbacks)
    assert server.received == [] and not Delivery.objects.exists()


def test_the_office_sends_a_test_message(cast, robot_server, refused_url):
    server = robot_server([OK_WECOM])
    channel = add_robot(cast, "wecom", server.url)
    assert webhook_channel_test(actor=cast.office, channel_id=channel.pk).ok
    assert server.received[0].body["msgtype"] == "markdown"
    broken = add_robot(cast, "wecom", refused_url)
    result = webhook_channel_test(actor=cast.office, channel_id=broken.pk)
    assert not result.ok and "refused" in result.error.lower()


def test_wecom_markdown_is_kept_within_its_size_limit():
    out = robots.Outgoing(label="超期", title="标题", body="很长的内容" * 2000, link="")
    payload = robots.wecom_payload(out, link_text="打开")
    assert len(payload["markdown"]["content"].encode("utf-8")) <= robots.WECOM_MAX_BYTES
