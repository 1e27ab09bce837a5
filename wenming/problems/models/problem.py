"""The problem row, its category and its yearly code counter.

The ledger is read by many filters at a million rows, so every filter the ledger offers has a
composite index ending in its sort key, and what the filters need is denormalised onto the
problem row (district and street besides the community, `is_open` / `is_pending` besides the
status). Services keep those columns consistent; check constraints refuse anything else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Lookup
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.naming import BilingualName
from wenming.core.scope import ScopeRule

from .choices import (
    EVERY_ROLE,
    NOT_OPEN_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    CategoryKind,
    ProblemClass,
    Severity,
    Source,
    Status,
    Subject,
)


class Category(BilingualName, models.Model):
    """A problem category (class × subject), edited by the office."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    problem_class = models.CharField(_("class"), max_length=10, choices=ProblemClass.choices)
    subject = models.CharField(
        pgettext_lazy("category", "subject"), max_length=20, choices=Subject.choices
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CategoryKind.choices)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=5)
    after_photo_required = models.BooleanField(_("after-photo required"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    # Reference data: everyone who works in the system reads the whole list.
    SCOPE = ScopeRule(reference_for=EVERY_ROLE)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        constraints = [
            models.CheckConstraint(
                name="category_deadline_positive",
                condition=Q(deadline_days__gte=1) & Q(deadline_days__lte=365),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class CoUnitLookup(Lookup):
    """`id__co_unit=<unit id>`: the problem lists that unit among its co-units.

    Written as `id IN (SELECT problem_id FROM <co-units table> WHERE unit_id = %s)` so the
    data scope of a unit officer needs neither a join nor DISTINCT over the ledger.
    """

    lookup_name = "co_unit"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        through = Problem.co_units.through._meta
        table = connection.ops.quote_name(through.db_table)
        problem_col = connection.ops.quote_name(through.get_field("problem").column)
        unit_col = connection.ops.quote_name(through.get_field("unit").column)
        # For a page (ORDER BY … LIMIT) on SQLite, a unary + keeps the planner from driving the
        # query through this rarely-used branch (a multi-index OR, then a sort of every row of
        # the unit): it walks the ledger's sort index and checks the branch as it goes. Counts
        # keep the multi-index OR, which is the fast way to count.
        page = bool(compiler.query.order_by) and compiler.query.high_mark is not None
        plus = "+" if connection.vendor == "sqlite" and page else ""
        # Identifiers come from the model's metadata (quoted); the unit id is a parameter.
        sql = f"{plus}{lhs} IN (SELECT {problem_col} FROM {table} WHERE {unit_col} = %s)"  # noqa: S608
        return sql, [*lhs_params, int(self.rhs)]


def _created_index(field: str) -> models.Index:
    return models.Index(fields=[field, "created_at", "id"], name=f"problem_{field[:12]}_created")


class Problem(models.Model):
    """One problem of the ledger, from report to verified fix."""

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    # The code's parts as integers: a code prefix becomes an index range on these two.
    code_year = models.PositiveSmallIntegerField(editable=False)
    code_serial = models.PositiveIntegerField(editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="problems",
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="problems",
        db_index=False,
    )
    # Denormalised ancestors of `region`, so a district or street list is one index range.
    district = models.ForeignKey(
        "org.Region",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    street = models.ForeignKey(
        "org.Region",
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    point = models.ForeignKey(
        "points.Point",
        verbose_name=_("assessment point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        db_index=False,
    )
    checklist_item = models.ForeignKey(
        "standards.ChecklistItem",
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        db_index=False,
    )
    standard = models.ForeignKey(
        "standards.Standard",
        verbose_name=_("standard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        db_index=False,  # problem_standard, partial
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    responsible_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        db_index=False,
    )
    # When the problem is dispatched to a locality (a district or street) instead of a unit.
    handling_region = models.ForeignKey(
        "org.Region",
        verbose_name=_("responsible region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    co_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("supporting units"), blank=True, related_name="co_problems"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    original_deadline = models.DateField(_("first deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    is_open = models.BooleanField(_("open"), default=True)
    is_pending = models.BooleanField(_("awaiting handling"), default=False)
    # Bumped by every write: a client may send the version it saw (compare-and-set).
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    held_at = models.DateTimeField(_("put on hold"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # Local (Asia/Shanghai) dates of the last rectification and the close, so "on time" is a
    # plain date comparison with the deadline in SQL.
    rectified_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # Working days from dispatch to the last rectification (metrics average it in SQL).
    handling_days = models.PositiveSmallIntegerField(null=True, blank=True)

    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopenings"), default=0)
    also_reported_count = models.PositiveIntegerField(_("also reported"), default=0)
    flagged_photo_count = models.PositiveSmallIntegerField(_("flagged photos"), default=0)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        db_index=False,  # problem_duplicate_of, partial
    )
    recurrence_of = models.ForeignKey(
        "self",
        verbose_name=_("recurrence of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recurrences",
        db_index=False,  # problem_recurrence_of, partial
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Visible to the office only.
    reporter_name = models.CharField(_("reporter"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=30, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # The city's 12345 hotline ticket a clerk transcribes, found again by an exact look-up.
    # NULL, not "", when there is none: the partial index then skips every other report, and
    # `hotline_ticket = %s` implies IS NOT NULL on both databases, so the look-up uses it.
    hotline_ticket = models.CharField(
        _("12345 ticket number"), max_length=40, null=True, blank=True
    )

    hold_plan = models.TextField(_("plan"), blank=True)
    hold_until = models.DateField(_("target date"), null=True, blank=True)
    extension_requested_until = models.DateField(_("requested deadline"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    # A handler's pending request for a long-term hold (挂账), until the office answers.
    hold_requested_until = models.DateField(_("requested hold target date"), null=True, blank=True)
    hold_request_plan = models.TextField(_("requested hold plan"), blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The deadline a due-soon / overdue notice was last sent for (keeps `wenming tick` cheap).
    due_soon_notice_for = models.DateField(null=True, blank=True)
    overdue_notice_for = models.DateField(null=True, blank=True)
    # Search grams of title and address (see search.py), indexed by FTS5 / a GIN index.
    search_text = models.TextField(blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(
        region="region", units=("responsible_unit", "id__co_unit"), assignee="reported_by"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["created_at", "id"], name="problem_created"),
            _created_index("status"),
            # Partial indexes: "open" and "awaiting handling" are a small part of the ledger.
            # (A bare boolean test cannot bound a composite index on SQLite; a partial index
            # whose condition the query repeats is used on both databases.)
            models.Index(
                fields=["created_at", "id"], condition=Q(is_open=True), name="problem_open_created"
            ),
            # A district's newest open problems (its map for a district officer): the district's
            # index by report time walks its closed problems too (58–79 ms at 1,000,000).
            models.Index(
                fields=["district", "created_at", "id"],
                condition=Q(is_open=True),
                name="problem_district_open",
            ),
            # What to fix first reads the open problems born of a checklist item, by item: the
            # status index found them but fetched 40,000 table rows for their item (SQLite,
            # 1,000,000 problems: ~190 ms); this one covers the read (item, status, rowid).
            models.Index(
                fields=["checklist_item", "status"],
                condition=Q(is_open=True),
                name="problem_open_item",
            ),
            models.Index(
                fields=["deadline", "id"],
                condition=Q(is_pending=True),
                name="problem_pending_deadline",
            ),
            # The region column at the end lets a region officer's scope (region IN subtree)
            # be checked inside the index, without reading the rows.
            models.Index(
                fields=["district", "created_at", "id", "region"], name="problem_district_created"
            ),
            models.Index(
                fields=["street", "created_at", "id", "region"], name="problem_street_created"
            ),
            _created_index("region"),
            # Whole, not partial, as problem_unit_status below: PostgreSQL counts a unit
            # officer's ledger (unit OR co-unit) by reading one of them through.
            _created_index("responsible_unit"),
            _created_index("category"),
            _created_index("source"),
            _created_index("reported_by"),
            # Counts by status of a district (with its scope check) or a unit: one index-only
            # GROUP BY for the ledger's status chips.
            models.Index(fields=["district", "status", "region"], name="problem_district_status"),
            models.Index(fields=["responsible_unit", "status"], name="problem_unit_status"),
            # What a district, a unit or a locality has to handle, by deadline (home panels,
            # "overdue" and "due soon" lists of an officer).
            models.Index(
                fields=["district", "deadline", "id", "region"],
                condition=Q(is_pending=True),
                name="problem_district_pending",
            ),
            models.Index(
                fields=["responsible_unit", "deadline", "id"],
                condition=Q(is_pending=True),
                name="problem_unit_pending",
            ),
            models.Index(
                fields=["handling_region", "deadline", "id"],
                condition=Q(is_pending=True),
                name="problem_hregion_pending",
            ),
            # Covers a month's metrics: the due set is a deadline range read from the index
            # alone, grouped by district or unit (metrics.py).
            models.Index(
                fields=[
                    "deadline",
                    "status",
                    "district",
                    "responsible_unit",
                    "is_pending",
                    "closed_on",
                    "rectified_on",
                    "rework_count",
                    "extension_count",
                    "recurrence_of",
                    "handling_days",
                ],
                condition=Q(deadline__isnull=False),
                name="problem_due_cover",
            ),
            models.Index(fields=["category", "lat", "lon"], name="problem_category_place"),
            models.Index(
                fields=["hotline_ticket"],
                condition=Q(hotline_ticket__isnull=False),
                name="problem_hotline_ticket",
            ),
            # The office finds a caller's reports by phone (the ledger's search box); reports
            # without a number (inspections, self-found) stay out of it.
            models.Index(
                fields=["reporter_phone"],
                condition=Q(reporter_phone__gt=""),
                name="problem_reporter_phone",
            ),
            models.Index(
                fields=["point", "closed_at"],
                condition=Q(point__isnull=False),
                name="problem_point_closed",
            ),
            # Links most problems do not have: indexed only where they are set.
            *(
                models.Index(fields=[link], condition=Q(**{f"{link}__isnull": False}), name=name)
                for link, name in (
                    ("standard", "problem_standard"),
                    ("duplicate_of", "problem_duplicate_of"),
                    ("recurrence_of", "problem_recurrence_of"),
                )
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code_year", "code_serial"], name="problem_code_unique"
            ),
            models.CheckConstraint(
                name="problem_open_flag",
                condition=(
                    Q(is_open=True, status__in=OPEN_STATUSES)
                    | Q(is_open=False, status__in=NOT_OPEN_STATUSES)
                ),
            ),
            models.CheckConstraint(
                name="problem_pending_flag",
                condition=(
                    Q(is_pending=True, status__in=PENDING_STATUSES)
                    | (Q(is_pending=False) & ~Q(status__in=PENDING_STATUSES))
                ),
            ),
            models.CheckConstraint(
                name="problem_lat_range",
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)),
            ),
            models.CheckConstraint(
                name="problem_lon_range",
                condition=Q(lon__isnull=True) | (Q(lon__gte=-180) & Q(lon__lte=180)),
            ),
            models.CheckConstraint(
                name="problem_one_handler",
                condition=Q(responsible_unit__isnull=True) | Q(handling_region__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def handler_display(self) -> str:
        if self.responsible_unit_id:
            return self.responsible_unit.display_name
        if self.handling_region_id:
            return self.handling_region.display_name
        return ""


Problem._meta.get_field("id").register_lookup(CoUnitLookup)


class ProblemCounter(models.Model):
    """The last serial issued per year; locked while a code is allocated."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("problem code counter")
