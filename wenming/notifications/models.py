"""Notifications: one Notice per event, an inbox Message per recipient, a Delivery per channel.

Delivery is kept apart from the lifecycle that caused it (domain.md, "lessons"): a problem is
dispatched whether or not the DingTalk group could be reached; the Delivery row records the
attempts, the backoff and the last error, and the office sees the failures.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.naming import bilingual
from wenming.core.scope import ScopeRule
from wenming.org.models import Region, Unit


class NotificationKind(models.TextChoices):
    # Labels are what happened (已派遣, 已结案), in a context of their own: the bare words
    # "Dispatched"/"Closed" are the ledger's column heads elsewhere (派遣时间, 结案时间).
    DISPATCH = "dispatch", pgettext_lazy("notification kind", "Dispatched")
    DUE_SOON = "due_soon", pgettext_lazy("notification kind", "Due soon")
    OVERDUE = "overdue", pgettext_lazy("notification kind", "Overdue")
    RETURN = "return", pgettext_lazy("notification kind", "Returned")
    REWORK = "rework", pgettext_lazy("notification kind", "Sent back for rework")
    CLOSE = "close", pgettext_lazy("notification kind", "Closed")
    ESCALATION = "escalation", pgettext_lazy("notification kind", "Escalated")
    # The office granted or refused a handler's extension or hold request.
    DECISION = "decision", pgettext_lazy("notification kind", "Request answered")
    # The audit chain's head, posted to the office's robots by `wenming audit anchor`.
    AUDIT_ANCHOR = "audit_anchor", _("Audit log anchor")
    # A supervision order (督办单) issued to a unit, or its answer reaching the office.
    SUPERVISION = "supervision", pgettext_lazy("notification kind", "Supervision order")
    # A unit submitted a task (or material) for the office's acceptance.
    SUBMITTED = "submitted", pgettext_lazy("notification kind", "Submitted for acceptance")


class Notice(models.Model):
    """One event worth telling people about (a dispatch, an overdue problem …)."""

    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # The same words in English, for a reader whose pages are in English; older notices and
    # those written in one language only have none, and are shown in Chinese.
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    body_en = models.TextField(_("English text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    # Where the event happened, taken from the target; robots may be limited to a region/unit.
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("member unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A repeated notify() with the same key creates nothing (ticks run every few minutes).
    dedupe_key = models.CharField(
        _("de-duplication key"), max_length=200, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="region", units=("unit",))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["target_type", "target_id"], name="notice_target")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's language (English when recorded, else Chinese)."""
        return bilingual(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return bilingual(self.body, self.body_en) if self.body else ""


class Message(models.Model):
    """A notice in one person's in-app inbox."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="messages"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="inbox_messages",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # Who could read a message in principle; the inbox itself always narrows to one's own.
    SCOPE = ScopeRule(region="recipient__region", units=("recipient__unit",), assignee="recipient")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        constraints = [
            models.UniqueConstraint(fields=["notice", "recipient"], name="message_once_per_person"),
        ]
        indexes = [
            # The inbox page (newest first) and the unread badge on every page.
            models.Index(fields=["recipient", "-id"], name="message_inbox"),
            models.Index(
                fields=["recipient", "id"], name="message_unread", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ← {self.notice.title}"


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")


class WebhookChannel(models.Model):
    """A group-chat robot the office posts notices to (WeCom, DingTalk or Feishu)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("robot"), max_length=10, choices=RobotKind.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    # DingTalk ("SEC…") and Feishu sign each request with this secret when it is set.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    kinds = models.JSONField(_("notification kinds"), default=list)
    region = models.ForeignKey(
        Region,
        verbose_name=_("only for region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("only for member unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Configuration of the office: only office admins and leaders read it.
    SCOPE = ScopeRule()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(NotificationKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds or []]


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """Sending one notice through one channel: pending → sent, or failed and retried later.

    A failed delivery with `next_attempt_at` set will be retried by `wenming tick`; with
    `next_attempt_at` empty it has used up its attempts and waits for the office.
    """

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    webhook = models.ForeignKey(
        WebhookChannel,
        verbose_name=_("group robot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("inbox message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    SCOPE = ScopeRule()  # delivery bookkeeping is the office's business

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The retry sweep: due rows that are still pending or failed.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["status", "-id"], name="delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address} [{self.status}]"

    @property
    def gave_up(self) -> bool:
        return self.status == DeliveryStatus.FAILED and self.next_attempt_at is None


class DeliveryAttempt(models.Model):
    """One try at sending a delivery (append-only), so the office can see what happened."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("time"))
    ok = models.BooleanField(_("succeeded"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    SCOPE = ScopeRule()

    class Meta:
        ordering = ["delivery", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'failed'}"
