"""What every write of the scoring app shares: its event row and audit entry, the settings."""

from __future__ import annotations

from wenming.core.audit import audit_record

from ..models import ScoringEvent, ScoringSettings

# The org app's own kind for central and provincial units in the city (ICBC, CMCC, the post).
DEFAULT_CENTRAL_UNIT_KINDS = ["central_prov"]


def event(*, actor, action: str, data: dict, snapshot=None, subject: str = "", target=None):
    """The app's own log line and the global audit chain's entry, in the caller's transaction."""
    ScoringEvent.objects.create(
        actor=actor, action=action, data=data, snapshot=snapshot, subject=subject
    )
    audit_record(action=f"scoring.{action}", actor=actor, target=target or snapshot, data=data)


def settings_get() -> ScoringSettings:
    """The office's scoring settings (the one row, made with the defaults when missing)."""
    row = ScoringSettings.objects.order_by("pk").first()
    if row is None:
        row = ScoringSettings.objects.create(central_unit_kinds=DEFAULT_CENTRAL_UNIT_KINDS)
    return row
