"""The audit log is append-only and hash-chained; tampering is detected and named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wenming.core.audit import audit_record, audit_verify
from wenming.core.models import AuditEntry


def test_entries_chain_to_each_other(cast):
    first = audit_record(action="test.one", actor=cast.office, data={"n": 1})
    second = audit_record(action="test.two", actor=cast.zhongshan, target=cast.zhongshan_district)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert second.target_type == "org.region" and second.target_id == str(cast.zhongshan_district.pk)
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
