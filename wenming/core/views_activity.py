"""The activity page: the audit log for the office and leaders, and the chain's last check.

Leaders read it too: domain.md gives them everything, read-only, and the log is how they see
what the office did. Only the office asks the worker to verify the chain (it is an operation on
the system, and a leader's role is read-only). The page never verifies inside the request.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .activity import ActivityFilter, ActivityPage, action_choices, activity_page, can_read
from .audit import key_fingerprint
from .audit_checks import audit_checks_latest, audit_verify_start
from .errors import DomainError
from .models import AuditHead
from .roles import is_office


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person (user name)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    action = forms.ChoiceField(
        label=pgettext_lazy("operation", "Action"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )
    cursor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *actions]

    def clean_person(self):
        username = self.cleaned_data["person"].strip()
        if not username:
            return None
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise forms.ValidationError(_("No one has this user name."))
        return person

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def to_filter(self) -> ActivityFilter:
        data = self.cleaned_data
        return ActivityFilter(
            person=data.get("person"),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            cursor=data.get("cursor"),
        )


def nav_activity(request):
    """The top navigation's link, for those who may read the log."""
    if not can_read(request.user):
        return None
    return {"label": _("Activity"), "url": reverse("activity"), "active_prefix": "/activity/"}


def _chain_state() -> dict:
    """The last verification and anchor, a verification in progress, and the head now."""
    latest = audit_checks_latest()
    head = AuditHead.objects.filter(pk=1).values("seq", "key_fingerprint").first()
    head_seq = head["seq"] if head else 0
    verify = latest["verify"]
    return {
        **latest,
        "head_seq": head_seq,
        # Cheap and live, unlike a verification: does this server hold the log's key?
        "key_ok": not head
        or not head["key_fingerprint"]
        or (head["key_fingerprint"] == key_fingerprint()),
        "since": max(0, head_seq - verify.checked) if verify is not None and verify.ok else None,
    }


@login_required
@require_GET
def activity(request):
    """The log, newest first, filtered by person, action and dates, one keyset page at a time."""
    if not can_read(request.user):
        raise PermissionDenied
    params = {k: v for k, v in request.GET.items() if v}
    form = ActivityForm(params or None, actions=action_choices())
    page, status = ActivityPage(), 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        try:
            page = activity_page(
                actor=request.user,
                f=form.to_filter() if form.is_bound else ActivityFilter(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 400
    kept = {k: v for k, v in params.items() if k != "cursor"}
    context = {
        "form": form,
        "page": page,
        "next_url": "?" + urlencode({**kept, "cursor": page.next_cursor})
        if page.next_cursor
        else None,
        "first_url": ("?" + urlencode(kept)) if kept else "?",
        "paged": "cursor" in params,
        "chain": _chain_state(),
        "can_verify": is_office(request.user),
        "show_ip": is_office(request.user),
    }
    return render(request, "core/activity.html", context, status=status)


@login_required
@require_POST
def activity_verify(request):
    """Ask the worker to verify the whole chain; the job page shows its progress."""
    if not is_office(request.user):
        raise PermissionDenied
    job = audit_verify_start(actor=request.user)
    if job.owner_id == request.user.pk:
        return redirect("jobs:page", pk=job.pk)
    return redirect("activity")
