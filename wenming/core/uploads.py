"""Photo uploads: accept only real images, read their evidence, store clean re-encoded copies.

`validate_image` decides by the bytes alone (never the file name or the declared content type):
Pillow must identify the data as JPEG, PNG or WebP, verify it and decode it completely. Files
over `WENMING_MAX_UPLOAD_MB` (default 10) and images over `WENMING_MAX_IMAGE_PIXELS` (default
40 million: phones save 12-13 MP unless asked for their full-sensor mode, and the stored copies
are at most `WENMING_STORED_IMAGE_MAX_PX` on the long side anyway) are refused before they are
decoded, so a small file that would inflate to gigabytes (a decompression bomb) costs nothing.
The picture is decoded once, there, and the three copies below are encoded from that decode
into memory, so a service can store them before its write transaction begins.

`store_image` writes the three re-encoded files through Django's storage API (a local folder or
an S3-compatible object store, `WENMING_STORAGE`); a store that fails answers 503
(`Unavailable`) and leaves none of the three behind:
- `path`: the office's copy, keeping the evidence EXIF (camera, time, GPS) and nothing else;
- `public_path`: the same picture with no EXIF, XMP or comment at all — the only copy that
  may be shown outside the office (citizens, the public portal, exports for the press);
- `thumb_path`: at most 320 px on the long side, no metadata.
Re-encoding also drops anything appended to or hidden in the uploaded file.
"""

import contextlib
import hashlib
import io
import logging
import math
import re
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import imagehash
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from .errors import InvalidInput, Unavailable

logger = logging.getLogger(__name__)

# MPO is how Pillow names a JPEG carrying extra frames (many phones write those).
_ACCEPTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
# Pillow's JPEG opener returns MPO files itself; only these three openers are ever tried.
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP")
_LOCAL_TZ = ZoneInfo("Asia/Shanghai")
THUMB_PX = 320
EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
_FOLDER_RE = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_\-./]*$")


