"""Shared kernel tables: the hash-chained audit log and personal API tokens."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenming.core.roles import Role
from wenming.core.scope import ScopeRule


class ActivityRecord(models.Model):
    """What an app's append-only change log shares (points, evaluation systems): when, who,
    what, and the details; each app adds the object it is about."""

    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        # An app whose log names its actions says so with `action_label`; else the code.
        return str(getattr(self, "action_label", self.action))


class AuditEntry(models.Model):
    """One append-only line of the global audit log; `hash` chains it to the line before."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,  # audit_actor_time leads with it
    )
    # Kept as text too, so the chain stays verifiable if a person is renamed or removed.
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            # The activity page's newest-first pages and date ranges (1M entries, SQLite:
            # 1.5 s → 0.2 ms a page); an append only adds at the index's right edge.
            models.Index(fields=["created_at"], name="audit_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"


class AuditHead(models.Model):
    """The single row every audit append locks, so entries form one unbroken chain."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # HMAC of a fixed label under the audit key: names the key the chain is written with
    # (so a wrong key is told apart from tampering) and reveals nothing of it.
    key_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit head")


class AuditCheckKind(models.TextChoices):
    VERIFY = "verify", _("verification")
    ANCHOR = "anchor", _("anchor")


class AuditCheck(models.Model):
    """The outcome of one `audit verify` or `audit anchor` run, for the activity page.

    Kept beside the chain, not in it: a check appending to the log it checks would change the
    log every check reads (and every anchor would anchor the previous check). A forged row here
    can only make the page claim a check that never ran; `audit verify` itself reads the chain.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=AuditCheckKind.choices)
    ok = models.BooleanField(_("passed"), default=False)
    key_mismatch = models.BooleanField(default=False)
    # verify: entries recomputed; anchor: the anchored head's sequence number.
    checked = models.PositiveBigIntegerField(default=0)
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    anchors_checked = models.PositiveIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)
    # "command" (wenming audit …, e.g. from cron) or "worker" (asked for on the activity page).
    via = models.CharField(max_length=10, default="command")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "-finished_at"], name="audit_check_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {'ok' if self.ok else 'failed'} {self.finished_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A personal token for the JSON API; only its SHA-256 is stored, the secret is shown once."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off (holiday)")
    WORKDAY = "workday", _("Working day (make-up workday)")


class Holiday(models.Model):
    """An office-entered calendar day that overrides chinese-calendar and the Mon–Fri rule.

    The office enters the State Council's arrangement for a year the package does not know yet
    (a holiday on a weekday, or a make-up workday on a weekend), or a local exception.
    Written only through `wenming.core.calendar.holiday_set` / `holiday_delete`.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Reference data: every signed-in role reads the calendar deadlines are counted on.
    SCOPE = ScopeRule(reference_for=frozenset(Role.values))

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holidays and make-up workdays")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class HolidayYear(models.Model):
    """The office's word that a year's list of holidays and make-up workdays is complete.

    Entering one day says nothing about the others, so a year the package does not know counts
    as covered by the calendar only once the office marks its list complete here (until then
    the home page keeps warning that deadlines in it count Monday to Friday, apart from the
    days entered). Written only through `wenming.core.calendar.holiday_year_mark`.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(_("list complete"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    SCOPE = ScopeRule(reference_for=frozenset(Role.values))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday list of a year")
        verbose_name_plural = _("holiday lists by year")

    def __str__(self) -> str:
        return str(self.year)


class IdempotencyRecord(models.Model):
    """The answer to a POST carrying an Idempotency-Key, replayed on a retry.

    A request claims its key first (`pending`) and fills in its answer in the transaction of
    its write, so a retry that arrives meanwhile waits for that answer (`core.idempotency`).
    """

    key = models.CharField(max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    endpoint = models.CharField(max_length=200)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    # SHA-256 of a JSON request body: the same key with another body is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Claimed by a request still running; its answer is not there yet.
    pending = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "endpoint", "key"], name="idempotency_unique"),
        ]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("running")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """A long generated document the worker makes for the person who asked (core/jobs.py)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # Saved through Django's storage API (local folder or object store), read only through
    # the owner's download view.
    result = models.FileField(upload_to="jobs/%Y/%m/", blank=True, max_length=300)
    result_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
