"""Every write of the notifications app: notices, inbox state, robots and deliveries."""

import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import InvalidInput, NotFound
from wenming.org.models import Person, Region, Unit
from wenming.org.roles import require_office

from . import robots
from .models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    Message,
    Notice,
    NotificationKind,
    RobotKind,
    WebhookChannel,
)

logger = logging.getLogger(__name__)

# A claimed delivery is not tried again by anyone else for this long (a crash mid-send
# leaves it to the next tick after the lease).
CLAIM_LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def max_attempts() -> int:
    return int(getattr(settings, "WENMING_NOTIFY_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours."""
    return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(0, attempts - 1)))


# --- notify ---------------------------------------------------------------------------------


def _people_of(recipient_lists: list[list]) -> list[list[Person]]:
    """For each list: its active people, each once, in order (ids too: one query for all)."""
    ids = {item for items in recipient_lists for item in items if isinstance(item, int)}
    by_id = {person.pk: person for person in Person.objects.filter(pk__in=ids)} if ids else {}
    result = []
    for items in recipient_lists:
        seen, people = set(), []
        for item in items:
            person = by_id.get(item) if isinstance(item, int) else item
            if person is None or person.pk in seen or not person.is_active:
                continue
            seen.add(person.pk)
            people.append(person)
        result.append(people)
    return result


def _where(target) -> tuple[Region | None, Unit | None]:
    """The region and the responsible unit of the notice's object, when it has them."""
    if target is None:
        return None, None
    if isinstance(target, Region):
        return target, None
    if isinstance(target, Unit):
        return None, target
    region = getattr(target, "region", None)
    unit = getattr(target, "responsible_unit", None) or getattr(target, "unit", None)
    return (
        region if isinstance(region, Region) else None,
        unit if isinstance(unit, Unit) else None,
    )


def _channel_matches(channel: WebhookChannel, notice: Notice, region: Region | None) -> bool:
    if notice.kind not in (channel.kinds or []):
        return False
    if channel.region_id and not channel.region.contains(region):
        return False
    return not (channel.unit_id and channel.unit_id != notice.unit_id)


