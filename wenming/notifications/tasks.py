"""Background work of the notifications app (django-tasks; immediate in development)."""

from django_tasks import task


@task()
def deliver_notice(notice_id: int) -> dict:
    """Send the deliveries of one notice; failures are retried later by `wenming tick`."""
    from .services import notice_deliver

    return notice_deliver(notice_id=notice_id)
