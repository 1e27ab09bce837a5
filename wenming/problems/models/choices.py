"""The ledger's contracts: classes, subjects, statuses, actions, event kinds, sources.

Statuses, actions and sources are contracts (issue 4): their codes never change; labels may.
"""

from django.db import models
from django.utils.translation import pgettext_lazy

from wenming.org.roles import Role


class ProblemClass(models.TextChoices):
    """The four kinds of failing the campaign fights: 脏、乱、差、缺."""

    DIRTY = "dirty", pgettext_lazy("problem class", "Dirty")
    CHAOTIC = "chaotic", pgettext_lazy("problem class", "Chaotic")
    POOR = "poor", pgettext_lazy("problem class", "Poor")
    LACKING = "lacking", pgettext_lazy("problem class", "Lacking")


class Subject(models.TextChoices):
    APPEARANCE = "appearance", pgettext_lazy("problem subject", "City appearance")
    SANITATION = "sanitation", pgettext_lazy("problem subject", "Environmental sanitation")
    ADVERTISING = "advertising", pgettext_lazy("problem subject", "Advertising and signage")
    CONSTRUCTION = "construction", pgettext_lazy("problem subject", "Construction")
    STREET_ORDER = "street_order", pgettext_lazy("problem subject", "Street order")
    PARKING = "parking", pgettext_lazy("problem subject", "Parking order")
    FACILITIES = "facilities", pgettext_lazy("problem subject", "Public facilities")
    ROADS = "roads", pgettext_lazy("problem subject", "Roads")
    GREENING = "greening", pgettext_lazy("problem subject", "Greening")
    TRAFFIC = "traffic", pgettext_lazy("problem subject", "Traffic order")
    MARKET_ORDER = "market_order", pgettext_lazy("problem subject", "Market order")
    PSA = "psa", pgettext_lazy("problem subject", "Public-service ads")
    SIGNAGE = "signage", pgettext_lazy("problem subject", "Signs and guidance")
    SERVICE = "service", pgettext_lazy("problem subject", "Public services")
    CIVIL_BEHAVIOUR = "civil_behaviour", pgettext_lazy("problem subject", "Civil behaviour")
    OTHER = "other", pgettext_lazy("problem subject", "Other")


class CategoryKind(models.TextChoices):
    """Digital urban management: facilities go to the owner first, events to the locality."""

    FACILITY = "facility", pgettext_lazy("category kind", "Facility")
    EVENT = "event", pgettext_lazy("category kind", "Event")


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("problem status", "New")
    REGISTERED = "registered", pgettext_lazy("problem status", "Registered")
    DISPATCHED = "dispatched", pgettext_lazy("problem status", "Dispatched")
    IN_PROGRESS = "in_progress", pgettext_lazy("problem status", "In progress")
    RECTIFIED = "rectified", pgettext_lazy("problem status", "Rectified, awaiting verification")
    CLOSED = "closed", pgettext_lazy("problem status", "Closed")
    REJECTED = "rejected", pgettext_lazy("problem status", "Rejected")
    ON_HOLD = "on_hold", pgettext_lazy("problem status", "On hold")


# State kinds are fixed even if labels change (domain.md); every metric reads the kind.
OPEN_STATUSES = (
    Status.NEW,
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RECTIFIED,
    Status.ON_HOLD,
)
# The handler owes work and the deadline runs: what "overdue" and "due soon" look at.
PENDING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)
# When the problem last reached each stage (Problem fields; the detail answer lists them all).
STAGE_TIMES = (
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "rectified_at",
    "closed_at",
    "rejected_at",
    "held_at",
    "reopened_at",
)
NOT_OPEN_STATUSES = (Status.CLOSED, Status.REJECTED)


def status_flags(status: str) -> dict:
    """The denormalised columns that follow from a status (services and bulk loaders use it)."""
    return {
        "status": status,
        "is_open": status in OPEN_STATUSES,
        "is_pending": status in PENDING_STATUSES,
    }


