import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Every dashboards test writes its files (charts, briefings) under its own folder; a
    module may override this with its own isolation."""
    settings.MEDIA_ROOT = tmp_path
