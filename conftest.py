"""Fixtures for every test of the repository (wenming/ and tests/)."""

import pytest


@pytest.fixture(autouse=True)
def fresh_reference_rows():
    """Each process keeps copies of the reference rows (core/refcache.py); a test's rows are
    rolled back or flushed after it, so every test starts and ends without copies."""
    from wenming.core import refcache

    refcache.reset()
    yield
    refcache.reset()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (zh-Hans). A request through the test client
    leaves the language it chose active in the test's thread (LocaleMiddleware activates one,
    nothing deactivates it), so without this a test's expected words depended on which test
    ran before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts and ends with an empty cache. Computed figures (dashboards, the
    predicted score, priorities, weeks) are cached under their inputs' newest ids, and rate
    limits under the client's address; a test's rows are rolled back, so the next test's ids
    repeat, and the test cache is a folder that outlives the run."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
