"""The office's triage of citizen reports (register, reject with a public reason, merge) and
its review of a "not satisfied" rating. Each drives the ledger's own transition
(`problems.services`), so the problem's state machine stays the one in problems/lifecycle.py,
and adds the public reply the citizen reads on the follow page."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.org.roles import is_office
from wenming.problems.models import Problem, Status
from wenming.problems.services import problem_register, problem_reject, problem_reopen

from .. import selectors
from ..models import CitizenReport, PublicReply, Review

PUBLIC_TEXT_LIMIT = 1000


def _office(actor) -> None:
    if not is_office(actor):
        raise NotAllowed(_("Only the Civilization Office triages citizen reports."))


def _text(value, *, required: bool, what) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(what, code="public_text_required")
    if len(text) > PUBLIC_TEXT_LIMIT:
        raise InvalidInput(
            _("The public reply is too long (%(limit)d characters at most).")
            % {"limit": PUBLIC_TEXT_LIMIT},
            code="too_long",
        )
    return text


def _reply(report: CitizenReport, status: str, text: str) -> None:
    if text:
        PublicReply.objects.create(report=report, status=status, text=text)


def citizen_report_register(
    *, report: CitizenReport, actor, public_text: str = "", note: str = ""
) -> CitizenReport:
    """Accept a citizen report into the ledger (立案); the category's template answers the
    public unless the office writes its own reply."""
    _office(actor)
    public_text = _text(public_text, required=False, what="")
    with transaction.atomic():
        problem_register(problem=report.problem, actor=actor, note=note)
        _reply(report, Status.REGISTERED, public_text)
    report.problem.refresh_from_db()
    return report


def citizen_report_reject(
    *, report: CitizenReport, actor, public_reason: str, note: str = ""
) -> CitizenReport:
    """Refuse a citizen report with a reason the citizen reads (不予立案)."""
    _office(actor)
    public_reason = _text(
        public_reason, required=True, what=_("Give the reason the citizen will read.")
    )
    with transaction.atomic():
        problem_reject(problem=report.problem, actor=actor, note=note or public_reason)
        _reply(report, Status.REJECTED, public_reason)
    report.problem.refresh_from_db()
    return report


def citizen_report_merge(
    *, report: CitizenReport, actor, into: Problem, public_text: str = ""
) -> CitizenReport:
    """Merge a citizen report into an existing problem (a duplicate); the reporter follows
    the surviving problem from then on."""
    _office(actor)
    public_text = _text(public_text, required=False, what="")
    if into is None:
        raise InvalidInput(_("Name the problem to merge into."), code="merge_target_required")
    if selectors.surviving_problem(into).pk == report.problem_id:
        raise InvalidInput(_("A report cannot be merged into itself."), code="bad_duplicate")
    if into.status == Status.REJECTED:
        raise Conflict(
            _("%(code)s was rejected; merge into the problem it duplicates.") % {"code": into.code},
            code="bad_duplicate",
        )
    with transaction.atomic():
        problem_reject(problem=report.problem, actor=actor, duplicate_of=into)
        _reply(
            report,
            Status.REJECTED,
            public_text
            or _(
                "The same problem was already reported; your report was merged with it. "
                "This page now shows its progress."
            ),
        )
    report.problem.refresh_from_db()
    return report


def citizen_review_decide(
    *, report: CitizenReport, actor, reopen: bool, public_text: str, note: str = ""
) -> CitizenReport:
    """The office answers a "not satisfied" rating: reopen the problem, or uphold the closure
    with a reply the citizen reads. A report is reviewed once."""
    _office(actor)
    public_text = _text(public_text, required=True, what=_("Give the reply the citizen will read."))
    with transaction.atomic():
        locked = CitizenReport.objects.select_for_update().get(pk=report.pk)
        if locked.review != Review.PENDING:
            raise Conflict(_("This rating was already reviewed."), code="already_reviewed")
        surviving = selectors.surviving_problem(locked.problem)
        if reopen:
            problem_reopen(problem=surviving, actor=actor, note=note or public_text)
        locked.review = Review.REOPENED if reopen else Review.UPHELD
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["review", "reviewed_at"])
        _reply(locked, Status.IN_PROGRESS if reopen else Status.CLOSED, public_text)
        audit_record(
            action="public.review",
            actor=actor,
            target=locked,
            data={"problem": surviving.code, "reopen": bool(reopen)},
        )
    return locked
