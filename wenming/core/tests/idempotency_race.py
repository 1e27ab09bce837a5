"""Two requests with one Idempotency-Key at once: the twin waits for the first's answer.

`twin_race` runs in-process on PostgreSQL (test_idempotency.py) and, as
`python -m wenming.core.tests.idempotency_race`, against a real SQLite file in WAL mode (the
test database on SQLite is a shared-cache memory database, where a reader meets a table lock
instead of the committed snapshot the product reads). Prints one JSON line with the outcomes.
"""

import json
import os
import sys
import threading
from datetime import date


def race(funcs):
    """Run each callable in its own thread; return (outcome kind, value) for each."""
    outcomes = [None] * len(funcs)

    def run(index, func):
        from django.db import connection

        try:
            outcomes[index] = ["ok", func()]
        except Exception as exc:  # the outcome is what the test asserts on
            outcomes[index] = [type(exc).__name__, getattr(exc, "code", str(exc))]
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(funcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


def twin_race(actor, *, first_fails: bool = False, key: str = "retry-1") -> dict:
    """The first request holds its key while its twin arrives; the twin must wait for it.

    The first request's work writes a holiday on 1 October and then waits until the twin has
    paused at least once (so the twin surely arrived while the first was running); the twin's
    work would write 2 October. With `first_fails`, the first request is refused after the
    twin arrived, and the twin then does the work itself.
    """
    from django.test import RequestFactory

    from wenming.core import idempotency
    from wenming.core.calendar import holiday_set
    from wenming.core.errors import InvalidInput
    from wenming.core.models import Holiday

    inside, twin_waiting = threading.Event(), threading.Event()
    ran = []
    original_pause = idempotency._pause

    def pause(seconds):
        twin_waiting.set()
        original_pause(seconds)

    def request():
        made = RequestFactory().post(
            "/api/v1/holidays",
            data=json.dumps({"name": "国庆节"}),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
        made.auth = actor
        return made

    def first():
        def work():
            ran.append("first")
            holiday_set(day=date(2031, 10, 1), kind="holiday", name="国庆节", actor=actor)
            inside.set()
            twin_waiting.wait(60)
            if first_fails:
                raise InvalidInput("refused", code="refused")
            return 201, {"day": "2031-10-01"}

        return list(idempotency.idempotent(request(), "POST /holidays", work))

    def twin():
        inside.wait(60)

        def work():
            ran.append("twin")
            holiday_set(day=date(2031, 10, 2), kind="holiday", name="国庆节", actor=actor)
            return 201, {"day": "2031-10-02"}

        return list(idempotency.idempotent(request(), "POST /holidays", work))

    idempotency._pause = pause
    try:
        outcomes = race([first, twin])
    finally:
        idempotency._pause = original_pause
    days = sorted(d.isoformat() for d in Holiday.objects.values_list("date", flat=True))
    return {
        "first": outcomes[0],
        "twin": outcomes[1],
        "ran": ran,
        "twin_waited": twin_waiting.is_set(),
        "days": days,
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from wenming.core.models import Holiday
    from wenming.testing.personas import build_cast

    cast = build_cast()
    result = {"succeeds": twin_race(cast.office)}
    Holiday.objects.all().delete()
    result["fails"] = twin_race(cast.office, first_fails=True, key="retry-2")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        result["journal_mode"] = cursor.fetchone()[0]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
