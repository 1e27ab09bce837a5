"""Tasks (任务) with their milestones, dated progress reports, timeline events and reminders.

The state machine lives in `lifecycle.py`; the six implementations in `implementations.py`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.scope import ScopeRule

from .campaigns import Campaign, WorkPlan


# In a context of their own: the ledger's problems use the same English words for other
# things ("In progress" is 整改中 there, 进行中 for a task).
class Status(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("task status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
    SUBMITTED = "submitted", pgettext_lazy("task status", "Submitted for acceptance")
    ACCEPTED = "accepted", pgettext_lazy("task status", "Accepted")
    RETURNED = "returned", pgettext_lazy("task status", "Returned")


# Statuses a task can still move from: the ones reminders, overdue and "live" look at.
OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED)


class Action(models.TextChoices):
    START = "start", _("Start")
    SUBMIT = "submit", _("Submit for acceptance")
    ACCEPT = "accept", _("Accept")
    RETURN = "return", _("Return")


class Task(models.Model):
    """One task of a campaign: what, who leads, who helps, where, by when, and its state.

    A task generated from the standards is a draft (`is_published` false) that only the office
    sees until it publishes it; `source_standard` makes generating twice a no-op.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="tasks"
    )
    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    standards = models.ManyToManyField(
        "standards.Standard", verbose_name=_("linked standards"), blank=True, related_name="tasks"
    )
    source_standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("generated from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    co_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("co-units"), blank=True, related_name="co_tasks"
    )
    regions = models.ManyToManyField(
        "org.Region", verbose_name=_("regions"), blank=True, related_name="plan_tasks"
    )
    person_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks_in_charge",
    )
    start = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    is_published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Kept from the latest progress report, so the ledger and the six implementations need
    # no join to the 50,000 reports.
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    last_progress_on = models.DateField(_("last progress report"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    review_note = models.TextField(_("acceptance comments"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Region officers see tasks assigned to a region in their subtree; unit officers the tasks
    # their unit leads or helps with. Drafts are narrowed away by the selectors, not here.
    SCOPE = ScopeRule(region="regions", units=("lead_unit", "co_units"), distinct=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                name="task_deadline_after_start", condition=Q(deadline__gte=F("start"))
            ),
            models.CheckConstraint(
                name="task_progress_percent", condition=Q(progress_percent__lte=100)
            ),
            models.UniqueConstraint(
                fields=["campaign", "source_standard"],
                condition=Q(source_standard__isnull=False),
                name="task_generated_once",
            ),
        ]
        indexes = [
            # The ledger's order; "published" is checked on the way (nearly every task is), as
            # SQLite cannot use a bare boolean term to seek an index.
            models.Index(fields=["deadline", "id"], name="task_deadline"),
            models.Index(fields=["status", "deadline", "id"], name="task_status_deadline"),
            # Covers the ledger's counts (by status, overdue, per lead unit) without reading
            # the rows: 0.5 ms instead of 8 at 5,000 tasks on SQLite.
            models.Index(
                fields=["is_published", "status", "deadline", "lead_unit"], name="task_counts"
            ),
            models.Index(fields=["lead_unit", "deadline", "id"], name="task_unit_deadline"),
            models.Index(fields=["campaign", "deadline", "id"], name="task_campaign_deadline"),
            models.Index(fields=["plan", "deadline", "id"], name="task_plan_deadline"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A step of a task with its own deadline (no later than the task's)."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["task", "deadline", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["deadline", "task"], name="milestone_deadline"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskProgress(models.Model):
    """A dated progress report: how far (percent), what was done, and its attachments."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField(_("date"))
    percent = models.PositiveSmallIntegerField(_("percent"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(name="progress_percent_range", condition=Q(percent__lte=100)),
        ]
        indexes = [
            models.Index(fields=["task", "reported_on", "id"], name="progress_task_date"),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on} · {self.percent}%"


class ProgressAttachment(models.Model):
    """A file attached to a progress report, stored through Django's storage API."""

    progress = models.ForeignKey(
        TaskProgress,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(_("stored name"), max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        ordering = ["progress", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TaskEvent(models.Model):
    """One row of a task's timeline: who did what, when, from which status to which."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        indexes = [
            models.Index(fields=["task", "created_at", "id"], name="tevent_task_time"),
        ]

    def __str__(self) -> str:
        from ..lifecycle import EVENT_LABELS

        return str(EVENT_LABELS.get(self.action, self.action))


class TaskReminder(models.Model):
    """A reminder or escalation already sent, so the tick sends each one once a day."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reminders"
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), null=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=12)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("task reminder")
        verbose_name_plural = _("task reminders")
