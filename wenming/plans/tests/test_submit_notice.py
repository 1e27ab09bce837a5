"""The office hears when a unit submits a task for acceptance (kind `submitted`)."""

from wenming.notifications.models import Notice
from wenming.plans.services import tasks as task_services


def test_submitting_a_task_tells_the_office(cast, urban_task):
    task_services.task_progress_report(actor=cast.urban, task=urban_task, percent=100, text="完成")
    assert not Notice.objects.filter(kind="submitted").exists()
    task_services.task_transition(actor=cast.urban, task=urban_task, action="submit")
    notice = Notice.objects.get(kind="submitted")
    assert urban_task.title in notice.title and urban_task.title in notice.title_en
    assert set(notice.messages.values_list("recipient__username", flat=True)) == {"office"}
