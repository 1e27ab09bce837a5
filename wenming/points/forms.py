"""Forms of the points pages (field validation only; services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.org.models import Region, Unit
from wenming.standards.forms import BootstrapMixin
from wenming.standards.models import PointType

from .models import Point
from .services import EDITABLE


class PointForm(BootstrapMixin, forms.ModelForm):
    region = forms.ModelChoiceField(
        label=_("Region (street or community)"), queryset=Region.objects.none()
    )
    responsible_units = forms.ModelMultipleChoiceField(
        label=_("Responsible units"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        required=False,
        queryset=Unit.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Point
        fields = ["code", *EDITABLE]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level__in=("street", "community")
        ).order_by("path")
        self.fields["point_type"].queryset = PointType.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self):
        # The service answers a duplicate code with its own message.
        pass
