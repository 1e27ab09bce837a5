"""The deployment variables docs/deployment.md names that no other test reads back:
WENMING_CACHE_URL, WENMING_ALLOWED_HOSTS and WENMING_CSRF_TRUSTED_ORIGINS.

Settings are read once per process, so each case starts a fresh process configured the way a
deployment is (environment variables only) and prints what Django built from them.
"""

import json

from wenming.testing.deployment import probe_settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
cache = settings.CACHES["default"]
print(json.dumps({
    "backend": cache["BACKEND"],
    "location": cache.get("LOCATION"),
    "client": type(caches["default"]).__name__,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "csrf_origins": settings.CSRF_TRUSTED_ORIGINS,
}))
"""


def settings_under(tmp_path, **env) -> tuple[int, str]:
    """(exit status, last line of output) of PROBE under the given WENMING_* variables."""
    return probe_settings(PROBE, tmp_path, **env)


def test_the_cache_is_a_folder_under_wenming_home_by_default(tmp_path):
    status, out = settings_under(tmp_path)
    built = json.loads(out)
    assert status == 0
    assert built["backend"].endswith("FileBasedCache")
    assert built["location"] == str(tmp_path / "var" / "cache")


def test_a_redis_cache_url_names_django_redis(tmp_path):
    status, out = settings_under(tmp_path, WENMING_CACHE_URL="redis://cache.internal:6379/2")
    built = json.loads(out)
    assert status == 0
    assert built["backend"] == "django_redis.cache.RedisCache"
    assert built["location"] == "redis://cache.internal:6379/2"
    assert built["client"] == "RedisCache"


def test_locmem_keeps_the_cache_in_the_process(tmp_path):
    status, out = settings_under(tmp_path, WENMING_CACHE_URL="locmem://")
    assert status == 0 and json.loads(out)["backend"].endswith("LocMemCache")


def test_an_unknown_cache_url_stops_the_start_with_the_accepted_forms(tmp_path):
    status, out = settings_under(tmp_path, WENMING_CACHE_URL="memcached://cache:11211")
    assert status != 0
    assert "WENMING_CACHE_URL must be redis://" in out


def test_hosts_and_trusted_origins_are_comma_separated_lists(tmp_path):
    status, out = settings_under(
        tmp_path,
        WENMING_ALLOWED_HOSTS="wenming.example.cn, app1.internal",
        WENMING_CSRF_TRUSTED_ORIGINS="https://wenming.example.cn,https://wm.example.cn",
    )
    built = json.loads(out)
    assert status == 0
    assert built["allowed_hosts"] == ["wenming.example.cn", "app1.internal"]
    assert built["csrf_origins"] == ["https://wenming.example.cn", "https://wm.example.cn"]
