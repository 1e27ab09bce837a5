"""Pages offer what the services allow: the photo upload asks the evidence service's rule."""

from django.urls import reverse

from wenming.problems.models import PhotoKind
from wenming.problems.services.evidence import photo_allowed

from .factories import accepted, rectified, report


def test_the_detail_page_offers_photo_uploads_exactly_when_the_service_takes_them(cast, page_as):
    problems = [
        report(cast.office, region=cast.zhongshan_community),
        accepted(cast),
        accepted(cast, region=cast.zhongshan_street),
        rectified(cast),
    ]
    people = [cast.office, cast.urban, cast.zhongshan, cast.ganjingzi, cast.inspector]
    offered = set()
    for problem in problems:
        for person in people:
            response = page_as(person).get(reverse("problems:detail", args=[problem.code]))
            if response.status_code == 404:  # outside the person's data scope
                continue
            html = response.content.decode()
            for kind in (PhotoKind.AFTER, PhotoKind.BEFORE):
                allowed = photo_allowed(actor=person, problem=problem, kind=kind)
                # After-photos travel with the rectification; the upload form takes before-photos.
                marker = 'name="photos"' if kind == PhotoKind.AFTER else "before-photo-upload"
                shown = marker in html
                assert shown == allowed, (problem.status, person.username, kind)
                offered.add((kind, allowed))
    # Both answers occur for both kinds, so the comparison above is not vacuous.
    assert offered == {(k, a) for k in (PhotoKind.AFTER, PhotoKind.BEFORE) for a in (True, False)}
