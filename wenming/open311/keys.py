"""Partner apps' keys: issued and revoked by the office, stored only as SHA-256.

The secret is shown once, when it is issued (in the pages or by `wenming open311 issue-key`).
The demo partner app's key is the one exception to "random": in demo mode it is a fixed,
published string, so `make run` can print it after every start although only its hash is kept;
like the demo accounts' published password (core/backends.py), production refuses it.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import InvalidInput, NotAllowed, NotFound
from wenming.core.roles import require_office

from .models import ApiKey

KEY_PREFIX = "o311_"
DEMO_KEY = KEY_PREFIX + "demo-partner-app-0000000000000000"
DEMO_KEY_NAME = "随手拍 demo partner app"
# A key's last use is written at most this often (seconds): reads must not become writes.
TOUCH_EVERY = 60


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Name the partner app the key is for."), code="name_required")
    if len(name) > 100:
        raise InvalidInput(_("The name is too long (100 characters at most)."), code="too_long")
    return name


def api_key_issue(*, actor, name: str, ip: str = "") -> tuple[ApiKey, str]:
    """Issue a key for a partner app; returns the row and the secret, which is never stored.

    `actor` None is the server's own command line (`wenming open311 issue-key`).
    """
    if actor is not None:
        require_office(actor, _("Only the Civilization Office may issue Open311 keys."))
    name = _clean_name(name)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name, key_prefix=raw[:12], key_hash=key_hash(raw), created_by=actor
        )
        audit_record(
            action="open311.key_issue",
            actor=actor,
            actor_name="" if actor else "command line",
            target=key,
            data={"name": name},
            ip=ip,
        )
    return key, raw


def api_key_revoke(*, actor, key_id: int, ip: str = "") -> ApiKey:
    """Revoke a partner app's key: it is refused (403) from the next request on."""
    if actor is not None:
        require_office(actor, _("Only the Civilization Office may revoke Open311 keys."))
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise NotFound(_("No such Open311 key."))
        if key.revoked_at is not None:
            raise InvalidInput(_("This key is already revoked."), code="already_revoked")
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(
            action="open311.key_revoke",
            actor=actor,
            actor_name="" if actor else "command line",
            target=key,
            data={"name": key.name},
            ip=ip,
        )
    return key


def api_key_find(raw: str) -> ApiKey | None:
    """The active key behind `raw`, or None (unknown, revoked, or a demo key in production)."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    key = ApiKey.objects.filter(key_hash=key_hash(raw), revoked_at__isnull=True).first()
    if key is None or (settings.PRODUCTION and key.is_demo):
        return None
    return key


def api_key_required(raw: str) -> ApiKey:
    """The active key behind `raw`, or NotAllowed (403): a POST always needs one, a GET only
    when it names one (to read back its own requests in full)."""
    key = api_key_find(raw)
    if key is None:
        raise NotAllowed(
            _("api_key is missing, unknown or revoked: ask the Civilization Office for a key."),
            code="bad_api_key",
        )
    return key


def api_key_touch(*, key: ApiKey) -> None:
    """Record a key's last use, at most once a minute (one UPDATE, no audit: it is not a
    decision anyone took)."""
    now = timezone.now()
    if key.last_used_at is not None and (now - key.last_used_at).total_seconds() < TOUCH_EVERY:
        return
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now)
    ).update(last_used_at=now)
    key.last_used_at = now


def demo_key_ensure() -> str:
    """The demo partner app's key (demo mode only): made on first call, the same string always."""
    if not settings.DEMO_MODE:
        raise NotAllowed(_("The demo Open311 key does not exist in production."))
    digest = key_hash(DEMO_KEY)
    with transaction.atomic():
        key = ApiKey.objects.filter(key_hash=digest).first()
        if key is None:
            ApiKey.objects.create(
                name=DEMO_KEY_NAME, key_prefix=DEMO_KEY[:12], key_hash=digest, is_demo=True
            )
        elif key.revoked_at is not None:
            # The demo must work after a restart even if someone tried revoking its key.
            key.revoked_at = None
            key.save(update_fields=["revoked_at"])
    return DEMO_KEY


def api_keys_list():
    """Every key, newest first (the office's page and `wenming open311 list-keys`)."""
    return ApiKey.objects.select_related("created_by").order_by("-created_at", "-id")
