"""The test suite's settings: wenming.settings with plain static file names.

The hashed-name storage needs `collectstatic` before any page renders, and the live server of
the browser tests serves static files from the apps by their plain names; Django's docs advise
the plain storage for tests. pyproject.toml points pytest here; tests/test_release.py serves
the production storage (hashed names, long cache lifetimes) from a real server instead."""

import os

from wenming.settings import *  # noqa: F403
from wenming.settings import STORAGES, VAR_DIR

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The cache's folder per pytest-xdist worker (a subprocess a test starts inherits the variable,
# so it shares its test's folder): the scoring and dashboards tests empty the cache around each
# test, which must not empty another worker's in the middle of its test (a cached-page test
# then saw a miss), and a development server's var/cache is not the tests'.
if not os.environ.get("WENMING_CACHE_URL", "").strip():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(
                VAR_DIR / f"test-cache-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
            ),
            "KEY_PREFIX": "wenming",
        }
    }
