"""Demo material review: one assessment window of the demo system, with submissions in every
review state and real small files (PDF, Word, Excel, PNG) that open when downloaded.

The window is opened through `window_create` (a draft for every owner of a material clause);
a share of the drafts is then driven through the real services: files uploaded (a few dated
before the window, so the gap list has out-of-window evidence), submitted, pre-scored,
returned, resubmitted. Review and submission times are then spread over the past months, so
the material score has a history. Everything is `is_demo`; `reset()` removes it.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from wenming.org.models import Person
from wenming.standards.models import EvaluationSystem

from . import services
from .models import AssessmentWindow, EvidenceFile, EvidenceKind, Submission
from .samples import sample_file

SEED = 20261202
SYSTEM_CODE = "DEMO-2026"
NAME = "2026年度材料审核"
# How many drafts the demo works on at each scale (the rest stay missing material).
ACTED = {"small": 120, "city": 400, "city-year": 400}
# kind of file → the evidence it usually is
FILE_KINDS = [
    ("pdf", EvidenceKind.DOCUMENT),
    ("word", EvidenceKind.REPORT),
    ("image", EvidenceKind.PHOTO),
    ("excel", EvidenceKind.TABLE),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _campaign(system):
    try:
        from wenming.plans.models import Campaign
    except ImportError:  # the plans app is optional for this demo
        return None
    return Campaign.objects.filter(is_demo=True, system=system).first()


def load(*, scale: str = "small", stdout=None, seed: int = SEED) -> None:
    """Load the demo window (skipped when it exists, or without the demo system and office)."""
    if AssessmentWindow.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo material review already exists.")
        return
    system = EvaluationSystem.objects.filter(code=SYSTEM_CODE).first()
    office = Person.objects.filter(username="office").first()
    if system is None or office is None:
        _say(stdout, "materials: no demo system or office; skipped.")
        return
    started = time.monotonic()
    rng = random.Random(seed)
    today = timezone.localdate()
    window = services.window_create(
        actor=office,
        system=system,
        name=NAME,
        assessment_date=today + timedelta(days=45),
        submit_by=today + timedelta(days=20),
        campaign=_campaign(system),
        is_demo=True,
    )
    officers = {
        p.unit_id: p for p in Person.objects.filter(role="unit_officer", unit__isnull=False)
    }
    drafts = list(
        Submission.objects.filter(window=window)
        .select_related("clause", "unit", "window")
        .order_by("clause__code", "unit__code")
    )
    rng.shuffle(drafts)
    # About a fifth of the drafts stay untouched: material nobody has uploaded yet.
    acted = drafts[: min(ACTED.get(scale, ACTED["small"]), len(drafts) * 4 // 5)]
    # Shares of the acted drafts: files only, submitted, scored, returned, resubmitted,
    # returned and late (the deadline passed), re-scored after a return.
    plan = ["draft_files"] * 2 + ["submitted"] * 4 + ["scored"] * 8 + ["returned"] * 2
    plan += ["resubmitted", "late", "rescored"]
    counts: dict[str, int] = {}
    for n, submission in enumerate(acted):
        target = plan[n % len(plan)] if n >= len(plan) else plan[n]
        actor = officers.get(submission.unit_id, office)
        _drive(submission, target, actor=actor, office=office, rng=rng, today=today, n=n)
        counts[target] = counts.get(target, 0) + 1
    _spread_times(window, rng, today)
    _say(
        stdout,
        f"materials: window {window.name}, {len(drafts)} submissions, worked on {len(acted)} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}) in "
        f"{time.monotonic() - started:.1f} s",
    )


def _upload(submission, actor, rng, today, n, *, files: int):
    for i in range(files):
        kind, evidence = FILE_KINDS[(n + i) % len(FILE_KINDS)]
        # One file in twenty is dated before the window: the gap list shows it.
        if rng.random() < 0.05:
            day = submission.window.starts_on - timedelta(days=rng.randint(5, 90))
        else:
            day = today - timedelta(days=rng.randint(5, 300))
        day = max(min(day, today), submission.window.starts_on - timedelta(days=120))
        name, data = sample_file(
            kind,
            title=f"{submission.clause.code}-{submission.unit.code}-{i + 1}",
            seed=n + i,
            day=day,
        )
        services.evidence_add(
            actor=actor,
            submission=submission,
            upload=SimpleUploadedFile(name, data),
            kind=evidence,
            document_date=day,
        )


def _score(submission, office, rng):
    share = rng.choice(["0.6", "0.7", "0.75", "0.8", "0.85", "0.9", "0.95", "1"])
    comment = rng.choice(["材料齐全", "佐证充分", "部分照片不清晰", "台账数据需更新"])
    return services.submission_review(
        actor=office, submission=submission, decision="score", score=share, comments=comment
    )


def _return(submission, office, today, *, days=10):
    return services.submission_review(
        actor=office,
        submission=submission,
        decision="return",
        comments="缺少正式文件或实景照片，请补充后重新报送",
        deadline=today + timedelta(days=days),
    )


def _drive(submission, target, *, actor, office, rng, today, n):
    """Take one draft to `target` through the services (the demo restates no rule)."""
    _upload(submission, actor, rng, today, n, files=1 + n % 3)
    if target == "draft_files":
        return
    submission = services.submission_submit(actor=actor, submission=submission)
    if target == "submitted":
        return
    if target == "scored":
        _score(submission, office, rng)
        return
    submission = _return(submission, office, today)
    if target == "returned":
        return
    if target == "late":
        # The deadline has since passed: the unit's due list shows it in red.
        Submission.objects.filter(pk=submission.pk).update(
            return_deadline=today - timedelta(days=rng.randint(1, 10))
        )
        return
    _upload(submission, actor, rng, today, n + 1, files=1)
    submission = services.submission_submit(actor=actor, submission=submission)
    if target == "rescored":
        _score(submission, office, rng)


def _spread_times(window, rng, today) -> None:
    """Spread the demo's submission and review times over the past four months, so the
    material score has a monthly history (the services stamped them all now)."""
    now = timezone.now()
    with transaction.atomic():
        for pk, reviewed in Submission.objects.filter(
            window=window, reviewed_at__isnull=False
        ).values_list("pk", "reviewed_at"):
            back = timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 8))
            Submission.objects.filter(pk=pk).update(
                reviewed_at=min(reviewed, now - back),
                submitted_at=min(reviewed, now - back - timedelta(days=rng.randint(1, 10))),
            )


def reset(*, stdout=None) -> None:
    """Remove the demo windows, their submissions, events and stored files."""
    names = list(
        EvidenceFile.objects.filter(submission__window__is_demo=True).values_list("path", flat=True)
    )
    with transaction.atomic():
        windows = AssessmentWindow.objects.filter(is_demo=True)
        Submission.objects.filter(window__in=windows).delete()
        windows.delete()
    for name in names:
        services.document_delete(name)
    _say(stdout, f"materials: removed the demo windows and {len(names)} files.")
