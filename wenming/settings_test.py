"""The test suite's settings: wenming.settings with plain static file names.

The hashed-name storage needs `collectstatic` before any page renders, and the live server of
the browser tests serves static files from the apps by their plain names; Django's docs advise
the plain storage for tests. pyproject.toml points pytest here; tests/test_release.py serves
the production storage (hashed names, long cache lifetimes) from a real server instead."""

from wenming.settings import *  # noqa: F403
from wenming.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
