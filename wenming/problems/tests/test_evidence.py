"""Evidence photos and their integrity checks, with real JPEGs made by Pillow."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.problems import services
from wenming.problems.models import Problem, ProblemPhoto
from wenming.testing.storage import stored_names

from .factories import FAR, HERE, accepted, dispatched, now_exif, photo, report

pytestmark = pytest.mark.storage


def exif_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y:%m:%d %H:%M:%S")


def add_after(cast, problem, upload):
    return services.problem_photo_add(
        problem=problem, actor=cast.urban, kind="after", upload=upload
    )


def test_a_clean_after_photo_has_no_flag(cast):
    problem = accepted(cast)
    shot = add_after(cast, problem, photo(7, taken=now_exif(), gps=HERE))
    assert shot.flags == [] and not shot.is_flagged
    assert shot.distance_m is not None and shot.distance_m < 5
    problem.refresh_from_db()
    assert problem.flagged_photo_count == 0


def test_taken_before_dispatch_is_flagged(cast):
    problem = accepted(cast)
    earlier = exif_time(problem.dispatched_at - timedelta(days=2))
    shot = add_after(cast, problem, photo(7, taken=earlier, gps=HERE))
    assert shot.flags == ["before_dispatch"]
    problem.refresh_from_db()
    assert problem.flagged_photo_count == 1


def test_taken_more_than_200_m_away_is_flagged(cast):
    problem = accepted(cast)
    shot = add_after(cast, problem, photo(7, taken=now_exif(), gps=FAR))
    assert shot.flags == ["far"] and 900 < shot.distance_m < 1100


def test_the_office_can_move_the_distance_limit(cast):
    services.ledger_config_update(actor=cast.office, far_photo_m=2000)
    problem = accepted(cast)
    assert add_after(cast, problem, photo(7, taken=now_exif(), gps=FAR)).flags == []


def test_a_near_copy_of_the_before_photo_is_flagged(cast):
    problem = report(
        cast.office, region=cast.zhongshan_community, photos=services.validate_photos([photo(42)])
    )
    problem = services.problem_dispatch(problem=problem, actor=cast.office, unit=cast.urban_unit)
    problem = services.problem_accept(problem=problem, actor=cast.urban)
    # The same scene, re-encoded smaller: a different file, the same picture.
    shot = add_after(cast, problem, photo(42, size=(480, 360), taken=now_exif(), gps=HERE))
    assert "copy_before" in shot.flags and "copy_other" not in shot.flags


def test_a_near_copy_of_another_problems_photo_is_flagged(cast):
    first = accepted(cast)
    original = add_after(cast, first, photo(99, taken=now_exif(), gps=HERE))
    second = accepted(cast, title="另一处垃圾桶满溢")
    shot = add_after(cast, second, photo(99, size=(600, 450), taken=now_exif(), gps=HERE))
    assert shot.flags == ["copy_other"] and shot.copy_of == original
    # A different picture is not a copy.
    assert add_after(cast, second, photo(5, taken=now_exif(), gps=HERE)).flags == []


def test_three_files_are_stored_and_the_public_copy_has_no_exif(cast):
    problem = accepted(cast)
    shot = add_after(cast, problem, photo(7, taken=now_exif(), gps=HERE))
    for path in (shot.path, shot.thumb_path, shot.public_path):
        assert default_storage.exists(path)
    with default_storage.open(shot.public_path) as handle:
        assert not Image.open(handle).getexif()
    with default_storage.open(shot.path) as handle:
        assert Image.open(handle).getexif()  # the office copy keeps time and GPS


def test_who_adds_which_photo(cast):
    problem = dispatched(cast)
    with pytest.raises(NotAllowed):  # the office verifies, it does not produce after-photos
        services.problem_photo_add(problem=problem, actor=cast.office, kind="after", upload=photo())
    with pytest.raises(NotAllowed):
        services.problem_photo_add(
            problem=problem, actor=cast.education, kind="after", upload=photo()
        )
    with pytest.raises(NotAllowed):  # not the reporter
        services.problem_photo_add(problem=problem, actor=cast.urban, kind="before", upload=photo())
    assert (
        services.problem_photo_add(
            problem=problem, actor=cast.office, kind="before", upload=photo()
        ).kind
        == "before"
    )


def test_no_after_photo_once_rectified(cast):
    problem = accepted(cast, cat="civil.behaviour")
    services.problem_rectify(problem=problem, actor=cast.urban)
    with pytest.raises(Conflict):
        add_after(cast, problem, photo())


def test_a_non_image_is_refused_and_nothing_is_written(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    problem = accepted(cast)
    with pytest.raises(InvalidInput):
        add_after(cast, problem, SimpleUploadedFile("x.jpg", b"%PDF-1.4 nope", "image/jpeg"))
    assert ProblemPhoto.objects.count() == 0
    assert stored_names() == []


def test_a_refused_upload_leaves_no_file_behind(cast):
    problem = accepted(cast)
    Problem.objects.filter(pk=problem.pk).update(status="rectified", is_pending=False)
    with pytest.raises(Conflict):
        add_after(cast, problem, photo())  # stale instance passes the first check only
    assert stored_names() == []
