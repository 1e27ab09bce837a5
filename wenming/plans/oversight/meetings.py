"""Review meetings (the monthly rhythm): the record, the figures frozen at the meeting, and the
commitments, each of which is a task of the campaign with an owner and a deadline.

The next meeting opens with the commitments still open (`selectors.open_commitments`).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import InvalidInput
from wenming.core.roles import require_office
from wenming.problems.deadlines import local_today

from ..models import Campaign, MeetingCommitment, ReviewMeeting, Task
from ..services.tasks import task_create
from . import selectors

MAX_TEXT = 8000


def _text(value, *, what, limit: int = MAX_TEXT, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(what)s is required.") % {"what": what}, code="text_required")
    if len(value) > limit:
        raise InvalidInput(
            _("%(what)s has at most %(n)d characters.") % {"what": what, "n": limit},
            code="text_too_long",
        )
    return value


def meeting_create(
    *,
    actor,
    campaign: Campaign,
    title: str,
    held_on: date,
    attendees: str = "",
    attending_units=(),
    decisions: str = "",
    is_demo: bool = False,
) -> ReviewMeeting:
    """Record a meeting; the figures it reviewed are taken now and kept as they were."""
    require_office(actor, _("Only the Civilization Office records review meetings."))
    title = _text(title, what=_("A title"), limit=200, required=True)
    if held_on is None:
        raise InvalidInput(_("The meeting's date is required."), code="date_required")
    if not is_demo and held_on > local_today():
        raise InvalidInput(_("A meeting is recorded after it was held."), code="date_future")
    with transaction.atomic():
        meeting = ReviewMeeting.objects.create(
            campaign=campaign,
            title=title,
            held_on=held_on,
            attendees=_text(attendees, what=_("The attendees")),
            decisions=_text(decisions, what=_("The decisions")),
            figures=selectors.meeting_figures(campaign, on=held_on),
            created_by=actor,
            is_demo=is_demo,
        )
        if attending_units:
            meeting.attending_units.set(list(attending_units))
        audit_record(
            action="review_meeting.create",
            actor=actor,
            target=meeting,
            data={"campaign": campaign.pk, "held_on": held_on.isoformat()},
        )
    return meeting


def meeting_commit(
    *,
    actor,
    meeting: ReviewMeeting,
    title: str,
    deadline: date,
    lead_unit=None,
    person_in_charge=None,
    regions=(),
    description: str = "",
    is_demo: bool = False,
) -> Task:
    """A commitment made at `meeting`: a published task of its campaign, starting that day."""
    require_office(actor, _("Only the Civilization Office records commitments."))
    if lead_unit is None and person_in_charge is None:
        raise InvalidInput(
            _("A commitment needs an owner: a lead unit or a person in charge."),
            code="owner_required",
        )
    with transaction.atomic():
        task = task_create(
            actor=actor,
            campaign=meeting.campaign,
            title=title,
            start=meeting.held_on,
            deadline=deadline,
            description=description,
            lead_unit=lead_unit,
            person_in_charge=person_in_charge,
            regions=regions,
            is_demo=is_demo,
        )
        MeetingCommitment.objects.create(meeting=meeting, task=task)
        audit_record(
            action="review_meeting.commit",
            actor=actor,
            target=meeting,
            data={"task": task.pk, "deadline": deadline.isoformat()},
        )
    return task
