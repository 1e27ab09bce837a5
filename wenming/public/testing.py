"""Builders for the portal's tests and benchmarks (no test runner needed to import them)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wenming.core import refcache
from wenming.problems.models import Category

from .models import PublicCategory

# Tianjin Street in Zhongshan District (as the ledger's tests).
HERE = (38.9180, 121.6400)


def ensure_public_categories() -> list:
    """The seeded categories, each offered to the public (a flushed database has none)."""
    if not Category.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("wenming.problems.migrations.0003_seed_categories").seed(apps, None)
    for category in Category.objects.filter(is_active=True):
        PublicCategory.objects.get_or_create(category=category)
    refcache.invalidate()
    return list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))


def jpeg_with_exif(*, size=(320, 240), seed: int = 3) -> bytes:
    """A JPEG carrying camera, time and GPS EXIF (what the public copy must drop)."""
    from PIL import ExifTags

    image = Image.new("RGB", size, (seed * 40 % 256, 120, 200))
    for x in range(0, size[0], 16):
        for y in range(0, size[1], 16):
            image.putpixel((x, y), ((x * seed) % 256, y % 256, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "WenmingCam"
    exif[ExifTags.Base.Model] = "Secret-Model-X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (38.0, 55.0, 4.8)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 38.0, 24.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=85)
    return out.getvalue()


def upload(data: bytes | None = None, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or jpeg_with_exif(), content_type="image/jpeg")


def post_report(client, cats, *, ip: str = "192.0.2.1", **fields):
    """POST the portal's report form: a valid report in the first public category at HERE,
    with `fields` changed; `ip` the sender's address (the hourly limit counts per address)."""
    data = {
        "category": cats[0].pk,
        "description": "路灯坏了，晚上很黑",
        "lat": HERE[0],
        "lon": HERE[1],
        "address": "天津街",
        "reporter_name": "王先生",
        "reporter_phone": "13800000000",
        "website": "",
        **fields,
    }
    return client.post("/report/new/", data, REMOTE_ADDR=ip)
