"""The audit log is append-only and hash-chained; tampering is detected and named."""

import hashlib
import hmac
import importlib
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from wenming.core.audit import (
    GENESIS_HASH,
    HASHED_FIELDS,
    anchors_load,
    audit_record,
    audit_record_many,
    audit_verify,
    entry_digest,
    entry_payload,
    key_fingerprint,
)
from wenming.core.models import AuditEntry, AuditHead
from wenming.notifications.models import Delivery, Notice, WebhookChannel


def test_entries_chain_to_each_other(cast):
    first = audit_record(action="test.one", actor=cast.office, data={"n": 1})
    second = audit_record(action="test.two", actor=cast.zhongshan, target=cast.zhongshan_district)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert second.target_type == "org.region" and second.target_id == str(
        cast.zhongshan_district.pk
    )
    assert audit_verify().ok


def test_tampered_content_is_reported_with_its_sequence(cast):
    for n in range(5):
        audit_record(action="test.write", actor=cast.office, data={"n": n})
    victim = AuditEntry.objects.order_by("seq")[2]
    AuditEntry.objects.filter(pk=victim.pk).update(data={"n": 999})
    verdict = audit_verify()
    assert not verdict.ok
    assert verdict.broken_seq == victim.seq
    assert "hash" in verdict.reason


def test_deleted_middle_entry_is_reported(cast):
    for n in range(4):
        audit_record(action="test.write", data={"n": n})
    victim = AuditEntry.objects.order_by("seq")[1]
    victim.delete()
    verdict = audit_verify()
    assert not verdict.ok and verdict.broken_seq == victim.seq + 1


def test_truncated_tail_is_reported(cast):
    for n in range(3):
        audit_record(action="test.write", data={"n": n})
    AuditEntry.objects.order_by("-seq").first().delete()
    assert not audit_verify().ok


def test_verify_command_exits_non_zero_on_tampering(cast, capsys):
    audit_record(action="test.write", data={"n": 1})
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out
    AuditEntry.objects.update(action="test.forged")
    with pytest.raises(CommandError, match="BROKEN at entry #1"):
        call_command("audit", "verify")


def test_service_writes_are_audited(cast):
    from wenming.org.services import unit_create

    before = AuditEntry.objects.count()
    unit_create(code="WATER", name="市水务局", actor=cast.office)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "unit.create" and entry.actor_name == "office"


# --- the key -----------------------------------------------------------------------------------


def write(count):
    for n in range(count):
        audit_record(action="test.write", data={"n": n})


def keyed(key: str):
    return lambda prev, fields: entry_digest(key.encode(), prev, fields)


def unkeyed(prev, fields):
    return hashlib.sha256((prev + entry_payload(**fields)).encode()).hexdigest()


