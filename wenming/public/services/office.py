"""The office's portal settings: the public switches and limits, the public categories and
the response templates. Each change drops every app server's copy (core/refcache.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core import refcache
from wenming.core.audit import audit_record
from wenming.core.errors import InvalidInput, NotAllowed
from wenming.org.roles import is_office
from wenming.problems.models import Status

from ..models import PortalSettings, PublicCategory, ResponseTemplate


def _office(actor) -> None:
    if not is_office(actor):
        raise NotAllowed(_("Only the Civilization Office changes the portal's settings."))


def portal_settings_update(
    *,
    actor,
    public_map: bool,
    public_rankings: bool,
    reports_per_hour: int,
    retention_days: int,
) -> PortalSettings:
    """Switch the public map and rankings, and set the rate limit and retention."""
    _office(actor)
    try:
        reports_per_hour, retention_days = int(reports_per_hour), int(retention_days)
    except (TypeError, ValueError):
        raise InvalidInput(_("Give whole numbers.")) from None
    if not 0 <= reports_per_hour <= 1000:
        raise InvalidInput(
            _("Reports per hour must be between 0 (no limit) and 1,000."), code="bad_limit"
        )
    if not 1 <= retention_days <= 3650:
        raise InvalidInput(
            _("The retention must be between 1 and 3,650 days."), code="bad_retention"
        )
    with transaction.atomic():
        row, _created = PortalSettings.objects.select_for_update().get_or_create(pk=1)
        before = {
            "public_map": row.public_map,
            "public_rankings": row.public_rankings,
            "reports_per_hour": row.reports_per_hour,
            "retention_days": row.retention_days,
        }
        row.public_map = bool(public_map)
        row.public_rankings = bool(public_rankings)
        row.reports_per_hour = reports_per_hour
        row.retention_days = retention_days
        row.updated_at = timezone.now()
        row.save()
        after = {k: getattr(row, k) for k in before}
        audit_record(
            action="public.settings", actor=actor, target=row, data={"from": before, "to": after}
        )
        refcache.invalidate()
    return row


def public_category_set(
    *, actor, category, is_public: bool, hint: str = "", hint_en: str = "", sort_order: int = 100
) -> PublicCategory:
    """Offer a ledger category to the public (or withdraw it), with its hint and order."""
    _office(actor)
    hint, hint_en = (hint or "").strip(), (hint_en or "").strip()
    if len(hint) > 200 or len(hint_en) > 200:
        raise InvalidInput(_("The hint is too long (200 characters at most)."), code="too_long")
    try:
        sort_order = int(sort_order)
    except (TypeError, ValueError):
        raise InvalidInput(_("The order must be a whole number.")) from None
    if not 0 <= sort_order <= 32767:
        raise InvalidInput(_("The order must be between 0 and 32,767."))
    with transaction.atomic():
        row, _created = PublicCategory.objects.update_or_create(
            category=category,
            defaults={
                "is_public": bool(is_public),
                "hint": hint,
                "hint_en": hint_en,
                "sort_order": sort_order,
            },
        )
        audit_record(
            action="public.category",
            actor=actor,
            target=row,
            data={"category": category.code, "is_public": bool(is_public)},
        )
        refcache.invalidate()
    return row


def response_template_set(
    *, actor, category, status: str, text: str, text_en: str = ""
) -> ResponseTemplate:
    """The public reply for a status (for one category, or the default when `category` is None)."""
    _office(actor)
    if status not in Status.values:
        raise InvalidInput(_("Unknown status."), code="bad_status")
    text, text_en = (text or "").strip(), (text_en or "").strip()
    if not text:
        raise InvalidInput(_("Write the reply."), code="text_required")
    if len(text) > 1000 or len(text_en) > 1000:
        raise InvalidInput(_("The reply is too long (1,000 characters at most)."), code="too_long")
    with transaction.atomic():
        row, _created = ResponseTemplate.objects.update_or_create(
            category=category, status=status, defaults={"text": text, "text_en": text_en}
        )
        audit_record(
            action="public.template",
            actor=actor,
            target=row,
            data={"category": category.code if category else None, "status": status},
        )
        refcache.invalidate()
    return row


def response_template_delete(*, actor, template: ResponseTemplate) -> None:
    _office(actor)
    with transaction.atomic():
        audit_record(
            action="public.template_delete",
            actor=actor,
            target=template,
            data={"status": template.status},
        )
        template.delete()
        refcache.invalidate()
