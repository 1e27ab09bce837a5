"""Builders for ledger tests: problems made through the services, and real photos by Pillow."""

import io
import itertools
import random
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageDraw

from wenming.problems import services
from wenming.problems.models import Category, Problem, Source

# Tianjin Street in Zhongshan District, and a spot about 1 km to the north.
HERE = (38.9180, 121.6400)
FAR = (38.9270, 121.6400)


def report_payload(**extra) -> dict:
    """The JSON body of a citizen's report at HERE (`POST /api/v1/problems`), with `extra`."""
    return {
        "title": "占道经营",
        "category": "chaotic.street_order",
        "source": "citizen",
        "region": "210202001001",
        "lat": HERE[0],
        "lon": HERE[1],
        "address": "天津街与胜利路交口",
        "reporter_name": "李先生",
        "reporter_phone": "13900000000",
        **extra,
    }


def ensure_categories() -> None:
    """The seeded categories (a transactional test's flush removes migration data)."""
    if Category.objects.exists():
        return
    from importlib import import_module

    from django.apps import apps

    import_module("wenming.problems.migrations.0003_seed_categories").seed(apps, None)


def category(code: str = "poor.facilities") -> Category:
    ensure_categories()
    return Category.objects.get(code=code)


def report(
    actor,
    *,
    region=None,
    title="垃圾桶满溢",
    source=Source.CITIZEN,
    cat="dirty.sanitation",
    lat=HERE[0],
    lon=HERE[1],
    **extra,
) -> Problem:
    """A new problem reported by `actor` (office when a citizen report is recorded)."""
    return services.problem_create(
        actor=actor,
        title=title,
        category=category(cat),
        source=source,
        region=region,
        lat=lat,
        lon=lon,
        **extra,
    )


def dispatched(cast, *, unit=None, region=None, cat="dirty.sanitation", **extra) -> Problem:
    """A problem the office registered and dispatched (to the Urban Management Bureau)."""
    problem = report(
        cast.office, region=extra.pop("place", cast.zhongshan_community), cat=cat, **extra
    )
    if unit is None and region is None:
        unit = cast.urban_unit
    return services.problem_dispatch(problem=problem, actor=cast.office, unit=unit, region=region)


def handler_of(cast, problem):
    """The persona who answers for `problem` in the cast."""
    if problem.responsible_unit_id:
        return {cast.urban_unit.pk: cast.urban, cast.education_unit.pk: cast.education}[
            problem.responsible_unit_id
        ]
    if problem.handling_region.path.startswith(cast.zhongshan_district.path):
        return cast.zhongshan
    return cast.ganjingzi


def accepted(cast, **kwargs) -> Problem:
    problem = dispatched(cast, **kwargs)
    return services.problem_accept(problem=problem, actor=handler_of(cast, problem))


def scene(seed: int = 1, size=(640, 480)) -> Image.Image:
    """A picture with structure, so perceptual hashes tell pictures apart."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (235, 235, 225))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, 240), y0 + rng.randrange(20, 180)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    return image


def _dms(value: float):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (float(degrees), float(minutes), seconds)


def photo(
    seed: int = 1, *, taken: str | None = None, gps=None, size=(640, 480), name="photo.jpg"
) -> SimpleUploadedFile:
    """A real JPEG upload, with EXIF time ("2026:10:08 09:30:00") and GPS when given."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = _dms(gps[0])
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = _dms(gps[1])
    out = io.BytesIO()
    # Always the same drawing for a seed, scaled: a resized copy is the same picture.
    picture = scene(seed).resize(size) if size != (640, 480) else scene(seed)
    picture.save(out, "JPEG", exif=exif, quality=90)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def now_exif() -> str:
    from django.utils import timezone

    return timezone.localtime().strftime("%Y:%m:%d %H:%M:%S")


_seeds = itertools.count(1000)


def rectified(cast, *, seed: int | None = None, **kwargs) -> Problem:
    """A problem its handler fixed, with a clean after-photo (a new picture each time)."""
    seed = next(_seeds) if seed is None else seed
    problem = accepted(cast, **kwargs)
    services.problem_photo_add(
        problem=problem,
        actor=cast.urban,
        kind="after",
        upload=photo(seed, taken=now_exif(), gps=HERE),
    )
    return services.problem_rectify(problem=problem, actor=cast.urban, note="已清理")


def closed(cast, **kwargs) -> Problem:
    problem = rectified(cast, **kwargs)
    return services.problem_verify_pass(problem=problem, actor=cast.office)


def a_date(text: str) -> date:
    return date.fromisoformat(text)


def market_point(region, *, units=(), code="P-MKT-1", lat=HERE[0], lon=HERE[1]):
    """An assessment point (a farmers' market) answered for by `units`."""
    from wenming.points.models import Point
    from wenming.standards.models import PointType

    point_type, _created = PointType.objects.get_or_create(
        code="market",
        defaults={"name": "农贸市场", "name_en": "Farmers' market", "group": "commerce"},
    )
    point = Point.objects.create(
        code=code, name="青泥洼农贸市场", point_type=point_type, region=region, lat=lat, lon=lon
    )
    point.responsible_units.set(units)
    return point
