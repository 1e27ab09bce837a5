"""Task writes: creation rules, the state machine (every pair of the table), progress
reports with attachments, and each move's event and audit entry."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenming.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from wenming.core.models import AuditEntry
from wenming.plans import lifecycle
from wenming.plans.models import Action, Milestone, Status, Task, TaskEvent, TaskProgress
from wenming.plans.services import tasks as services

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_deadline_before_the_start_is_refused(cast, campaign):
    with pytest.raises(InvalidInput) as err:
        services.task_create(
            actor=cast.office,
            campaign=campaign,
            title="x",
            start=TODAY,
            deadline=TODAY - datetime.timedelta(days=1),
        )
    assert err.value.code == "deadline_before_start"
    assert not Task.objects.exists()


def test_a_milestone_after_the_task_deadline_is_refused(cast, campaign, urban_task):
    with pytest.raises(InvalidInput) as err:
        services.milestone_add(
            actor=cast.office,
            task=urban_task,
            title="late",
            deadline=urban_task.deadline + datetime.timedelta(days=1),
        )
    assert err.value.code == "milestone_after_deadline"
    with pytest.raises(InvalidInput):
        services.task_create(
            actor=cast.office,
            campaign=campaign,
            title="y",
            start=TODAY,
            deadline=TODAY,
            milestones=[{"title": "m", "deadline": TODAY + datetime.timedelta(days=1)}],
        )
    assert Milestone.objects.filter(task=urban_task).count() == 1


def test_only_the_office_creates_tasks(cast, campaign):
    with pytest.raises(NotAllowed):
        services.task_create(
            actor=cast.urban, campaign=campaign, title="x", start=TODAY, deadline=TODAY
        )


def test_creation_writes_an_event_and_an_audit_entry(cast, urban_task):
    assert list(urban_task.events.values_list("action", flat=True)) == ["create"]
    assert AuditEntry.objects.filter(action="plans.task_create", target_id=str(urban_task.pk))


def test_a_progress_report_with_an_attachment_starts_the_task(cast, urban_task, media):
    progress = services.task_progress_report(
        actor=cast.urban, task=urban_task, percent=40, text="已完成一半路段", files=[pdf()]
    )
    urban_task.refresh_from_db()
    assert urban_task.status == Status.IN_PROGRESS
    assert urban_task.progress_percent == 40 and urban_task.last_progress_on == TODAY
    assert [a.filename for a in progress.attachments.all()] == ["report.pdf"]
    events = list(urban_task.events.values_list("action", "from_status", "to_status"))
    assert events[-2:] == [
        ("start", Status.NOT_STARTED, Status.IN_PROGRESS),
        ("progress", "", ""),
    ]


def test_a_co_unit_may_report_progress_but_not_move_the_task(cast, urban_task):
    police = cast.urban.__class__.objects.create(
        username="police", role="unit_officer", unit=cast.police_unit
    )
    services.task_progress_report(actor=police, task=urban_task, percent=10, text="配合巡查")
    with pytest.raises(NotAllowed):
        services.task_transition(actor=police, task=urban_task, action=Action.SUBMIT)


def test_a_progress_report_on_another_units_task_is_not_found(cast, urban_task):
    with pytest.raises(NotFound):
        services.task_progress_report(actor=cast.education, task=urban_task, percent=10, text="x")
    assert not urban_task.progress_reports.exists()


def test_an_upload_that_is_not_what_it_claims_is_refused(cast, urban_task, media):
    fake = SimpleUploadedFile("photo.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(InvalidInput) as err:
        services.task_progress_report(
            actor=cast.urban, task=urban_task, percent=10, text="x", files=[fake]
        )
    assert err.value.code == "content_mismatch"
    assert not urban_task.progress_reports.exists()


@pytest.mark.parametrize("percent", [-1, 101])
def test_progress_is_a_percentage(cast, urban_task, percent):
    with pytest.raises(InvalidInput):
        services.task_progress_report(actor=cast.urban, task=urban_task, percent=percent, text="x")


def test_accepting_a_task_with_no_progress_report_is_a_conflict(cast, urban_task):
    services.task_transition(actor=cast.urban, task=urban_task, action=Action.SUBMIT)
    with pytest.raises(Conflict) as err:
        services.task_transition(actor=cast.office, task=urban_task, action=Action.ACCEPT)
    assert err.value.code == "no_progress"
    urban_task.refresh_from_db()
    assert urban_task.status == Status.SUBMITTED


def test_return_needs_comments_and_notifies_the_lead(cast, urban_task):
    services.task_progress_report(actor=cast.urban, task=urban_task, percent=90, text="x")
    services.task_transition(actor=cast.urban, task=urban_task, action=Action.SUBMIT)
    with pytest.raises(InvalidInput):
        services.task_transition(actor=cast.office, task=urban_task, action=Action.RETURN)
    task = services.task_transition(
        actor=cast.office, task=urban_task, action=Action.RETURN, note="缺少照片"
    )
    assert task.status == Status.RETURNED and task.review_note == "缺少照片"
    from wenming.notifications.models import Message

    assert Message.objects.filter(recipient=cast.urban, notice__kind="return").exists()


def test_accept_after_progress(cast, urban_task):
    services.task_progress_report(actor=cast.urban, task=urban_task, percent=100, text="完成")
    services.task_transition(actor=cast.urban, task=urban_task, action=Action.SUBMIT)
    task = services.task_transition(actor=cast.office, task=urban_task, action=Action.ACCEPT)
    assert task.status == Status.ACCEPTED and task.accepted_at is not None
    assert AuditEntry.objects.filter(action="plans.task_accept").count() == 1


ALL_PAIRS = [(s, a) for s in Status.values for a in Action.values]


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_pair_of_the_table(cast, urban_task, status, action):
    """Allowed pairs move to the table's status with an event; every other pair is a 409."""
    Task.objects.filter(pk=urban_task.pk).update(status=status)
    # The accept pair needs a report on file.
    TaskProgress.objects.create(task=urban_task, reported_on=TODAY, percent=50, text="x")
    transition = lifecycle.TRANSITIONS.get((status, action))
    actor = cast.office if action in (Action.ACCEPT, Action.RETURN) else cast.urban
    before = TaskEvent.objects.filter(task=urban_task).count()
    if transition is None:
        with pytest.raises(Conflict):
            services.task_transition(actor=actor, task=urban_task, action=action, note="n")
        assert TaskEvent.objects.filter(task=urban_task).count() == before
    else:
        task = services.task_transition(actor=actor, task=urban_task, action=action, note="n")
        assert task.status == transition.to
        event = TaskEvent.objects.filter(task=urban_task).latest("id")
        assert (event.action, event.from_status, event.to_status) == (action, status, task.status)


