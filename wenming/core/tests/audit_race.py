"""`audit verify` while writers write, run as `python -m wenming.core.tests.audit_race`.

Used by test_audit_live.py on SQLite: pytest-django's SQLite test database is in memory with a
shared cache, where a reader and a writer lock each other out instead of working as WAL does.
Here the database is the file WENMING_DATABASE_URL names, with the product's settings. Prints
one JSON line: the verdicts of every check made while the writers ran.
"""

import json
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "core", verbosity=0)
    from wenming.core.tests.test_audit_live import check_while_writing

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    report = check_while_writing(writers=3, checks=int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    report["journal_mode"] = journal
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
