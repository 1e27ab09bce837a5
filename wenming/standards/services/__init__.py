"""Every write to the evaluation system, the negative list, point types and checklists.

The editing rule (issue 3, item 4): once results (inspection findings, problems, tasks …)
refer to a system's standards or checklist items, a change that would rewrite what those
results meant — deleting, renumbering, re-weighting, rewording — is refused; the office
clones the system as a new edition instead. Labels, owners and notes stay editable. An
archived edition is read-only. The rule itself lives in `rules.py`.
"""

from .checklists import (
    checklist_item_create,
    checklist_item_delete,
    checklist_item_update,
    point_type_create,
    point_type_delete,
    point_type_open_work,
    point_type_update,
)
from .clauses import clause_create, clause_delete, clause_update
from .load import ImportRefused, system_load, workbook_import
from .negative import negative_effects_set, negative_entry_save
from .rules import (
    DESTRUCTIVE,
    EDITABLE,
    OWN_APPS,
    TRANSITIONS,
    methods_normalise,
    require_office,
    system_references,
)
from .systems import (
    system_activate,
    system_archive,
    system_clone,
    system_create,
    system_delete,
    system_kind_check,
    system_update,
)
from .tree import (
    indicator_create,
    indicator_delete,
    indicator_update,
    item_create,
    item_delete,
    item_update,
    negative_entry_create,
    negative_entry_delete,
    negative_entry_update,
    standard_create,
    standard_delete,
    standard_update,
)

__all__ = [
    "DESTRUCTIVE",
    "EDITABLE",
    "OWN_APPS",
    "TRANSITIONS",
    "ImportRefused",
    "checklist_item_create",
    "checklist_item_delete",
    "checklist_item_update",
    "clause_create",
    "clause_delete",
    "clause_update",
    "indicator_create",
    "indicator_delete",
    "indicator_update",
    "item_create",
    "item_delete",
    "item_update",
    "methods_normalise",
    "negative_effects_set",
    "negative_entry_create",
    "negative_entry_delete",
    "negative_entry_save",
    "negative_entry_update",
    "point_type_create",
    "point_type_delete",
    "point_type_open_work",
    "point_type_update",
    "require_office",
    "standard_create",
    "standard_delete",
    "standard_update",
    "system_activate",
    "system_archive",
    "system_clone",
    "system_create",
    "system_delete",
    "system_kind_check",
    "system_load",
    "system_references",
    "system_update",
    "workbook_import",
]
