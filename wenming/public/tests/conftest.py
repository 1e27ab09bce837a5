"""Fixtures of the portal's tests: photos in a temporary folder, a fresh cache (rate limits),
and every seeded category offered to the public."""

import pytest
from django.core.cache import cache

from wenming.testing.storage import isolate_media


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    isolate_media(settings, tmp_path)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_cats(db):
    from wenming.public.testing import ensure_public_categories

    return ensure_public_categories()
