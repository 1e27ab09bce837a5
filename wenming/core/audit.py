"""The keyed, hash-chained audit log: append under one lock, verify one snapshot, anchor outside.

Each entry's hash is an HMAC-SHA256, keyed with `settings.WENMING_AUDIT_KEY`, of the previous
entry's hash and the entry's fields: whoever can write to the database but does not hold the key
cannot rewrite an entry and re-hash the ones after it. The key is never stored in the database;
the head row keeps only its fingerprint (an HMAC of a fixed label), so `audit verify` can tell a
wrong key from tampering. Anchors (`audit_anchor`) copy the head's sequence and hash to a file
outside the database, which catches a rewrite even by someone who holds the key.
docs/audit.md says what this protects against and what it does not.
"""

import hashlib
import hmac
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from .errors import Conflict, InvalidInput
from .models import AuditEntry, AuditHead

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
# What the key's fingerprint is the HMAC of: a fixed label, so it reveals nothing of the key.
FINGERPRINT_LABEL = b"wenming audit key fingerprint v1"


def _key(key: str | None = None) -> bytes:
    key = settings.WENMING_AUDIT_KEY if key is None else key
    if not key:
        raise ImproperlyConfigured("WENMING_AUDIT_KEY is empty")
    return key.encode("utf-8")


