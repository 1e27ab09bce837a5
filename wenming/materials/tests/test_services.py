"""Material review writes: due rows, files checked by content, the state table, events."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.materials import lifecycle, services
from wenming.materials.models import (
    AssessmentWindow,
    EvidenceFile,
    MaterialEvent,
    Submission,
    SubmissionStatus,
)

from .helpers import a_docx, a_pdf, a_png_named, recent, submission_of, submitted

S = SubmissionStatus


def test_a_window_defaults_to_the_12_months_before_and_writes_a_draft_per_owner(
    cast, window, clauses
):
    day = window.assessment_date
    assert window.ends_on == day - dt.timedelta(days=1)
    assert window.starts_on == day.replace(year=day.year - 1)
    rows = set(
        Submission.objects.filter(window=window).values_list(
            "clause__code", "unit__code", "owner_role", "status"
        )
    )
    assert rows == {
        ("1.1.2.1", "URBAN", "lead", "draft"),
        ("1.1.2.1", "PSB", "co", "draft"),
        ("2.1.1.1", "EDU", "lead", "draft"),
        ("2.1.1.1", "URBAN", "co", "draft"),
    }


def test_a_configured_period_and_a_backwards_one(cast, system):
    window = services.window_create(
        actor=cast.office,
        system=system,
        name="W",
        assessment_date=dt.date(2026, 9, 1),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 30),
    )
    assert (window.starts_on, window.ends_on) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    with pytest.raises(InvalidInput):
        services.window_create(
            actor=cast.office,
            system=system,
            name="X",
            assessment_date=dt.date(2026, 9, 1),
            starts_on=dt.date(2026, 7, 1),
            ends_on=dt.date(2026, 6, 30),
        )
    with pytest.raises(NotAllowed):
        services.window_create(
            actor=cast.urban, system=system, name="Y", assessment_date=dt.date(2026, 9, 1)
        )
    assert AssessmentWindow.objects.count() == 1


def test_sync_follows_a_change_of_owner(cast, window, clauses):
    clause = clauses["2.1.1.1"]
    clause.co_units.set([cast.police_unit])  # the clause's own co-units replace the line's
    added, removed = services.window_sync(actor=cast.office, window=window)
    assert (added, removed) == (1, 1)
    assert not Submission.objects.filter(window=window, clause=clause, unit=cast.urban_unit)
    assert Submission.objects.get(window=window, clause=clause, unit=cast.police_unit)


def test_the_whole_round_trip_writes_an_event_and_an_audit_entry_per_step(cast, window, clauses):
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    audits = AuditEntry.objects.count()
    services.evidence_add(
        actor=cast.urban, submission=sub, upload=a_docx(), kind="report", document_date=recent()
    )
    sub = services.submission_submit(actor=cast.urban, submission=sub)
    assert sub.status == S.SUBMITTED and sub.submissions == 1
    sub = services.submission_review(
        actor=cast.office,
        submission=sub,
        decision="return",
        comments="盖章缺失",
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    assert sub.status == S.RETURNED and sub.return_deadline
    services.evidence_add(
        actor=cast.urban, submission=sub, upload=a_pdf(), kind="document", document_date=recent()
    )
    sub = services.submission_submit(actor=cast.urban, submission=sub)
    assert sub.status == S.RESUBMITTED and sub.submissions == 2
    sub = services.submission_review(
        actor=cast.office, submission=sub, decision="score", score="0.85", comments="好"
    )
    assert sub.status == S.SCORED and str(sub.score) == "0.8500"
    assert sub.points_earned == sub.clause.points_material * sub.score
    actions = list(
        MaterialEvent.objects.filter(submission=sub)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["file_add", "submit", "return", "file_add", "submit", "score"]
    assert AuditEntry.objects.count() == audits + 6
    assert AuditEntry.objects.filter(action="materials.score").exists()


@pytest.mark.parametrize("status", list(S.values))
@pytest.mark.parametrize("action", [lifecycle.SUBMIT, lifecycle.SCORE, lifecycle.RETURN])
def test_every_pair_of_the_state_table(cast, window, clauses, status, action):
    """Allowed moves go where the table says; every other is a 409 that changes nothing."""
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    services.evidence_add(
        actor=cast.urban, submission=sub, upload=a_pdf(), kind="document", document_date=recent()
    )
    Submission.objects.filter(pk=sub.pk).update(
        status=status, score=0.5 if status == S.SCORED else None
    )
    sub.refresh_from_db()
    move = lifecycle.move(status, action)
    kwargs = {}
    if action == lifecycle.SCORE:
        kwargs = {"decision": "score", "score": "0.7"}
    elif action == lifecycle.RETURN:
        kwargs = {
            "decision": "return",
            "comments": "x",
            "deadline": timezone.localdate() + dt.timedelta(days=3),
        }

    def act():
        if action == lifecycle.SUBMIT:
            return services.submission_submit(actor=cast.urban, submission=sub)
        return services.submission_review(actor=cast.office, submission=sub, **kwargs)

    if move is None:
        with pytest.raises(Conflict):
            act()
        sub.refresh_from_db()
        assert sub.status == status
    else:
        assert act().status == move[0]


def test_who_may_act(cast, window, clauses):
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    with pytest.raises(NotAllowed):
        services.evidence_add(
            actor=cast.education,
            submission=sub,
            upload=a_pdf(),
            kind="document",
            document_date=recent(),
        )
    sub = submitted(cast.urban, sub)
    with pytest.raises(NotAllowed):
        services.submission_review(actor=cast.urban, submission=sub, decision="score", score=1)
    with pytest.raises(NotAllowed):
        services.submission_review(actor=cast.leader, submission=sub, decision="score", score=1)


def test_bad_input_changes_nothing(cast, window, clauses):
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    with pytest.raises(InvalidInput) as caught:  # nothing to submit yet
        services.submission_submit(actor=cast.urban, submission=sub)
    assert caught.value.code == "no_files"
    with pytest.raises(InvalidInput) as caught:  # a PNG calling itself a PDF
        services.evidence_add(
            actor=cast.urban,
            submission=sub,
            upload=a_png_named("通知.pdf"),
            kind="document",
            document_date=recent(),
        )
    assert "通知.pdf" in str(caught.value.message)
    with pytest.raises(InvalidInput):
        services.evidence_add(
            actor=cast.urban, submission=sub, upload=a_pdf(), kind="novel", document_date=recent()
        )
    with pytest.raises(InvalidInput):
        services.evidence_add(
            actor=cast.urban,
            submission=sub,
            upload=a_pdf(),
            kind="document",
            document_date="yesterday",
        )
    assert not EvidenceFile.objects.exists()
    sub = submitted(cast.urban, sub)
    for kwargs in (
        {"decision": "score", "score": "1.2"},
        {"decision": "score", "score": "nan"},
        {"decision": "score"},
        {"decision": "return", "comments": "", "deadline": "2099-01-01"},
        {"decision": "return", "comments": "x"},
        {"decision": "return", "comments": "x", "deadline": "2000-01-01"},
        {"decision": "approve"},
    ):
        with pytest.raises(InvalidInput):
            services.submission_review(actor=cast.office, submission=sub, **kwargs)
    sub.refresh_from_db()
    assert sub.status == S.SUBMITTED and sub.score is None


def test_files_cannot_change_once_submitted_and_a_late_resubmission_is_refused(
    cast, window, clauses
):
    sub = submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    with pytest.raises(Conflict):
        services.evidence_add(
            actor=cast.urban,
            submission=sub,
            upload=a_pdf(),
            kind="document",
            document_date=recent(),
        )
    sub = services.submission_review(
        actor=cast.office,
        submission=sub,
        decision="return",
        comments="x",
        deadline=timezone.localdate(),
    )
    Submission.objects.filter(pk=sub.pk).update(
        return_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(Conflict) as caught:
        services.submission_submit(actor=cast.urban, submission=sub)
    assert caught.value.code == "deadline_passed"


def test_opening_a_submission_only_for_an_owner_of_a_material_clause(cast, window, clauses):
    clause = clauses["1.1.2.1"]
    sub, created = services.submission_open(actor=cast.urban, window=window, clause=clause)
    assert not created and sub.unit == cast.urban_unit
    with pytest.raises(InvalidInput) as caught:
        services.submission_open(actor=cast.education, window=window, clause=clause)
    assert caught.value.code == "not_owner"
    Submission.objects.filter(window=window, clause=clause, unit=cast.urban_unit).delete()
    sub, created = services.submission_open(actor=cast.urban, window=window, clause=clause)
    assert created and sub.owner_role == "lead"
    field_clause = clause.system.clauses.filter(points_material=0).first()
    with pytest.raises(InvalidInput) as caught:
        services.submission_open(actor=cast.urban, window=window, clause=field_clause)
    assert caught.value.code == "not_material"


def test_the_activity_page_reads_material_entries(cast, window, clauses):
    from django.utils import translation

    from wenming.core.activity import action_label, activity_rows, details

    sub = submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    with translation.override("zh-hans"):
        assert action_label("materials.submit") == "报送材料预审"
        shown = details("materials.submit", {"to": "submitted"})
        assert any(value == "待预审" for _key, value in shown)
    entry = AuditEntry.objects.filter(action="materials.submit").values().get()
    row = activity_rows([entry])[0]
    assert f"/materials/{sub.pk}/" in str(row)


def test_a_window_is_reconfigured_and_closed_by_the_office(cast, window, clauses):
    window = services.window_update(
        actor=cast.office,
        window=window,
        starts_on=window.starts_on + dt.timedelta(days=30),
        ends_on=window.ends_on,
        submit_by=window.submit_by,
        status="closed",
    )
    assert window.status == "closed"
    sub = submission_of(window, clauses["1.1.2.1"], cast.urban_unit)
    with pytest.raises(Conflict) as caught:
        services.evidence_add(
            actor=cast.urban,
            submission=sub,
            upload=a_pdf(),
            kind="document",
            document_date=recent(),
        )
    assert caught.value.code == "window_closed"
    with pytest.raises(NotAllowed):
        services.window_update(
            actor=cast.urban,
            window=window,
            starts_on=window.starts_on,
            ends_on=window.ends_on,
            submit_by=window.submit_by,
        )
    with pytest.raises(InvalidInput):
        services.window_update(
            actor=cast.office,
            window=window,
            starts_on=window.ends_on,
            ends_on=window.starts_on,
            submit_by=window.submit_by,
        )
    assert AuditEntry.objects.filter(action="materials.window_update").count() == 1
