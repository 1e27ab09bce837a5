"""The office's configuration of the ledger: categories, routing rules, settings (all audited)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import InvalidInput, NotFound
from wenming.core.refcache import invalidate
from wenming.org.roles import require_office

from ..models import Category, CategoryKind, LedgerConfig, ProblemClass, RoutingRule, Subject
from ._common import bounded_text, ledger_config

CATEGORY_FIELDS = (
    "name",
    "name_en",
    "problem_class",
    "subject",
    "kind",
    "deadline_days",
    "after_photo_required",
    "is_active",
    "sort_order",
)
CONFIG_LIMITS = {
    "duplicate_radius_m": (1, 5000),
    "recurrence_days": (1, 365),
    "reopen_window_days": (1, 365),
    "escalation_working_days": (1, 60),
    "far_photo_m": (10, 10000),
    "near_copy_distance": (0, 3),
}


def _office_only(actor) -> None:
    require_office(actor, _("Only the Civilization Office changes the ledger's settings."))


def _clean_category(values: dict) -> dict:
    clean = {k: values[k] for k in CATEGORY_FIELDS if k in values}
    names = {"name": _("The category's name"), "name_en": _("The category's English name")}
    for text_field, what in names.items():
        if text_field in clean:
            clean[text_field] = bounded_text(clean[text_field], limit=100, what=what)
    if "name" in clean and not clean["name"]:
        raise InvalidInput(_("A category needs a name."))
    choices = {"problem_class": ProblemClass, "subject": Subject, "kind": CategoryKind}
    for name, enum in choices.items():
        if name in clean and clean[name] not in enum.values:
            raise InvalidInput(
                _("“%(value)s” is not a valid %(field)s.") % {"value": clean[name], "field": name},
                code=f"bad_{name}",
            )
    if "deadline_days" in clean:
        try:
            days = int(clean["deadline_days"])
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 365:
            raise InvalidInput(_("The deadline must be 1 to 365 working days."))
        clean["deadline_days"] = days
    return clean


def category_create(*, actor, code: str, **values) -> Category:
    """Add a problem category (office only)."""
    _office_only(actor)
    code = (code or "").strip().lower()
    if not code or len(code) > 40 or " " in code:
        raise InvalidInput(_("A category code is a short word such as “poor.lamps”."))
    clean = _clean_category(values)
    for required in ("name", "problem_class", "subject", "kind"):
        if required not in clean:
            raise InvalidInput(_("“%(field)s” is required.") % {"field": required})
    try:
        with transaction.atomic():
            category = Category.objects.create(code=code, **clean)
            invalidate()
            audit_record(
                action="problem_category.create",
                actor=actor,
                target=category,
                data={"code": code, **clean},
            )
    except IntegrityError:
        raise InvalidInput(
            _("A category with code %(code)s exists already.") % {"code": code},
            code="duplicate_code",
        ) from None
    return category


def category_update(*, actor, category: Category, **values) -> Category:
    """Change a category's names, class, kind, deadline or photo rule (office only)."""
    _office_only(actor)
    clean = _clean_category(values)
    with transaction.atomic():
        locked = Category.objects.select_for_update().get(pk=category.pk)
        before = {k: getattr(locked, k) for k in clean}
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(clean) or None)
        invalidate()
        audit_record(
            action="problem_category.update",
            actor=actor,
            target=locked,
            data={"code": locked.code, "before": before, "after": clean},
        )
    return locked


def _rule_values(*, category, region, unit, target_level: str, note: str) -> dict:
    if (unit is None) == (not target_level):
        raise InvalidInput(
            _(
                "A rule sends problems either to a member unit or to the "
                "locality (district or street)."
            ),
            code="target_required",
        )
    if target_level and target_level not in ("district", "street"):
        raise InvalidInput(_("The locality is “district” or “street”."))
    return {
        "category": category,
        "region": region,
        "unit": unit,
        "target_level": target_level or "",
        "note": bounded_text(note, limit=200, what=_("The rule's note")),
    }


def _rule_snapshot(rule: RoutingRule) -> dict:
    return {
        "category": rule.category.code if rule.category_id else None,
        "region": rule.region.code if rule.region_id else None,
        "unit": rule.unit.code if rule.unit_id else None,
        "target_level": rule.target_level,
        "is_active": rule.is_active,
        "note": rule.note,
    }


def routing_rule_create(
    *, actor, category=None, region=None, unit=None, target_level: str = "", note: str = ""
) -> RoutingRule:
    """Add a routing rule (category × region → unit or locality); audited."""
    _office_only(actor)
    values = _rule_values(
        category=category, region=region, unit=unit, target_level=target_level, note=note
    )
    with transaction.atomic():
        rule = RoutingRule.objects.create(**values)
        invalidate()
        audit_record(
            action="routing_rule.create", actor=actor, target=rule, data=_rule_snapshot(rule)
        )
    return rule


def routing_rule_update(
    *, actor, rule_id: int, is_active: bool | None = None, **values
) -> RoutingRule:
    """Change or (de)activate a routing rule; the audit entry keeps before and after."""
    _office_only(actor)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().order_by().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(_("No such routing rule."))
        before = _rule_snapshot(rule)
        if values:
            merged = {
                "category": rule.category,
                "region": rule.region,
                "unit": rule.unit,
                "target_level": rule.target_level,
                "note": rule.note,
                **values,
            }
            for name, value in _rule_values(**merged).items():
                setattr(rule, name, value)
        if is_active is not None:
            rule.is_active = bool(is_active)
        rule.updated_at = timezone.now()
        rule.save()
        invalidate()
        audit_record(
            action="routing_rule.update",
            actor=actor,
            target=rule,
            data={"before": before, "after": _rule_snapshot(rule)},
        )
    return rule


def routing_rule_delete(*, actor, rule_id: int) -> None:
    """Remove a routing rule (the audit entry keeps what it said)."""
    _office_only(actor)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().order_by().filter(pk=rule_id).first()
        if rule is None:
            raise NotFound(_("No such routing rule."))
        audit_record(
            action="routing_rule.delete", actor=actor, target=rule, data=_rule_snapshot(rule)
        )
        rule.delete()
        invalidate()


def ledger_config_update(*, actor, **values) -> LedgerConfig:
    """Change the ledger's settings (auto-dispatch, radii, windows, thresholds)."""
    _office_only(actor)
    clean = {}
    if "auto_dispatch" in values:
        clean["auto_dispatch"] = bool(values["auto_dispatch"])
    for name, (low, high) in CONFIG_LIMITS.items():
        if name not in values:
            continue
        try:
            number = int(values[name])
        except (TypeError, ValueError):
            number = low - 1
        if not low <= number <= high:
            raise InvalidInput(
                _("%(field)s must be between %(low)d and %(high)d.")
                % {
                    "field": LedgerConfig._meta.get_field(name).verbose_name,
                    "low": low,
                    "high": high,
                },
                code=f"bad_{name}",
            )
        clean[name] = number
    with transaction.atomic():
        config = ledger_config()
        config = LedgerConfig.objects.select_for_update().get(pk=config.pk)
        before = {k: getattr(config, k) for k in clean}
        for name, value in clean.items():
            setattr(config, name, value)
        config.save()
        invalidate()
        audit_record(
            action="ledger_config.update",
            actor=actor,
            target=config,
            data={"before": before, "after": clean},
        )
    return config
