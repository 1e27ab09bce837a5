"""Running the task queue inside a test, as `wenming worker --batch` runs it in production."""

import pytest
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_worker(*, backend: str = "default") -> int:
    """Run every task that is ready now, one after another, as the worker would; return how many.

    The loop of django-tasks-db's `Worker.run` (claim one ready task in a transaction, run it
    with `Worker.run_task`), without what only a long-lived process needs: signal handlers,
    sleeping, and closing old connections, which would end a test's own transaction.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().filter(backend_name=backend).get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1


def queued_tasks(task_path: str | None = None) -> int:
    """How many tasks wait in the queue (optionally of one task function's path)."""
    waiting = DBTaskResult.objects.ready()
    if task_path:
        waiting = waiting.filter(task_path=task_path)
    return waiting.count()


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once, inside the call that enqueues them (only tests that ask for it)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings.TASKS