def notify(
    *,
    kind: str,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
    target=None,
    dedupe_key: str | None = None,
    title_en: str = "",
    body_en: str = "",
) -> int:
    """Put a notice in each recipient's inbox and queue its e-mails and robot posts.

    `title`/`body` are in the site's language (zh-Hans: e-mails and group chats use them);
    `title_en`/`body_en`, when given, are what a reader of English pages sees in the inbox.

    `recipients`: people, their ids, or a queryset. Returns the number of inbox messages
    created; with a `dedupe_key` already used, nothing is created and 0 is returned. The rows
    are written in the caller's transaction; inside `notices_batched()` together when the
    block ends (the people of every notice read in one query; the count returned is then that
    of the distinct recipients given). The worker sends after commit.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    given = [item for item in (recipients or ()) if item is not None]
    region, unit = _where(target)
    notice = Notice(
        kind=kind,
        title=(title or "")[:200],
        body=body or "",
        title_en=(title_en or "")[:200],
        body_en=body_en or "",
        url=(url or "")[:500],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        region=region,
        unit=unit,
        dedupe_key=dedupe_key[:200] if dedupe_key else None,
    )
    pending = getattr(_collected, "notices", None)
    if pending is not None and not dedupe_key:
        pending.append((notice, given))
        return len({getattr(item, "pk", item) for item in given})
    [people] = _people_of([given])
    # Inside the caller's transaction no savepoint of its own: a failure fails the caller.
    with transaction.atomic(savepoint=False):
        if dedupe_key:
            if Notice.objects.filter(dedupe_key=notice.dedupe_key).exists():
                return 0
            try:
                with transaction.atomic():  # a savepoint: a concurrent twin may win the key
                    notice.save()
            except IntegrityError:
                return 0
        _write_notices([(notice, people)], saved=bool(dedupe_key))
    return len(people)


_collected = threading.local()


@contextmanager
def notices_batched():
    """Within the block, notify() gathers its notices; they are written together at its end.

    For a service that notifies about many objects in one transaction (a bulk dispatch of 500
    problems): four INSERTs in all instead of four per notice. Use it inside the transaction;
    an exception discards what was gathered. Notices with a `dedupe_key` are written at once.
    """
    if getattr(_collected, "notices", None) is not None:  # nested: the outer block writes
        yield
        return
    _collected.notices = pending = []
    try:
        yield
    finally:
        _collected.notices = None
    if pending:
        people = _people_of([given for _notice, given in pending])
        with transaction.atomic(savepoint=False):
            _write_notices(
                [(notice, who) for (notice, _given), who in zip(pending, people, strict=True)]
            )


def _write_notices(entries: list[tuple[Notice, list[Person]]], *, saved: bool = False) -> None:
    """Insert notices, their inbox messages and their deliveries (bulk, in the transaction)."""
    if not saved:
        Notice.objects.bulk_create([notice for notice, _people_ in entries])
    messages = iter(
        Message.objects.bulk_create(
            [
                Message(notice=notice, recipient=person)
                for notice, people in entries
                for person in people
            ]
        )
    )
    channels = list(WebhookChannel.objects.filter(is_active=True).select_related("region"))
    now = timezone.now()
    deliveries = []
    for notice, people in entries:
        for person in people:
            message = next(messages)
            if person.email:
                deliveries.append(
                    Delivery(
                        notice=notice,
                        channel=DeliveryChannel.EMAIL,
                        message=message,
                        address=person.email,
                        next_attempt_at=now,
                    )
                )
        deliveries += [
            Delivery(
                notice=notice,
                channel=channel.kind,
                webhook=channel,
                address=channel.name[:254],
                next_attempt_at=now,
            )
            for channel in channels
            if _channel_matches(channel, notice, notice.region)
        ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        _schedule_on_commit()


class _Batch:
    """The notices of one transaction: the first of its on-commit callbacks queues a sweep."""

    done = False


_batches = threading.local()


def _schedule_on_commit() -> None:
    # Every notice registers a callback (a rolled-back savepoint drops its own), but the
    # notices of one transaction share a batch, so one callback queues and the others return
    # at once: 500 notices of a bulk dispatch cost one query, not 500. A batch left behind by
    # a rolled-back transaction is simply taken over by the next one.
    batch = getattr(_batches, "current", None)
    if batch is None or batch.done:
        batch = _batches.current = _Batch()
    transaction.on_commit(partial(_schedule_after_commit, batch))


def _schedule_after_commit(batch: _Batch | None = None) -> None:
    if batch is not None:
        if batch.done:
            return
        batch.done = True
    try:
        deliveries_schedule()
    except Exception:
        # The queue failing must not fail the user's request: the deliveries are stored, and
        # the next sweep (or `wenming tick`) sends them.
        logger.exception("could not queue the sending of deliveries")


def deliveries_schedule(*, at: datetime | None = None) -> bool:
    """Queue a sweep of due deliveries (at `at`, else now) unless one is already waiting.

    Returns whether a task was queued. Run after the deliveries' commit: a waiting sweep
    starts later than that commit, so it sees them. Several notices of one request therefore
    share one task; a sweep already running is not waiting, so a new one is queued.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    from .tasks import send_due_deliveries

    backend = send_due_deliveries.get_backend()
    if isinstance(backend, DatabaseBackend):
        by = at or timezone.now()
        waiting = DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=by),
            status=TaskResultStatus.READY,
            task_path=send_due_deliveries.module_path,
            backend_name=backend.alias,
        )
        if waiting.exists():
            return False
    if at is None:
        send_due_deliveries.enqueue()
    elif backend.supports_defer:
        send_due_deliveries.using(run_after=at).enqueue()
    else:  # a backend that cannot wait (immediate, in tests): `wenming tick` retries
        return False
    return True


# --- sending ------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    if not url:
        return ""
    if urlsplit(url).scheme in ("http", "https"):
        return url
    base = getattr(settings, "WENMING_SITE_URL", "")
    return urljoin(base.rstrip("/") + "/", url.lstrip("/")) if base else ""


def _outgoing(notice: Notice) -> robots.Outgoing:
    return robots.Outgoing(
        label=str(NotificationKind(notice.kind).label),
        title=notice.title,
        body=notice.body,
        link=_absolute(notice.url),
    )


def _reader_language(delivery: Delivery) -> str:
    """The language the e-mail's reader chose in the pages (the site's when they chose none)."""
    message = delivery.message
    chosen = getattr(getattr(message, "recipient", None), "language", "") if message else ""
    return chosen or settings.LANGUAGE_CODE


def _send_email(delivery: Delivery) -> robots.SendResult:
    notice = delivery.notice
    link = _absolute(notice.url)
    with translation.override(_reader_language(delivery)):
        title, body = notice.display_title, notice.display_body
        text = "\n\n".join(part for part in (body, link) if part)
        subject = f"[{NotificationKind(notice.kind).label}] {title}"
    try:
        send_mail(subject, text or title, None, [delivery.address], fail_silently=False)
    except Exception as exc:  # SMTP refusals, DNS, timeouts: all mean "try again later"
        return robots.SendResult(False, f"{type(exc).__name__}: {exc}"[:1000])
    return robots.SendResult(True)


