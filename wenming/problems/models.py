"""Tables of the problem ledger: categories, problems, their events and photos, routing.

Statuses, actions and sources are contracts (issue 4): their codes never change; labels may.
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
from wenming.org.roles import Role


class ProblemClass(models.TextChoices):
    """The four kinds of failing the campaign fights: 脏、乱、差、缺."""

    DIRTY = "dirty", pgettext_lazy("problem class", "Dirty")
    CHAOTIC = "chaotic", pgettext_lazy("problem class", "Chaotic")
    POOR = "poor", pgettext_lazy("problem class", "Poor")
    LACKING = "lacking", pgettext_lazy("problem class", "Lacking")


class Subject(models.TextChoices):
    APPEARANCE = "appearance", pgettext_lazy("problem subject", "City appearance")
    SANITATION = "sanitation", pgettext_lazy("problem subject", "Environmental sanitation")
    ADVERTISING = "advertising", pgettext_lazy("problem subject", "Advertising and signage")
    CONSTRUCTION = "construction", pgettext_lazy("problem subject", "Construction")
    STREET_ORDER = "street_order", pgettext_lazy("problem subject", "Street order")
    PARKING = "parking", pgettext_lazy("problem subject", "Parking order")
    FACILITIES = "facilities", pgettext_lazy("problem subject", "Public facilities")
    ROADS = "roads", pgettext_lazy("problem subject", "Roads")
    GREENING = "greening", pgettext_lazy("problem subject", "Greening")
    TRAFFIC = "traffic", pgettext_lazy("problem subject", "Traffic order")
    MARKET_ORDER = "market_order", pgettext_lazy("problem subject", "Market order")
    PSA = "psa", pgettext_lazy("problem subject", "Public-service ads")
    SIGNAGE = "signage", pgettext_lazy("problem subject", "Signs and guidance")
    SERVICE = "service", pgettext_lazy("problem subject", "Public services")
    CIVIL_BEHAVIOUR = "civil_behaviour", pgettext_lazy("problem subject", "Civil behaviour")
    OTHER = "other", pgettext_lazy("problem subject", "Other")


class CategoryKind(models.TextChoices):
    """Digital urban management: facilities go to the owner first, events to the locality."""

    FACILITY = "facility", pgettext_lazy("category kind", "Facility")
    EVENT = "event", pgettext_lazy("category kind", "Event")


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("problem status", "New")
    REGISTERED = "registered", pgettext_lazy("problem status", "Registered")
    DISPATCHED = "dispatched", pgettext_lazy("problem status", "Dispatched")
    IN_PROGRESS = "in_progress", pgettext_lazy("problem status", "In progress")
    RECTIFIED = "rectified", pgettext_lazy("problem status", "Rectified, awaiting verification")
    CLOSED = "closed", pgettext_lazy("problem status", "Closed")
    REJECTED = "rejected", pgettext_lazy("problem status", "Rejected")
    ON_HOLD = "on_hold", pgettext_lazy("problem status", "On hold")


# State kinds are fixed even if labels change (domain.md); every metric reads the kind.
OPEN_STATUSES = (
    Status.NEW,
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RECTIFIED,
    Status.ON_HOLD,
)
# The handler owes work and the deadline runs: what "overdue" and "due soon" look at.
PENDING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)
# When the problem last reached each stage (Problem fields; the detail answer lists them all).
STAGE_TIMES = (
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "rectified_at",
    "closed_at",
    "rejected_at",
    "held_at",
    "reopened_at",
)
NOT_OPEN_STATUSES = (Status.CLOSED, Status.REJECTED)


def status_flags(status: str) -> dict:
    """The denormalised columns that follow from a status (services and bulk loaders use it)."""
    return {
        "status": status,
        "is_open": status in OPEN_STATUSES,
        "is_pending": status in PENDING_STATUSES,
    }


class Action(models.TextChoices):
    REGISTER = "register", pgettext_lazy("problem action", "Register")
    REJECT = "reject", pgettext_lazy("problem action", "Reject")
    DISPATCH = "dispatch", pgettext_lazy("problem action", "Dispatch")
    RETURN = "return", pgettext_lazy("problem action", "Return")
    ACCEPT = "accept", pgettext_lazy("problem action", "Accept")
    RECTIFY = "rectify", pgettext_lazy("problem action", "Report rectification")
    VERIFY_PASS = "verify_pass", pgettext_lazy("problem action", "Verify")
    VERIFY_FAIL = "verify_fail", pgettext_lazy("problem action", "Send back for rework")
    REQUEST_EXTENSION = "request_extension", pgettext_lazy("problem action", "Request an extension")
    APPROVE_EXTENSION = (
        "approve_extension",
        pgettext_lazy("problem action", "Approve the extension"),
    )
    DENY_EXTENSION = "deny_extension", pgettext_lazy("problem action", "Deny the extension")
    HOLD = "hold", pgettext_lazy("problem action", "Put on hold")
    RESUME = "resume", pgettext_lazy("problem action", "Resume")
    REOPEN = "reopen", pgettext_lazy("problem action", "Reopen")
    # A unit asks for the long-term hold (挂账); the office answers with `hold` or `deny_hold`.
    REQUEST_HOLD = "request_hold", pgettext_lazy("problem action", "Request a long-term hold")
    DENY_HOLD = "deny_hold", pgettext_lazy("problem action", "Deny the hold")


class EventKind(models.TextChoices):
    """What a timeline row records: a transition (its action) or another change."""

    CREATE = "create", pgettext_lazy("problem event", "Reported")
    REGISTER = "register", pgettext_lazy("problem event", "Registered")
    REJECT = "reject", pgettext_lazy("problem event", "Rejected")
    DISPATCH = "dispatch", pgettext_lazy("problem event", "Dispatched")
    RETURN = "return", pgettext_lazy("problem event", "Returned")
    ACCEPT = "accept", pgettext_lazy("problem event", "Accepted")
    RECTIFY = "rectify", pgettext_lazy("problem event", "Rectification reported")
    VERIFY_PASS = "verify_pass", pgettext_lazy("problem event", "Verified and closed")
    VERIFY_FAIL = "verify_fail", pgettext_lazy("problem event", "Sent back for rework")
    REQUEST_EXTENSION = "request_extension", pgettext_lazy("problem event", "Extension requested")
    APPROVE_EXTENSION = "approve_extension", pgettext_lazy("problem event", "Extension approved")
    DENY_EXTENSION = "deny_extension", pgettext_lazy("problem event", "Extension denied")
    HOLD = "hold", pgettext_lazy("problem event", "Put on hold")
    RESUME = "resume", pgettext_lazy("problem event", "Resumed")
    REOPEN = "reopen", pgettext_lazy("problem event", "Reopened")
    REQUEST_HOLD = "request_hold", pgettext_lazy("problem event", "Long-term hold requested")
    DENY_HOLD = "deny_hold", pgettext_lazy("problem event", "Hold denied")
    ATTACH = "attach", pgettext_lazy("problem event", "Photo added")
    ALSO_REPORTED = "also_reported", pgettext_lazy("problem event", "Reported again (duplicate)")
    ESCALATE = "escalate", pgettext_lazy("problem event", "Escalated")


class Source(models.TextChoices):
    INSPECTION = "inspection", pgettext_lazy("problem source", "Inspection")
    CITIZEN = "citizen", pgettext_lazy("problem source", "Citizen report")
    HOTLINE = "hotline", pgettext_lazy("problem source", "12345 hotline")
    MEDIA = "media", pgettext_lazy("problem source", "Media exposure")
    LEADER = "leader", pgettext_lazy("problem source", "Leader's instruction")
    SELF_FOUND = "self_found", pgettext_lazy("problem source", "Self-found")
    OTHER = "other", pgettext_lazy("problem source", "Other")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("problem severity", "Low")
    NORMAL = "normal", pgettext_lazy("problem severity", "Normal")
    HIGH = "high", pgettext_lazy("problem severity", "High")
    URGENT = "urgent", pgettext_lazy("problem severity", "Urgent")


EVERY_ROLE = frozenset(Role.values)


class Category(BilingualName, models.Model):
    """A problem category (class × subject), edited by the office."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    problem_class = models.CharField(_("class"), max_length=10, choices=ProblemClass.choices)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
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
        return names


