import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Computed dashboards are cached under the aggregates' mark; a test database rolled back
    gives the next test the same event ids, so each test starts without them."""
    cache.clear()
    yield
    cache.clear()
