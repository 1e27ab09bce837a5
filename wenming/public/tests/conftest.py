"""Fixtures of the portal's tests: photos in a temporary folder, rate-limit counters of their
own (the cache is shared with other test processes, so it is never cleared), and every seeded
category offered to the public."""

import uuid

import pytest

from wenming.testing.storage import isolate_media


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLIC_RATE_KEY_PREFIX = f"public:rate:test-{uuid.uuid4().hex}"
    yield


@pytest.fixture
def public_cats(db):
    from wenming.public.testing import ensure_public_categories

    return ensure_public_categories()
