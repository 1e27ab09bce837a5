"""Photo uploads, with real images built by Pillow (and real non-images)."""

import hashlib
import io
import os
import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageDraw, PngImagePlugin

from wenming.core.errors import InvalidInput, Unavailable
from wenming.core.uploads import (
    haversine_m,
    phash_distance,
    store_image,
    stored_image_delete,
    validate_image,
)
from wenming.testing.storage import isolate_media, stored_names, unreachable_s3

pytestmark = pytest.mark.storage

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The Zhongshan Square in Dalian, and the same spot 0.5″ of arc further north-east.
SQUARE = (38.9146, 121.6438)


def scene(seed: int = 1, size=(640, 480), mode="RGB") -> Image.Image:
    """A picture with structure (so perceptual hashes mean something): random shapes."""
    rng = random.Random(seed)
    image = Image.new(mode, size, (235, 235, 225) if mode == "RGB" else (235, 235, 225, 255))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(20, 240), y0 + rng.randrange(20, 180)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if mode == "RGBA":
            colour += (rng.randrange(60, 256),)
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    return image


def dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (float(degrees), float(minutes), seconds)


def exif_for(*, taken: str | None = None, offset: str | None = None, gps=None, orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Model] = "Wenming Cam 1"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    if taken:
        sub[ExifTags.Base.DateTimeOriginal] = taken
    if offset:
        sub[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps:
        lat, lon = gps
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        info[ExifTags.GPS.GPSLatitude] = dms(abs(lat))
        info[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        info[ExifTags.GPS.GPSLongitude] = dms(abs(lon))
    return exif


def photo_bytes(fmt="JPEG", *, image=None, exif=None, **save) -> bytes:
    image = image or scene()
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(data, name="photo.jpg", content_type="image/jpeg") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        validate_image(upload(data, name, content_type))
    return caught.value


@pytest.fixture
def media(settings, tmp_path):
    isolate_media(settings, tmp_path)  # a temporary folder, or a bucket prefix of its own


# --- accepted photos and what is read from them ---------------------------------------------


def test_a_phone_jpeg_gives_its_time_place_and_hash():
    data = photo_bytes(exif=exif_for(taken="2026:10:08 09:30:00", gps=SQUARE))
    validated = validate_image(upload(data))
    info = validated.info
    assert (info.format, info.width, info.height) == ("JPEG", 640, 480)
    assert info.taken_at == datetime(2026, 10, 8, 9, 30, tzinfo=SHANGHAI)
    assert info.taken_at.utcoffset().total_seconds() == 8 * 3600
    assert info.lat == pytest.approx(SQUARE[0], abs=1e-5)
    assert info.lon == pytest.approx(SQUARE[1], abs=1e-5)
    assert len(info.phash) == 16 and int(info.phash, 16) >= 0
    assert validated.sha256 == hashlib.sha256(data).hexdigest()


def test_a_recorded_utc_offset_is_respected():
    data = photo_bytes(exif=exif_for(taken="2026:10:08 01:30:00", offset="+00:00"))
    assert validate_image(upload(data)).info.taken_at == datetime(2026, 10, 8, 1, 30, tzinfo=UTC)


def test_southern_and_western_coordinates_are_negative():
    data = photo_bytes(exif=exif_for(gps=(-33.8568, -70.6483)))
    info = validate_image(upload(data)).info
    assert info.lat == pytest.approx(-33.8568, abs=1e-5)
    assert info.lon == pytest.approx(-70.6483, abs=1e-5)


def test_a_photo_without_exif_has_no_time_and_no_place():
    info = validate_image(upload(photo_bytes())).info
    assert info.taken_at is None and info.lat is None and info.lon is None


def test_nonsense_exif_values_are_ignored_not_fatal():
    data = photo_bytes(exif=exif_for(taken="0000:00:00 00:00:00", gps=(0.0, 0.0)))
    info = validate_image(upload(data)).info
    assert info.taken_at is None and info.lat is None


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_with_their_exif(fmt):
    data = photo_bytes(fmt, exif=exif_for(taken="2026:02:14 08:00:00", gps=SQUARE))
    info = validate_image(upload(data, "x.bin", "application/octet-stream")).info
    assert info.format == fmt
    assert info.taken_at == datetime(2026, 2, 14, 8, 0, tzinfo=SHANGHAI)
    assert info.lat == pytest.approx(SQUARE[0], abs=1e-5)


def test_a_sideways_photo_is_measured_upright():
    data = photo_bytes(exif=exif_for(orientation=6))  # "rotate 90° clockwise to display"
    info = validate_image(upload(data)).info
    assert (info.width, info.height) == (480, 640)


def test_a_multi_picture_jpeg_from_a_phone_is_a_jpeg():
    out = io.BytesIO()
    scene(1).save(out, "MPO", save_all=True, append_images=[scene(2)])
    assert validate_image(upload(out.getvalue())).info.format == "JPEG"


def test_plain_bytes_and_file_objects_work_too():
    data = photo_bytes()
    assert validate_image(data).info.format == "JPEG"
    assert validate_image(io.BytesIO(data)).info.format == "JPEG"


# --- refusals --------------------------------------------------------------------------------


def test_a_text_file_renamed_jpg_is_refused_whatever_it_claims():
    text = b"This is not a photo, just text.\n" * 20
    error = refusal(text, "rectified.jpg", "image/jpeg")
    assert error.code == "not_an_image" and error.status == 400
    with translation.override("zh-hans"):
        assert "JPEG、PNG 或 WebP" in str(refusal(text, "rectified.jpg", "image/jpeg").message)
    with translation.override("en"):
        assert "JPEG, PNG or WebP" in str(refusal(text, "rectified.jpg", "image/jpeg").message)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_real_images_of_other_formats_are_refused(fmt):
    assert refusal(photo_bytes(fmt), f"photo.{fmt.lower()}").code == "not_an_image"


def test_a_pdf_and_an_svg_are_refused():
    assert refusal(b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "a.jpg").code == "not_an_image"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert refusal(svg, "a.png", "image/png").code == "not_an_image"


def test_a_truncated_jpeg_is_refused():
    data = photo_bytes(exif=exif_for(gps=SQUARE))
    error = refusal(data[: len(data) // 2])
    assert error.code == "damaged_image"


def test_a_png_with_a_broken_checksum_is_refused():
    data = bytearray(photo_bytes("PNG"))
    data[60] ^= 0xFF  # inside the first IDAT chunk
    assert refusal(bytes(data), "a.png").code == "damaged_image"


def test_an_empty_file_is_refused():
    assert refusal(b"").code == "empty_file"


def test_a_file_over_ten_megabytes_is_refused():
    noise = Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3))
    data = photo_bytes("PNG", image=noise, compress_level=0)
    assert len(data) > 10 * 1024 * 1024
    error = refusal(data, "big.png", "image/png")
    assert error.code == "too_large"
    with translation.override("en"):
        assert "10 MB" in str(error.message)


def test_the_size_limit_is_a_setting(settings):
    settings.WENMING_MAX_UPLOAD_MB = 1
    noise = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    data = photo_bytes("PNG", image=noise, compress_level=0)  # ~1.9 MB
    assert refusal(data, "a.png").code == "too_large"
    settings.WENMING_MAX_UPLOAD_MB = 3
    assert validate_image(upload(data)).info.format == "PNG"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, "PNG")  # 900 Mpx in a tiny file
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    assert refusal(data, "bomb.png", "image/png").code == "too_many_pixels"


def test_an_image_over_the_pixel_limit_is_refused(settings):
    out = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(out, "PNG")  # 70 Mpx: above our 40 Mpx limit
    assert refusal(out.getvalue(), "big.png", "image/png").code == "too_many_pixels"
    settings.WENMING_MAX_IMAGE_PIXELS = 100 * 100
    assert refusal(photo_bytes(), "a.jpg").code == "too_many_pixels"


def test_the_default_pixel_limit_is_40_megapixels(settings):
    del settings.WENMING_MAX_IMAGE_PIXELS  # what a deployment gets without the variable
    out = io.BytesIO()
    Image.new("1", (8_000, 6_000)).save(out, "PNG")  # a 48 MP full-sensor shot
    assert refusal(out.getvalue(), "full.png", "image/png").code == "too_many_pixels"
    out = io.BytesIO()
    Image.new("1", (6_000, 6_000)).save(out, "PNG")  # 36 MP
    assert validate_image(out.getvalue()).info.width == 6_000


def test_a_photo_is_decoded_once_and_storing_decodes_nothing(media, monkeypatch):
    from PIL import ImageFile

    decodes = []
    load = ImageFile.ImageFile.load

    def counting_load(image):
        if image.tile:  # pixel data still to decode (a loaded image has no tiles left)
            decodes.append(image.format)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    validated = validate_image(upload(photo_bytes(exif=exif_for(orientation=6, gps=SQUARE))))
    assert decodes == ["JPEG"]
    stored = store_image(validated, folder="p")
    assert decodes == ["JPEG"]  # the three copies were encoded at validation
    assert (stored.width, stored.height) == (480, 640)


def test_an_unreachable_store_is_a_503_and_leaves_nothing(settings):
    validated = validate_image(photo_bytes())
    unreachable_s3(settings)
    with translation.override("zh-hans"), pytest.raises(Unavailable) as caught:
        store_image(validated, folder="problems/x")
    assert caught.value.status == 503 and caught.value.code == "storage_unavailable"
    assert "文件存储" in str(caught.value.message)


# --- storing ---------------------------------------------------------------------------------


def read_image(name: str) -> tuple[Image.Image, bytes]:
    with default_storage.open(name) as handle:
        raw = handle.read()
    return Image.open(io.BytesIO(raw)), raw


def test_store_keeps_the_evidence_exif_for_the_office_and_strips_it_from_the_public_copy(media):
    data = photo_bytes(exif=exif_for(taken="2026:10:08 09:30:00", gps=SQUARE))
    stored = store_image(validate_image(upload(data)), folder="problems/WM2026-000123")

    assert stored.path.startswith("problems/WM2026-000123/")
    assert (stored.width, stored.height) == (640, 480)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.content_type == "image/jpeg"

    office, office_raw = read_image(stored.path)
    assert office.format == "JPEG" and office_raw != data  # re-encoded, not copied
    exif = office.getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == "2026:10:08 09:30:00"

    public, public_raw = read_image(stored.public_path)
    assert public.format == "JPEG" and public.size == (640, 480)
    assert len(public.getexif()) == 0
    assert b"Exif" not in public_raw and b"TestPhone" not in public_raw
    again = validate_image(public_raw).info
    assert again.lat is None and again.taken_at is None

    thumb, thumb_raw = read_image(stored.thumb_path)
    assert max(thumb.size) == 320 and thumb.size == (320, 240)
    assert b"Exif" not in thumb_raw


def test_xmp_and_text_chunks_are_not_carried_into_the_public_copy(media):
    text = PngImagePlugin.PngInfo()
    xmp = '<x:xmpmeta><rdf:Description exif:GPSLatitude="38,54.876N"/></x:xmpmeta>'
    text.add_itxt("XML:com.adobe.xmp", xmp)
    text.add_text("Comment", "home address: 1 Secret Road")
    data = photo_bytes("PNG", pnginfo=text)
    stored = store_image(validate_image(data), folder="problems/x")
    for name in (stored.path, stored.public_path, stored.thumb_path):
        _image, raw = read_image(name)
        assert b"GPSLatitude" not in raw and b"Secret Road" not in raw


def test_anything_appended_to_the_upload_is_dropped(media):
    data = photo_bytes() + b"PK\x03\x04hidden-archive-content"
    stored = store_image(validate_image(data), folder="problems/x")
    for name in (stored.path, stored.public_path, stored.thumb_path):
        assert b"hidden-archive-content" not in read_image(name)[1]


def test_a_sideways_photo_is_stored_upright(media):
    data = photo_bytes(exif=exif_for(orientation=6, gps=SQUARE))
    stored = store_image(validate_image(data), folder="p")
    assert (stored.width, stored.height) == (480, 640)
    office, _raw = read_image(stored.path)
    assert office.size == (480, 640)
    assert office.getexif().get(ExifTags.Base.Orientation, 1) == 1


def test_a_transparent_png_is_stored_as_webp_keeping_transparency(media):
    data = photo_bytes("PNG", image=scene(3, mode="RGBA"))
    stored = store_image(validate_image(data), folder="p")
    assert stored.path.endswith(".webp") and stored.content_type == "image/webp"
    public, _raw = read_image(stored.public_path)
    assert public.format == "WEBP" and public.mode == "RGBA"


def test_a_huge_photo_is_stored_at_a_sensible_size(media, settings):
    settings.WENMING_STORED_IMAGE_MAX_PX = 500
    stored = store_image(validate_image(photo_bytes()), folder="p")
    assert (stored.width, stored.height) == (500, 375)


def test_an_unsafe_folder_is_a_programming_error(media):
    validated = validate_image(photo_bytes())
    for folder in ("../etc", "/abs", "a/../../b", ""):
        with pytest.raises(ValueError):
            store_image(validated, folder=folder)


def test_stored_files_can_be_removed(media):
    stored = store_image(validate_image(photo_bytes()), folder="p")
    assert len(stored_names()) == 3
    stored_image_delete(stored)
    assert not any(default_storage.exists(n) for n in (stored.path, stored.thumb_path))
    assert stored_names() == []


# --- comparisons --------------------------------------------------------------------------


def test_a_recompressed_smaller_copy_is_a_near_copy_and_another_scene_is_not():
    original = validate_image(photo_bytes(image=scene(7))).info.phash
    smaller = scene(7).resize((320, 240))
    copy = validate_image(photo_bytes(image=smaller, quality=40)).info.phash
    other = validate_image(photo_bytes(image=scene(8))).info.phash
    assert phash_distance(original, copy) <= 6
    assert phash_distance(original, other) >= 16
    assert phash_distance(original, original) == 0


def test_phash_distance_counts_differing_bits():
    assert phash_distance("0" * 16, "f" * 16) == 64
    assert phash_distance("8000000000000001", "0000000000000000") == 2
    with pytest.raises(ValueError):
        phash_distance("00", "0000")


def test_haversine_distances():
    assert haversine_m(*SQUARE, *SQUARE) == 0
    # One degree of latitude is about 111.2 km.
    assert haversine_m(38.0, 121.0, 39.0, 121.0) == pytest.approx(111_195, rel=1e-3)
    # 200 m north of the square, the evidence threshold of the problem ledger.
    north = SQUARE[0] + 200 / 111_195
    assert haversine_m(*SQUARE, north, SQUARE[1]) == pytest.approx(200, abs=0.5)
    assert haversine_m(*SQUARE, north, SQUARE[1]) == haversine_m(north, SQUARE[1], *SQUARE)
