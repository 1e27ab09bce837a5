"""Evaluation systems (item → indicator → content line → clause), the negative list, point
types and checklists."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.models import ActivityRecord
from wenming.core.naming import BilingualName
from wenming.core.scope import ScopeRule
from wenming.org.roles import Role

from .labels import action_label

# The evaluation system is the published rulebook: everyone who works in the campaign reads
# it whole; only the office writes it (services check that), and selectors hide drafts.
EVERY_WORKING_ROLE = frozenset(
    {Role.REGION_OFFICER, Role.UNIT_OFFICER, Role.INSPECTOR, Role.EVALUATOR}
)
REFERENCE = ScopeRule(reference_for=EVERY_WORKING_ROLE)

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, hyphens and underscores only."),
)
standard_code_validator = RegexValidator(
    r"^\d+(\.\d+){0,2}$", _("A code is numbers separated by dots, e.g. 3 or 3.2 or 3.2.1.")
)
# Only a clause has a fourth part: its number under the content line (3.2.1.2).
clause_code_validator = RegexValidator(
    r"^\d+(\.\d+){1,3}$",
    _("A clause code is its content line's code and its number, e.g. 3.2.1.2."),
)


class SystemLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture-level city")
    COUNTY = "county", _("County-level city")


class SystemKind(models.TextChoices):
    # The minors' moral education system is scored on its own and must reach its threshold
    # before the main score counts at all (domain.md, "second reading").
    MAIN = "main", _("main system")
    PREREQUISITE = "prerequisite", _("prerequisite system")


class SystemStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("system status", "Draft")
    ACTIVE = "active", pgettext_lazy("system status", "Active")
    ARCHIVED = "archived", _("Archived")


class Method(models.TextChoices):
    MATERIAL = "material", _("material review")
    FIELD = "field", _("field inspection")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")


METHOD_ORDER = [Method.MATERIAL, Method.FIELD, Method.QUESTIONNAIRE]


class Penalty(models.TextChoices):
    DEDUCT = "deduct", _("Deduct points")
    SUSPEND_NOMINATION = "suspend_nomination", _("Suspend nomination")
    SUSPEND_TITLE = "suspend_title", _("Suspend the title for one year")
    REVOKE_TITLE = "revoke_title", _("Revoke the title")


class NegativeDomain(models.TextChoices):
    CLEAN_GOVERNMENT = "clean_government", _("Clean government")
    WORK_SAFETY = "work_safety", _("Work safety")
    PUBLIC_SECURITY = "public_security", _("Public security")
    ENVIRONMENT = "environment", _("Environment")
    INTEGRITY = "integrity", _("Integrity")
    MECHANISM = "mechanism", _("Campaign mechanism")


class Observation(models.TextChoices):
    SIMULATED = "simulated", _("simulated check")
    RECORD = "record", _("on-site record check")
    OBSERVATION = "observation", _("observation")


class Scoring(models.TextChoices):
    PASS_FAIL = "pass_fail", _("pass/fail")
    SCORE_RATE = "score_rate", _("score rate")


class PointGroup(models.TextChoices):
    ROADS = "roads", _("Roads and streets")
    COMMERCE = "commerce", _("Commerce and markets")
    RESIDENTIAL = "residential", _("Residential areas")
    TRANSPORT = "transport", _("Transport hubs")
    PUBLIC_SPACE = "public_space", _("Parks, squares and scenic areas")
    SERVICE = "service", _("Service windows and public institutions")
    EDUCATION_HEALTH = "education_health", _("Schools and hospitals")
    FACILITIES = "facilities", _("Public facilities and sites")
    CULTURE = "culture", _("Culture and entertainment venues")
    WINDOW_SERVICE = "window_service", _("Window-service units")
    VEHICLES = "vehicles", _("Buses and taxis")
    HOSPITALITY = "hospitality", _("Hotels, restaurants and pharmacies")
    PRACTICE = "practice", _("Civilization practice centres and town governments")
    FRINGE = "fringe", _("Urban-rural fringe and corridors")
    MINORS = "minors", _("Minors' places")
    VIRTUAL = "virtual", _("Virtual points (hotlines and channels)")


class EvaluationSystem(models.Model):
    """One edition of the evaluation system (e.g. the prefecture-level edition of 2026)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    edition_year = models.PositiveSmallIntegerField(_("edition year"))
    level = models.CharField(
        _("level"), max_length=16, choices=SystemLevel.choices, default=SystemLevel.PREFECTURE
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=SystemKind.choices, default=SystemKind.MAIN
    )
    # The score a prerequisite system must reach (85 in older rules; configurable).
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    prerequisite = models.ForeignKey(
        "self",
        verbose_name=_("prerequisite system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="main_systems",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SystemStatus.choices,
        default=SystemStatus.DRAFT,
        db_index=True,
    )
    # One published scheme: material 40, field 40, questionnaire 20 (domain.md); configurable.
    weight_material = models.DecimalField(
        _("material review weight"), max_digits=6, decimal_places=2, default=40
    )
    weight_field = models.DecimalField(
        _("field inspection weight"), max_digits=6, decimal_places=2, default=40
    )
    weight_questionnaire = models.DecimalField(
        _("questionnaire weight"), max_digits=6, decimal_places=2, default=20
    )
    description = models.TextField(_("description"), blank=True)
    cloned_from = models.ForeignKey(
        "self",
        verbose_name=_("cloned from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clones",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["-edition_year", "code"]
        verbose_name = _("evaluation system")
        verbose_name_plural = _("evaluation systems")
        constraints = [
            models.CheckConstraint(
                name="system_weights_not_negative",
                condition=Q(
                    weight_material__gte=0, weight_field__gte=0, weight_questionnaire__gte=0
                ),
            ),
            models.CheckConstraint(
                name="system_threshold_0_to_100",
                condition=Q(threshold__isnull=True) | Q(threshold__gte=0, threshold__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition_year})"

    def weight_of(self, method: str):
        return {
            Method.MATERIAL: self.weight_material,
            Method.FIELD: self.weight_field,
            Method.QUESTIONNAIRE: self.weight_questionnaire,
        }[method]


class TreeNode(models.Model):
    """What every level of the tree has: its system, a code unique in it, and a place."""

    system = models.ForeignKey(
        EvaluationSystem,
        verbose_name=_("evaluation system"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",  # items, indicators, standards, clauses
    )
    code = models.CharField(_("code"), max_length=20, validators=[standard_code_validator])
    order = models.PositiveIntegerField(_("order"), default=0)

    SCOPE = REFERENCE

    class Meta:
        abstract = True
        ordering = ["system", "order", "code"]


class NamedTreeNode(TreeNode):
    """Levels I and II: a name and a description."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta(TreeNode.Meta):
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Item(NamedTreeNode):
    """Level I of the tree (测评项目)."""

    class Meta(NamedTreeNode.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="item_code_unique_in_system"),
        ]


class Indicator(NamedTreeNode):
    """Level II of the tree (测评指标)."""

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="indicators"
    )

    class Meta(NamedTreeNode.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code"], name="indicator_code_unique_in_system"
            ),
        ]


class Standard(TreeNode):
    """Level III of the tree, the content line (测评内容); its clauses are level IV.

    The model keeps its old name because results elsewhere (checklist items, problems) point
    at it. Its points, methods and owners are the line's totals and its clauses' defaults.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="standards"
    )
    text = models.TextField(_("text"))
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # Comma-separated method codes in the canonical order (see METHOD_ORDER), e.g.
    # "material,field": the line's methods, its clauses' together. Before clauses existed a
    # standard's points were shared equally among its methods; migration 0003 split each
    # standard's points that way into its one clause.
    methods = models.CharField(_("methods"), max_length=64)
    is_hard = models.BooleanField(_("hard requirement"), default=False)
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_standards",
    )
    co_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("supporting units"), blank=True, related_name="co_standards"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta(TreeNode.Meta):
        verbose_name = _("content line")
        verbose_name_plural = _("content lines")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code"], name="standard_code_unique_in_system"
            ),
            models.CheckConstraint(name="standard_points_not_negative", condition=Q(points__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def method_list(self) -> list[str]:
        return [m for m in self.methods.split(",") if m]

    def get_methods_display(self) -> str:
        return _methods_display(self.method_list)


def _methods_display(methods) -> str:
    labels = dict(Method.choices)
    return " / ".join(str(labels.get(m, m)) for m in methods)


CLAUSE_METHOD_FIELDS = {
    Method.MATERIAL: "points_material",
    Method.FIELD: "points_field",
    Method.QUESTIONNAIRE: "points_questionnaire",
}
# Points are kept to two decimals; SQLite adds them as floats, so the sum is checked to
# half a hundredth rather than exactly.
_SUM = F("points_material") + F("points_field") + F("points_questionnaire")
_HALF_CENT = Value(Decimal("0.005"))


def _points_field(label):
    return models.DecimalField(
        label, max_digits=6, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )


class Clause(TreeNode):
    """Level IV of the tree: a numbered standard clause (1) 2) 3)…) under a content line.

    The method is attached here, not to the line: a clause's points are split among the
    methods that assess it, and a method with points above zero is one of its methods.
    Owners left empty are the content line's.
    """

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("content line"),
        on_delete=models.CASCADE,
        related_name="clauses",
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    code = models.CharField(_("code"), max_length=20, validators=[clause_code_validator])
    text = models.TextField(_("text"))
    points = _points_field(_("points"))
    points_material = _points_field(_("material review points"))
    points_field = _points_field(_("field inspection points"))
    points_questionnaire = _points_field(_("questionnaire points"))
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_clauses",
    )
    co_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("supporting units"), blank=True, related_name="co_clauses"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta(TreeNode.Meta):
        ordering = ["system", "standard__order", "standard__code", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="clause_code_unique_in_system"),
            models.UniqueConstraint(
                fields=["standard", "number"], name="clause_number_unique_in_line"
            ),
            models.CheckConstraint(
                name="clause_points_not_negative",
                condition=Q(
                    points__gte=0,
                    points_material__gte=0,
                    points_field__gte=0,
                    points_questionnaire__gte=0,
                ),
            ),
            models.CheckConstraint(
                name="clause_method_points_add_up",
                condition=Q(points__gte=_SUM - _HALF_CENT, points__lte=_SUM + _HALF_CENT),
            ),
            # A clause worth nothing has no method of its own and takes its line's methods.
            models.CheckConstraint(
                name="clause_has_a_method",
                condition=Q(points=0)
                | Q(points_material__gt=0)
                | Q(points_field__gt=0)
                | Q(points_questionnaire__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    def method_points(self, method: str):
        return getattr(self, CLAUSE_METHOD_FIELDS[method])

    @property
    def method_list(self) -> list[str]:
        own = [m for m in METHOD_ORDER if self.method_points(m) and self.method_points(m) > 0]
        if own or self.points:
            return own
        return self.standard.method_list

    def get_methods_display(self) -> str:
        return _methods_display(self.method_list)

    @property
    def methods_with_points(self) -> list[tuple[str, Decimal]]:
        """(method label, points) of each method with points, for pages."""
        labels = dict(Method.choices)
        return [
            (str(labels[m]), self.method_points(m))
            for m in METHOD_ORDER
            if self.method_points(m) and self.method_points(m) > 0
        ]

    @property
    def effective_lead_unit(self):
        return self.lead_unit if self.lead_unit_id else self.standard.lead_unit

    @property
    def effective_co_units(self) -> list:
        own = list(self.co_units.all())
        return own if own else list(self.standard.co_units.all())


class NegativeListEntry(models.Model):
    """One line of the negative list (负面清单) and what it costs the city."""

    system = models.ForeignKey(
        EvaluationSystem,
        verbose_name=_("evaluation system"),
        on_delete=models.CASCADE,
        related_name="negative_entries",
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    text = models.TextField(_("text"))
    domain = models.CharField(
        _("domain"), max_length=24, choices=NegativeDomain.choices, default=NegativeDomain.MECHANISM
    )
    # A hard requirement (一票否决): the event bars a candidate rather than being scored.
    is_veto = models.BooleanField(_("veto"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["system", "order", "code"]
        verbose_name = _("negative list entry")
        verbose_name_plural = _("negative list")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code"], name="negative_code_unique_in_system"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class NegativeEffect(models.Model):
    """One graded effect of a negative-list entry: the graver the case, the higher the grade."""

    entry = models.ForeignKey(
        NegativeListEntry,
        verbose_name=_("negative list entry"),
        on_delete=models.CASCADE,
        related_name="effects",
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), default=1, validators=[MinValueValidator(1)]
    )
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    effect = models.CharField(_("effect"), max_length=24, choices=Penalty.choices)
    deduction = models.DecimalField(
        _("points deducted"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["entry", "grade", "order"]
        verbose_name = _("negative-list effect")
        verbose_name_plural = _("negative-list effects")
        constraints = [
            models.UniqueConstraint(fields=["entry", "grade"], name="negative_effect_grade_unique"),
            models.CheckConstraint(
                name="negative_effect_deduct_has_points",
                condition=~Q(effect="deduct") | Q(deduction__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade}: {self.get_effect_display()}"


class PointType(BilingualName, models.Model):
    """A kind of assessment point (点位类型); shared by every edition of the system."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    group = models.CharField(
        pgettext_lazy("point type", "group"), max_length=24, choices=PointGroup.choices
    )
    # How strongly the sampler favours this type when drawing points for a round.
    sampling_weight = models.DecimalField(
        _("sampling weight"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A check that is not a place (calling the 12345 hotline, the complaint channel).
    is_virtual = models.BooleanField(_("virtual"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("point type")
        verbose_name_plural = _("point types")
        constraints = [
            models.CheckConstraint(
                name="point_type_weight_not_negative", condition=Q(sampling_weight__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class ChecklistItem(models.Model):
    """One quantified check an inspector makes at a point of a type (检查项)."""

    system = models.ForeignKey(
        EvaluationSystem,
        verbose_name=_("evaluation system"),
        on_delete=models.CASCADE,
        related_name="checklist_items",
    )
    point_type = models.ForeignKey(
        PointType,
        verbose_name=_("point type"),
        on_delete=models.PROTECT,
        related_name="checklist_items",
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    text = models.TextField(_("text"))
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("standard"),
        on_delete=models.CASCADE,
        related_name="checklist_items",
    )
    clause = models.ForeignKey(
        Clause,
        verbose_name=_("clause"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist_items",
    )
    observation = models.CharField(
        _("observation method"),
        max_length=16,
        choices=Observation.choices,
        default=Observation.OBSERVATION,
    )
    scoring = models.CharField(
        _("scoring"), max_length=16, choices=Scoring.choices, default=Scoring.PASS_FAIL
    )
    # The sampling rule where the form has one: walk 200 m, every 20 m is one place, watch
    # 5 minutes, observe 10 times.
    sample_route_m = models.PositiveIntegerField(_("route length (m)"), null=True, blank=True)
    sample_spacing_m = models.PositiveIntegerField(
        _("spacing counted as one place (m)"), null=True, blank=True
    )
    sample_minutes = models.PositiveSmallIntegerField(
        _("observation window (minutes)"), null=True, blank=True
    )
    sample_count = models.PositiveSmallIntegerField(
        _("number of observations"), null=True, blank=True
    )
    sampling_note = models.TextField(_("sampling rule"), blank=True)
    deduction = models.DecimalField(
        _("deduction on failure"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    photo_required = models.BooleanField(_("photo required on failure"), default=True)
    # The code of a problems.Category (a plain string: the problems app depends on this one,
    # not the other way round).
    default_category_code = models.CharField(
        _("default problem category"), max_length=64, blank=True
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=5)
    order = models.PositiveIntegerField(_("order"), default=0)

    SCOPE = REFERENCE

    class Meta:
        ordering = ["system", "point_type", "order", "code"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "code"], name="checklist_code_unique_in_system"
            ),
            models.CheckConstraint(
                name="checklist_deduction_not_negative", condition=Q(deduction__gte=0)
            ),
        ]
        indexes = [
            models.Index(fields=["point_type", "system"], name="checklist_type_system"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class StandardsEvent(ActivityRecord):
    """Append-only record of every change to an evaluation system and the point types."""

    system = models.ForeignKey(
        EvaluationSystem,
        verbose_name=_("evaluation system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    target_type = models.CharField(_("object type"), max_length=32, blank=True)
    target_code = models.CharField(_("object code"), max_length=64, blank=True)

    class Meta(ActivityRecord.Meta):
        verbose_name = _("standards event")
        verbose_name_plural = _("standards events")

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_code}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
