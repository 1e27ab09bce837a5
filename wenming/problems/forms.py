"""Forms of the ledger pages (validation of shapes; the services decide everything else)."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.org.models import Region, RegionLevel, Unit
from wenming.org.places import in_city, region_path_label

from .models import Category, CategoryKind, ProblemClass, Severity, Source, Subject, TargetLevel
from .services.creation import outside_city_message
from .services.evidence import MAX_PHOTOS, too_many_photos_message


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_PHOTOS:  # refused, never cut off: the reporter chose each one
            raise forms.ValidationError(too_many_photos_message(), code="too_many_photos")
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class RegionPathField(forms.ModelChoiceField):
    """A region named by its path ("中山区 › 桃源街道 › 胜利社区"): 35 communities share a name."""

    def label_from_instance(self, obj) -> str:
        return region_path_label(obj)


# Sources whose reports come with a 12345 ticket (the hotline's, or a citizen's call).
TICKET_SOURCES = (Source.HOTLINE, Source.CITIZEN)


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    region = RegionPathField(
        label=_("Region"),
        queryset=Region.objects.none(),
        help_text=_("The community, street or district."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    description = forms.CharField(
        label=pgettext_lazy("problem", "Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=100, required=False)
    reporter_phone = forms.CharField(label=_("Reporter phone"), max_length=30, required=False)
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    hotline_ticket = forms.CharField(
        label=_("12345 ticket number"),
        max_length=40,
        required=False,
        help_text=_("The hotline's ticket, so the report can be found by it."),
    )
    photos = MultiplePhotoField(label=_("Before-photos"), required=False)

    def __init__(self, *args, regions, categories, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions.exclude(level=RegionLevel.CITY)
        self.fields["category"].queryset = categories
        self.fields["source"].choices = [c for c in Source.choices if c[0] in sources]
        if not any(source in sources for source in TICKET_SOURCES):
            del self.fields["hotline_ticket"]  # an inspector's report never has one
        self.fields["region"].widget.attrs.update(
            {
                "data-wm-region-picker": "",
                "data-search-url": reverse_lazy("org:region_search"),
                "data-placeholder": _("Search by name, e.g. Shengli Community"),
                "data-empty": _("No region of yours matches."),
            }
        )
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        # The service refuses it too (every caller); asked here as well, so one answer names
        # every wrong field at once.
        if lat is not None and lon is not None and not in_city(lat, lon):
            self.add_error("lat", outside_city_message())
        return data


class _TargetFields(forms.Form):
    """Where a problem goes: a member unit or a region, and an optional deadline."""

    # Labels name the field in the error line the page shows ("Deadline: Enter a valid date.").
    unit = forms.ModelChoiceField(
        label=_("Member unit"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, to_field_name="code"
    )
    deadline = forms.DateField(label=_("Deadline"), required=False)


class ActionForm(_TargetFields):
    """All fields any action may take; each action uses its own (see services.ACTION_FUNCTIONS)."""

    action = forms.CharField(label=pgettext_lazy("operation", "Action"), max_length=30)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    until = forms.DateField(label=_("Target date"), required=False)
    plan = forms.CharField(label=_("Plan"), required=False, max_length=2000)
    duplicate_of = forms.CharField(label=_("Duplicate of (code)"), required=False, max_length=20)
    version = forms.IntegerField(label=_("Version"), required=False, min_value=1)
    # The page's safeguard on risky actions (issue 10, item 18): a ticked confirmation.
    confirm = forms.BooleanField(label=_("Confirmation"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject":
            # On the page a rejection always says why, even as a duplicate (the API keeps its
            # own rule: a reason or the original's code).
            if not (data.get("note") or "").strip():
                self.add_error("note", _("Say why the report is rejected."))
            if not data.get("confirm"):
                self.add_error("confirm", _("Tick the box to confirm the rejection."))
        return data


class BulkDispatchForm(_TargetFields):
    """The office's bulk dispatch: the ticked codes travel beside the form (views.py)."""


class CategoryForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    problem_class = forms.ChoiceField(label=_("Class"), choices=ProblemClass.choices)
    subject = forms.ChoiceField(label=pgettext_lazy("category", "Subject"), choices=Subject.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=CategoryKind.choices)
    deadline_days = forms.IntegerField(
        label=_("Deadline (working days)"), min_value=1, max_value=365
    )
    after_photo_required = forms.BooleanField(label=_("After-photo required"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class RoutingRuleForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("every category"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        to_field_name="code",
        queryset=Region.objects.exclude(level=RegionLevel.COMMUNITY),
        empty_label=_("the whole city"),
    )
    unit = forms.ModelChoiceField(
        label=_("Member unit"),
        required=False,
        to_field_name="code",
        queryset=Unit.objects.filter(is_active=True),
    )
    target_level = forms.ChoiceField(
        label=_("or the locality"), required=False, choices=[("", "—"), *TargetLevel.choices]
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ConfigForm(forms.Form):
    auto_dispatch = forms.BooleanField(
        label=_("Dispatch inspection problems automatically"), required=False
    )
    duplicate_radius_m = forms.IntegerField(
        label=_("Duplicate radius (m)"), min_value=1, max_value=5000
    )
    recurrence_days = forms.IntegerField(
        label=_("Recurrence window (days)"), min_value=1, max_value=365
    )
    reopen_window_days = forms.IntegerField(
        label=_("Reopen window (days)"), min_value=1, max_value=365
    )
    escalation_working_days = forms.IntegerField(
        label=_("Escalate when overdue by more than (working days)"), min_value=1, max_value=60
    )
    far_photo_m = forms.IntegerField(
        label=_("After-photo distance limit (m)"), min_value=10, max_value=10000
    )
    near_copy_distance = forms.IntegerField(
        label=_("Near-copy threshold (bits)"), min_value=0, max_value=3
    )
