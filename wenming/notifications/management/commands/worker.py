"""`wenming worker`: run the background task queue (django-tasks-db's worker, our defaults)."""

import os
import signal
import threading
import time

from django_tasks_db.management.commands import db_worker

from wenming.cli import PARENT_ENV  # set by `wenming serve` for the worker it starts
from wenming.notifications.services import deliveries_schedule

PARENT_CHECK_S = 1.0


def watch_parent(parent_pid: int) -> None:
    """Stop this worker as SIGTERM would (the task in hand finishes) once `parent_pid` is no
    longer its parent: `serve` was killed without a chance to stop it, and an orphan worker
    would go on running tasks against a server nobody runs any more.

    Polling `os.getppid()` works on every POSIX system (Linux's PR_SET_PDEATHSIG would need
    ctypes and fires on the death of the forking thread, not the process)."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


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
        parent = os.environ.get(PARENT_ENV, "")
        if parent.isdigit():
            watch_parent(int(parent))
        # Deliveries stored while no worker ran, or whose on-commit request was lost with its
        # process, are swept once at start (a sweep already queued makes this a no-op).
        deliveries_schedule()
        return super().handle(*args, **options)
