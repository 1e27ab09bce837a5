"""Signing a letter of responsibility: the signed scan, the signer and the date."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.documents import document_delete, document_store, validate_document
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.roles import Role, is_office

from .. import selectors
from ..models import Letter

SCAN_FOLDER = "plans/signed"


def letter_sign(*, actor, letter: Letter | int, scan, signer: str, signed_on: date) -> Letter:
    """Record a letter as signed, with the signed scan (PDF or image), the signer and the date.

    The office records it, or an officer of the unit or region that holds the letter."""
    letter = selectors.letter_get(actor=actor, letter_id=getattr(letter, "pk", letter))
    if not (
        is_office(actor) or getattr(actor, "role", "") in (Role.UNIT_OFFICER, Role.REGION_OFFICER)
    ):
        raise NotAllowed(_("Only the office or the letter's holder may record its signing."))
    signer = (signer or "").strip()
    if not signer:
        raise InvalidInput(_("Name who signed."), code="signer_required")
    if signed_on is None or signed_on > timezone.localdate():
        raise InvalidInput(_("The signing date cannot be in the future."), code="bad_date")
    if not scan:
        raise InvalidInput(_("Upload the signed scan."), code="scan_required")
    validated = validate_document(scan, kinds=("pdf", "image"))
    stored = document_store(validated, folder=SCAN_FOLDER)
    try:
        with transaction.atomic():
            letter = Letter.objects.select_for_update().get(pk=letter.pk)
            if letter.signed_on:
                raise Conflict(_("This letter is already recorded as signed."), code="signed")
            if not letter.document:
                raise Conflict(_("The letter has not been generated yet."), code="not_generated")
            letter.signed_scan = stored
            letter.signed_scan_name = validated.name
            letter.signer = signer[:100]
            letter.signed_on = signed_on
            letter.recorded_by = actor
            letter.recorded_at = timezone.now()
            letter.save()
            audit_record(
                action="plans.letter_sign",
                actor=actor,
                target=letter,
                data={"signer": letter.signer, "signed_on": signed_on.isoformat()},
            )
    except Exception:
        document_delete(stored)
        raise
    return letter
