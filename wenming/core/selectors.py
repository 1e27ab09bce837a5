"""Reads owned by the shared kernel."""

from .models import ApiToken, AuditEntry


def tokens_of(*, person):
    """A person's own API tokens (nobody else's, office included)."""
    return ApiToken.objects.filter(person=person).order_by("-created_at")


def audit_entries_for(*, actor, limit: int = 200):
    """The latest audit entries; the log is for the Civilization Office only."""
    if actor is None or not getattr(actor, "is_office", False):
        return AuditEntry.objects.none()
    return AuditEntry.objects.order_by("-seq")[:limit]
