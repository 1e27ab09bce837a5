"""Evidence photo files, read through the data scope: the one way a user gets a photo's bytes.

Stored objects are private (the S3 bucket grants nothing to anonymous readers), and the
photo view streams them after the scope check instead of redirecting to a signed URL of the
store: a signed URL is a bearer capability for its whole lifetime — anyone it leaks to (a
proxy log, a Referer header, a forwarded chat message) sees the photo with no scope check —
and the store need not be reachable from the users' network (MinIO on the intranet behind the
app servers). Photos are at most a few MB, so passing them through costs little.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse

from wenming.core.errors import NotFound
from wenming.core.uploads import storage_unavailable

from . import selectors

VARIANTS = ("full", "thumb")


def photo_response(*, actor, photo_id: int, variant: str) -> FileResponse:
    """The photo's file for `actor`: 404 outside the scope, 503 when the store is down.

    Only the office gets the original with its EXIF and GPS; everyone else the public copy.
    """
    if variant not in VARIANTS:
        raise NotFound(code="photo_not_found")
    photo = selectors.photo_get(actor=actor, photo_id=photo_id)
    if variant == "thumb":
        name = photo.thumb_path
    elif selectors.shows_private_details(actor):
        name = photo.path
    else:
        name = photo.public_path
    try:
        handle = default_storage.open(name, "rb")
        handle.open()  # fetch now (S3 reads lazily), so a failure is a 503, not a cut stream
    except (FileNotFoundError, ValueError):
        raise NotFound(code="photo_not_found") from None
    except Exception as exc:  # OSError of the disk, botocore's errors of the object store
        raise storage_unavailable() from exc
    response = FileResponse(
        handle, content_type="image/webp" if name.endswith(".webp") else "image/jpeg"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
