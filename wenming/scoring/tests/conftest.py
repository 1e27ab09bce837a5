import pytest

# The problems app's hand-computed scene (test_metrics.py): reused, so the snapshot is checked
# against the same numbers the ledger metrics are.
from wenming.problems.tests.test_metrics import scene  # noqa: F401
from wenming.scoring.services import settings_get


@pytest.fixture
def small_sample(db):
    """Rank subjects from 1 problem due (the scene is small)."""
    row = settings_get()
    row.min_problems_due = 1
    row.save()
    return row

