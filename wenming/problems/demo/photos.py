"""Generated before/after photos (JPEG with EXIF time and GPS), checked like real uploads."""

import io
import random
from datetime import datetime, timedelta

from django.utils import timezone

from wenming.core.progress import progress

from ..models import (
    PhotoKind,
    Problem,
    ProblemEvent,
)
from .content import (
    SEED,
    E,
)
from .generator import (
    _Generator,
)
from .simulation import (
    _P,
)

# --- photos ---------------------------------------------------------------------------------


def _scene(rng: random.Random, *, clutter: bool, view: float = 0.0):
    """A street-like picture: sky, buildings, road; litter and posters when `clutter`."""
    from PIL import Image, ImageDraw

    width, height = 480, 360
    image = Image.new(
        "RGB",
        (width, height),
        (rng.randrange(120, 200), rng.randrange(160, 220), rng.randrange(200, 255)),
    )
    draw = ImageDraw.Draw(image)
    horizon = rng.randrange(140, 200)
    x = -int(view * 120)
    while x < width:
        w = rng.randrange(50, 130)
        top = rng.randrange(30, horizon - 10)
        colour = tuple(rng.randrange(60, 220) for _ in range(3))
        draw.rectangle((x, top, x + w, horizon), fill=colour)
        for wy in range(top + 8, horizon - 10, 18):
            for wx in range(x + 6, x + w - 10, 16):
                draw.rectangle((wx, wy, wx + 7, wy + 9), fill=(230, 230, 190))
        x += w + rng.randrange(0, 20)
    draw.rectangle((0, horizon, width, height), fill=(rng.randrange(80, 120),) * 3)
    draw.polygon(
        [
            (width * 0.3 + view * 60, height),
            (width * 0.45, horizon),
            (width * 0.55, horizon),
            (width * 0.7 + view * 60, height),
        ],
        fill=(60, 60, 65),
    )
    if clutter:
        for _ in range(rng.randrange(6, 12)):
            cx, cy = rng.randrange(0, width), rng.randrange(horizon, height)
            r = rng.randrange(15, 45)
            colour = tuple(rng.randrange(0, 256) for _ in range(3))
            draw.ellipse((cx - r, cy - r // 2, cx + r, cy + r // 2), fill=colour)
        for _ in range(rng.randrange(3, 7)):
            px, py = rng.randrange(0, width - 40), rng.randrange(40, horizon - 30)
            draw.rectangle((px, py, px + 40, py + 30), fill=(250, 250, rng.randrange(0, 255)))
    return image


def _jpeg(image, *, taken: datetime, lat: float, lon: float) -> bytes:
    from PIL import ExifTags, Image

    def dms(value: float):
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round((value - degrees - minutes / 60) * 3600, 3)
        return (float(degrees), float(minutes), seconds)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "WenmingDemo"
    exif[ExifTags.Base.Model] = "Demo Camera"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    sub[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = dms(abs(lat))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = dms(abs(lon))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def _make_photos(gen: _Generator, stdout=None) -> int:
    """Before/after photos for the sampled problems, checked like real uploads."""
    from wenming.core.uploads import phash_distance, validate_image

    rng = random.Random(SEED + 7)
    sample = [p for p in gen.photo_pool if p.event_ids]
    made = 0
    with progress(len(sample), "Demo evidence photos", unit="problems") as advance:
        for p in sample:
            problem = Problem.objects.get(pk=p.id)
            before_seed = rng.randrange(1 << 30)
            before_image = _scene(random.Random(before_seed), clutter=True)
            taken = p.created - timedelta(minutes=rng.randint(2, 40))
            reporter = p.reporter or {"id": None, "username": ""}
            data = _jpeg(
                before_image,
                taken=taken,
                lat=p.lat + rng.uniform(-0.0002, 0.0002),
                lon=p.lon + rng.uniform(-0.0002, 0.0002),
            )
            before = _photo(
                problem,
                data,
                kind=PhotoKind.BEFORE,
                round_=0,
                event_id=None,
                uploaded=p.created,
                actor_id=reporter["id"],
            )
            made += 1
            attach = [(before, p.created, reporter["id"], reporter["username"])]
            rounds = [i for i, event in enumerate(p.events) if event[0] == E.RECTIFY]
            for round_, index in enumerate(rounds):
                event = p.events[index]
                done, event_id = event[5], p.event_ids[index]
                trick = rng.random()
                lat = p.lat + rng.uniform(-0.0003, 0.0003)
                lon = p.lon + rng.uniform(-0.0003, 0.0003)
                shot = done - timedelta(minutes=rng.randint(5, 90))
                if trick < 0.05:  # the before-photo handed in again: nothing was fixed
                    image = before_image.copy()
                elif trick < 0.09:  # taken somewhere else
                    image = _scene(rng, clutter=False, view=rng.uniform(0.2, 0.8))
                    lat += rng.choice([-1, 1]) * rng.uniform(0.004, 0.008)
                elif trick < 0.12 and p.dispatched_at:  # taken before the dispatch
                    image = _scene(rng, clutter=False, view=rng.uniform(0.2, 0.8))
                    shot = p.dispatched_at - timedelta(hours=rng.randint(2, 48))
                else:  # the same place, cleaned up, from a slightly different spot
                    image = _scene(
                        random.Random(before_seed), clutter=False, view=rng.uniform(0.25, 0.8)
                    )
                data = _jpeg(image, taken=shot, lat=lat, lon=lon)
                if (
                    trick >= 0.05
                    and phash_distance(validate_image(data).info.phash, before.phash) <= 3
                ):
                    image = _scene(rng, clutter=False, view=0.9)  # make the fix visible
                    data = _jpeg(image, taken=shot, lat=lat, lon=lon)
                uploaded = done - timedelta(minutes=2)
                photo = _photo(
                    problem,
                    data,
                    kind=PhotoKind.AFTER,
                    round_=round_,
                    event_id=event_id,
                    uploaded=uploaded,
                    actor_id=event[3],
                    check=True,
                )
                made += 1
                attach.append((photo, uploaded, event[3], event[4]))
                ProblemEvent.objects.filter(pk=event_id).update(data={"photos": [photo.pk]})
            _attach_events(attach, p)
            advance(1)
    return made


def _photo(problem, data, *, kind, round_, event_id, uploaded, actor_id, check=False):
    """Store one photo as `services.evidence` does, with its integrity checks if `check`."""
    from wenming.core.uploads import store_image, validate_image

    from ..services.evidence import integrity_flags, photo_folder, photo_row

    validated = validate_image(data)
    stored = store_image(validated, folder=photo_folder(problem))
    photo = photo_row(
        problem,
        validated,
        stored,
        kind=kind,
        round_=round_,
        flags=integrity_flags(problem, validated.info) if check else {},
        uploaded_by_id=actor_id,
        uploaded_at=timezone.make_aware(uploaded, timezone.get_current_timezone()),
        event_id=event_id,
    )
    photo.save(force_insert=True)
    flagged = photo.is_flagged
    if flagged:
        problem.flagged_photo_count += 1
        Problem.objects.filter(pk=problem.pk).update(
            flagged_photo_count=problem.flagged_photo_count
        )
    return photo


def _attach_events(attach, p: _P) -> None:
    """The "photo added" rows of the timeline, as `services.evidence` writes them."""
    tz = timezone.get_current_timezone()
    ProblemEvent.objects.bulk_create(
        [
            ProblemEvent(
                problem_id=p.id,
                action=E.ATTACH,
                actor_id=actor_id,
                actor_name=name,
                created_at=timezone.make_aware(at, tz),
                district_id=p.area.district_id,
                data={"photo": photo.pk, "kind": photo.kind, "flags": photo.flags},
            )
            for photo, at, actor_id, name in attach
        ]
    )
