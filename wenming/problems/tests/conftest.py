"""Fixtures of the ledger's tests: photos land in a temporary folder; the calendar is fresh."""

import pytest

from wenming.core import calendar
from wenming.problems.services._common import ledger_config_forget
from wenming.testing.storage import isolate_media


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)  # a temporary folder, or a bucket prefix of its own
    # argon2 costs ~0.25 s per persona; these tests never check a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    calendar.cache_clear()
    ledger_config_forget()
    yield
    calendar.cache_clear()
    ledger_config_forget()