def rewrite_from(seq, *, data, digest):
    """What someone with write access to the database does: change entry `seq`, re-hash it and
    every entry after it with `digest`, and move the head."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        if entry.seq == seq:
            entry.data = data
        entry.prev_hash = prev
        entry.hash = prev = digest(prev, {name: getattr(entry, name) for name in HASHED_FIELDS})
        entry.save(update_fields=["data", "prev_hash", "hash"])
    AuditHead.objects.filter(pk=1).update(hash=prev)


def test_hashes_are_hmacs_under_the_configured_key_which_the_database_never_holds(cast):
    write(2)
    entry = AuditEntry.objects.get(seq=2)
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    assert entry.hash == keyed(settings.WENMING_AUDIT_KEY)(entry.prev_hash, fields)
    assert entry.hash != unkeyed(entry.prev_hash, fields)
    head = AuditHead.objects.get(pk=1)
    expected = hmac.new(
        settings.WENMING_AUDIT_KEY.encode(), b"wenming audit key fingerprint v1", hashlib.sha256
    ).hexdigest()
    assert head.key_fingerprint == key_fingerprint() == expected
    stored = json.dumps(
        list(AuditEntry.objects.values()) + list(AuditHead.objects.values()), default=str
    )
    assert settings.WENMING_AUDIT_KEY not in stored


@pytest.mark.parametrize("digest", [unkeyed, keyed("a-guessed-key")], ids=["unkeyed", "guessed"])
def test_a_rewrite_rehashed_without_the_key_is_reported(cast, digest):
    write(6)
    rewrite_from(3, data={"n": "forged"}, digest=digest)
    verdict = audit_verify()
    assert not verdict.ok and not verdict.key_mismatch
    assert verdict.broken_seq == 3 and verdict.reason == "content does not match its hash"


def test_a_rewrite_rehashed_with_the_key_passes_verify_but_not_the_anchors(cast, tmp_path):
    anchors = tmp_path / "anchors.log"
    write(5)
    call_command("audit", "anchor", "--file", str(anchors))
    write(3)
    call_command("audit", "anchor", "--file", str(anchors))
    rewrite_from(3, data={"n": "forged"}, digest=keyed(settings.WENMING_AUDIT_KEY))
    # What a key cannot stop: whoever holds it and the database rewrites undetectably …
    assert audit_verify().ok
    call_command("audit", "verify")
    # … except against anchors kept outside the database.
    verdict = audit_verify(anchors=anchors_load(anchors))
    assert not verdict.ok and verdict.broken_seq == 5
    assert "anchor" in verdict.reason and "rewritten" in verdict.reason
    with pytest.raises(CommandError, match="BROKEN at entry #5"):
        call_command("audit", "verify", "--anchors", str(anchors))


def test_the_anchors_of_an_untouched_log_match(cast, tmp_path, capsys):
    anchors = tmp_path / "anchors.log"
    call_command("audit", "anchor", "--file", str(anchors))  # an empty log anchors #0
    write(2)
    call_command("audit", "anchor", "--file", str(anchors))
    write(2)
    verdict = audit_verify(anchors=anchors_load(anchors))
    assert verdict.ok and verdict.checked == 4 and verdict.anchors_checked == 1
    capsys.readouterr()
    call_command("audit", "verify", "--anchors", str(anchors))
    assert "OK: 4 audit entries verified, 1 anchors matched." in capsys.readouterr().out


def test_a_log_cut_back_behind_an_anchor_is_caught_by_it(cast, tmp_path):
    anchors = tmp_path / "anchors.log"
    write(5)
    call_command("audit", "anchor", "--file", str(anchors))
    # Cut cleanly: the last two entries go and the head moves back to the third.
    AuditEntry.objects.filter(seq__gt=3).delete()
    third = AuditEntry.objects.get(seq=3)
    AuditHead.objects.filter(pk=1).update(seq=3, hash=third.hash)
    assert audit_verify().ok
    verdict = audit_verify(anchors=anchors_load(anchors))
    assert not verdict.ok and "ends before the anchor of entry #5" in verdict.reason


def test_entries_beyond_the_head_are_reported(cast):
    write(2)
    last = AuditEntry.objects.get(seq=2)
    AuditEntry.objects.create(
        seq=3, created_at=last.created_at, action="test.forged", prev_hash=last.hash, hash="f" * 64
    )
    verdict = audit_verify()
    assert not verdict.ok and verdict.broken_seq == 3 and "beyond the head" in verdict.reason


def test_a_wrong_key_is_reported_as_a_key_mismatch_not_as_tampering(cast):
    write(3)
    with override_settings(WENMING_AUDIT_KEY="not-the-key"):
        verdict = audit_verify()
        assert not verdict.ok and verdict.key_mismatch and verdict.broken_seq is None
        with pytest.raises(CommandError) as raised:
            call_command("audit", "verify")
    message = str(raised.value)
    assert "KEY MISMATCH" in message and "not evidence of tampering" in message
    assert "BROKEN" not in message


def test_an_app_server_with_another_key_cannot_append(cast):
    write(2)
    other_key = override_settings(WENMING_AUDIT_KEY="not-the-key")
    # In a transaction, as a service writes: the refusal undoes the service's write too.
    with other_key, pytest.raises(ImproperlyConfigured), transaction.atomic():
        audit_record(action="test.write")
    assert AuditEntry.objects.count() == 2 and audit_verify().ok


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WENMING_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="wenming.settings",
        WENMING_HOME=str(tmp_path),
        WENMING_PRODUCTION="1",
        WENMING_SECRET_KEY="test-only",
    )
    probe = "import django; django.setup()"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert done.returncode != 0
    assert "WENMING_AUDIT_KEY must be set when WENMING_PRODUCTION=1" in done.stderr
    env["WENMING_AUDIT_KEY"] = "test-only-audit-key"
    assert (
        subprocess.run(
            [sys.executable, "-c", probe],
            env=env,
            capture_output=True,
            timeout=120,
            cwd=settings.BASE_DIR,
            check=False,
        ).returncode
        == 0
    )


# --- anchors -----------------------------------------------------------------------------------


def test_anchor_appends_the_head_to_the_file_and_queues_a_post_to_the_office_robot(cast, tmp_path):
    office_robot = WebhookChannel.objects.create(
        name="文明办群", kind="wecom", url="http://127.0.0.1:9/hook", kinds=["audit_anchor"]
    )
    WebhookChannel.objects.create(
        name="中山区群",
        kind="wecom",
        url="http://127.0.0.1:9/zs",
        kinds=["audit_anchor"],
        region=cast.zhongshan_district,
    )
    WebhookChannel.objects.create(
        name="派单群", kind="wecom", url="http://127.0.0.1:9/d", kinds=["dispatch"]
    )
    write(3)
    anchors = tmp_path / "outside" / "anchors.log"
    with override_settings(WENMING_AUDIT_ANCHOR_FILE=anchors):
        call_command("audit", "anchor")  # the setting names the default file
    head = AuditHead.objects.get(pk=1)
    [line] = anchors.read_text().splitlines()
    saved = json.loads(line)
    assert saved["seq"] == 3 and saved["hash"] == head.hash and saved["at"]
    assert saved["key"] == key_fingerprint()
    notice = Notice.objects.get(kind="audit_anchor")
    assert head.hash in notice.body
    [delivery] = Delivery.objects.filter(notice=notice)
    # Queued for the worker, not sent from the command.
    assert delivery.webhook == office_robot and delivery.attempts == 0
    call_command("audit", "anchor", "--file", str(anchors))
    assert len(anchors.read_text().splitlines()) == 2


def test_an_anchor_file_with_a_damaged_line_is_refused(cast, tmp_path):
    anchors = tmp_path / "anchors.log"
    anchors.write_text('{"seq": 1, "hash": "ab"}\nnot json\n')
    with pytest.raises(CommandError, match="line 2: not an anchor"):
        call_command("audit", "verify", "--anchors", str(anchors))
    with pytest.raises(CommandError, match="cannot read the anchor file"):
        call_command("audit", "verify", "--anchors", str(tmp_path / "missing.log"))


# --- rotation and the upgrade of unkeyed logs -------------------------------------------------


def test_rekey_rehashes_the_log_under_the_new_key(cast, tmp_path, capsys):
    old = settings.WENMING_AUDIT_KEY
    anchors = tmp_path / "anchors.log"
    write(4)
    old_head = AuditHead.objects.get(pk=1)
    call_command("audit", "anchor", "--file", str(anchors))
    with override_settings(WENMING_AUDIT_KEY="the-new-key", WENMING_AUDIT_OLD_KEY=old):
        call_command("audit", "rekey")
        assert "Re-hashed 4 audit entries" in capsys.readouterr().out
        last = AuditEntry.objects.order_by("-seq").first()
        assert last.action == "audit.rekey"
        assert last.data == {
            "old_key": key_fingerprint(old),
            "old_head_seq": 4,
            "old_head_hash": old_head.hash,
        }
        verdict = audit_verify(anchors=anchors_load(anchors))
        assert verdict.ok and verdict.checked == 5 and verdict.anchors_other_key == 1
        audit_record(action="test.after")
        assert audit_verify().ok
    assert audit_verify().key_mismatch  # the old key no longer fits


def test_rekey_refuses_a_broken_log_and_a_wrong_old_key(cast):
    old = settings.WENMING_AUDIT_KEY
    write(4)
    AuditEntry.objects.filter(seq=2).update(action="test.forged")
    before = list(AuditEntry.objects.values_list("hash", flat=True))
    new_key = override_settings(WENMING_AUDIT_KEY="the-new-key", WENMING_AUDIT_OLD_KEY=old)
    with new_key, pytest.raises(CommandError, match="broken at entry #2"):
        call_command("audit", "rekey")
    assert list(AuditEntry.objects.values_list("hash", flat=True)) == before
    wrong = override_settings(WENMING_AUDIT_KEY="the-new-key", WENMING_AUDIT_OLD_KEY="wrong")
    with wrong, pytest.raises(CommandError, match="not the key the audit log is written with"):
        call_command("audit", "rekey")


def legacy_log(count, *, forge_seq=None):
    """A log as written before keys: plain SHA-256 hashes and no key fingerprint."""
    write(count)
    rewrite_from(1, data={"n": 0}, digest=unkeyed)
    AuditHead.objects.filter(pk=1).update(key_fingerprint="")
    if forge_seq:
        AuditEntry.objects.filter(seq=forge_seq).update(action="test.forged")


def upgrade():
    from django.apps import apps

    importlib.import_module("wenming.core.migrations.0005_audit_key").forwards(apps, None)


def test_the_upgrade_keys_an_unkeyed_log(cast):
    legacy_log(5)
    assert not audit_verify().ok
    upgrade()
    verdict = audit_verify()
    assert verdict.ok and verdict.checked == 5
    audit_record(action="test.after")
    assert audit_verify().ok


def test_the_upgrade_never_makes_a_tampered_log_valid(cast):
    legacy_log(5, forge_seq=3)
    upgrade()
    verdict = audit_verify()
    assert not verdict.ok and verdict.broken_seq == 3 and not verdict.key_mismatch
    audit_record(action="test.after")  # the office keeps working; the break stays on record
    assert audit_verify().broken_seq == 3


def test_entries_appended_in_bulk_continue_the_chain_contiguously_and_verify(cast):
    first = audit_record(action="test.one", actor=cast.office)
    many = audit_record_many(
        [
            {
                "action": "test.bulk",
                "actor": cast.office,
                "target": cast.zhongshan,
                "data": {"n": n},
            }
            for n in range(5)
        ]
        + [{"action": "test.bulk", "data": {"n": 5}, "ip": "10.0.0.9"}]
    )
    last = audit_record(action="test.after")
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in rows] == list(range(first.seq, first.seq + 8))  # no gap, no reorder
    assert [e.hash for e in rows[1:7]] == [e.hash for e in many]
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert [e.data for e in rows[1:7]] == [{"n": n} for n in range(6)]
    assert rows[1].actor_name == cast.office.get_username() and rows[6].actor_name == ""
    assert rows[1].target_id == str(cast.zhongshan.pk) and rows[6].ip == "10.0.0.9"
    assert AuditHead.objects.get(pk=1).seq == last.seq
    assert audit_verify().ok and audit_verify().checked == 8
    call_command("audit", "verify")  # what an operator runs
    assert audit_record_many([]) == []


def test_a_bulk_append_under_another_key_writes_nothing(cast):
    write(2)
    other_key = override_settings(WENMING_AUDIT_KEY="not-the-key")
    with other_key, pytest.raises(ImproperlyConfigured), transaction.atomic():
        audit_record_many([{"action": "test.write"}, {"action": "test.write"}])
    assert AuditEntry.objects.count() == 2 and audit_verify().ok
