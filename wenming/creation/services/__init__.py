"""Every write of the creation registry: types, targets and entries (`registry`), the
application cycle (`applications`)."""

from .applications import application_create, application_evidence_add, application_transition
from .registry import entry_register, scheme_for, target_set, type_save

__all__ = [
    "application_create",
    "application_evidence_add",
    "application_transition",
    "entry_register",
    "scheme_for",
    "target_set",
    "type_save",
]
