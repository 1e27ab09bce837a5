"""The file store in tests: each test writes to a place of its own, and reads it back only
through Django's storage API, so the same tests run on the local folder and on an
S3-compatible server (`scripts/ci_object_storage.sh`, WENMING_STORAGE=s3)."""

import socket
import uuid

from django.core.files.storage import default_storage


def isolate_media(settings, tmp_path) -> None:
    """A fresh, empty store for one test: a temporary folder, or a key prefix of its own in
    the configured bucket (the settings fixture restores both afterwards)."""
    if getattr(settings, "WENMING_STORAGE", "local") == "s3":
        default = settings.STORAGES["default"]
        options = {**default["OPTIONS"], "location": f"tests/{uuid.uuid4().hex}"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


def stored_names(folder: str = "") -> list[str]:
    """Every file name in the default storage under `folder`, walked through listdir."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # the local folder was never created: nothing stored
        return []
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    names = [prefix + name for name in files]
    for sub in folders:
        names += stored_names(prefix + sub)
    return sorted(names)


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_s3(settings) -> None:
    """Point the default storage at an S3 endpoint on a closed port (the store is down)."""
    from botocore.config import Config

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "endpoint_url": f"http://127.0.0.1:{closed_port()}",
                "bucket_name": "wenming-down",
                "access_key": "test",
                "secret_key": "test",  # noqa: S106 - nothing listens there
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": True,
                "client_config": Config(
                    s3={"addressing_style": "path"},
                    signature_version="s3v4",
                    connect_timeout=1,
                    retries={"max_attempts": 1, "mode": "standard"},
                ),
            },
        },
    }
