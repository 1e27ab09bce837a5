"""`wenming worker`: run the background task queue (django-tasks-db's worker, our defaults)."""

from django_tasks_db.management.commands import db_worker

from wenming.notifications.services import deliveries_schedule


class Command(db_worker.Command):
    help = (
        "Run Wenming's background tasks (e-mails, group-robot posts and their retries, long "
        "documents) from the task table until stopped. SIGTERM or Ctrl+C lets the current "
        "task finish, then exits; a second one stops at once. Run one or more beside the web "
        "server; `wenming serve` starts one unless --no-worker. --batch runs what is queued "
        "and exits."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Every queue, and no code reloading: a worker started by `wenming serve` or systemd
        # must stop when told, not restart itself.
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args, **options):
        # Deliveries stored while no worker ran, or whose on-commit request was lost with its
        # process, are swept once at start (a sweep already queued makes this a no-op).
        deliveries_schedule()
        return super().handle(*args, **options)
