"""The plans pages, one module per page family."""

from .campaigns import (
    campaign_list,
    campaign_page,
    coverage,
    generate,
    merge,
    plan_add,
    plan_document,
    publish,
)
from .ledger import export, ledger, timeline
from .letters import letter_document, letter_scan, letters_make, letters_page, sign
from .task import attachment, edit, milestone_add, milestone_done, move, progress, task_page

__all__ = [
    "attachment",
    "campaign_list",
    "campaign_page",
    "coverage",
    "edit",
    "export",
    "generate",
    "ledger",
    "letter_document",
    "letter_scan",
    "letters_make",
    "letters_page",
    "merge",
    "milestone_add",
    "milestone_done",
    "move",
    "plan_add",
    "plan_document",
    "progress",
    "publish",
    "sign",
    "task_page",
    "timeline",
]
