"""Background work of the notifications app, run by `wenming worker` (django-tasks).

One task, `send_due_deliveries`, sends every delivery whose time has come. A notice asks for
it after its transaction commits, unless a sweep is already waiting in the queue: a bulk
dispatch of 500 problems queues one task, not 500, and the request only writes rows. The
sweep itself schedules the next one for the earliest retry it leaves behind, so the back-off
of failed deliveries runs in the worker without cron (`wenming tick` retries them too; a
delivery is claimed by compare-and-set, so nothing is sent twice).
"""

from django_tasks import task


@task()
def send_due_deliveries() -> dict:
    """Send every pending or failed delivery that is due; plan the next retry."""
    from .services import deliveries_send_due

    return deliveries_send_due()
