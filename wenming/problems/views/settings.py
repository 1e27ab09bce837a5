"""The office's ledger settings: categories, routing rules, thresholds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenming.core.errors import DomainError, InvalidInput

from .. import selectors, services
from ..forms import (
    CategoryForm,
    ConfigForm,
    RoutingRuleForm,
)
from ..models import Category
from .common import office_only


def _settings_action(request, actor, forms_: dict) -> str | None:
    """Apply the posted settings form: the success message ("" for none), or None when the
    form is invalid (its errors are then on the form in `forms_`).

    Raises DomainError (also InvalidInput for an unknown form or a malformed rule id).
    """
    kind = request.POST.get("form")
    if kind in ("rule_toggle", "rule_delete"):
        try:
            rule_id = int(request.POST.get("rule") or "")
        except ValueError:
            rule_id = 0
        if not 0 < rule_id < 2**31:  # a database integer, so a huge number is no 500
            raise InvalidInput(_("Choose a routing rule."), code="bad_rule")
        if kind == "rule_toggle":
            active = request.POST.get("active") == "1"
            services.routing_rule_update(actor=actor, rule_id=rule_id, is_active=active)
            return ""  # the list shows the new state
        services.routing_rule_delete(actor=actor, rule_id=rule_id)
        return _("The routing rule was removed.")
    form_class = {"config": ConfigForm, "rule": RoutingRuleForm, "category": CategoryForm}.get(kind)
    if form_class is None:
        raise InvalidInput(_("The request is not valid."), code="bad_form")
    form = forms_[kind] = form_class(request.POST)
    if not form.is_valid():
        return None
    if kind == "config":
        services.ledger_config_update(actor=actor, **form.cleaned_data)
        return _("The settings were saved.")
    if kind == "rule":
        services.routing_rule_create(actor=actor, **form.cleaned_data)
        return _("The routing rule was added.")
    _save_category(actor, dict(form.cleaned_data))
    return _("The category was saved.")


@login_required
def settings_page(request):
    """The office's ledger settings: categories, routing rules, thresholds.

    A refused change answers with the page again, the reason on top and nothing saved: 400
    for bad input, 404 for a rule that no longer exists; anyone but the office gets 403.
    """
    office_only(request)
    actor = request.user
    config = services.ledger_config()
    forms_ = {
        "config": ConfigForm(initial={f: getattr(config, f) for f in ConfigForm.base_fields}),
        "rule": RoutingRuleForm(),
        "category": CategoryForm(
            initial={"is_active": True, "after_photo_required": True, "deadline_days": 5}
        ),
    }
    error, status = None, 200
    if request.method == "POST":
        try:
            done = _settings_action(request, actor, forms_)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            if done is not None:
                if done:
                    messages.success(request, done)
                return redirect("problems:settings")
            error, status = _("Nothing was saved: correct the marked fields."), 400
    return render(
        request,
        "problems/settings.html",
        {
            "config_form": forms_["config"],
            "rule_form": forms_["rule"],
            "category_form": forms_["category"],
            "categories": selectors.categories_visible(actor=actor),
            "rules": selectors.routing_rules_visible(actor=actor),
            "error": error,
        },
        status=status,
    )


def _save_category(actor, data: dict) -> None:
    code = data.pop("code", "")
    existing = Category.objects.filter(code=code).first() if code else None
    if existing is not None:
        services.category_update(actor=actor, category=existing, **data)
    else:
        services.category_create(actor=actor, code=code, **data)
