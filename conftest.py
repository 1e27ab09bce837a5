"""Fixtures for every test of the repository (wenming/ and tests/): per-process caches that
tests must start without, because each test rolls back or flushes the rows they hold."""

import pytest


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """The working-day calendar caches the Holiday table per process; tests roll rows back."""
    from wenming.core.calendar import cache_clear

    cache_clear()
    yield
    cache_clear()


@pytest.fixture(autouse=True)
def fresh_reference_caches():
    """Regions, units and categories are cached per process; tests roll their rows back."""
    from wenming.core.refcache import forget_all

    forget_all()
    yield
    forget_all()
