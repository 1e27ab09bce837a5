"""WENMING_STORAGE and WENMING_S3_*: the file store a deployment's variables configure.

Settings are read once per process, so each case starts a fresh process configured as a
deployment is (environment variables only) and reads back the storage it built.
"""

import json

from wenming.testing.deployment import probe_settings

PROBE = """
import json, django
django.setup()
from django.core.files.storage import storages
default_storage = storages["default"]
config = getattr(default_storage, "client_config", None)
print(json.dumps({
    "backend": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "bucket": getattr(default_storage, "bucket_name", None),
    "endpoint": getattr(default_storage, "endpoint_url", None),
    "access_key": getattr(default_storage, "access_key", None),
    "region": getattr(default_storage, "region_name", None),
    "acl": getattr(default_storage, "default_acl", "none"),
    "querystring_auth": getattr(default_storage, "querystring_auth", None),
    "expire": getattr(default_storage, "querystring_expire", None),
    "addressing": config.s3["addressing_style"] if config else None,
    "connect_timeout": config.connect_timeout if config else None,
}))
"""


def storage_in(tmp_path, **env) -> tuple[int, str]:
    """(exit status, last line of output) of PROBE under the given WENMING_* variables."""
    return probe_settings(PROBE, tmp_path, **env)


def test_the_local_folder_is_the_default(tmp_path):
    status, line = storage_in(tmp_path)
    assert status == 0, line
    assert json.loads(line)["backend"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_s3_settings_configure_a_private_s3_store(tmp_path):
    status, line = storage_in(
        tmp_path,
        WENMING_STORAGE="s3",
        WENMING_S3_ENDPOINT_URL="http://minio.intranet:9000",
        WENMING_S3_BUCKET="wenming-photos",
        WENMING_S3_ACCESS_KEY="wenming",
        WENMING_S3_SECRET_KEY="secret",
        WENMING_S3_REGION="cn-north-1",
        WENMING_S3_ADDRESSING_STYLE="path",
    )
    assert status == 0, line
    assert json.loads(line) == {
        "backend": "storages.backends.s3.S3Storage",
        "bucket": "wenming-photos",
        "endpoint": "http://minio.intranet:9000",
        "access_key": "wenming",
        "region": "cn-north-1",
        "acl": None,  # the bucket's policy decides: private
        "querystring_auth": True,
        "expire": 300,
        "addressing": "path",
        "connect_timeout": 5,
    }


def test_s3_without_a_bucket_or_an_unknown_store_is_refused_at_start(tmp_path):
    status, line = storage_in(tmp_path, WENMING_STORAGE="s3")
    assert status != 0 and "WENMING_S3_BUCKET" in line
    status, line = storage_in(tmp_path, WENMING_STORAGE="ftp")
    assert status != 0 and "WENMING_STORAGE must be 'local' or 's3'" in line
