"""Writes owned by the shared kernel: API tokens and the audit of sign-ins."""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .backends import WenmingModelBackend
from .errors import InvalidInput, NotFound
from .models import ApiToken
from .refcache import Reference, invalidate

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
        invalidate()  # every process's copy of the token's person, at once
    return token


# How long a process trusts its copy of a token's person. The services that revoke a token or
# change a person (`token_revoke`, `org.services.person_update`) drop every copy at once through
# the reference-rows mechanism (core/refcache.py); this bound covers a change made around them
# (a database shell, a bulk UPDATE).
TOKEN_CACHE_SECONDS = 30.0
_clock = time.monotonic  # a name of its own, so a test can move this clock alone


@dataclass
class _KnownToken:
    """A token row and its person's column values, as this process last read them."""

    pk: int
    key_hash: str
    last_used_at: datetime | None
    person_names: list[str]
    person_values: list
    read_at: float


# key hash → _KnownToken; emptied by every `refcache.invalidate()`. Misses are not kept: a new
# token works at once.
_KNOWN_TOKENS: Reference[dict] = Reference(dict)


def token_authenticate(raw: str):
    """The active person behind a bearer token, or None (and records when it was used).

    Every API request passes here. The token and its person are read in one query and kept
    for `TOKEN_CACHE_SECONDS` per process; each request gets its own person instance
    (`Model.from_db`), whose region and unit come from the reference caches.
    """
    if not raw or not raw.startswith(settings.WENMING_API_TOKEN_PREFIX) or len(raw) > 100:
        return None
    from django.contrib.auth import get_user_model

    from wenming.org.selectors import REGIONS, UNITS

    person_model = get_user_model()
    digest = token_hash(raw)
    known_tokens = _KNOWN_TOKENS.get()
    known = known_tokens.get(digest)
    clock = _clock()
    if known is None or clock - known.read_at > TOKEN_CACHE_SECONDS:
        known = _token_read(digest, person_model, clock)
        if known is None:
            known_tokens.pop(digest, None)
            return None
        if len(known_tokens) > 10_000:
            known_tokens.clear()
        known_tokens[digest] = known
    person = person_model.from_db(DEFAULT_DB_ALIAS, known.person_names, known.person_values)
    # The sign-in rule of the pages holds for tokens too: inactive people, and demo accounts
    # (whose password is published) in production, are refused.
    if not WenmingModelBackend().user_can_authenticate(person):
        return None
    person.region = REGIONS.by_id(person.region_id)
    person.unit = UNITS.by_id(person.unit_id)
    now = timezone.now()
    # Touch at most once a minute: a busy client must not turn every read into a write.
    if known.last_used_at is None or (now - known.last_used_at).total_seconds() > TOUCH_EVERY:
        _token_touch(known, now)
        known.last_used_at = now
    return person


def _token_read(digest: str, person_model, clock: float) -> _KnownToken | None:
    try:
        token = (
            ApiToken.objects.select_related("person")
            .order_by()
            .get(key_hash=digest, revoked_at__isnull=True)
        )
    except ApiToken.DoesNotExist:
        return None
    fields = person_model._meta.concrete_fields
    return _KnownToken(
        pk=token.pk,
        key_hash=digest,
        last_used_at=token.last_used_at,
        person_names=[f.attname for f in fields],
        person_values=[getattr(token.person, f.attname) for f in fields],
        read_at=clock,
    )


# Per process: when each token's last use was last written (or tried), so a token whose write
# fails is not retried on every request either.
_touched: dict[str, datetime] = {}


def _token_touch(token: "_KnownToken", now: datetime) -> None:
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


def password_change_record(*, person, ip: str, actor=None) -> int:
    """After a password change: revoke every API token of the person and audit the change
    (the password itself is never logged). A password is changed because it may be known to
    someone else, who may have made a token with it; a token must not outlive the password
    it was given under. `actor` is who changed it (the office, for a reset), by default the
    person. Returns how many tokens were revoked."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(
            action="auth.password_change",
            actor=actor or person,
            target=person,
            ip=ip,
            data={"tokens_revoked": revoked} if revoked else None,
        )
        if revoked:
            invalidate()  # every process's copy of the token's person, at once
    return revoked
