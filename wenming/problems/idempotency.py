"""Idempotency-Key on POST: a retry gets the first answer back and creates nothing new.

The key is scoped to (person, endpoint). The first successful answer is stored in the same
transaction as the write it reports, so either both exist or neither does. A retry that
arrives while the first is still running waits for it (SQLite: the write lock taken at BEGIN;
PostgreSQL: the unique index on the key) and then replays its answer. Refusals (4xx) are not
stored: nothing was written, so a retry may simply run again. A JSON request reusing a key
with a different body is refused with 409.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wenming.core.errors import Conflict, InvalidInput

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _fingerprint(request) -> str:
    if "json" not in (request.content_type or ""):
        return ""  # multipart boundaries differ between retries; the key alone decides
    return hashlib.sha256(request.body).hexdigest()


def _lookup(actor, endpoint: str, key: str):
    return IdempotencyRecord.objects.filter(actor=actor, endpoint=endpoint, key=key).first()


def _replay(record: IdempotencyRecord, fingerprint: str):
    if record.fingerprint and fingerprint and record.fingerprint != fingerprint:
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return record.status_code, record.body


def idempotent(request, endpoint: str, func):
    """Run `func() -> (status, body)` once per Idempotency-Key; replay its answer after."""
    key = request.headers.get(HEADER)
    if key is None:
        return func()
    key = key.strip()
    if not key or len(key) > 200:
        raise InvalidInput(
            _("The Idempotency-Key header must have 1 to 200 characters."),
            code="bad_idempotency_key",
        )
    actor = request.auth
    fingerprint = _fingerprint(request)
    found = _lookup(actor, endpoint, key)
    if found is not None:
        return _replay(found, fingerprint)
    try:
        with transaction.atomic():
            found = _lookup(actor, endpoint, key)  # on SQLite we now hold the write lock
            if found is not None:
                return _replay(found, fingerprint)
            status, body = func()
            IdempotencyRecord.objects.create(
                actor=actor,
                endpoint=endpoint,
                key=key,
                status_code=status,
                body=body,
                fingerprint=fingerprint,
            )
            return status, body
    except IntegrityError:
        # A concurrent twin stored the key first; our whole transaction was rolled back.
        found = _lookup(actor, endpoint, key)
        if found is None:
            raise
        return _replay(found, fingerprint)
