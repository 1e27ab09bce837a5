"""The audit chain becomes keyed: HMAC-SHA256 under WENMING_AUDIT_KEY instead of plain SHA-256.

A log written before this migration is re-hashed here, under the key configured at migrate time,
as far as it verifies under the old, unkeyed rule. From its first broken entry (if any) on,
nothing is rewritten, so `audit verify` still names that entry afterwards: the upgrade never
turns an already-tampered log into a valid one. Why a migration and not a command
(docs/audit.md, "Existing logs"): after it, no code path accepts an unkeyed hash, and a tool
that re-hashes unkeyed logs on request would let anyone who can make a log look unkeyed
launder it.

The two digests are written out here rather than imported, so this migration keeps meaning
what it meant when it was written.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models

LABEL = b"wenming audit key fingerprint v1"
GENESIS = "0" * 64
BATCH = 2000


def _payload(entry) -> str:
    return json.dumps(
        {
            "seq": entry.seq,
            "at": entry.created_at.isoformat(timespec="microseconds"),
            "actor": entry.actor_name,
            "action": entry.action,
            "type": entry.target_type,
            "id": entry.target_id,
            "data": entry.data,
            "ip": entry.ip,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def _unkeyed(prev: str, entry) -> str:
    return hashlib.sha256((prev + _payload(entry)).encode("utf-8")).hexdigest()


def _keyed(key: bytes):
    def digest(prev: str, entry) -> str:
        return hmac.new(key, (prev + _payload(entry)).encode("utf-8"), hashlib.sha256).hexdigest()

    return digest


def _rehash(apps, old, new, fingerprint: str) -> None:
    """Rewrite the longest prefix of the chain that verifies under `old` with `new`."""
    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditHead")
    head = head_model.objects.select_for_update().filter(pk=1).first()
    if head is None:
        return
    old_prev = new_prev = GENESIS
    expected = 1
    intact = True
    changed = []
    for entry in entry_model.objects.order_by("seq").iterator(chunk_size=BATCH):
        if entry.seq != expected or entry.prev_hash != old_prev or entry.hash != old(old_prev, entry):
            intact = False
            break
        old_prev = entry.hash
        entry.prev_hash = new_prev
        entry.hash = new_prev = new(new_prev, entry)
        changed.append(entry)
        expected += 1
        if len(changed) >= BATCH:
            entry_model.objects.bulk_update(changed, ["prev_hash", "hash"])
            changed = []
    if changed:
        entry_model.objects.bulk_update(changed, ["prev_hash", "hash"])
    head.key_fingerprint = fingerprint
    if intact and head.seq == expected - 1 and head.hash == old_prev:
        head.hash = new_prev
    head.save(update_fields=["hash", "key_fingerprint"])


def forwards(apps, schema_editor):
    key = settings.WENMING_AUDIT_KEY.encode("utf-8")
    fingerprint = hmac.new(key, LABEL, hashlib.sha256).hexdigest()
    _rehash(apps, _unkeyed, _keyed(key), fingerprint)


def backwards(apps, schema_editor):
    key = settings.WENMING_AUDIT_KEY.encode("utf-8")
    _rehash(apps, _keyed(key), _unkeyed, "")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_leaner_write_indexes")]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="key_fingerprint",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(forwards, backwards),
    ]