def max_upload_bytes() -> int:
    return int(getattr(settings, "WENMING_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def max_image_pixels() -> int:
    return int(getattr(settings, "WENMING_MAX_IMAGE_PIXELS", 40_000_000))


def stored_max_px() -> int:
    """Long side of the stored copies; larger photos are scaled down (evidence needs no more)."""
    return int(getattr(settings, "WENMING_STORED_IMAGE_MAX_PX", 4096))


@dataclass(frozen=True)
class ImageInfo:
    """What the integrity checks need to know about a photo."""

    format: str  # "JPEG", "PNG" or "WEBP"
    width: int  # as displayed (after the EXIF orientation is applied)
    height: int
    taken_at: datetime | None  # EXIF DateTimeOriginal, aware
    lat: float | None  # EXIF GPS, WGS-84
    lon: float | None
    phash: str  # perceptual hash, 16 hex digits


@dataclass(frozen=True)
class Renditions:
    """The three encoded copies of one photo, ready to store (no pixels kept in memory)."""

    ext: str  # "jpg" or "webp"
    content_type: str
    width: int  # of the office and public copies
    height: int
    original: bytes  # the office's copy, with the evidence EXIF
    public: bytes  # no metadata at all
    thumb: bytes


@dataclass(frozen=True)
class ValidatedImage:
    """An upload that passed every check; `data` is the uploaded bytes, untouched."""

    info: ImageInfo
    data: bytes
    name: str
    sha256: str
    renditions: Renditions = field(repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class StoredImage:
    path: str
    thumb_path: str
    public_path: str
    width: int
    height: int
    sha256: str  # of the uploaded bytes, so an identical re-upload is recognised
    content_type: str


# --- validation ---------------------------------------------------------------------------


def _read_bytes(uploaded) -> tuple[bytes, str]:
    limit = max_upload_bytes()
    name = str(getattr(uploaded, "name", "") or "")
    if isinstance(uploaded, bytes | bytearray):
        data = bytes(uploaded)
    else:
        declared = getattr(uploaded, "size", None)
        if declared is not None and declared > limit:
            raise _too_large()
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)
        if hasattr(uploaded, "chunks"):
            parts, total = [], 0
            for chunk in uploaded.chunks():
                total += len(chunk)
                if total > limit:
                    raise _too_large()
                parts.append(chunk)
            data = b"".join(parts)
        else:
            data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    if not data:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    return data, name


def _too_large() -> InvalidInput:
    mb = max_upload_bytes() // (1024 * 1024)
    return InvalidInput(
        _("The file is too large: photos may be at most %(mb)d MB.") % {"mb": mb},
        code="too_large",
    )


def _not_an_image() -> InvalidInput:
    return InvalidInput(
        _("The file is not a JPEG, PNG or WebP image."),
        code="not_an_image",
    )


def _damaged() -> InvalidInput:
    return InvalidInput(
        _("The image is damaged or incomplete; please take or export it again."),
        code="damaged_image",
    )


def _too_many_pixels(width: int, height: int) -> InvalidInput:
    return InvalidInput(
        _(
            "The image is too large (%(width)d × %(height)d pixels); at most "
            "%(limit)d million pixels are accepted."
        )
        % {"width": width, "height": height, "limit": max_image_pixels() // 1_000_000},
        code="too_many_pixels",
    )


def _open_header(data: bytes) -> Image.Image:
    """Identify the image from its header only (no pixel data decoded yet)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
        except UnidentifiedImageError as exc:
            raise _not_an_image() from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidInput(
                _("The image has far too many pixels to be a photo."), code="too_many_pixels"
            ) from exc
        except Exception as exc:  # a header Pillow cannot even parse
            raise _not_an_image() from exc
    if image.format not in _ACCEPTED:
        raise _not_an_image()
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _damaged()
    if width * height > max_image_pixels():
        raise _too_many_pixels(width, height)
    return image


def _decode(data: bytes) -> Image.Image:
    """Open and decode every pixel; a truncated or corrupt file fails here."""
    image = _open_header(data)
    try:
        image.seek(0)
        image.load()
    except InvalidInput:
        raise
    except Exception as exc:  # truncated data, bad Huffman tables, CRC errors …
        raise _damaged() from exc
    return image


def _verify(data: bytes) -> None:
    image = _open_header(data)
    try:
        image.verify()
    except Exception as exc:
        raise _damaged() from exc


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        # A nonsensical orientation tag is no reason to refuse the photo.
        return image


def validate_image(uploaded) -> ValidatedImage:
    """Accept a real JPEG/PNG/WebP photo within the size and pixel limits, or raise InvalidInput."""
    data, name = _read_bytes(uploaded)
    _verify(data)  # parses the structure (PNG CRCs …); decodes no pixels
    image = _decode(data)  # the only decode of this upload
    exif = _exif_of(image)
    upright = _upright(image)
    lat, lon = _gps_of(exif)
    info = ImageInfo(
        format=_ACCEPTED[image.format],
        width=upright.width,
        height=upright.height,
        taken_at=_taken_at(exif),
        lat=lat,
        lon=lon,
        phash=str(imagehash.phash(upright.convert("RGB"))),
    )
    return ValidatedImage(
        info=info,
        data=data,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        renditions=_render(upright, exif=exif, icc=image.info.get("icc_profile")),
    )


# --- EXIF ------------------------------------------------------------------------------------


def _exif_of(image: Image.Image) -> Image.Exif:
    try:
        return image.getexif()
    except Exception:
        return Image.Exif()


def _ifd(exif: Image.Exif, which) -> dict:
    try:
        return dict(exif.get_ifd(which))
    except Exception:
        return {}


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip().strip("\x00").strip()


_OFFSET_RE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def _taken_at(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal as an aware datetime; Asia/Shanghai when no offset is recorded."""
    sub = _ifd(exif, ExifTags.IFD.Exif)
    raw = _text(sub.get(ExifTags.Base.DateTimeOriginal))
    if not raw:
        return None
    moment = None
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M"):
        try:
            moment = datetime.strptime(raw[:19], pattern)  # zone added below
            break
        except ValueError:
            continue
    if moment is None:
        return None
    offset = _OFFSET_RE.match(_text(sub.get(ExifTags.Base.OffsetTimeOriginal)))
    if offset:
        sign = 1 if offset.group(1) == "+" else -1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3)))
        if delta <= timedelta(hours=14):
            return moment.replace(tzinfo=timezone(sign * delta))
    return moment.replace(tzinfo=_LOCAL_TZ)


