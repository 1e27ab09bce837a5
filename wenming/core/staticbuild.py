"""Collect the static files into STATIC_ROOT with hashed names, only when a source changed.

WhiteNoise serves the collection with immutable cache headers; pages name the hashed files from
its manifest, so a page cannot render before one collection. `wenming serve` and `make install`
call `collect_static()`: the first collection takes a few seconds (hashing, compression); after
it, a fingerprint of the sources (their paths and contents) tells in milliseconds that nothing
changed. Contents, not modification times: npm and scripts/vendor.py keep a library's own
(fixed) times, so a new version of it may carry the same times as the old one.
"""

import fcntl
import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command

FINGERPRINT_NAME = ".sources-fingerprint"
LOCK_NAME = ".collect.lock"


def needs_collection() -> bool:
    """Whether the configured storage names files from a manifest (the production one does)."""
    return isinstance(staticfiles_storage, ManifestFilesMixin)


def sources_fingerprint() -> str:
    """A digest of every file collectstatic would collect: its public path and its contents."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    digest = hashlib.sha256()
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    seen = set()
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            public = f"{prefix}/{path}" if prefix else path
            if public in seen:  # the first finder's file wins, as in collectstatic
                continue
            seen.add(public)
            entries.append((public, storage.path(path)))
    for public, source in sorted(entries):
        digest.update(public.encode() + b"\0")
        digest.update(Path(source).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def collect_static(*, force: bool = False, stdout=None) -> bool:
    """Run collectstatic unless the last collection was of these very sources.

    Returns whether it collected. One process at a time (a file lock), so two servers started
    together on one machine do not write the manifest at once."""
    if not needs_collection():
        return False
    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    marker = root / FINGERPRINT_NAME
    manifest = root / staticfiles_storage.manifest_name
    with open(root / LOCK_NAME, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = sources_fingerprint()
        if (
            not force
            and manifest.is_file()
            and marker.is_file()
            and marker.read_text().strip() == fingerprint
        ):
            return False
        marker.unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        # The storage object read the manifest when it was made; collectstatic updated the
        # same object, so this process already names the new files.
        marker.write_text(fingerprint + "\n")
    if stdout is not None:
        stdout.write(f"static: collected into {root} (hashed names)\n")
    return True
