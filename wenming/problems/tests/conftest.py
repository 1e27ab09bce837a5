"""Fixtures of the ledger's tests: photos land in a temporary folder."""

import pytest

from wenming.testing.storage import isolate_media


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)  # a temporary folder, or a bucket prefix of its own
    # argon2 costs ~0.25 s per persona; these tests never check a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