class Action(models.TextChoices):
    REGISTER = "register", pgettext_lazy("problem action", "Register")
    REJECT = "reject", pgettext_lazy("problem action", "Reject")
    DISPATCH = "dispatch", pgettext_lazy("problem action", "Dispatch")
    RETURN = "return", pgettext_lazy("problem action", "Return")
    ACCEPT = "accept", pgettext_lazy("problem action", "Accept")
    RECTIFY = "rectify", pgettext_lazy("problem action", "Report rectification")
    VERIFY_PASS = "verify_pass", pgettext_lazy("problem action", "Verify")
    VERIFY_FAIL = "verify_fail", pgettext_lazy("problem action", "Send back for rework")
    REQUEST_EXTENSION = "request_extension", pgettext_lazy("problem action", "Request an extension")
    APPROVE_EXTENSION = (
        "approve_extension",
        pgettext_lazy("problem action", "Approve the extension"),
    )
    DENY_EXTENSION = "deny_extension", pgettext_lazy("problem action", "Deny the extension")
    HOLD = "hold", pgettext_lazy("problem action", "Put on hold")
    RESUME = "resume", pgettext_lazy("problem action", "Resume")
    REOPEN = "reopen", pgettext_lazy("problem action", "Reopen")
    # A unit asks for the long-term hold (挂账); the office answers with `hold` or `deny_hold`.
    REQUEST_HOLD = "request_hold", pgettext_lazy("problem action", "Request a long-term hold")
    DENY_HOLD = "deny_hold", pgettext_lazy("problem action", "Deny the hold")


class EventKind(models.TextChoices):
    """What a timeline row records: a transition (its action) or another change."""

    CREATE = "create", pgettext_lazy("problem event", "Reported")
    REGISTER = "register", pgettext_lazy("problem event", "Registered")
    REJECT = "reject", pgettext_lazy("problem event", "Rejected")
    DISPATCH = "dispatch", pgettext_lazy("problem event", "Dispatched")
    RETURN = "return", pgettext_lazy("problem event", "Returned")
    ACCEPT = "accept", pgettext_lazy("problem event", "Accepted")
    RECTIFY = "rectify", pgettext_lazy("problem event", "Rectification reported")
    VERIFY_PASS = "verify_pass", pgettext_lazy("problem event", "Verified and closed")
    VERIFY_FAIL = "verify_fail", pgettext_lazy("problem event", "Sent back for rework")
    REQUEST_EXTENSION = "request_extension", pgettext_lazy("problem event", "Extension requested")
    APPROVE_EXTENSION = "approve_extension", pgettext_lazy("problem event", "Extension approved")
    DENY_EXTENSION = "deny_extension", pgettext_lazy("problem event", "Extension denied")
    HOLD = "hold", pgettext_lazy("problem event", "Put on hold")
    RESUME = "resume", pgettext_lazy("problem event", "Resumed")
    REOPEN = "reopen", pgettext_lazy("problem event", "Reopened")
    REQUEST_HOLD = "request_hold", pgettext_lazy("problem event", "Long-term hold requested")
    DENY_HOLD = "deny_hold", pgettext_lazy("problem event", "Hold denied")
    ATTACH = "attach", pgettext_lazy("problem event", "Photo added")
    ALSO_REPORTED = "also_reported", pgettext_lazy("problem event", "Reported again (duplicate)")
    ESCALATE = "escalate", pgettext_lazy("problem event", "Escalated")


class Source(models.TextChoices):
    INSPECTION = "inspection", pgettext_lazy("problem source", "Inspection")
    CITIZEN = "citizen", pgettext_lazy("problem source", "Citizen report")
    HOTLINE = "hotline", pgettext_lazy("problem source", "12345 hotline")
    MEDIA = "media", pgettext_lazy("problem source", "Media exposure")
    LEADER = "leader", pgettext_lazy("problem source", "Leader's instruction")
    SELF_FOUND = "self_found", pgettext_lazy("problem source", "Self-found")
    OTHER = "other", pgettext_lazy("problem source", "Other")


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("problem severity", "Low")
    NORMAL = "normal", pgettext_lazy("problem severity", "Normal")
    HIGH = "high", pgettext_lazy("problem severity", "High")
    URGENT = "urgent", pgettext_lazy("problem severity", "Urgent")


EVERY_ROLE = frozenset(Role.values)
