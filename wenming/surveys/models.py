"""Tables of the satisfaction surveys app: questionnaires, their questions and options, quotas
per district, and the anonymous responses with one answer row per question answered.

An answer keeps its own `positive` flag (decided once, when the response is taken, by the
question's rule) and copies its response's district and local date, so every rate the office
and the scores read is one grouped scan of the answers (`selectors.py`), never a loop over
responses.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.core.naming import bilingual
from wenming.core.scope import ScopeRule
from wenming.org.roles import Role

survey_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, hyphens and underscores only."),
)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating")
    TEXT = "text", _("Free text")


class Measure(models.TextChoices):
    # The four rates of the national questionnaire (domain.md): 知晓率, 支持率, 满意度, 参与率.
    AWARENESS = "awareness", _("Awareness")
    SUPPORT = "support", _("Support")
    SATISFACTION = "satisfaction", _("Satisfaction")
    PARTICIPATION = "participation", _("Participation")


MEASURE_ORDER = [Measure.AWARENESS, Measure.SUPPORT, Measure.SATISFACTION, Measure.PARTICIPATION]


class Survey(models.Model):
    """One questionnaire, answered anonymously through a public link per district."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[survey_code_validator]
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("English introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # District offices and community centres share addresses: the soft limit is per survey.
    per_address_hourly = models.PositiveIntegerField(
        _("responses an hour from one address"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    created_by = models.ForeignKey(
        "org.Person",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The questionnaire is the office's; district officers read it to see their results.
    SCOPE = ScopeRule(reference_for=frozenset({Role.REGION_OFFICER}))

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                name="survey_closes_after_opens", condition=Q(closes_on__gte=F("opens_on"))
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return bilingual(self.title, self.title_en)

    @property
    def display_intro(self) -> str:
        return bilingual(self.intro, self.intro_en)


class Question(models.Model):
    """One question: its kind, the measure it feeds, the standards it tests, and the rule of
    which answers count as positive (options marked positive; a rating at or above
    `positive_min`; a multiple choice with any positive option ticked). Free text feeds no
    rate."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    text_en = models.CharField(_("English question"), max_length=500, blank=True)
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    required = models.BooleanField(_("required"), default=True)
    scale_min = models.SmallIntegerField(_("lowest rating"), default=1)
    scale_max = models.SmallIntegerField(_("highest rating"), default=5)
    positive_min = models.SmallIntegerField(_("lowest positive rating"), default=4)
    standards = models.ManyToManyField(
        "standards.Standard",
        verbose_name=_("content lines"),
        blank=True,
        related_name="survey_questions",
    )
    clauses = models.ManyToManyField(
        "standards.Clause", verbose_name=_("clauses"), blank=True, related_name="survey_questions"
    )

    SCOPE = ScopeRule(reference_for=frozenset({Role.REGION_OFFICER}))

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                name="question_scale_ordered",
                condition=Q(scale_min__lt=F("scale_max"))
                & Q(positive_min__gte=F("scale_min"))
                & Q(positive_min__lte=F("scale_max")),
            ),
        ]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return bilingual(self.text, self.text_en)

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


class Choice(models.Model):
    """An option of a single- or multiple-choice question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=200)
    text_en = models.CharField(_("English option"), max_length=200, blank=True)
    is_positive = models.BooleanField(_("counts as positive"), default=False)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return bilingual(self.text, self.text_en)


class Quota(models.Model):
    """How many responses the office wants from one district."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.PositiveIntegerField(_("target responses"))

    SCOPE = ScopeRule(region="region")

    class Meta:
        ordering = ["survey", "region__path"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["survey", "region"], name="quota_one_per_district"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.target}"


class Response(models.Model):
    """One anonymous respondent's answers, taken through a district's link."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    # The local (Asia/Shanghai) date: the scores ask for responses between two dates.
    submitted_on = models.DateField(_("submitted on"))
    # SHA-256 of the first-party device cookie (never the cookie itself); empty without one.
    device = models.CharField(max_length=64, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    SCOPE = ScopeRule(region="region")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["survey", "region"], name="survey_response_region"),
            models.Index(
                fields=["survey", "device"],
                name="survey_response_device",
                condition=~Q(device=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}-{self.pk} · {self.submitted_on}"


class Answer(models.Model):
    """One question answered in one response (a multiple choice keeps its options' ids)."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("option"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    choices = models.JSONField(_("options"), default=list, blank=True)
    value = models.SmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Decided when the response is taken; null for free text, which feeds no rate.
    positive = models.BooleanField(_("positive"), null=True)
    # Copies of the response's, so a rate is one grouped scan of this table.
    region = models.ForeignKey(
        "org.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))

    SCOPE = ScopeRule(region="region")

    class Meta:
        ordering = ["response", "question"]
        verbose_name = pgettext_lazy("survey", "answer")
        verbose_name_plural = pgettext_lazy("survey", "answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]
        indexes = [
            models.Index(
                fields=["question", "submitted_on", "region", "positive"],
                name="survey_answer_question_day",
            ),
        ]

    def __str__(self) -> str:
        return str(self.question)


class SurveyEvent(models.Model):
    """The survey's own log: what the office changed, when, and who (append-only)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        "org.Person",
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["survey", "at", "pk"]
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")

    def __str__(self) -> str:
        return self.action_label

    @property
    def action_label(self) -> str:
        from .activity import event_label

        return event_label(self.action)