def _degrees(value, ref) -> float | None:
    try:
        parts = [float(p) for p in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not parts or len(parts) > 3 or any(math.isnan(p) or p < 0 for p in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    result = parts[0] + parts[1] / 60 + parts[2] / 3600
    return -result if _text(ref).upper() in ("S", "W") else result


def _gps_of(exif: Image.Exif) -> tuple[float | None, float | None]:
    """WGS-84 latitude and longitude from the GPS IFD, or (None, None)."""
    gps = _ifd(exif, ExifTags.IFD.GPSInfo)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    if lat == 0 and lon == 0:  # "no fix" as many cameras write it
        return None, None
    return round(lat, 7), round(lon, 7)


def _evidence_exif(source: Image.Exif) -> Image.Exif:
    """The EXIF the office keeps: camera, times and GPS (no maker notes, no embedded thumbnail)."""
    kept = Image.Exif()
    for tag in (ExifTags.Base.Make, ExifTags.Base.Model, ExifTags.Base.DateTime):
        if tag in source:
            kept[tag] = source[tag]
    sub = _ifd(source, ExifTags.IFD.Exif)
    times = {
        tag: sub[tag]
        for tag in (
            ExifTags.Base.DateTimeOriginal,
            ExifTags.Base.OffsetTimeOriginal,
            ExifTags.Base.SubsecTimeOriginal,
        )
        if tag in sub
    }
    if times:
        kept.get_ifd(ExifTags.IFD.Exif).update(times)
    gps = _ifd(source, ExifTags.IFD.GPSInfo)
    if gps:
        kept.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
    return kept


# --- storing ---------------------------------------------------------------------------------


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _clean_pixels(image: Image.Image) -> tuple[Image.Image, str]:
    """A metadata-free copy in RGB (→ JPEG) or RGBA (→ WebP, keeping transparency)."""
    if _has_alpha(image):
        clean, fmt = image.convert("RGBA"), "WEBP"
    else:
        clean, fmt = image.convert("RGB"), "JPEG"
    if clean is image:
        clean = image.copy()
    clean.info = {}
    return clean, fmt


def _encode(image: Image.Image, fmt: str, *, exif: Image.Exif | None = None, icc=None) -> bytes:
    params: dict = {"quality": 85}
    if fmt == "JPEG":
        params.update(optimize=True, progressive=True)
    else:
        params.update(method=4)
    if exif is not None and len(exif):
        params["exif"] = exif.tobytes()
    if icc:
        params["icc_profile"] = icc
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _check_folder(folder: str) -> str:
    folder = folder.rstrip("/")
    if not folder or not _FOLDER_RE.match(folder) or ".." in folder.split("/"):
        raise ValueError(f"unsafe storage folder: {folder!r}")
    return folder


def _render(upright: Image.Image, *, exif: Image.Exif, icc) -> Renditions:
    """Encode the office copy, a public copy without EXIF, and a thumbnail from one decode."""
    evidence = _evidence_exif(exif)
    picture, fmt = _clean_pixels(upright)
    limit = stored_max_px()
    if max(picture.size) > limit:
        picture.thumbnail((limit, limit), Image.Resampling.LANCZOS)
    thumb = picture.copy()
    thumb.thumbnail((THUMB_PX, THUMB_PX), Image.Resampling.LANCZOS)
    return Renditions(
        ext="jpg" if fmt == "JPEG" else "webp",
        content_type="image/jpeg" if fmt == "JPEG" else "image/webp",
        width=picture.width,
        height=picture.height,
        original=_encode(picture, fmt, exif=evidence, icc=icc),
        public=_encode(picture, fmt, icc=icc),
        thumb=_encode(thumb, fmt, icc=icc),
    )


def storage_unavailable() -> Unavailable:
    return Unavailable(
        _("The file store cannot be reached just now; nothing was saved. Please try again later."),
        code="storage_unavailable",
    )


def store_image(validated: ValidatedImage, *, folder: str) -> StoredImage:
    """Store the three encoded copies under a fresh name; 503 (none left behind) if the store
    fails."""
    folder = _check_folder(folder)
    copies = validated.renditions
    stem = f"{folder}/{uuid.uuid4().hex}"
    files = [
        (f"{stem}.{copies.ext}", copies.original),
        (f"{stem}.public.{copies.ext}", copies.public),
        (f"{stem}.thumb.{copies.ext}", copies.thumb),
    ]
    written: list[str] = []
    try:
        for name, content in files:
            written.append(default_storage.save(name, ContentFile(content)))
    except Exception as exc:
        # Whatever the backend raises (OSError of a full disk, botocore's connection and
        # client errors) is the store's fault, not the user's: log it, answer 503.
        logger.warning("storing %s failed: %r", stem, exc)
        _delete_quietly(written)
        raise storage_unavailable() from exc
    return StoredImage(
        path=written[0],
        public_path=written[1],
        thumb_path=written[2],
        width=copies.width,
        height=copies.height,
        sha256=validated.sha256,
        content_type=copies.content_type,
    )


def _delete_quietly(names) -> None:
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception as exc:  # the store is down: the file stays, and the log says so
            logger.warning("could not delete %s: %r", name, exc)


def stored_image_delete(stored: StoredImage) -> None:
    """Remove the three files (e.g. when the transaction that stored them rolled back)."""
    _delete_quietly((stored.path, stored.public_path, stored.thumb_path))


@contextlib.contextmanager
def stored_files_kept_if(stored: list[StoredImage], *, is_recorded):
    """Run a block that records `stored` in the database; afterwards delete every stored image
    that `is_recorded(paths) -> set of recorded paths` does not find (a rolled-back
    transaction, an exception). Use it outside the write transaction, so what it reads is
    what was committed; a database error while checking counts as nothing recorded."""
    try:
        yield
    finally:
        if stored:
            try:
                recorded = set(is_recorded([s.path for s in stored]))
            except Exception:
                recorded = set()
            for image in stored:
                if image.path not in recorded:
                    stored_image_delete(image)


# --- comparisons --------------------------------------------------------------------------


def phash_distance(a_hex: str, b_hex: str) -> int:
    """Hamming distance between two perceptual hashes (0 = same picture; ≤ 8 ≈ a near-copy)."""
    if len(a_hex) != len(b_hex):
        raise ValueError("perceptual hashes of different lengths")
    return (int(a_hex, 16) ^ int(b_hex, 16)).bit_count()


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
