"""Evidence photos end to end: flags, the near-copy check, scoped files, the file store.

Marked `storage`: scripts/ci_object_storage.sh runs these again against an S3-compatible
server; the files are read back only through Django's storage API.
"""

import io

import pytest
from django.utils import timezone, translation
from PIL import Image

from wenming.core.errors import InvalidInput, Unavailable
from wenming.problems import metrics, services
from wenming.problems.models import PhotoKind, Problem, ProblemEvent, ProblemPhoto
from wenming.problems.services import evidence
from wenming.testing.storage import stored_names, unreachable_s3

from .factories import HERE, accepted, category, dispatched, handler_of, now_exif, photo, report

pytestmark = pytest.mark.storage


def add_after(person, problem, upload):
    return services.problem_photo_add(problem=problem, actor=person, kind="after", upload=upload)


# --- no metadata -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "taken, gps", [(None, HERE), ("now", None), (None, None)], ids=["no-time", "no-gps", "none"]
)
def test_an_after_photo_without_camera_time_or_gps_is_flagged(cast, taken, gps):
    problem = accepted(cast)
    shot = add_after(cast.urban, problem, photo(7, taken=now_exif() if taken else None, gps=gps))
    assert "no_metadata" in shot.flags and shot.is_flagged
    problem.refresh_from_db()
    assert problem.flagged_photo_count == 1
    event = ProblemEvent.objects.filter(problem=problem, action="attach").latest("id")
    assert "no_metadata" in event.data["flags"]


def test_photos_without_metadata_count_in_the_flagged_photo_rate(cast):
    clean = accepted(cast)
    add_after(cast.urban, clean, photo(7, taken=now_exif(), gps=HERE))
    bare = accepted(cast, title="另一处")
    add_after(cast.urban, bare, photo(8))
    month = metrics.period_parse(timezone.localdate().strftime("%Y-%m"))
    values = metrics.problem_metrics(actor=cast.office, period=month)
    assert (values.after_photos, values.flagged_photos) == (2, 1)
    assert values.flagged_photo_rate == 0.5
    assert values.flags["flag_no_metadata"] == 1


def test_a_before_photo_needs_no_metadata(cast):
    problem = dispatched(cast)
    shot = services.problem_photo_add(
        problem=problem, actor=cast.office, kind="before", upload=photo(3)
    )
    assert shot.flags == [] and not shot.is_flagged


# --- the near-copy check -------------------------------------------------------------------


def _flip(phash: str, mask: int) -> str:
    return f"{int(phash, 16) ^ mask:016x}"


def test_near_copy_candidates_are_read_newest_first(cast):
    """More candidates share a band than are read: the newest are the ones compared."""
    older = accepted(cast)
    original = add_after(cast.urban, older, photo(99, taken=now_exif(), gps=HERE))
    decoy_hash = _flip(original.phash, (1 << 48) - 1)  # same first band, 48 bits apart
    rows = []
    for _ in range(evidence.NEAR_COPY_CANDIDATES):
        row = ProblemPhoto.objects.get(pk=original.pk)
        row.pk = None
        row.phash = decoy_hash
        row.ph0, row.ph1, row.ph2, row.ph3 = evidence.phash_bands(decoy_hash)
        rows.append(row)
    ProblemPhoto.objects.bulk_create(rows)
    newest = ProblemPhoto.objects.get(pk=original.pk)
    newest.pk = None
    newest.phash = _flip(original.phash, 1)
    newest.ph0, newest.ph1, newest.ph2, newest.ph3 = evidence.phash_bands(newest.phash)
    newest.save(force_insert=True)
    ProblemPhoto.objects.filter(pk=original.pk).update(phash=decoy_hash)  # the oldest: no copy

    problem = accepted(cast, title="另一处垃圾桶满溢")
    shot = add_after(cast.urban, problem, photo(99, size=(600, 450), taken=now_exif(), gps=HERE))
    assert "copy_other" in shot.flags and shot.copy_of_id == newest.pk


