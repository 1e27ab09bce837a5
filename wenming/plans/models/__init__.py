"""Tables of the campaigns and tasks app, one module per concern.

Later parts (guarantor units, supervision orders, review meetings) add their own modules
here and one import line each.
"""

from .campaigns import Campaign, CompetitionGroup, PlanKind, WorkPlan
from .letters import Letter, LetterHolder
from .oversight import (
    Guarantor,
    MeetingCommitment,
    OrderAction,
    OrderKind,
    OrderStatus,
    ReviewMeeting,
    SupervisionEvent,
    SupervisionOrder,
    SupervisionReminder,
)
from .tasks import (
    Action,
    Milestone,
    ProgressAttachment,
    Status,
    Task,
    TaskEvent,
    TaskProgress,
    TaskReminder,
)

__all__ = [
    "Guarantor",
    "MeetingCommitment",
    "OrderAction",
    "OrderKind",
    "OrderStatus",
    "ReviewMeeting",
    "SupervisionEvent",
    "SupervisionOrder",
    "SupervisionReminder",
    "Action",
    "Campaign",
    "CompetitionGroup",
    "Letter",
    "LetterHolder",
    "Milestone",
    "PlanKind",
    "ProgressAttachment",
    "Status",
    "Task",
    "TaskEvent",
    "TaskProgress",
    "TaskReminder",
    "WorkPlan",
]
