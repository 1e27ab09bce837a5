"""The office's survey forms (the rules are the services'; these only parse what was typed)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.standards.models import Clause, Standard, SystemStatus

from .models import Measure, QuestionKind


def _bootstrap(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class SurveyForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    title = forms.CharField(label=_("title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    intro = forms.CharField(
        label=_("introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intro_en = forms.CharField(
        label=_("English introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    opens_on = forms.DateField(label=_("opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    per_address_hourly = forms.IntegerField(
        label=_("responses an hour from one address"), min_value=1, max_value=10000, initial=30
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


def _standards():
    return Standard.objects.filter(system__status=SystemStatus.ACTIVE).select_related("system")


def _clauses():
    # Only clauses assessed by questionnaire: the others are not what a survey measures.
    return Clause.objects.filter(
        system__status=SystemStatus.ACTIVE, points_questionnaire__gt=0
    ).select_related("system")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("question"), max_length=500)
    text_en = forms.CharField(label=_("English question"), max_length=500, required=False)
    measure = forms.ChoiceField(label=_("measure"), choices=Measure.choices)
    required = forms.BooleanField(label=_("required"), required=False, initial=True)
    options = forms.CharField(
        label=_("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One option a line; start a line with + when the answer counts as positive; "
            "add the English after a |, e.g. “+满意 | Satisfied”."
        ),
    )
    scale_min = forms.IntegerField(
        label=_("lowest rating"), initial=1, min_value=-10, max_value=100
    )
    scale_max = forms.IntegerField(
        label=_("highest rating"), initial=5, min_value=-10, max_value=100
    )
    positive_min = forms.IntegerField(
        label=_("lowest positive rating"), initial=4, min_value=-10, max_value=100
    )
    standards = forms.ModelMultipleChoiceField(
        label=_("content lines"),
        queryset=Standard.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    clauses = forms.ModelMultipleChoiceField(
        label=_("clauses (questionnaire)"),
        queryset=Clause.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standards"].queryset = _standards()
        self.fields["clauses"].queryset = _clauses()
        self.fields["standards"].label_from_instance = lambda s: f"{s.code} {s.text[:40]}"
        self.fields["clauses"].label_from_instance = lambda c: f"{c.code} {c.text[:40]}"
        _bootstrap(self)

    def choices(self) -> list[dict]:
        """The options typed, one a line: `+` marks a positive one, `|` starts the English."""
        rows = []
        for line in (self.cleaned_data.get("options") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            positive = line.startswith("+")
            line = line.lstrip("+").strip()
            text, _bar, text_en = line.partition("|")
            rows.append({"text": text.strip(), "text_en": text_en.strip(), "is_positive": positive})
        return rows


def options_text(question) -> str:
    """A question's options as the form's textarea shows them."""
    lines = []
    for c in question.choices.all():
        line = ("+" if c.is_positive else "") + c.text
        if c.text_en:
            line += f" | {c.text_en}"
        lines.append(line)
    return "\n".join(lines)
