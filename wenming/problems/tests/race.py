"""The SQLite race of test_concurrency, run as `python -m wenming.problems.tests.race`.

Uses the database named by WENMING_DATABASE_URL (a temporary file), migrates it, builds the
cast, and lets two threads act on one rectified problem at once — through the services and
through the API — printing one JSON line with the outcomes.
"""

import json
import os
import sys
import threading
import time


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from wenming.conftest import ApiClient
    from wenming.problems import services
    from wenming.problems.services import _common, transitions
    from wenming.problems.tests.factories import rectified
    from wenming.testing.personas import build_cast

    original = _common.lock_problem

    def lock_and_wait(problem):
        locked = original(problem)
        time.sleep(0.3)
        return locked

    transitions.lock_problem = lock_and_wait
    cast = build_cast()

    def race(funcs):
        barrier = threading.Barrier(len(funcs))
        outcomes = [None] * len(funcs)

        def run(index, func):
            from django.db import connection as thread_connection

            try:
                barrier.wait()
                outcomes[index] = func()
            except Exception as exc:
                outcomes[index] = type(exc).__name__
            finally:
                thread_connection.close()

        threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(funcs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return outcomes

    problem = rectified(cast)
    by_service = race(
        [
            lambda: services.problem_verify_pass(problem=problem, actor=cast.office) and "ok",
            lambda: (
                services.problem_verify_fail(problem=problem, actor=cast.office, note="返工")
                and "ok"
            ),
        ]
    )
    events = problem.events.filter(action__in=["verify_pass", "verify_fail"]).count()
    other = rectified(cast)
    path = f"problems/{other.code}/transitions"
    clients = [ApiClient(cast.office), ApiClient(cast.office)]
    by_api = race(
        [
            lambda: clients[0].post(path, {"action": "verify_pass"}).status_code,
            lambda: clients[1].post(path, {"action": "verify_fail", "note": "返工"}).status_code,
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    print(
        json.dumps(
            {"services": by_service, "events": events, "api": by_api, "journal_mode": journal}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