def _send_webhook(delivery: Delivery) -> robots.SendResult:
    channel = delivery.webhook
    if channel is None:
        return robots.SendResult(False, _("The group robot was removed."))
    if not channel.is_active:
        return robots.SendResult(False, _("The group robot is switched off."))
    url, payload = robots.build_request(
        kind=channel.kind,
        url=channel.url,
        secret=channel.secret,
        out=_outgoing(delivery.notice),
        link_text=_("Open in Wenming"),
    )
    return robots.post_json(kind=channel.kind, url=url, payload=payload)


def _claim(delivery_id: int, now: datetime, *, force: bool = False) -> Delivery | None:
    """Take a due delivery for sending (compare-and-set, so two workers never both send it).

    A short transaction of its own: on SQLite it takes the write lock at BEGIN, in the write
    queue, instead of an autocommit UPDATE contending with page requests for the lock.
    """
    with transaction.atomic():
        row = (
            Delivery.objects.filter(pk=delivery_id)
            .values("attempts", "status", "next_attempt_at")
            .first()
        )
        if row is None or row["status"] == DeliveryStatus.SENT:
            return None
        if not force and (row["next_attempt_at"] is None or row["next_attempt_at"] > now):
            return None
        taken = Delivery.objects.filter(
            pk=delivery_id,
            attempts=row["attempts"],
            status=row["status"],
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE)
    if not taken:
        return None
    return Delivery.objects.select_related("notice", "webhook").get(pk=delivery_id)


def delivery_send(
    *, delivery_id: int, now: datetime | None = None, force: bool = False
) -> str | None:
    """Try one delivery if it is due; returns "sent", "failed", "gave_up" or None (not tried).

    Machine bookkeeping, not audited: the Delivery row and its attempt log are the record.
    """
    now = now or timezone.now()
    delivery = _claim(delivery_id, now, force=force)
    if delivery is None:
        return None
    # Group chats and e-mails speak the site's language, not the language of whoever
    # happened to trigger the send.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if delivery.channel == DeliveryChannel.EMAIL:
                result = _send_email(delivery)
            else:
                result = _send_webhook(delivery)
        except Exception as exc:  # a bug in a sender must not stop the other deliveries
            logger.exception("delivery %s crashed", delivery_id)
            result = robots.SendResult(False, f"{type(exc).__name__}: {exc}"[:1000])
    return _record(delivery, result, now)


def _record(delivery: Delivery, result: robots.SendResult, at: datetime) -> str:
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=at,
            ok=result.ok,
            http_status=result.http_status,
            error=result.error,
        )
        if result.ok:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SENT, sent_at=at, next_attempt_at=None, last_error=""
            )
            return "sent"
        gave_up = delivery.attempts >= max_attempts()
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED,
            last_error=result.error,
            next_attempt_at=None if gave_up else at + backoff(delivery.attempts),
        )
    return "gave_up" if gave_up else "failed"


def deliveries_retry_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every pending or failed delivery whose time has come (run by `wenming tick`)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "gave_up": 0}
    for delivery_id in ids:
        outcome = delivery_send(delivery_id=delivery_id, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


SWEEP_BATCH = 500


def deliveries_send_due() -> dict[str, int]:
    """Send everything due now, batch after batch; then queue a sweep for the next retry.

    What the worker's `send_due_deliveries` task runs. The next sweep waits for the earliest
    `next_attempt_at` left (a back-off, or the lease of a send that died), so retries need
    no cron.
    """
    totals = {"sent": 0, "failed": 0, "gave_up": 0}
    while True:
        counts = deliveries_retry_due(now=timezone.now(), limit=SWEEP_BATCH)
        for key, value in counts.items():
            totals[key] += value
        # A short batch means nothing more is due (or others hold the rest's claims).
        if sum(counts.values()) < SWEEP_BATCH:
            break
    upcoming = Delivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        next_attempt_at__isnull=False,
    ).aggregate(at=Min("next_attempt_at"))["at"]
    if upcoming is not None:
        deliveries_schedule(at=max(upcoming, timezone.now()))
    return totals


def delivery_retry(*, delivery_id: int, actor) -> Delivery:
    """The office asks for a failed delivery to be sent again now (a fresh set of attempts)."""
    _require_office(actor)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound()
        if delivery.status != DeliveryStatus.FAILED:
            raise InvalidInput(_("Only a failed delivery can be retried."), code="not_failed")
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        audit_record(
            action="delivery.retry",
            actor=actor,
            target=delivery,
            data={"channel": delivery.channel, "address": delivery.address},
        )
        transaction.on_commit(_schedule_after_commit)
    return delivery


# --- inbox ----------------------------------------------------------------------------------
# Reading one's own mail is personal state, like opening an e-mail: not audited.


