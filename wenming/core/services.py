"""Writes owned by the shared kernel: API tokens and the audit of sign-ins."""

import hashlib
import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .backends import WenmingModelBackend
from .errors import InvalidInput, NotFound
from .models import ApiToken
from .rows import instance_from_row, select_columns

logger = logging.getLogger(__name__)
# A token's last use is written at most this often (seconds).
TOUCH_EVERY = 60


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(*, person, name: str, ip: str = "") -> tuple[ApiToken, str]:
    """Issue a personal API token; returns the row and the secret, which is never stored."""
    name = (name or "").strip()[:100] or _("API token")
    raw = settings.WENMING_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person, name=name, key_prefix=raw[:10], key_hash=token_hash(raw)
        )
        audit_record(action="token.create", actor=person, target=token, data={"name": name}, ip=ip)
    return token, raw


def token_revoke(*, person, token_id: int, ip: str = "") -> ApiToken:
    """Revoke one of the person's own tokens; a revoked token answers 401 from then on."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, person=person).first()
        if token is None:
            raise NotFound(_("No such token."))
        if token.revoked_at is not None:
            raise InvalidInput(_("This token is already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="token.revoke", actor=person, target=token, ip=ip)
    return token


def token_authenticate(raw: str):
    """The active person behind a bearer token, or None (and records when it was used).

    Every API request passes here, so it is one hand-written join (token and person) rather
    than an ORM query, and the person's region and unit come from the reference caches.
    """
    if not raw or not raw.startswith(settings.WENMING_API_TOKEN_PREFIX) or len(raw) > 100:
        return None
    from django.contrib.auth import get_user_model

    from wenming.org.selectors import REGIONS, UNITS

    person_model = get_user_model()
    token_columns, token_fields, _converters = select_columns(ApiToken, "t")
    person_columns, _names, _converters = select_columns(person_model, "p")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {token_columns}, {person_columns} FROM core_apitoken t "  # noqa: S608
            "JOIN org_person p ON p.id = t.person_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL",
            [token_hash(raw)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token = instance_from_row(ApiToken, "t", row[: len(token_fields)])
    person = instance_from_row(person_model, "p", row[len(token_fields) :])
    # The sign-in rule of the pages holds for tokens too: inactive people, and demo accounts
    # (whose password is published) in production, are refused.
    if not WenmingModelBackend().user_can_authenticate(person):
        return None
    person.region = REGIONS.by_id(person.region_id)
    person.unit = UNITS.by_id(person.unit_id)
    now = timezone.now()
    # Touch at most once a minute: a busy client must not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_EVERY:
        _token_touch(token, now)
    return person


# Per process: when each token's last use was last written (or tried), so a token whose write
# fails is not retried on every request either.
_touched: dict[str, datetime] = {}


def _token_touch(token: ApiToken, now: datetime) -> None:
    """Record a token's last use: best effort, never failing the request that uses the token.

    One UPDATE outside any transaction (requests run in autocommit) is its own transaction, the
    shortest there is; on PostgreSQL it skips a row another transaction holds instead of
    waiting for it. If the database refuses (SQLite busy past its timeout), the request goes on
    and this process does not try again for a minute.
    """
    tried = _touched.get(token.key_hash)
    if tried is not None and (now - tried).total_seconds() < TOUCH_EVERY:
        return
    if len(_touched) > 10_000:
        _touched.clear()
    _touched[token.key_hash] = now
    skip = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    sql = (
        "UPDATE core_apitoken SET last_used_at = %s WHERE id IN "  # noqa: S608
        f"(SELECT id FROM core_apitoken WHERE id = %s{skip})"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, token.pk])
    except DatabaseError:
        logger.warning("token %s: last use not recorded (database busy)", token.pk, exc_info=True)


def login_record(*, person, ip: str) -> None:
    """Audit a successful sign-in."""
    audit_record(action="auth.login", actor=person, target=person, ip=ip)


def login_failure_record(*, username: str, ip: str, locked: bool = False) -> None:
    """Audit a failed sign-in; the username is kept as typed, whether it exists or not."""
    audit_record(
        action="auth.lockout" if locked else "auth.login_failed",
        actor_name=(username or "")[:150],
        data={"username": (username or "")[:150]},
        ip=ip,
    )


def logout_record(*, person, ip: str) -> None:
    """Audit a sign-out."""
    audit_record(action="auth.logout", actor=person, target=person, ip=ip)


def password_change_record(*, person, ip: str) -> None:
    """Audit a password change (the password itself is never logged)."""
    audit_record(action="auth.password_change", actor=person, target=person, ip=ip)