class ProblemCounter(models.Model):
    """The last serial issued per year; locked while a code is allocated."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("problem code counter")


class TargetLevel(models.TextChoices):
    DISTRICT = "district", pgettext_lazy("routing target", "The problem's district")
    STREET = "street", pgettext_lazy("routing target", "The problem's street")


class RoutingRule(models.Model):
    """Routing as data: problems of a category in a region go to a unit or to the locality."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Empty: every category."),
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the whole city; otherwise its subtree."),
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("member unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    target_level = models.CharField(
        _("locality"), max_length=10, choices=TargetLevel.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    SCOPE = ScopeRule(reference_for=EVERY_ROLE)

    class Meta:
        ordering = ["category__code", "region__path", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                name="routing_rule_one_target",
                condition=(
                    Q(unit__isnull=False, target_level="")
                    | (Q(unit__isnull=True) & ~Q(target_level=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.region or '*'} → {self.unit or self.target_level}"


class LedgerConfig(models.Model):
    """The office's knobs for the ledger (one row)."""

    auto_dispatch = models.BooleanField(
        _("dispatch inspection problems automatically"),
        default=True,
        help_text=_("When routing finds exactly one target."),
    )
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=50)
    recurrence_days = models.PositiveSmallIntegerField(_("recurrence window (days)"), default=30)
    reopen_window_days = models.PositiveSmallIntegerField(_("reopen window (days)"), default=30)
    escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate when overdue by more than (working days)"), default=3
    )
    far_photo_m = models.PositiveIntegerField(_("after-photo distance limit (m)"), default=200)
    near_copy_distance = models.PositiveSmallIntegerField(
        _("near-copy threshold (perceptual hash bits)"), default=3
    )

    class Meta:
        verbose_name = _("ledger settings")
        constraints = [
            models.CheckConstraint(
                name="ledger_config_near_copy_max", condition=Q(near_copy_distance__lte=3)
            ),
        ]

    def __str__(self) -> str:
        return str(_("ledger settings"))


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed on a retry."""

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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "endpoint", "key"], name="idempotency_unique"),
        ]
