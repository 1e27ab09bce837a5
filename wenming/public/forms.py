"""The portal's forms: a citizen's report and rating; the office's triage and settings."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wenming.core.errors import DomainError
from wenming.core.uploads import validate_image
from wenming.problems.forms import MultiplePhotoField
from wenming.problems.models import Status

from .models import Rating
from .services.reports import (
    DESCRIPTION_LIMIT,
    REASON_LIMIT,
    citizen_report_problems,
    description_too_long_message,
)

# Where the report service's refusals belong on the form (code → field).
FIELD_OF_ERROR = {
    "category_required": "category",
    "category_unknown": "category",
    "description_required": "description",
    "description_too_long": "description",
    "too_many_photos": "photos",
    "bad_phone": "reporter_phone",
    "too_long": "reporter_name",
}
# Refusals of the place: said beside the map, whose pin and "Use my position" fill the two
# coordinate boxes (a "Latitude" error means nothing to a citizen who only tapped the map);
# a coordinate typed by hand that is not a number is still named on its own box.
LOCATION_ERRORS = {"location_required", "outside_city", "bad_coordinates"}
LOCATION = "location"  # the code of a location error among the form's non-field errors


class ReportForm(forms.Form):
    """A citizen's report. Validation names every problem at once: the fields, the place and
    each photo (the report service's own checks included), so one correction is enough."""

    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, error_messages={"required": _("Choose a category.")}
    )
    # No max_length: its stock message says "variable"; clean_description says it plainly.
    description = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "maxlength": DESCRIPTION_LIMIT,
                "aria-describedby": "wm-description-count",
            }
        ),
        error_messages={"required": _("Describe the problem.")},
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

    def clean_description(self) -> str:
        # A browser sends a textarea's line break as CR LF but counts one character, in
        # maxlength as in the page's counter: count (and keep) it as one here too.
        description = self.cleaned_data["description"].replace("\r\n", "\n")
        if len(description) > DESCRIPTION_LIMIT:
            raise forms.ValidationError(
                description_too_long_message(len(description)), code="description_too_long"
            )
        return description

    def clean_photos(self) -> list:
        """The chosen files as validated images; each refused file is named."""
        photos, errors = [], []
        for upload in self.cleaned_data.get("photos") or []:
            try:
                photos.append(validate_image(upload))
            except DomainError as exc:
                errors.append(
                    gettext("%(file)s: %(reason)s") % {"file": upload.name, "reason": exc.message}
                )
        if errors:
            raise forms.ValidationError(errors)
        return photos

    def clean(self):
        data = super().clean()
        for problem in citizen_report_problems(
            category=data.get("category"),
            description=data.get("description"),
            lat=data.get("lat"),
            lon=data.get("lon"),
            photos=data.get("photos") or (),
            reporter_name=data.get("reporter_name"),
            reporter_phone=data.get("reporter_phone"),
        ):
            if not any(field in self.errors for field in self._fields_of(problem.code)):
                self.add_report_error(problem)
        return data

    @staticmethod
    def _fields_of(code: str) -> tuple:
        """The fields whose own error already says what this refusal would."""
        if code in LOCATION_ERRORS:
            return ("lat", "lon")
        return (FIELD_OF_ERROR.get(code),)

    def add_report_error(self, exc: DomainError) -> None:
        """A refusal of the report service, put where the citizen looks for it."""
        if exc.code in LOCATION_ERRORS:
            message = exc.message
            if exc.code == "location_required":
                message = gettext("Mark where the problem is on the map, or tap “%(button)s”.") % {
                    "button": gettext("Use my position")
                }
            self.add_error(None, forms.ValidationError(message, code=LOCATION))
        else:
            self.add_error(FIELD_OF_ERROR.get(exc.code), exc.message)

    def _non_field_messages(self, *, location: bool) -> list[str]:
        return [
            message
            for error in self.non_field_errors().as_data()
            if (error.code == LOCATION) == location
            for message in error.messages
        ]

    def location_errors(self) -> list[str]:
        """The refusals of the place, shown beside the map (and in the summary)."""
        return self._non_field_messages(location=True)

    def general_errors(self) -> list[str]:
        """The refusals of the report as a whole (the hidden field, the hour's limit)."""
        return self._non_field_messages(location=False)


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
