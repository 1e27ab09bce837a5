"""Evaluation systems (item → indicator → standard), the negative list, point types and checklists."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


class SystemLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture-level city")
    COUNTY = "county", _("County-level city")


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
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


class EvaluationSystem(models.Model):
    """One edition of the evaluation system (e.g. the prefecture-level edition of 2026)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    edition_year = models.PositiveSmallIntegerField(_("edition year"))
    level = models.CharField(
        _("level"), max_length=16, choices=SystemLevel.choices, default=SystemLevel.PREFECTURE
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
        related_name="%(class)ss",  # items, indicators, standards
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
    """Level III of the tree (测评标准): what is assessed, for how many points, by which methods."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="standards"
    )
    text = models.TextField(_("text"))
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # Comma-separated method codes in the canonical order (see METHOD_ORDER), e.g.
    # "material,field". A standard's points are shared equally among its methods.
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
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
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
        labels = dict(Method.choices)
        return " / ".join(str(labels.get(m, m)) for m in self.method_list)


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
    penalty = models.CharField(_("penalty"), max_length=24, choices=Penalty.choices)
    deduction = models.DecimalField(
        _("points deducted"), max_digits=6, decimal_places=2, null=True, blank=True
    )
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
            models.CheckConstraint(
                name="negative_deduct_has_points",
                condition=~Q(penalty="deduct") | Q(deduction__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class PointType(BilingualName, models.Model):
    """A kind of assessment point (点位类型); shared by every edition of the system."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=24, choices=PointGroup.choices)
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
