"""The inspections pages' forms: a new round and its draw, a review, a start position."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wenming.org.models import Region
from wenming.standards.models import EvaluationSystem

from . import lifecycle
from .models import AssignMode, Round, RoundKind, SamplingMode


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


class RoundForm(forms.Form):
    """A new round: what it checks, where and when (its plans are read per point type)."""

    code = forms.RegexField(
        label=_("Code"),
        max_length=40,
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        help_text=_("Letters, digits, dots and dashes, e.g. R2026-12"),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    system = forms.ModelChoiceField(
        label=_("Evaluation system"), queryset=EvaluationSystem.objects.none()
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions covered"), queryset=Region.objects.none()
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    late_submission = forms.BooleanField(label=_("Late submission allowed"), required=False)
    assign_mode = forms.ChoiceField(label=_("Assignment"), choices=AssignMode.choices)
    pass_threshold = forms.DecimalField(
        label=_("Pass threshold"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    follow_up_of = forms.ModelChoiceField(
        label=_("Follows up"), required=False, queryset=Round.objects.none()
    )

    def __init__(self, *args, systems, regions, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems
        self.fields["regions"].queryset = regions
        self.fields["follow_up_of"].queryset = rounds
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"
        self.fields["regions"].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("A round cannot close before it opens."))
        return data


def plans_from(post, point_types) -> tuple[list[dict], list[str]]:
    """The sampling plans a round form posted (`plan-<type>-mode`, `-size`, `-by_district`),
    and the errors, each naming its point type."""
    plans, errors = [], []
    for point_type in point_types:
        prefix = f"plan-{point_type.code}-"
        mode = post.get(prefix + "mode", "")
        if not mode:
            continue
        if mode not in SamplingMode.values:
            errors.append(_("%(type)s: unknown sampling.") % {"type": point_type.display_name})
            continue
        size = 0
        if mode == SamplingMode.RANDOM:
            raw = (post.get(prefix + "size") or "").strip()
            if not raw.isdigit() or not 0 < int(raw) <= 100000:
                errors.append(
                    _("%(type)s: say how many points to draw (a whole number above 0).")
                    % {"type": point_type.display_name}
                )
                continue
            size = int(raw)
        plans.append(
            {
                "point_type": point_type,
                "mode": mode,
                "size": size,
                "by_district": post.get(prefix + "by_district") == "1",
            }
        )
    if not plans and not errors:
        errors.append(_("Choose at least one point type to inspect."))
    return plans, errors


class DrawForm(forms.Form):
    """Who inspects: the people chosen, alone or in pairs in the order listed."""

    people = forms.ModelMultipleChoiceField(label=_("Inspectors and evaluators"), queryset=None)
    pairs = forms.BooleanField(label=_("They work in pairs"), required=False, initial=True)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people

    def teams(self) -> list[list]:
        chosen = sorted(self.cleaned_data["people"], key=lambda p: p.username)
        if not self.cleaned_data["pairs"]:
            return [[p] for p in chosen]
        return [chosen[i : i + 2] for i in range(0, len(chosen), 2)]
