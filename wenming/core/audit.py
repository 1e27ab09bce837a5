"""The hash-chained audit log: append under one lock, verify by recomputing the chain."""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead
from .rows import insert_row

GENESIS_HASH = "0" * 64
# The entry's fields its hash covers (with the previous entry's hash).
HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "data",
    "ip",
)


def _entry_digest(
    *,
    prev_hash: str,
    seq: int,
    created_at,
    actor_name: str,
    action: str,
    target_type: str,
    target_id: str,
    data: dict,
    ip: str,
) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "at": created_at.isoformat(timespec="microseconds"),
            "actor": actor_name,
            "action": action,
            "type": target_type,
            "id": target_id,
            "data": data,
            "ip": ip,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _normalise(data: dict | None) -> dict:
    # Round-trip through JSON so the hash is computed over exactly what the database keeps.
    return json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))


def audit_record(
    *,
    action: str,
    actor=None,
    target=None,
    data: dict | None = None,
    ip: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry to the audit log, chained to the previous one.

    Every write of the system passes here, so it is three plain statements (read and lock the
    head, insert the entry, move the head) rather than ORM calls: the head row serialises all
    writers, and the time spent holding it is the time every other writer waits.
    """
    # Inside a caller's transaction no savepoint: a failed append must undo the caller's write.
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _head_locked()
        seq += 1
        created_at = timezone.now()
        if actor is not None and getattr(actor, "is_authenticated", False):
            actor_name = actor.get_username()
        else:
            actor = None
        hashed = {
            "seq": seq,
            "created_at": created_at,
            "actor_name": actor_name,
            "action": action,
            "target_type": target._meta.label_lower if target is not None else "",
            "target_id": str(target.pk) if target is not None else "",
            "data": _normalise(data),
            "ip": ip or "",
        }
        digest = _entry_digest(prev_hash=prev_hash, **hashed)
        entry = insert_row(AuditEntry(actor=actor, prev_hash=prev_hash, hash=digest, **hashed))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1", [seq, digest]
            )
        return entry


def _head_locked() -> tuple[int, str]:
    """(seq, hash) of the chain's head, locked until the transaction ends (created if new)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM core_audithead WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is not None:
        return row[0], row[1]
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head.seq, head.hash


@dataclass
class AuditVerdict:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(batch_size: int = 5000) -> AuditVerdict:
    """Recompute the chain from the first entry; report the first entry that does not match."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return AuditVerdict(False, checked, entry.seq, f"sequence gap: expected {expected_seq}")
        if entry.prev_hash != prev_hash:
            return AuditVerdict(False, checked, entry.seq, "link to the previous entry is broken")
        digest = _entry_digest(
            prev_hash=prev_hash, **{name: getattr(entry, name) for name in HASHED_FIELDS}
        )
        if digest != entry.hash:
            return AuditVerdict(False, checked, entry.seq, "content does not match its hash")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return AuditVerdict(False, checked, checked + 1, "entries after this point were removed")
    return AuditVerdict(True, checked)


def client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""