def message_mark_read(*, message_id: int, actor) -> Message:
    """Mark one of the actor's own inbox messages as read (idempotent)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("notice")
            .filter(pk=message_id, recipient_id=getattr(actor, "pk", None))
            .first()
        )
        if message is None:
            raise NotFound()
        if message.read_at is None:
            message.read_at = timezone.now()
            message.save(update_fields=["read_at"])
    return message


def message_mark_all_read(*, actor) -> int:
    """Mark every unread message of the actor as read; returns how many were unread."""
    with transaction.atomic():
        return Message.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


# --- group robots -----------------------------------------------------------------------------


def _require_office(actor) -> None:
    require_office(actor)


def _clean_channel(*, name: str, kind: str, url: str, secret: str, kinds, region, unit) -> dict:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the robot a name of at most 100 characters."), code="name")
    if kind not in RobotKind.values:
        raise InvalidInput(_("Choose WeCom, DingTalk or Feishu."), code="kind")
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise InvalidInput(_("The webhook address must be an http(s) URL."), code="url")
    kinds = sorted(set(kinds or []))
    if not kinds or any(k not in NotificationKind.values for k in kinds):
        raise InvalidInput(_("Choose at least one notification kind."), code="kinds")
    secret = (secret or "").strip()
    if len(secret) > 200:
        raise InvalidInput(_("The signing secret is too long."), code="secret")
    return {
        "name": name,
        "kind": kind,
        "url": url,
        "secret": secret,
        "kinds": kinds,
        "region": region,
        "unit": unit,
    }


def _channel_audit(channel: WebhookChannel) -> dict:
    # The secret and the URL's key never enter the audit log.
    return {
        "name": channel.name,
        "kind": channel.kind,
        "host": urlsplit(channel.url).netloc,
        "kinds": channel.kinds,
        "region": channel.region.code if channel.region else None,
        "unit": channel.unit.code if channel.unit else None,
        "active": channel.is_active,
        "signed": bool(channel.secret),
    }


def webhook_channel_create(
    *,
    actor,
    name: str,
    kind: str,
    url: str,
    secret: str = "",
    kinds=(),
    region: Region | None = None,
    unit: Unit | None = None,
    is_active: bool = True,
    is_demo: bool = False,
) -> WebhookChannel:
    """The office adds a group robot that receives the chosen kinds of notices."""
    _require_office(actor)
    fields = _clean_channel(
        name=name, kind=kind, url=url, secret=secret, kinds=kinds, region=region, unit=unit
    )
    with transaction.atomic():
        channel = WebhookChannel.objects.create(**fields, is_active=is_active, is_demo=is_demo)
        audit_record(
            action="webhook.create", actor=actor, target=channel, data=_channel_audit(channel)
        )
    return channel


def webhook_channel_update(
    *,
    actor,
    channel_id: int,
    name: str,
    kind: str,
    url: str,
    secret: str | None = None,
    kinds=(),
    region: Region | None = None,
    unit: Unit | None = None,
    is_active: bool = True,
) -> WebhookChannel:
    """The office changes a group robot; `secret=None` keeps the stored secret."""
    _require_office(actor)
    with transaction.atomic():
        channel = WebhookChannel.objects.select_for_update().filter(pk=channel_id).first()
        if channel is None:
            raise NotFound()
        fields = _clean_channel(
            name=name,
            kind=kind,
            url=url,
            secret=channel.secret if secret is None else secret,
            kinds=kinds,
            region=region,
            unit=unit,
        )
        before = _channel_audit(channel)
        for key, value in fields.items():
            setattr(channel, key, value)
        channel.is_active = is_active
        channel.save()
        audit_record(
            action="webhook.update",
            actor=actor,
            target=channel,
            data={"before": before, "after": _channel_audit(channel)},
        )
    return channel


def webhook_channel_delete(*, actor, channel_id: int) -> None:
    """The office removes a group robot; its past deliveries stay on record."""
    _require_office(actor)
    with transaction.atomic():
        channel = WebhookChannel.objects.select_for_update().filter(pk=channel_id).first()
        if channel is None:
            raise NotFound()
        audit_record(
            action="webhook.delete", actor=actor, target=channel, data=_channel_audit(channel)
        )
        channel.delete()


def webhook_channel_test(*, actor, channel_id: int) -> robots.SendResult:
    """Post a test message to a group robot at once and report what it answered."""
    _require_office(actor)
    channel = WebhookChannel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise NotFound()
    with translation.override(settings.LANGUAGE_CODE):
        out = robots.Outgoing(
            label=_("Test"),
            title=_("Wenming test message"),
            body=_("If you can read this, the group robot works."),
            link=_absolute("/"),
        )
        url, payload = robots.build_request(
            kind=channel.kind,
            url=channel.url,
            secret=channel.secret,
            out=out,
            link_text=_("Open in Wenming"),
        )
    result = robots.post_json(kind=channel.kind, url=url, payload=payload)
    audit_record(
        action="webhook.test",
        actor=actor,
        target=channel,
        data={"ok": result.ok, "error": result.error[:200]},
    )
    return result
