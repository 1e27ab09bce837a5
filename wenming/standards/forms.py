"""Forms of the evaluation-system pages (field validation only; services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.org.models import Unit

from .models import (
    ChecklistItem,
    EvaluationSystem,
    Method,
    PointType,
    Standard,
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
            "deduction",
            "photo_required",
            "default_category_code",
            "deadline_days",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.filter(
            system_id=self.instance.system_id
        ).order_by("order", "code")
        self.fields["deadline_days"].min_value = 1

    def validate_unique(self):
        # The service reports duplicate codes with its own message.
        pass


class PointTypeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PointType
        fields = ["name", "name_en", "group", "sampling_weight", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    MAX_BYTES = 50 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The workbook is larger than 50 MB."))
        return upload