def test_the_code_of_a_copied_problem_outside_the_scope_is_not_shown(cast, api_as, page_as):
    theirs = accepted(cast, region=cast.ganjingzi_district, place=cast.ganjingzi_community)
    add_after(handler_of(cast, theirs), theirs, photo(99, taken=now_exif(), gps=HERE))
    mine = accepted(cast, title="另一处垃圾桶满溢")
    upload = api_as(cast.urban).post_multipart(
        f"problems/{mine.code}/attachments",
        {"kind": "after", "file": photo(99, size=(600, 450), taken=now_exif(), gps=HERE)},
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["flags"] == ["copy_other"]
    assert upload.json()["copy_of_problem"] is None  # the urban bureau cannot see Ganjingzi's
    detail = api_as(cast.urban).get(f"problems/{mine.code}").json()
    assert [p["copy_of_problem"] for p in detail["photos"]] == [None]
    page = page_as(cast.urban).get(f"/problems/{mine.code}/").content.decode()
    assert 'data-flag="copy_other"' in page and theirs.code not in page
    # The office sees the whole city, so it is told which problem was copied.
    office = api_as(cast.office).get(f"problems/{mine.code}").json()
    assert [p["copy_of_problem"] for p in office["photos"]] == [theirs.code]
    assert theirs.code in page_as(cast.office).get(f"/problems/{mine.code}/").content.decode()


# --- photo files through the API's token ---------------------------------------------------


def test_photo_urls_of_the_api_answer_to_the_bearer_token(cast, api_as):
    problem = accepted(cast)
    add_after(cast.urban, problem, photo(7, taken=now_exif(), gps=HERE))
    mine = api_as(cast.urban)
    [listed] = mine.get(f"problems/{problem.code}").json()["photos"]
    assert listed["url"].startswith("/api/v1/") and listed["thumb_url"].startswith("/api/v1/")
    full = mine.get(listed["url"])
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(b"".join(full.streaming_content)))
    assert picture.size == (640, 480) and not picture.getexif()  # the public copy
    thumb = mine.get(listed["thumb_url"])
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size == (320, 240)
    office = api_as(cast.office).get(listed["url"])
    assert Image.open(io.BytesIO(b"".join(office.streaming_content))).getexif()  # the original
    # Another region's token: the photo does not exist for it. No token: 401.
    assert api_as(cast.ganjingzi).get(listed["url"]).status_code == 404
    assert api_as(cast.ganjingzi).get(listed["thumb_url"]).status_code == 404
    assert api_as().get(listed["url"]).status_code == 401
    assert mine.get(listed["url"].replace("/full", "/huge")).status_code == 404


# --- files stored before the transaction, removed when it does not commit ----------------


def test_a_photo_whose_transaction_fails_after_storing_leaves_no_file(cast, monkeypatch):
    problem = accepted(cast)

    def broken(**_kwargs):
        raise RuntimeError("the event table is gone")

    monkeypatch.setattr(evidence, "record_event", broken)
    with pytest.raises(RuntimeError):
        add_after(cast.urban, problem, photo(7, taken=now_exif(), gps=HERE))
    assert ProblemPhoto.objects.count() == 0
    assert stored_names() == []


def test_a_report_whose_transaction_fails_after_storing_leaves_no_file(cast, monkeypatch):
    from wenming.problems.services import creation

    def broken(**_kwargs):
        raise RuntimeError("the event table is gone")

    monkeypatch.setattr(creation, "record_event", broken)
    before = Problem.objects.count()
    with pytest.raises(RuntimeError):
        report(cast.office, region=cast.zhongshan_community, photos=_validated(2))
    assert Problem.objects.count() == before
    assert stored_names() == []


def test_a_report_with_photos_keeps_its_files(cast):
    problem = report(cast.office, region=cast.zhongshan_community, photos=_validated(2))
    paths = {
        name
        for shot in problem.photos.all()
        for name in (shot.path, shot.public_path, shot.thumb_path)
    }
    assert len(paths) == 6 and set(stored_names()) == paths


