"""The inspections pages' forms: a review, a start position."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import lifecycle


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (lifecycle.APPROVE, _("Approve")),
            (lifecycle.FLAG, _("Has issues")),
            (lifecycle.REJECT, _("Reject")),
        ],
    )
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=2000)


class StartForm(forms.Form):
    """The browser's position when the inspector pressed start (empty when it had none)."""

    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