def key_fingerprint(key: str | None = None) -> str:
    """The fingerprint of the audit key (the configured one by default) kept in the head row."""
    return hmac.new(_key(key), FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def entry_payload(
    *, seq: int, created_at, actor_name, action, target_type, target_id, data, ip
) -> str:
    """The canonical text of an entry's hashed fields."""
    return json.dumps(
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


def entry_digest(key: bytes, prev_hash: str, fields: dict) -> str:
    """HMAC-SHA256 under `key` of the previous hash and the entry's canonical text."""
    message = (prev_hash + entry_payload(**fields)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


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

    Every write of the system passes here: lock the head, insert the entry, move the head. The
    head row serialises all writers, so the time spent holding it is what every other waits.
    """
    key = _key()
    # Inside a caller's transaction no savepoint: a failed append must undo the caller's write.
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _head_for_append()
        entry = _chained_entry(
            key,
            seq + 1,
            prev_hash,
            action=action,
            actor=actor,
            target=target,
            data=data,
            ip=ip,
            actor_name=actor_name,
        )
        entry.save(force_insert=True)
        _move_head(entry.seq, entry.hash)
        return entry


def _head_for_append() -> tuple[int, str]:
    """(seq, hash) of the head, locked; refused when this server's key is not the log's."""
    seq, prev_hash, fingerprint = _head_locked()
    if fingerprint != key_fingerprint():
        # An app server with another key would write entries that the right key reports as
        # forged; refusing the write makes the misconfiguration loud instead.
        raise ImproperlyConfigured(
            "WENMING_AUDIT_KEY is not the key this audit log is written with"
        )
    return seq, prev_hash


def _move_head(seq: int, digest: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1", [seq, digest])


def audit_record_many(entries) -> list[AuditEntry]:
    """Append several entries (each a dict of `audit_record`'s keyword arguments), in order.

    For a service that writes many facts in one transaction (a bulk dispatch of 500 problems):
    the head is locked and moved once and the entries go in one bulk INSERT, instead of three
    statements per entry. The chain is the same as `audit_record` would make one at a time:
    contiguous sequence numbers, each entry's HMAC over the previous entry's hash.
    """
    entries = list(entries)
    if not entries:
        return []
    key = _key()
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _head_for_append()
        rows = []
        for entry in entries:
            seq += 1
            row = _chained_entry(key, seq, prev_hash, **entry)
            prev_hash = row.hash
            rows.append(row)
        AuditEntry.objects.bulk_create(rows)
        _move_head(seq, prev_hash)
    return rows


def _chained_entry(
    key: bytes,
    seq: int,
    prev_hash: str,
    *,
    action: str,
    actor=None,
    target=None,
    data: dict | None = None,
    ip: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """The unsaved entry number `seq` after `prev_hash`, with the fields `audit_record` gives."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_name = actor.get_username()
    else:
        actor = None
    hashed = {
        "seq": seq,
        "created_at": timezone.now(),
        "actor_name": actor_name,
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "data": _normalise(data),
        "ip": ip or "",
    }
    digest = entry_digest(key, prev_hash, hashed)
    return AuditEntry(actor=actor, prev_hash=prev_hash, hash=digest, **hashed)


def _head_locked() -> tuple[int, str, str]:
    """(seq, hash, key fingerprint) of the head, locked until the transaction ends."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, hash, key_fingerprint FROM core_audithead WHERE id = 1{lock}"  # noqa: S608
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0], row[1], row[2]
    # A new log is written with the key configured now.
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"key_fingerprint": key_fingerprint()}
    )
    return head.seq, head.hash, head.key_fingerprint


# --- verifying --------------------------------------------------------------------------------


@contextmanager
def _snapshot():
    """Run the block in one read-only snapshot of the database, so writers never disturb it.

    PostgreSQL: a REPEATABLE READ transaction sees the database as of its first statement.
    SQLite (WAL): a deferred transaction sees it as of its first read; `transaction.atomic()`
    would begin IMMEDIATE (the project's setting) and hold the write lock for the whole check.
    Inside a caller's transaction, that transaction is the snapshot.
    """
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # nothing was written
    else:
        with transaction.atomic():
            yield


@dataclass(frozen=True)
class Anchor:
    """One line of an anchor file: the head as it was at `at`, under the key `key`."""

    seq: int
    hash: str
    at: str
    key: str

    def line(self) -> str:
        return json.dumps(
            {"seq": self.seq, "hash": self.hash, "at": self.at, "key": self.key},
            separators=(",", ":"),
        )


@dataclass
class AuditVerdict:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    # The configured key is not the one the log is written with: nothing was checked.
    key_mismatch: bool = False
    anchors_checked: int = 0
    # Anchors taken under another key (before a rekey): only their length is checked.
    anchors_other_key: int = 0
    notes: list[str] = field(default_factory=list)


def audit_verify(
    *, anchors: list[Anchor] = (), batch_size: int = 5000, progress=None
) -> AuditVerdict:
    """Recompute the chain up to the head, in one snapshot; name the first entry that breaks it.

    With `anchors`, also compare each anchored entry's hash with the anchor's, and refuse a chain
    shorter than any anchor: that catches a rewrite by someone who holds the key. `progress`
    (a `jobs.Progress`) is told the head's sequence number, then each batch checked.
    """
    with _snapshot():
        head = AuditHead.objects.filter(pk=1).values("seq", "hash", "key_fingerprint").first()
        head = head or {"seq": 0, "hash": GENESIS_HASH, "key_fingerprint": ""}
        if head["key_fingerprint"] and head["key_fingerprint"] != key_fingerprint():
            return AuditVerdict(False, 0, key_mismatch=True, reason="key")
        return _verify_chain(head, anchors, batch_size, progress)


def _entry_fault(key: bytes, expected_seq: int, prev_hash: str, entry) -> str:
    """Why `entry` does not continue the chain at `expected_seq` after `prev_hash` ("" if it does)."""
    if entry.seq != expected_seq:
        return f"sequence gap: expected {expected_seq}"
    if entry.prev_hash != prev_hash:
        return "link to the previous entry is broken"
    if entry_digest(key, prev_hash, {name: getattr(entry, name) for name in HASHED_FIELDS}) != (
        entry.hash
    ):
        return "content does not match its hash"
    return ""


def _verify_chain(head: dict, anchors, batch_size: int, progress=None) -> AuditVerdict:
    current_key = key_fingerprint()
    by_seq: dict[int, list[Anchor]] = {}
    other_key = 0
    for anchor in anchors:
        if anchor.key == current_key:
            by_seq.setdefault(anchor.seq, []).append(anchor)
        else:
            other_key += 1
    longest = max(anchors, key=lambda a: a.seq, default=None)
    key = _key()
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = anchors_checked = 0
    entries = AuditEntry.objects.filter(seq__lte=head["seq"]).order_by("seq")
    if progress is not None:
        progress.total(head["seq"])
    for entry in entries.iterator(chunk_size=batch_size):
        broken = _entry_fault(key, expected_seq, prev_hash, entry)
        if broken:
            return AuditVerdict(False, checked, entry.seq, broken)
        if progress is not None and checked % batch_size == batch_size - 1:
            progress(batch_size)
        for anchor in by_seq.get(entry.seq, ()):
            if anchor.hash != entry.hash:
                return AuditVerdict(
                    False,
                    checked,
                    entry.seq,
                    f"the entry differs from the anchor taken at {anchor.at}: "
                    "the log was rewritten from here on",
                )
            anchors_checked += 1
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    if head["seq"] != checked or head["hash"] != prev_hash:
        return AuditVerdict(False, checked, checked + 1, "entries after this point were removed")
    if AuditEntry.objects.filter(seq__gt=head["seq"]).exists():
        return AuditVerdict(False, checked, head["seq"] + 1, "entries beyond the head were added")
    if longest is not None and longest.seq > head["seq"]:
        return AuditVerdict(
            False,
            checked,
            head["seq"] + 1,
            f"the log ends before the anchor of entry #{longest.seq} taken at {longest.at}: "
            "entries were removed",
        )
    return AuditVerdict(True, checked, anchors_checked=anchors_checked, anchors_other_key=other_key)


# --- key rotation -----------------------------------------------------------------------------


def audit_rekey(*, old_key: str | None = None, batch_size: int = 2000) -> int:
    """Re-hash the whole log under the configured key after verifying it under the old one.

    For a key rotation: the old key comes from WENMING_AUDIT_OLD_KEY. One transaction holds the
    head row throughout, so every writer waits until it ends; a log that does not verify under
    the old key is refused, never re-hashed. The last entry (`audit.rekey`) records the old
    head and the old key's fingerprint. Returns the number of entries re-hashed.
    """
    old_key = old_key if old_key is not None else settings.WENMING_AUDIT_OLD_KEY
    if not old_key:
        raise InvalidInput("Set WENMING_AUDIT_OLD_KEY to the key the audit log is written with.")
    if old_key == settings.WENMING_AUDIT_KEY:
        raise InvalidInput("WENMING_AUDIT_OLD_KEY and WENMING_AUDIT_KEY are the same key.")
    old, new = _key(old_key), _key()
    with transaction.atomic():
        head_seq, head_hash, fingerprint = _head_locked()
        if fingerprint != key_fingerprint(old_key):
            raise InvalidInput(
                "WENMING_AUDIT_OLD_KEY is not the key the audit log is written with."
            )
        old_prev = new_prev = GENESIS_HASH
        expected = 1
        batch = []
        entries = AuditEntry.objects.filter(seq__lte=head_seq).order_by("seq")
        for entry in entries.iterator(chunk_size=batch_size):
            broken = _entry_fault(old, expected, old_prev, entry)
            if broken:
                raise Conflict(
                    f"The audit log is broken at entry #{entry.seq} ({broken}); "
                    "it is not re-hashed."
                )
            old_prev = entry.hash
            entry.prev_hash = new_prev
            entry.hash = new_prev = entry_digest(
                new, new_prev, {name: getattr(entry, name) for name in HASHED_FIELDS}
            )
            batch.append(entry)
            expected += 1
            if len(batch) >= batch_size:
                AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
                batch = []
        AuditEntry.objects.bulk_update(batch, ["prev_hash", "hash"])
        if expected - 1 != head_seq or old_prev != head_hash:
            raise Conflict("The audit log ends before its head; it is not re-hashed.")
        AuditHead.objects.filter(pk=1).update(hash=new_prev, key_fingerprint=key_fingerprint())
        audit_record(
            action="audit.rekey",
            data={
                "old_key": fingerprint,
                "old_head_seq": head_seq,
                "old_head_hash": head_hash,
            },
        )
    return head_seq


# --- anchors ----------------------------------------------------------------------------------


def anchor_file_default() -> Path:
    return Path(settings.WENMING_AUDIT_ANCHOR_FILE)


def audit_anchor(*, path: Path | None = None) -> Anchor:
    """Append the head's sequence and hash to the anchor file and post it to the office's robots.

    The file should live where a database writer cannot reach (another disk, a write-once
    share); the robot message puts a copy in the office's chat. The post is queued for the
    worker (notifications.notify), never sent from here.
    """
    path = Path(path) if path else anchor_file_default()
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first()
    head = head or {"seq": 0, "hash": GENESIS_HASH}
    anchor = Anchor(
        seq=head["seq"],
        hash=head["hash"],
        at=timezone.now().isoformat(timespec="seconds"),
        key=key_fingerprint(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(anchor.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    _post_anchor(anchor)
    return anchor


def _post_anchor(anchor: Anchor) -> None:
    from django.utils.translation import gettext as _

    from wenming.notifications.models import NotificationKind
    from wenming.notifications.services import notify

    notify(
        kind=NotificationKind.AUDIT_ANCHOR,
        recipients=(),
        title=_("Audit log anchor: entry #%(seq)s") % {"seq": anchor.seq},
        body=_("Entry #%(seq)s has hash %(hash)s (%(at)s). Keep this message.")
        % {"seq": anchor.seq, "hash": anchor.hash, "at": anchor.at},
    )


def anchors_load(path: Path) -> list[Anchor]:
    """The anchors of an anchor file, oldest first; a damaged line is an error, not skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read the anchor file {path}: {exc.strerror}") from exc
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            anchors.append(
                Anchor(
                    seq=int(item["seq"]),
                    hash=str(item["hash"]),
                    at=str(item.get("at", "")),
                    key=str(item.get("key", "")),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(f"{path}, line {number}: not an anchor") from exc
    return anchors


def client_ip(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "") or ""