def test_a_unit_officer_cannot_accept(cast, urban_task):
    with pytest.raises(NotAllowed):
        services.task_transition(actor=cast.urban, task=urban_task, action=Action.ACCEPT)


def test_drafts_do_not_move(cast, campaign):
    task = services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="draft",
        start=TODAY,
        deadline=TODAY,
        lead_unit=cast.urban_unit,
        published=False,
    )
    with pytest.raises(NotFound):
        services.task_transition(actor=cast.urban, task=task, action=Action.START)
    with pytest.raises(Conflict):
        services.task_transition(actor=cast.office, task=task, action=Action.SUBMIT)


def test_an_edit_keeps_milestones_inside_the_deadline(cast, urban_task):
    with pytest.raises(InvalidInput):
        services.task_update(actor=cast.office, task=urban_task, deadline=TODAY)
    task = services.task_update(
        actor=cast.office, task=urban_task, title="新标题", person_in_charge=cast.urban
    )
    assert task.title == "新标题" and task.person_in_charge == cast.urban


def test_a_milestone_is_marked_done_by_the_lead(cast, urban_task):
    milestone = urban_task.milestones.get()
    services.milestone_done(actor=cast.urban, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY
    with pytest.raises(NotFound):
        services.milestone_done(actor=cast.education, milestone=milestone)
