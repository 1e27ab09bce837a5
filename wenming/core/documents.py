"""Document uploads (PDF, Word, Excel, images): accept a file only when its bytes are what its
name claims, store it under a fresh name, and stream it back with a safe download name.

`validate_document` decides by the bytes and the extension together: a `.pdf` must start with
`%PDF-` and end with `%%EOF` (a truncated upload does not), a `.docx` / `.xlsx` must be a ZIP
container holding `word/document.xml` / `xl/workbook.xml`, a legacy `.doc` / `.xls` must be an
OLE2 compound file naming a `WordDocument` / `Workbook` stream, and an image must pass
`wenming.core.uploads.validate_image` (its re-encoded office copy is what is kept, so nothing
appended to the picture survives). The declared content type is never trusted. Files over
`WENMING_MAX_DOCUMENT_BYTES` (default 20 MB) are refused while they are read, and a ZIP whose
members would inflate past ten times that limit is refused before anything is inflated.

`document_store` writes through Django's storage API (local folder or S3) under a random name;
a store that fails answers 503 (`Unavailable`). `document_response` streams a stored file as an
attachment with the original name in a `Content-Disposition` that Django encodes (RFC 6266).
Callers check the data scope before calling it: this module knows nothing of who may read.
"""

import hashlib
import io
import logging
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _

from .errors import InvalidInput, NotFound
from .uploads import storage_unavailable, validate_image

logger = logging.getLogger(__name__)

DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MEMBER_LIMIT = 5000

# extension → (kind, content type)
EXTENSIONS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "doc": ("word", "application/msword"),
    "xlsx": ("excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": ("excel", "application/vnd.ms-excel"),
    "jpg": ("image", "image/jpeg"),
    "jpeg": ("image", "image/jpeg"),
    "png": ("image", "image/png"),
    "webp": ("image", "image/webp"),
}
KINDS = ("pdf", "word", "excel", "image")
_FOLDER_RE = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_\-./]*$")
# Characters no file system or Content-Disposition header should see in a name.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')


