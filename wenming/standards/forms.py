"""Forms of the evaluation-system pages (field validation only; services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.org.models import Unit

from .models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Method,
    NegativeDomain,
    Observation,
    Penalty,
    PointType,
    Scoring,
    Standard,
    SystemKind,
    code_validator,
)


class BootstrapMixin:
    """Give every widget the Bootstrap class it needs (templates just loop over fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class SystemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EvaluationSystem
        fields = [
            "name",
            "edition_year",
            "level",
            "weight_material",
            "weight_field",
            "weight_questionnaire",
            "description",
        ]


class CloneForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("New code"), max_length=40, validators=[code_validator])
    name = forms.CharField(label=_("New name"), max_length=200)
    edition_year = forms.IntegerField(label=_("Edition year"), min_value=1990, max_value=2100)


class StandardForm(BootstrapMixin, forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Supporting units"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        required=False,
        queryset=Unit.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Standard
        fields = ["code", "text", "points", "methods", "is_hard", "lead_unit", "co_units", "notes"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["methods"] = self.instance.method_list
        self.fields["lead_unit"].queryset = Unit.objects.filter(is_active=True)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["methods"] = list(data["methods"])
        return data


class ChecklistItemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = [
            "code",
            "text",
            "standard",
            "clause",
            "deduction",
            "observation",
            "scoring",
            "sample_route_m",
            "sample_spacing_m",
            "sample_minutes",
            "sample_count",
            "sampling_note",
            "photo_required",
            "default_category_code",
            "deadline_days",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "sampling_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.filter(
            system_id=self.instance.system_id
        ).order_by("order", "code")
        self.fields["clause"].queryset = Clause.objects.filter(
            system_id=self.instance.system_id
        ).order_by("standard__order", "number")
        self.fields["clause"].help_text = _("A clause of the chosen content line.")
        self.fields["sampling_note"].help_text = _(
            "As the form says it, e.g. walk 200 m from the gate; every 20 m counts as one place."
        )
        self.fields["deadline_days"].min_value = 1
        # Left out (an older client, a script), they take the model's defaults.
        self.fields["observation"].required = False
        self.fields["scoring"].required = False

    def clean_observation(self):
        return self.cleaned_data.get("observation") or Observation.OBSERVATION

    def clean_scoring(self):
        return self.cleaned_data.get("scoring") or Scoring.PASS_FAIL

    def validate_unique(self):
        # The service reports duplicate codes with its own message.
        pass


class PointTypeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PointType
        fields = [
            "name",
            "name_en",
            "group",
            "sampling_weight",
            "description",
            "is_virtual",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class PointTypeNewForm(PointTypeForm):
    class Meta(PointTypeForm.Meta):
        fields = ["code", *PointTypeForm.Meta.fields]

    def validate_unique(self):
        # The service reports duplicate codes with its own message.
        pass


class SystemRulesForm(BootstrapMixin, forms.Form):
    """A system's kind, threshold and prerequisite (the service checks how they agree)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SystemKind.choices)
    # No bounds here: a threshold outside 0–100 is the service's 400 with its own message.
    threshold = forms.DecimalField(
        label=_("Threshold"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("The score a prerequisite system must reach, 0 to 100 (85 when left empty)."),
    )
    prerequisite = forms.ModelChoiceField(
        label=_("Prerequisite system"),
        required=False,
        queryset=EvaluationSystem.objects.filter(kind=SystemKind.PREREQUISITE),
        to_field_name="code",
    )


class NegativeEntryForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, validators=[code_validator])
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))
    domain = forms.ChoiceField(label=_("Domain"), choices=NegativeDomain.choices)
    is_veto = forms.BooleanField(
        label=_("Veto (bars a candidate)"),
        required=False,
        help_text=_("A hard requirement: the event bars the city instead of costing points."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


EFFECT_ROWS = 4  # graded effects offered on the page; the workbook takes any number


class EffectForm(forms.Form):
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=99, required=False)
    condition = forms.CharField(label=_("Condition"), max_length=200, required=False)
    effect = forms.ChoiceField(
        label=_("Effect"), choices=[("", "—"), *Penalty.choices], required=False
    )
    deduction = forms.DecimalField(
        label=_("Points deducted"), max_digits=6, decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"
            field.widget.attrs["aria-label"] = str(field.label)  # shown in a table, no label


EffectFormSet = forms.formset_factory(EffectForm, extra=0, max_num=EFFECT_ROWS, absolute_max=12)


def effect_rows(formset) -> list[dict]:
    """The filled rows of the effects formset (a row without an effect is left out)."""
    return [
        {k: v for k, v in f.cleaned_data.items() if v not in (None, "")}
        for f in formset.forms
        if f.cleaned_data.get("effect")
    ]


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The workbook is larger than 50 MB."))
        return upload
