"""Tables of the problem ledger: categories, problems, their events and photos, routing.

A package by concern (contracts, the problem row, its records, the office's settings); every
name is re-exported here, so `wenming.problems.models.X` stays the one import path.
"""

from .choices import (
    EVERY_ROLE,
    NOT_OPEN_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    STAGE_TIMES,
    Action,
    CategoryKind,
    EventKind,
    ProblemClass,
    Severity,
    Source,
    Status,
    Subject,
    status_flags,
)
from .config import LedgerConfig, RoutingRule, TargetLevel
from .problem import Category, CoUnitLookup, Problem, ProblemCounter
from .records import PhotoKind, ProblemEvent, ProblemPhoto, ProblemRecord

__all__ = [
    "EVERY_ROLE",
    "NOT_OPEN_STATUSES",
    "OPEN_STATUSES",
    "PENDING_STATUSES",
    "STAGE_TIMES",
    "Action",
    "Category",
    "CategoryKind",
    "CoUnitLookup",
    "EventKind",
    "LedgerConfig",
    "PhotoKind",
    "Problem",
    "ProblemClass",
    "ProblemCounter",
    "ProblemEvent",
    "ProblemPhoto",
    "ProblemRecord",
    "RoutingRule",
    "Severity",
    "Source",
    "Status",
    "Subject",
    "TargetLevel",
    "status_flags",
]
