"""The creation registry's pages: the registry and an entry's history (`registry`), applying
and an application's page with its steps (`applications`), coverage and exports (`coverage`)."""

from .applications import application_detail, application_list, application_step, apply, document
from .coverage import coverage_page, export, target_save
from .registry import entry_detail, entry_list, type_list, type_save

__all__ = [
    "application_detail",
    "application_list",
    "application_step",
    "apply",
    "coverage_page",
    "document",
    "entry_detail",
    "entry_list",
    "export",
    "target_save",
    "type_list",
    "type_save",
]
