"""Every write to the problem ledger (grep `problem_<verb>`, `routing_rule_<verb>` …)."""

from ._common import ledger_config
from .creation import code_allocate, problem_create
from .escalation import problem_escalate
from .evidence import (
    integrity_flags,
    phash_bands,
    photo_prepare,
    photos_kept_if_recorded,
    problem_photo_add,
    validate_photos,
)
from .office import (
    category_create,
    category_update,
    ledger_config_update,
    routing_rule_create,
    routing_rule_delete,
    routing_rule_update,
)
from .transitions import (
    ACTION_FUNCTIONS,
    problem_accept,
    problem_approve_extension,
    problem_deny_extension,
    problem_dispatch,
    problem_hold,
    problem_rectify,
    problem_register,
    problem_reject,
    problem_reopen,
    problem_request_extension,
    problem_resume,
    problem_return,
    problem_transition,
    problem_verify_fail,
    problem_verify_pass,
)

__all__ = [
    "ACTION_FUNCTIONS",
    "category_create",
    "category_update",
    "code_allocate",
    "integrity_flags",
    "ledger_config",
    "ledger_config_update",
    "phash_bands",
    "problem_accept",
    "problem_approve_extension",
    "problem_create",
    "problem_deny_extension",
    "problem_dispatch",
    "problem_escalate",
    "problem_hold",
    "photo_prepare",
    "photos_kept_if_recorded",
    "problem_photo_add",
    "problem_rectify",
    "problem_register",
    "problem_reject",
    "problem_reopen",
    "problem_request_extension",
    "problem_resume",
    "problem_return",
    "problem_transition",
    "problem_verify_fail",
    "problem_verify_pass",
    "routing_rule_create",
    "routing_rule_delete",
    "routing_rule_update",
    "validate_photos",
]
