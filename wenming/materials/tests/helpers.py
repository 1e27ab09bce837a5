import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wenming.materials import services
from wenming.materials.models import Submission
from wenming.materials.samples import docx_bytes, pdf_bytes, png_bytes


def a_pdf(name="通知.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("Notice"), content_type="application/pdf")


def a_docx(name="report.docx"):
    return SimpleUploadedFile(name, docx_bytes("Report"))


def a_png_named(name):
    return SimpleUploadedFile(name, png_bytes(), content_type="application/pdf")


def recent(days=30):
    return timezone.localdate() - dt.timedelta(days=days)


def submission_of(window, clause, unit) -> Submission:
    return Submission.objects.get(window=window, clause=clause, unit=unit)


def submitted(actor, submission, *, day=None) -> Submission:
    services.evidence_add(
        actor=actor,
        submission=submission,
        upload=a_pdf(),
        kind="document",
        document_date=day or recent(),
    )
    return services.submission_submit(actor=actor, submission=submission)
