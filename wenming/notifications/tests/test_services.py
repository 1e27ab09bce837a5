"""notify() and the inbox, as the people receiving notices would notice them."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wenming.core.errors import InvalidInput, NotAllowed, NotFound
from wenming.core.models import AuditEntry
from wenming.notifications import services
from wenming.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Message,
    Notice,
    WebhookChannel,
)
from wenming.notifications.services import (
    deliveries_retry_due,
    delivery_retry,
    delivery_send,
    message_mark_all_read,
    message_mark_read,
    notify,
    webhook_channel_create,
    webhook_channel_delete,
    webhook_channel_update,
)
from wenming.notifications.tasks import send_due_deliveries
from wenming.testing.tasks import queued_tasks, run_worker

from .factories import WebhookChannelFactory


class BrokenEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, email_messages):
        raise SMTPException("451 4.3.0 mail server temporarily unavailable")


BROKEN_EMAIL = "wenming.notifications.tests.test_services.BrokenEmailBackend"


def dispatch_to(*people, **extra):
    options = {
        "kind": "dispatch",
        "title": "问题 WM2026-000001 已派遣",
        "body": "请按期整改。",
        "url": "/problems/WM2026-000001/",
    }
    options.update(extra)
    return notify(recipients=list(people), **options)


# --- inbox messages -------------------------------------------------------------------------


def test_each_recipient_gets_one_inbox_message(cast):
    created = dispatch_to(cast.zhongshan, cast.urban, cast.zhongshan, None)
    assert created == 2
    assert set(Message.objects.values_list("recipient__username", flat=True)) == {
        "zhongshan",
        "urban",
    }
    notice = Notice.objects.get()
    assert notice.kind == "dispatch" and notice.url == "/problems/WM2026-000001/"


def test_recipients_may_be_a_queryset_or_ids_and_inactive_people_are_skipped(cast):
    cast.education.is_active = False
    cast.education.save()
    from wenming.org.models import Person

    assert dispatch_to(*Person.objects.filter(username__in=["urban", "education"])) == 1
    assert notify(kind="close", recipients=[cast.office.pk], title="已结案") == 1


def test_a_dedupe_key_makes_a_repeated_notice_create_nothing(cast):
    assert dispatch_to(cast.zhongshan, dedupe_key="due_soon:1:2026-12-01") == 1
    assert dispatch_to(cast.zhongshan, cast.urban, dedupe_key="due_soon:1:2026-12-01") == 0
    assert Notice.objects.count() == 1 and Message.objects.count() == 1


def test_an_unknown_kind_is_a_programming_error(cast):
    with pytest.raises(ValueError):
        notify(kind="party", recipients=[cast.zhongshan], title="x")
    assert not Notice.objects.exists()


def test_the_target_gives_the_notice_its_place(cast):
    dispatch_to(cast.zhongshan, target=cast.zhongshan_community)
    notice = Notice.objects.get()
    assert notice.region == cast.zhongshan_community
    assert notice.target_type == "org.region" and notice.target_id == str(
        cast.zhongshan_community.pk
    )


def test_mark_read_and_mark_all_read(cast):
    dispatch_to(cast.zhongshan)
    dispatch_to(cast.zhongshan, title="第二条")
    first = Message.objects.filter(recipient=cast.zhongshan).order_by("id").first()
    message_mark_read(message_id=first.pk, actor=cast.zhongshan)
    message_mark_read(message_id=first.pk, actor=cast.zhongshan)  # idempotent
    assert Message.objects.filter(recipient=cast.zhongshan, read_at__isnull=True).count() == 1
    assert message_mark_all_read(actor=cast.zhongshan) == 1
    assert message_mark_all_read(actor=cast.zhongshan) == 0


def test_nobody_marks_another_persons_message(cast):
    dispatch_to(cast.zhongshan)
    message = Message.objects.get()
    for intruder in (cast.ganjingzi, cast.office):
        with pytest.raises(NotFound):
            message_mark_read(message_id=message.pk, actor=intruder)
    assert message_mark_all_read(actor=cast.ganjingzi) == 0
    message.refresh_from_db()
    assert message.read_at is None


# --- e-mail --------------------------------------------------------------------------------


def test_people_with_an_address_get_an_email_from_the_worker_after_commit(
    cast, django_capture_on_commit_callbacks
):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    with override_settings(WENMING_SITE_URL="https://wenming.dalian.example"):
        with django_capture_on_commit_callbacks(execute=True):
            dispatch_to(cast.urban, cast.zhongshan)
        # notify() only writes rows and queues the sending; the worker sends.
        assert mail.outbox == [] and queued_tasks() == 1
        assert run_worker() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["sun.qiang@urban.dalian.example"]
    assert "WM2026-000001" in email.subject
    assert "https://wenming.dalian.example/problems/WM2026-000001/" in email.body
    delivery = Delivery.objects.get()
    assert delivery.channel == "email" and delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1 and delivery.sent_at is not None


def test_an_email_reads_in_the_language_its_reader_chose_in_the_pages(
    cast, page_as, django_capture_on_commit_callbacks
):
    """Switching the pages to English is remembered on the person; their e-mails follow."""
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    cast.zhongshan.email = "li.na@zhongshan.dalian.example"
    cast.zhongshan.save()
    page_as(cast.urban).post("/language/", {"language": "en", "next": "/"})
    cast.urban.refresh_from_db()
    assert cast.urban.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_to(
            cast.urban,
            cast.zhongshan,
            title_en="Problem WM2026-000001 was dispatched",
            body_en="Please fix it by the deadline.",
        )
    assert run_worker() == 1
    sent = {m.to[0]: m for m in mail.outbox}
    english = sent["sun.qiang@urban.dalian.example"]
    assert english.subject.startswith("[") and "was dispatched" in english.subject
    assert "Please fix it" in english.body and "请按期整改" not in english.body
    chinese = sent["li.na@zhongshan.dalian.example"]  # chose nothing: the site's language
    assert "已派遣" in chinese.subject and "请按期整改" in chinese.body


def test_nothing_is_sent_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dispatch_to(cast.urban)
    assert len(callbacks) == 1  # sending waits for the commit
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND=BROKEN_EMAIL, WENMING_NOTIFY_MAX_ATTEMPTS=3)
def test_a_failing_mail_server_is_retried_with_growing_pauses_then_given_up(
    cast, django_capture_on_commit_callbacks
):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_to(cast.urban) == 1  # the inbox message exists whatever e-mail does
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "451" in delivery.last_error
    first_pause = delivery.next_attempt_at - DeliveryAttempt.objects.get().at
    assert timedelta(seconds=55) < first_pause < timedelta(seconds=65)
    # The worker queued its own retry for the end of the pause: no cron needed.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.task_path == send_due_deliveries.module_path
    assert retry.run_after == delivery.next_attempt_at
    assert run_worker() == 0  # not yet due

    now = timezone.now()
    assert deliveries_retry_due(now=now) == {"sent": 0, "failed": 0, "gave_up": 0}  # not yet due
    second = deliveries_retry_due(now=now + timedelta(minutes=2))
    assert second == {"sent": 0, "failed": 1, "gave_up": 0}
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - (now + timedelta(minutes=2)) > timedelta(
        minutes=1, seconds=50
    )

    third = deliveries_retry_due(now=now + timedelta(hours=1))
    assert third == {"sent": 0, "failed": 0, "gave_up": 1}
    delivery.refresh_from_db()
    assert delivery.gave_up and delivery.next_attempt_at is None
    assert deliveries_retry_due(now=now + timedelta(days=1))["gave_up"] == 0  # stays put
    assert DeliveryAttempt.objects.filter(delivery=delivery, ok=False).count() == 3


def test_backoff_doubles_and_is_capped():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert services.backoff(30) == timedelta(hours=6)


def test_a_delivery_being_sent_is_not_taken_by_a_second_worker(cast):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    dispatch_to(cast.urban)  # on-commit task not run: the delivery is pending
    delivery = Delivery.objects.get()
    now = timezone.now() + timedelta(seconds=1)
    assert services._claim(delivery.pk, now) is not None  # worker A is sending…
    assert delivery_send(delivery_id=delivery.pk, now=now) is None  # …so worker B stays away
    assert mail.outbox == []
    # Worker A died mid-send: once its lease is over, the next tick sends it.
    later = now + services.CLAIM_LEASE + timedelta(seconds=1)
    assert deliveries_retry_due(now=later)["sent"] == 1
    assert deliveries_retry_due(now=later + timedelta(days=1))["sent"] == 0
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND=BROKEN_EMAIL, WENMING_NOTIFY_MAX_ATTEMPTS=1)
def test_the_office_retries_a_given_up_delivery(cast, django_capture_on_commit_callbacks):
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_to(cast.urban)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.gave_up

    with pytest.raises(NotAllowed):
        delivery_retry(delivery_id=delivery.pk, actor=cast.zhongshan)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            delivery_retry(delivery_id=delivery.pk, actor=cast.office)
        assert mail.outbox == []
        run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert AuditEntry.objects.filter(action="delivery.retry", actor_name="office").exists()
    with pytest.raises(InvalidInput):
        delivery_retry(delivery_id=delivery.pk, actor=cast.office)  # already sent
    with pytest.raises(NotFound):
        delivery_retry(delivery_id=delivery.pk + 999, actor=cast.office)


# --- which robots hear about what ----------------------------------------------------------


def robot_targets():
    return set(Delivery.objects.exclude(channel="email").values_list("webhook__name", flat=True))


def test_robots_receive_only_their_kinds(cast):
    WebhookChannelFactory(name="超期群", kinds=["overdue"])
    WebhookChannelFactory(
        name="全部",
    )
    WebhookChannelFactory(name="停用", is_active=False)
    dispatch_to(cast.zhongshan)
    assert robot_targets() == {"全部"}


def test_a_robot_limited_to_a_region_hears_only_of_its_subtree(cast):
    WebhookChannelFactory(name="中山", region=cast.zhongshan_district)
    WebhookChannelFactory(name="甘井子", region=cast.ganjingzi_district)
    dispatch_to(cast.zhongshan, target=cast.zhongshan_community)
    assert robot_targets() == {"中山"}
    Delivery.objects.all().delete()
    dispatch_to(cast.zhongshan)  # no place: only unrestricted robots
    assert robot_targets() == set()


def test_a_robot_limited_to_a_unit_hears_only_of_that_unit(cast):
    WebhookChannelFactory(name="城管", unit=cast.urban_unit)
    WebhookChannelFactory(name="教育", unit=cast.education_unit)
    dispatch_to(cast.urban, target=cast.urban_unit)
    assert robot_targets() == {"城管"}


def test_a_problem_like_target_is_placed_by_region_and_responsible_unit(cast):
    WebhookChannelFactory(name="城管中山", unit=cast.urban_unit, region=cast.zhongshan_district)

    class Problem:
        """Stands in for problems.Problem: region (a community) and responsible_unit."""

        _meta = type("Meta", (), {"label_lower": "problems.problem"})()
        pk = 7
        region = cast.zhongshan_community
        responsible_unit = cast.urban_unit

    dispatch_to(cast.urban, target=Problem())
    assert robot_targets() == {"城管中山"}
    notice = Notice.objects.get()
    assert (notice.region, notice.unit, notice.target_type) == (
        cast.zhongshan_community,
        cast.urban_unit,
        "problems.problem",
    )


# --- robot configuration ---------------------------------------------------------------------


def robot(**extra):
    options = {
        "name": "文明办工作群",
        "kind": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "SECabc123",
        "kinds": ["overdue", "escalation"],
    }
    options.update(extra)
    return options


def test_the_office_configures_robots_and_the_audit_log_keeps_no_secret(cast):
    channel = webhook_channel_create(actor=cast.office, **robot())
    webhook_channel_update(
        actor=cast.office, channel_id=channel.pk, **robot(name="文明办群", secret=None)
    )
    channel.refresh_from_db()
    assert channel.name == "文明办群" and channel.secret == "SECabc123"  # None keeps it
    webhook_channel_delete(actor=cast.office, channel_id=channel.pk)
    assert not WebhookChannel.objects.exists()
    entries = AuditEntry.objects.filter(action__startswith="webhook.")
    assert [e.action for e in entries] == ["webhook.create", "webhook.update", "webhook.delete"]
    for entry in entries:
        text = str(entry.data)
        assert "SECabc123" not in text and "access_token" not in text


@pytest.mark.parametrize("who", ["leader", "zhongshan", "urban", "inspector"])
def test_only_the_office_configures_robots(cast, who):
    with pytest.raises(NotAllowed):
        webhook_channel_create(actor=getattr(cast, who), **robot())
    assert not WebhookChannel.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"kind": "slack"},
        {"url": "ftp://example.com/x"},
        {"url": "not a url"},
        {"kinds": []},
        {"kinds": ["party"]},
        {"secret": "x" * 201},
    ],
)
def test_bad_robot_settings_are_refused_and_change_nothing(cast, bad):
    with pytest.raises(InvalidInput):
        webhook_channel_create(actor=cast.office, **robot(**bad))
    assert not WebhookChannel.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="webhook.").exists()