def test_an_idempotent_replay_leaves_no_second_set_of_files(cast, api_as):
    problem = accepted(cast)
    client = api_as(cast.urban)
    key = {"Idempotency-Key": "photo-1"}
    upload = photo(7, taken=now_exif(), gps=HERE)
    first = client.post_multipart(
        f"problems/{problem.code}/attachments", {"kind": "after", "file": upload}, headers=key
    )
    upload.seek(0)
    again = client.post_multipart(
        f"problems/{problem.code}/attachments", {"kind": "after", "file": upload}, headers=key
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert len(stored_names()) == 3


def _validated(count: int) -> list:
    return services.validate_photos([photo(seed) for seed in range(1, count + 1)])


# --- the file store is down --------------------------------------------------------------


def test_an_unreachable_store_refuses_the_photo_with_503_and_writes_nothing(cast, settings):
    problem = accepted(cast)
    unreachable_s3(settings)
    with pytest.raises(Unavailable):
        add_after(cast.urban, problem, photo(7, taken=now_exif(), gps=HERE))
    assert not problem.photos.exists()
    assert not ProblemEvent.objects.filter(problem=problem, action="attach").exists()


def test_an_unreachable_store_answers_the_api_503_in_the_users_language(cast, api_as, settings):
    problem = accepted(cast)
    unreachable_s3(settings)
    response = api_as(cast.urban).post_multipart(
        f"problems/{problem.code}/attachments",
        {"kind": "after", "file": photo(7)},
    )
    assert response.status_code == 503, response.content
    assert response.json()["error"] == "storage_unavailable"
    assert "文件存储" in response.json()["message"]  # the office's language by default
    assert not problem.photos.exists()


def test_an_unreachable_store_writes_no_half_report(cast, settings, page_as):
    validated = _validated(1)
    before = Problem.objects.count()
    unreachable_s3(settings)
    with pytest.raises(Unavailable):
        report(cast.office, region=cast.zhongshan_community, photos=validated)
    assert Problem.objects.count() == before
    # The report page says so, with 503 (retry), and records nothing either.
    response = page_as(cast.office).post(
        "/problems/new/",
        {
            "title": "垃圾桶满溢",
            "category": category("dirty.sanitation").pk,
            "source": "citizen",
            "severity": "normal",
            "region": cast.zhongshan_community.pk,
            "photos": [photo(1)],
        },
    )
    assert response.status_code == 503
    assert "文件存储" in response.content.decode()
    assert Problem.objects.count() == before


def test_a_photo_file_is_503_while_the_store_is_down(cast, page_as, api_as, settings):
    problem = accepted(cast)
    shot = add_after(cast.urban, problem, photo(7, taken=now_exif(), gps=HERE))
    unreachable_s3(settings)
    assert page_as(cast.urban).get(f"/problems/photos/{shot.pk}/full/").status_code == 503
    response = api_as(cast.urban).get(f"/api/v1/photos/{shot.pk}/full")
    assert response.status_code == 503 and response.json()["error"] == "storage_unavailable"


# --- too many photos ------------------------------------------------------------------------


def test_too_many_after_photos_on_one_rectification_answer_400(cast, api_as):
    problem = accepted(cast)
    for seed in range(evidence.MAX_PHOTOS):
        add_after(cast.urban, problem, photo(seed, taken=now_exif(), gps=HERE))
    response = api_as(cast.urban).post_multipart(
        f"problems/{problem.code}/attachments",
        {"kind": "after", "file": photo(50, taken=now_exif(), gps=HERE)},
    )
    assert response.status_code == 400 and response.json()["error"] == "too_many_photos"
    assert "最多" in response.json()["message"]
    assert problem.photos.filter(kind=PhotoKind.AFTER).count() == evidence.MAX_PHOTOS
    assert len(stored_names()) == 3 * evidence.MAX_PHOTOS  # the refused one stored nothing


def test_too_many_photos_on_one_report_answer_400(cast, page_as):
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        services.validate_photos([photo(seed) for seed in range(evidence.MAX_PHOTOS + 1)])
    assert caught.value.code == "too_many_photos" and "At most 6 photos" in caught.value.message
    before = Problem.objects.count()
    response = page_as(cast.office).post(
        "/problems/new/",
        {
            "title": "垃圾桶满溢",
            "category": category("dirty.sanitation").pk,
            "source": "citizen",
            "severity": "normal",
            "region": cast.zhongshan_community.pk,
            "photos": [photo(seed) for seed in range(evidence.MAX_PHOTOS + 1)],
        },
    )
    assert response.status_code == 400
    assert "最多" in response.content.decode()
    assert Problem.objects.count() == before
    assert stored_names() == []


# --- private objects ----------------------------------------------------------------------


def test_stored_photos_are_private(cast, client, settings):
    """Nobody reads a stored file but through the scoped views: not the web server's media URL,
    not an unsigned request to the bucket."""
    import urllib.error
    import urllib.request

    from django.core.files.storage import default_storage

    problem = accepted(cast)
    shot = add_after(cast.urban, problem, photo(7, taken=now_exif(), gps=HERE))
    assert client.get(f"{settings.MEDIA_URL}{shot.public_path}").status_code == 404
    if settings.WENMING_STORAGE != "s3":
        return
    from storages.backends.s3 import S3Storage

    assert isinstance(default_storage, S3Storage)  # the CI run really uses the object store
    options = settings.STORAGES["default"]["OPTIONS"]
    key = f"{options['location']}/{shot.public_path}"
    unsigned = f"{options['endpoint_url']}/{options['bucket_name']}/{key}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=5)  # noqa: S310 - the local test server
    assert refused.value.code == 403
    assert "X-Amz-Signature=" in default_storage.url(shot.public_path)  # signed, short-lived


def test_a_retry_of_the_upload_that_took_the_last_place_gets_its_first_answer(cast, api_as):
    problem = accepted(cast)
    for seed in range(evidence.MAX_PHOTOS - 1):
        add_after(cast.urban, problem, photo(seed, taken=now_exif(), gps=HERE))
    client = api_as(cast.urban)
    key = {"Idempotency-Key": "last-photo"}
    upload = photo(60, taken=now_exif(), gps=HERE)
    first = client.post_multipart(
        f"problems/{problem.code}/attachments", {"kind": "after", "file": upload}, headers=key
    )
    upload.seek(0)
    again = client.post_multipart(
        f"problems/{problem.code}/attachments", {"kind": "after", "file": upload}, headers=key
    )
    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert len(stored_names()) == 3 * evidence.MAX_PHOTOS
