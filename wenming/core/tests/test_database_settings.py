"""The SQLite connection Wenming opens: Django's own backend, configured by its PRAGMAs.

The test database lives in memory, where journal and sync settings mean nothing, so these
tests open a database file in a fresh process configured as a deployment is (environment
variables only) and read back what its connection reports.
"""

import json

import pytest

from wenming.testing.deployment import probe_settings

PROBE = """
import json, django
django.setup()
from django.db import connection
answer = {"engine": connection.settings_dict["ENGINE"]}
with connection.cursor() as cursor:
    for pragma in ("synchronous", "journal_mode", "foreign_keys", "busy_timeout", "temp_store"):
        cursor.execute(f"PRAGMA {pragma}")
        answer[pragma] = cursor.fetchone()[0]
print(json.dumps(answer))
"""

FULL, NORMAL, EXTRA = 2, 1, 3  # what `PRAGMA synchronous` answers


def connection_in(tmp_path, **env) -> tuple[int, str]:
    """(exit status, last line of output) of PROBE under the given WENMING_* variables."""
    return probe_settings(PROBE, tmp_path, **env)


def test_production_commits_survive_a_power_cut(tmp_path):
    status, out = connection_in(tmp_path, WENMING_PRODUCTION="1")
    assert status == 0, out
    found = json.loads(out)
    assert found["synchronous"] == FULL
    # Django's own backend; the rest is documented PRAGMAs.
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["journal_mode"] == "wal" and found["foreign_keys"] == 1
    assert found["busy_timeout"] == 20000 and found["temp_store"] == 2  # 2: memory


def test_development_trades_the_last_commits_on_power_loss_for_cheaper_commits(tmp_path):
    status, out = connection_in(tmp_path)
    assert status == 0, out
    assert json.loads(out)["synchronous"] == NORMAL


@pytest.mark.parametrize(("value", "expected"), [("normal", NORMAL), ("EXTRA", EXTRA)])
def test_the_setting_chooses_in_production_too(tmp_path, value, expected):
    status, out = connection_in(tmp_path, WENMING_PRODUCTION="1", WENMING_SQLITE_SYNCHRONOUS=value)
    assert status == 0, out
    assert json.loads(out)["synchronous"] == expected


def test_an_unknown_value_stops_the_start(tmp_path):
    status, out = connection_in(tmp_path, WENMING_SQLITE_SYNCHRONOUS="OFF")
    assert status != 0
    assert "WENMING_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA" in out
