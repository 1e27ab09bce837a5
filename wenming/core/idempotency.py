"""Idempotency-Key on POST: a retry gets the first answer back and creates nothing new.

The key is scoped to (person, endpoint). A request first *claims* its key: it inserts a
pending record in a short transaction of its own, so a twin learns at once that the key is
taken (PostgreSQL: the unique index; SQLite: the insert is refused once the claim committed).
The answer is then stored in the same transaction as the write it reports, so either both
exist or neither does, and the claim becomes the answer when that transaction commits.

A retry that arrives while the first request is still running (a client that timed out and
tried again) finds the claim pending and waits for the answer, polling with a growing pause up
to `WAIT_SECONDS`, then replays it — it never runs the work a second time, and never sees the
409 that the work itself would raise on a second run (a transition already made). If the first
request fails, its claim is removed and the waiting retry runs the work itself: refusals (4xx)
are not stored, since nothing was written. A claim still pending after `ABANDONED` was left by
a process that died mid-request and is taken over. A JSON request reusing a key with a
different body is refused with 409.
"""

import hashlib
import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Conflict, InvalidInput
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
# How long a retry waits for the first request's answer before giving up with 409; shorter
# than a proxy's or gunicorn's request timeout, so the retry itself still gets an answer.
WAIT_SECONDS = 25.0
# A claim older than this belongs to a request no longer running (gunicorn kills a worker
# after its timeout, far sooner); a retry may take the key over.
ABANDONED = timedelta(minutes=10)
_FIRST_PAUSE, _LONGEST_PAUSE = 0.02, 0.25

_pause = time.sleep  # the waiting retry's pause between looks (tests observe it)


def _fingerprint(request) -> str:
    if "json" not in (request.content_type or ""):
        return ""  # multipart boundaries differ between retries; the key alone decides
    return hashlib.sha256(request.body).hexdigest()


def _lookup(actor, endpoint: str, key: str):
    return IdempotencyRecord.objects.filter(actor=actor, endpoint=endpoint, key=key).first()


def _same_request(record: IdempotencyRecord, fingerprint: str) -> None:
    if record.fingerprint and fingerprint and record.fingerprint != fingerprint:
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )


def _claim(actor, endpoint: str, key: str, fingerprint: str):
    """(record, True) when this request now holds the key; (the holder's record, False) else."""
    found = _lookup(actor, endpoint, key)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            claim = IdempotencyRecord.objects.create(
                actor=actor,
                endpoint=endpoint,
                key=key,
                status_code=0,
                body={},
                fingerprint=fingerprint,
                pending=True,
            )
        return claim, True
    except IntegrityError:
        return _lookup(actor, endpoint, key), False  # None: the holder let go meanwhile


def _release(claim: IdempotencyRecord) -> None:
    """Remove this request's unanswered claim, so a retry may run the work itself."""
    IdempotencyRecord.objects.filter(pk=claim.pk, pending=True).delete()


def idempotent(request, endpoint: str, func, *, wait: float = WAIT_SECONDS):
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
    give_up = time.monotonic() + wait
    pause = _FIRST_PAUSE
    while True:
        record, mine = _claim(actor, endpoint, key, fingerprint)
        if mine:
            break
        if record is None:
            continue  # the holder failed and let go: claim it again
        _same_request(record, fingerprint)
        if not record.pending:
            return record.status_code, record.body
        if record.created_at < timezone.now() - ABANDONED:
            IdempotencyRecord.objects.filter(pk=record.pk, pending=True).delete()
            continue
        if time.monotonic() >= give_up:
            raise Conflict(
                _(
                    "The first request with this Idempotency-Key is still running; "
                    "try again in a moment."
                ),
                code="idempotency_in_progress",
            )
        _pause(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)
    try:
        with transaction.atomic():
            status, body = func()
            answered = IdempotencyRecord.objects.filter(pk=record.pk, pending=True).update(
                status_code=status, body=body, pending=False
            )
            if not answered:  # taken over as abandoned: the other request's answer stands
                raise Conflict(
                    _("This request took too long; its Idempotency-Key was taken over."),
                    code="idempotency_taken_over",
                )
        return status, body
    except BaseException:
        _release(record)
        raise
