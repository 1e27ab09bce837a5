import pytest

from .factories import small_system


@pytest.fixture
def system(cast):
    """The small active system of `factories.small_spec`, with four points in two districts."""
    return small_system()
