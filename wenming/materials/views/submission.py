"""A unit's due list and one submission's page, where the unit uploads (phone-friendly:
one file at a time, the camera offered for photos) and submits, and the office reviews.

Actions sent with htmx are answered with the page's actions block: the outcome in it on
success, the reason beside the kept form on a refusal (4xx, which core/app.js swaps). Without
JavaScript an action redirects back to the page (or shows it with the reason).
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.documents import document_response
from wenming.core.errors import DomainError, InvalidInput
from wenming.core.roles import is_office

from .. import lifecycle, selectors, services
from ..models import EvidenceKind
from .office import material_readers_only


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _submission_or_404(request, pk):
    try:
        return selectors.submission_get(actor=request.user, submission_id=pk)
    except DomainError:
        raise Http404 from None


@login_required
@material_readers_only
def due(request):
    """The reader's unit's material still to submit or resubmit (the office sees every unit's)."""
    rows = list(selectors.due_for(actor=request.user)[:300])
    today = timezone.localdate()
    for row in rows:
        row.late = bool(row.return_deadline and row.return_deadline < today)
    return render(
        request,
        "materials/due.html",
        {"rows": rows, "is_office": is_office(request.user), "today": today},
    )


def _context(request, submission, **extra) -> dict:
    actor = request.user
    files = list(submission.files.all())
    for f in files:
        f.in_window = submission.window.covers(f.document_date)
    may_unit = services._acts_for_unit(actor, submission)
    context = {
        "s": submission,
        "files": files,
        "kinds": EvidenceKind.choices,
        "can_edit": may_unit and submission.status in lifecycle.EDITABLE,
        "can_submit": may_unit and lifecycle.move(submission.status, lifecycle.SUBMIT) is not None,
        "can_review": is_office(actor)
        and lifecycle.move(submission.status, lifecycle.SCORE) is not None,
        "events": submission.events.select_related("actor").order_by("-at", "-id")[:50],
        "today": timezone.localdate().isoformat(),
        "percent": None if submission.score is None else round(float(submission.score) * 100, 2),
    }
    context.update(extra)
    return context


@login_required
def detail(request, pk):
    submission = _submission_or_404(request, pk)
    return render(request, "materials/submission.html", _context(request, submission))


def _answer(request, pk, action, *, done: str):
    """Run `action()`; answer the actions block (htmx) or the page, with the outcome or the
    reason of a refusal."""
    try:
        action()
    except DomainError as exc:
        submission = _submission_or_404(request, pk)
        template = "materials/_actions.html" if _is_htmx(request) else "materials/submission.html"
        context = _context(request, submission, error=exc.message, kept=request.POST)
        return render(request, template, context, status=exc.status)
    if not _is_htmx(request):
        return redirect(reverse("materials:detail", args=[pk]))
    submission = _submission_or_404(request, pk)
    return render(
        request, "materials/_actions_answer.html", _context(request, submission, result=done)
    )


@login_required
@require_POST
def file_add(request, pk):
    submission = _submission_or_404(request, pk)
    upload = request.FILES.get("file")

    def action():
        if upload is None:
            raise InvalidInput(_("Choose a file to upload."), code="no_file")
        services.evidence_add(
            actor=request.user,
            submission=submission,
            upload=upload,
            kind=request.POST.get("kind", ""),
            document_date=request.POST.get("document_date", ""),
        )

    return _answer(request, pk, action, done=_("The file was added."))


@login_required
@require_POST
def file_remove(request, pk, file_id):
    try:
        evidence = selectors.evidence_get(actor=request.user, submission_id=pk, file_id=file_id)
    except DomainError:
        raise Http404 from None
    return _answer(
        request,
        pk,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        done=_("The file was removed."),
    )


@login_required
@require_POST
def submit(request, pk):
    submission = _submission_or_404(request, pk)
    return _answer(
        request,
        pk,
        lambda: services.submission_submit(actor=request.user, submission=submission),
        done=_("Submitted for the office's pre-review."),
    )


def _share(raw: str):
    """The form asks for a percentage; the service takes a share."""
    try:
        return Decimal(raw.strip()) / 100
    except (InvalidOperation, AttributeError):
        return raw or None


@login_required
@require_POST
def review(request, pk):
    submission = _submission_or_404(request, pk)
    decision = request.POST.get("decision", "")

    def action():
        services.submission_review(
            actor=request.user,
            submission=submission,
            decision=decision,
            score=_share(request.POST.get("percent", "")) if decision == "score" else None,
            comments=request.POST.get("comments", ""),
            deadline=request.POST.get("deadline") or None,
        )

    done = _("Pre-scored.") if decision == "score" else _("Returned for resubmission.")
    return _answer(request, pk, action, done=done)


@login_required
def download(request, pk, file_id):
    try:
        evidence = selectors.evidence_get(actor=request.user, submission_id=pk, file_id=file_id)
        return document_response(evidence.path, filename=evidence.name)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        raise
