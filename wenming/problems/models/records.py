"""A problem's timeline events and evidence photos."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.scope import ScopeRule

from .choices import EventKind, Status
from .problem import Problem


class ProblemRecord(models.Model):
    """What a problem's events and photos share: the problem's scope, and the unit and
    district they are counted under (denormalised when written, for grouped metrics such as
    the accurate dispatch rate and evidence flags per unit)."""

    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    district = models.ForeignKey(
        "org.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    SCOPE = ScopeRule(
        region="problem__region",
        units=("problem__responsible_unit", "problem__id__co_unit"),
        assignee="problem__reported_by",
    )

    class Meta:
        abstract = True


class ProblemEvent(ProblemRecord):
    """One row of a problem's timeline: who did what, when, from which status to which."""

    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(ProblemRecord.Meta):
        ordering = ["created_at", "id"]
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        indexes = [
            models.Index(fields=["problem", "created_at", "id"], name="pevent_problem_time"),
            # Covers the month's dispatches and returns grouped by unit or district.
            models.Index(
                fields=["action", "created_at", "unit", "district"], name="pevent_action_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class PhotoKind(models.TextChoices):
    BEFORE = "before", pgettext_lazy("photo kind", "Before")
    AFTER = "after", pgettext_lazy("photo kind", "After")


class ProblemPhoto(ProblemRecord):
    """An evidence photo with its integrity checks (after-photos only are checked)."""

    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="photos",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PhotoKind.choices)
    # The problem's rework count at upload: a rectification uses the photos of its round.
    round = models.PositiveSmallIntegerField(default=0)
    event = models.ForeignKey(
        ProblemEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
        db_index=False,
    )
    path = models.CharField(max_length=300)
    thumb_path = models.CharField(max_length=300)
    public_path = models.CharField(max_length=300)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    phash = models.CharField(max_length=32)
    # The 64-bit perceptual hash cut in four 16-bit bands: two hashes within Hamming distance
    # 3 share at least one band (pigeonhole), so near-copy candidates come from four indexes.
    ph0 = models.PositiveIntegerField(default=0)
    ph1 = models.PositiveIntegerField(default=0)
    ph2 = models.PositiveIntegerField(default=0)
    ph3 = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(_("distance from the problem (m)"), null=True, blank=True)
    flag_before_dispatch = models.BooleanField(_("taken before dispatch"), default=False)
    flag_far = models.BooleanField(_("taken far from the problem"), default=False)
    flag_copy_other = models.BooleanField(_("near-copy of another problem's photo"), default=False)
    flag_copy_before = models.BooleanField(_("near-copy of the before-photo"), default=False)
    is_flagged = models.BooleanField(_("flagged"), default=False)
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta(ProblemRecord.Meta):
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        indexes = [
            models.Index(fields=["problem", "kind"], name="pphoto_problem_kind"),
            models.Index(fields=["ph0"], name="pphoto_ph0"),
            models.Index(fields=["ph1"], name="pphoto_ph1"),
            models.Index(fields=["ph2"], name="pphoto_ph2"),
            models.Index(fields=["ph3"], name="pphoto_ph3"),
            models.Index(fields=["kind", "uploaded_at"], name="pphoto_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind} {self.pk}"

    @property
    def flags(self) -> list[str]:
        names = []
        for name in ("before_dispatch", "far", "copy_other", "copy_before"):
            if getattr(self, f"flag_{name}"):
                names.append(name)
        if self.no_metadata:
            names.append("no_metadata")
        return names

    @property
    def no_metadata(self) -> bool:
        """An after-photo without camera time or GPS: the time and place checks could not run
        (kept as the empty columns, so no flag column is needed)."""
        return self.kind == PhotoKind.AFTER and (self.taken_at is None or self.lat is None)
