"""The demo material review: every review state over the demo system's material clauses, real
files that open, the gap list and the score non-empty, an idempotent load and a clean reset."""

import io
import zipfile

from django.core.files.storage import default_storage
from PIL import Image

from wenming.materials import demo, selectors
from wenming.materials.models import AssessmentWindow, EvidenceFile, Submission, SubmissionStatus
from wenming.org.models import Person


def test_the_demo_has_every_state_and_real_files(db, settings, tmp_path):
    from wenming.org import demo as org_demo
    from wenming.standards import demo as standards_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    demo.load(scale="small")
    window = AssessmentWindow.objects.get(is_demo=True)
    states = set(Submission.objects.filter(window=window).values_list("status", flat=True))
    assert states == set(SubmissionStatus.values)
    assert not Submission.objects.filter(window=window, clause__points_material=0).exists()
    assert Submission.objects.filter(window=window, status="draft", files__isnull=True).exists()
    # Every file opens as what it says it is.
    seen = set()
    for f in EvidenceFile.objects.filter(submission__window=window):
        with default_storage.open(f.path) as handle:
            data = handle.read()
        if f.file_kind in seen:
            continue
        seen.add(f.file_kind)
        if f.file_kind == "pdf":
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-32:]
        elif f.file_kind == "word":
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        elif f.file_kind == "excel":
            assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
        else:
            Image.open(io.BytesIO(data)).verify()
    assert seen == {"pdf", "word", "excel", "image"}
    office = Person.objects.get(username="office")
    counts = selectors.gap_counts(actor=office, window=window)
    assert counts["missing"] > 0 and counts["outside"] > 0
    score = selectors.material_scores()["city"]
    assert 0 < score["score"] < 1 and score["n"] > 0
    demo.load(scale="small")  # a second load changes nothing
    assert AssessmentWindow.objects.filter(is_demo=True).count() == 1
    paths = list(EvidenceFile.objects.values_list("path", flat=True))
    demo.reset()
    assert not AssessmentWindow.objects.exists() and not Submission.objects.exists()
    assert not any(default_storage.exists(p) for p in paths)
