"""Settings as a deployment gives them: a fresh process with WENMING_* variables only.

Settings are read once per process, so a test of a deployment variable starts a new Python
that imports the settings under those variables and prints what Django built from them."""

import os
import subprocess
import sys

from django.conf import settings


def probe_settings(probe: str, tmp_path, **env) -> tuple[int, str]:
    """(exit status, last line of output) of the script `probe` under the given variables,
    with its own WENMING_HOME and SQLite file under tmp_path and nothing of this process's
    WENMING_* or DJANGO_* environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WENMING_", "DJANGO_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="wenming.settings",
        WENMING_HOME=str(tmp_path),
        WENMING_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        WENMING_SECRET_KEY="test-only",
        WENMING_AUDIT_KEY="test-only-audit-key",
    )
    environment.update(env)
    done = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return done.returncode, lines[-1] if lines else ""
