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
