"""Letters of responsibility: who has signed and who has not, making the letters (in the
worker), recording a signing with its scan, and the two downloads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.documents import document_response
from wenming.core.errors import DomainError, InvalidInput
from wenming.core.ids import row_id
from wenming.core.roles import is_office

from .. import selectors
from ..letters import letters_start
from ..models import LetterHolder
from ..services.letters import letter_sign
from .common import form_date, or_404


def _page(request, pk, *, error=None, letter_id=None, status=200):
    actor = request.user
    campaign = or_404(selectors.campaign_get, actor=actor, campaign_id=pk)
    return render(
        request,
        "plans/letters.html",
        {
            "campaign": campaign,
            "signing": selectors.letter_signing(actor=actor, campaign=campaign),
            "is_office": is_office(actor),
            "holders": LetterHolder.choices,
            "error": error,
            "error_letter": letter_id,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def letters_page(request, pk):
    return _page(request, pk)


def _target(value: str | None) -> int | None:
    """The one holder asked for; None (every holder) only when none is named. A target that is
    not an id is refused: dropping it would make every letter instead of the one asked for."""
    text = (value or "").strip()
    if not text:
        return None
    target = row_id(text)
    if target is None:
        raise InvalidInput(_("Unknown unit or region."), code="bad_target")
    return target


@login_required
@require_POST
def letters_make(request, pk):
    campaign = or_404(selectors.campaign_get, actor=request.user, campaign_id=pk)
    try:
        job = letters_start(
            actor=request.user,
            campaign=campaign,
            holder=request.POST.get("holder", ""),
            target_id=_target(request.POST.get("target")),
        )
    except DomainError as exc:
        return _page(request, pk, error=exc.message, status=exc.status)
    return redirect("jobs:page", job.pk)


@login_required
@require_POST
def sign(request, pk):
    letter = or_404(selectors.letter_get, actor=request.user, letter_id=pk)
    try:
        letter_sign(
            actor=request.user,
            letter=letter,
            scan=request.FILES.get("scan"),
            signer=request.POST.get("signer", ""),
            signed_on=form_date(request.POST.get("signed_on")),
        )
    except DomainError as exc:
        return _page(
            request, letter.campaign_id, error=exc.message, letter_id=letter.pk, status=exc.status
        )
    return redirect("plans:letters", letter.campaign_id)


def _download(name, filename):
    try:
        return document_response(name, filename=filename)
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status)


@login_required
def letter_document(request, pk):
    letter = or_404(selectors.letter_get, actor=request.user, letter_id=pk)
    holder = letter.unit or letter.region
    if not letter.document:
        return HttpResponse(status=404)
    return _download(letter.document, f"{holder.display_name}.docx")


@login_required
def letter_scan(request, pk):
    letter = or_404(selectors.letter_get, actor=request.user, letter_id=pk)
    if not letter.signed_scan:
        return HttpResponse(status=404)
    return _download(letter.signed_scan, letter.signed_scan_name)