def max_document_bytes() -> int:
    return int(getattr(settings, "WENMING_MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES))


@dataclass(frozen=True)
class ValidatedDocument:
    """An upload that passed every check; `data` is what will be stored."""

    name: str  # a safe version of the original file name, extension included
    kind: str  # "pdf", "word", "excel" or "image"
    extension: str  # lower case, no dot
    content_type: str
    size: int
    data: bytes = field(repr=False)
    sha256: str = ""


def safe_name(raw: str, *, default: str = "document") -> str:
    """The last path part of `raw`, NFC, without control or reserved characters, ≤ 120 chars."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip().strip(".")
    if not name:
        return default
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 119 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _kind_names(kinds) -> str:
    labels = {
        "pdf": _("PDF"),
        "word": _("Word"),
        "excel": _("Excel"),
        "image": _("image (JPEG, PNG or WebP)"),
    }
    return ", ".join(str(labels[k]) for k in kinds)


def _read(uploaded, name: str) -> bytes:
    limit = max_document_bytes()
    if isinstance(uploaded, bytes | bytearray):
        data = bytes(uploaded)
    else:
        declared = getattr(uploaded, "size", None)
        if declared is not None and declared > limit:
            raise _too_large(name)
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)
        if hasattr(uploaded, "chunks"):
            parts, total = [], 0
            for chunk in uploaded.chunks():
                total += len(chunk)
                if total > limit:
                    raise _too_large(name)
                parts.append(chunk)
            data = b"".join(parts)
        else:
            data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name)
    if not data:
        raise InvalidInput(_("“%(name)s” is empty.") % {"name": name}, code="empty_file")
    return data


def _too_large(name: str) -> InvalidInput:
    mb = max_document_bytes() / (1024 * 1024)
    return InvalidInput(
        _("“%(name)s” is too large: a document may be at most %(mb)s MB.")
        % {"name": name, "mb": f"{mb:g}"},
        code="too_large",
    )


def _not_what_it_claims(name: str, kind: str) -> InvalidInput:
    return InvalidInput(
        _("“%(name)s” is not a real %(kind)s file, although its name says so.")
        % {"name": name, "kind": _kind_names([kind])},
        code="content_mismatch",
    )


def _check_pdf(data: bytes, name: str) -> None:
    if not data.startswith(b"%PDF-"):
        raise _not_what_it_claims(name, "pdf")
    # Readers look for the end marker in the last kilobyte; without it the file was cut off.
    if b"%%EOF" not in data[-1024:]:
        raise InvalidInput(
            _("“%(name)s” is an incomplete PDF; please export or scan it again.") % {"name": name},
            code="damaged_document",
        )


def _check_zip(data: bytes, name: str, kind: str, part: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            inflated = sum(info.file_size for info in infos)
            if len(infos) > _ZIP_MEMBER_LIMIT or inflated > 10 * max_document_bytes():
                raise InvalidInput(
                    _("“%(name)s” unpacks to far more than a document should.") % {"name": name},
                    code="damaged_document",
                )
            if part not in names:
                raise _not_what_it_claims(name, kind)
            # Reading the main part checks its compression and CRC: a damaged file fails here.
            archive.read(part)
    except InvalidInput:
        raise
    except Exception as exc:  # BadZipFile, CRC errors, truncated members …
        raise _not_what_it_claims(name, kind) from exc


def _check_ole2(data: bytes, name: str, kind: str, streams: tuple[str, ...]) -> None:
    if not data.startswith(OLE2_MAGIC):
        raise _not_what_it_claims(name, kind)
    # Directory entries name their streams in UTF-16LE; Word files have a "WordDocument"
    # stream, Excel files a "Workbook" (or, before Excel 97, "Book") stream.
    if not any(s.encode("utf-16-le") in data for s in streams):
        raise _not_what_it_claims(name, kind)


def validate_document(uploaded, *, kinds=KINDS) -> ValidatedDocument:
    """Accept a PDF, Word, Excel or image file whose content matches its extension, within the
    size limit, or raise InvalidInput naming the file."""
    name = safe_name(getattr(uploaded, "name", "") or "")
    ext = _extension(name)
    allowed = [k for k in KINDS if k in kinds]
    kind, content_type = EXTENSIONS.get(ext, (None, ""))
    if kind not in allowed:
        raise InvalidInput(
            _("“%(name)s” is not an accepted file type; accepted are %(kinds)s.")
            % {"name": name, "kinds": _kind_names(allowed)},
            code="file_type",
        )
    data = _read(uploaded, name)
    if ext == "pdf":
        _check_pdf(data, name)
    elif ext == "docx":
        _check_zip(data, name, kind, "word/document.xml")
    elif ext == "xlsx":
        _check_zip(data, name, kind, "xl/workbook.xml")
    elif ext == "doc":
        _check_ole2(data, name, kind, ("WordDocument",))
    elif ext == "xls":
        _check_ole2(data, name, kind, ("Workbook", "Book"))
    else:
        try:
            image = validate_image(ContentFile(data, name=name))
        except InvalidInput as exc:
            raise InvalidInput(
                _("“%(name)s”: %(reason)s") % {"name": name, "reason": exc.message},
                code=exc.code,
            ) from exc
        copies = image.renditions
        data, ext, content_type = copies.original, copies.ext, copies.content_type
        name = name.rpartition(".")[0] + "." + ext
    return ValidatedDocument(
        name=name,
        kind=kind,
        extension=ext,
        content_type=content_type,
        size=len(data),
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _check_folder(folder: str) -> str:
    folder = folder.rstrip("/")
    if not folder or not _FOLDER_RE.match(folder) or ".." in folder.split("/"):
        raise ValueError(f"unsafe storage folder: {folder!r}")
    return folder


def document_store(validated: ValidatedDocument, *, folder: str) -> str:
    """Store the document under a random name in `folder`; returns the storage name (503 if the
    store is down)."""
    target = f"{_check_folder(folder)}/{uuid.uuid4().hex}.{validated.extension}"
    try:
        return default_storage.save(target, ContentFile(validated.data))
    except Exception as exc:  # OSError of a full disk, botocore's errors of the object store
        logger.warning("storing %s failed: %r", target, exc)
        raise storage_unavailable() from exc


def document_delete(name: str) -> None:
    """Remove a stored document quietly (e.g. when the transaction recording it rolled back)."""
    try:
        default_storage.delete(name)
    except Exception as exc:
        logger.warning("could not delete %s: %r", name, exc)


def stored_file(name: str):
    """The stored file `name`, opened for reading: NotFound if the store no longer holds it,
    Unavailable (503) if the store cannot be reached."""
    try:
        handle = default_storage.open(name, "rb")
        handle.open()  # fetch now (S3 reads lazily), so a failure is a 503, not a cut stream
    except (FileNotFoundError, ValueError):
        raise NotFound(code="document_not_found") from None
    except Exception as exc:
        raise storage_unavailable() from exc
    return handle


def document_response(name: str, *, filename: str, inline: bool = False) -> FileResponse:
    """Stream a stored document as a download named `filename` (404 if gone, 503 if the store
    is down). The caller has checked the reader's scope."""
    ext = _extension(name)
    content_type = EXTENSIONS.get(ext, (None, "application/octet-stream"))[1]
    response = FileResponse(
        stored_file(name),
        content_type=content_type,
        as_attachment=not inline,
        filename=safe_name(filename, default=f"document.{ext}" if ext else "document"),
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
