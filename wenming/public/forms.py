"""The portal's forms: a citizen's report and rating; the office's triage and settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.problems.forms import MultiplePhotoField
from wenming.problems.models import Status

from .models import Rating
from .services.reports import DESCRIPTION_LIMIT, REASON_LIMIT


class ReportForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    description = forms.CharField(
        label=_("What is wrong?"),
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Filled by the map's pin (core/map.js pick mode); typed by hand without JavaScript.
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    address = forms.CharField(
        label=_("Address or landmark (optional)"), max_length=300, required=False
    )
    photos = MultiplePhotoField(label=_("Photos (up to 3)"), required=False)
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone (optional)"), max_length=30, required=False
    )
    is_anonymous = forms.BooleanField(label=_("Keep me anonymous"), required=False)
    # The honeypot: hidden from people by CSS and aria-hidden; a robot fills every field.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose…"))] + [
            (c.pk, c.display_name) for c in categories
        ]
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        self.fields["reporter_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        for name in ("lat", "lon"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why not? (needed when not satisfied)"),
        max_length=REASON_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingsForm(forms.Form):
    public_map = forms.BooleanField(label=_("Show the public map"), required=False)
    public_rankings = forms.BooleanField(label=_("Show the public rankings"), required=False)
    reports_per_hour = forms.IntegerField(
        label=_("Reports per hour from one address or phone (0: no limit)"), min_value=0
    )
    retention_days = forms.IntegerField(
        label=_("Erase reporters' name and phone this many days after closing"), min_value=1
    )


class TemplateForm(forms.Form):
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    text = forms.CharField(
        label=_("Public reply"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Public reply in English"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
