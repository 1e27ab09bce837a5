"""Forms of the notifications app (validation for pages; services check again)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wenming.org.models import Region, RegionLevel, Unit

from .models import NotificationKind, RobotKind


class WebhookChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Robot"), choices=RobotKind.choices)
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Copied from the group's robot settings."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "DingTalk (SEC…) and Feishu only, when the robot has signing switched on. "
            "Leave empty to keep the stored secret."
        ),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Notification kinds"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ModelChoiceField(
        label=_("Only for region"),
        required=False,
        queryset=Region.objects.filter(
            level__in=[RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET]
        ).order_by("path"),
        help_text=_("Leave empty for the whole city."),
    )
    unit = forms.ModelChoiceField(
        label=_("Only for member unit"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).order_by("code"),
        help_text=_("Leave empty for every unit."),
    )
    is_active = forms.BooleanField(
        label=pgettext_lazy("group robot", "Active"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")
