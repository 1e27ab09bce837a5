"""The roles a person can hold (defined in core, whose data scope decides by them)."""

from wenming.core.roles import Role, is_office, require_office

__all__ = ["Role", "is_office", "require_office"]
