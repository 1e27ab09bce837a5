"""The problem page's in-page actions (issue 10): every refusal explained in place, the
rectification sending its photos, outcomes in the swapped block and never later, safeguards on
risky actions, and the photo check before sending. Each test names the broken state it guards."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wenming.problems.models import Action, Problem, ProblemPhoto
from wenming.problems.views.detail import ordered_actions

from .factories import HERE, accepted, category, dispatched, now_exif, photo, rectified, report

HTMX = {"HX-Request": "true"}


def act_url(problem) -> str:
    return reverse("problems:act", args=[problem.code])


def detail_url(problem) -> str:
    return reverse("problems:detail", args=[problem.code])


# --- 4. silent failure: a duplicate code that does not exist --------------------------------


def test_rejecting_as_a_duplicate_of_an_unknown_code_is_400_naming_it_in_place(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community)
    response = page_as(cast.office).post(
        act_url(problem),
        {"action": "reject", "duplicate_of": "WM2026-999999", "note": "重复", "confirm": "1"},
        headers=HTMX,
    )
    # Before: a 404 page, which htmx dropped; now a 400 fragment that names the code.
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="action-error"' in html and "WM2026-999999" in html
    # The reject form is kept as the user left it (htmx preserves it).
    assert 'id="act-reject"' in html and "hx-preserve" in html
    assert Problem.objects.get(pk=problem.pk).status == "new"


# --- 18. safeguards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, missing",
    [({"confirm": "1"}, "note"), ({"note": "无效举报"}, "confirm"), ({}, "both")],
)
def test_reject_needs_a_reason_and_a_confirmation(cast, page_as, fields, missing):
    problem = report(cast.office, region=cast.zhongshan_community)
    response = page_as(cast.office).post(
        act_url(problem), {"action": "reject", **fields}, headers=HTMX
    )
    assert response.status_code == 400, missing
    html = response.content.decode()
    assert 'data-testid="action-error"' in html
    if missing in ("note", "both"):
        assert "请说明不予立案的理由" in html
    if missing in ("confirm", "both"):
        assert "请勾选以确认不予立案" in html
    assert Problem.objects.get(pk=problem.pk).status == "new"


def test_the_reject_form_asks_for_both_before_sending(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community)
    html = page_as(cast.office).get(detail_url(problem)).content.decode()
    form = html[
        html.index('id="act-reject"') : html.index("</form>", html.index('id="act-reject"'))
    ]
    assert 'name="confirm"' in form and 'id="reject-confirm" required' in form
    assert 'id="reject-note" name="note" maxlength="2000" required' in form


def test_verify_pass_without_an_after_photo_asks_for_confirmation(cast, page_as):
    problem = accepted(cast, cat="civil.behaviour")
    assert not problem.category.after_photo_required
    from wenming.problems import services

    services.problem_rectify(problem=problem, actor=cast.urban, note="已修")
    client = page_as(cast.office)
    html = client.get(detail_url(problem)).content.decode()
    assert 'data-testid="no-after-photo"' in html and 'id="verify_pass-confirm"' in html
    refused = client.post(act_url(problem), {"action": "verify_pass"}, headers=HTMX)
    assert refused.status_code == 400 and problem.code in refused.content.decode()
    assert Problem.objects.get(pk=problem.pk).status == "rectified"
    done = client.post(act_url(problem), {"action": "verify_pass", "confirm": "1"}, headers=HTMX)
    assert done.status_code == 200
    assert Problem.objects.get(pk=problem.pk).status == "closed"


@pytest.mark.storage
def test_verify_pass_with_an_after_photo_needs_no_confirmation(cast, page_as):
    problem = rectified(cast)
    client = page_as(cast.office)
    assert 'data-testid="no-after-photo"' not in client.get(detail_url(problem)).content.decode()
    done = client.post(act_url(problem), {"action": "verify_pass"}, headers=HTMX)
    assert done.status_code == 200
    assert Problem.objects.get(pk=problem.pk).status == "closed"


# --- 6. outcomes in place, never later -----------------------------------------------------


def test_an_htmx_action_shows_its_outcome_in_the_fragment_and_never_later(cast, page_as):
    problem = dispatched(cast)
    other = dispatched(cast)
    client = page_as(cast.urban)
    response = client.post(act_url(problem), {"action": "accept"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="action-result"' in html and "已完成：签收" in html.replace(" ", "")
    # Before: the same words waited in the session and appeared on the next page, any page.
    for page in (detail_url(other), detail_url(problem), reverse("problems:ledger")):
        later = client.get(page).content.decode()
        assert "action-result" not in later and "签收。" not in later, page


def test_a_full_page_action_redirects_and_shows_its_outcome_once_on_that_problem(cast, page_as):
    problem = dispatched(cast)
    other = dispatched(cast)
    client = page_as(cast.urban)
    response = client.post(act_url(problem), {"action": "accept"})
    assert response.status_code == 302 and response.url == detail_url(problem)
    shown = client.get(response.url).content.decode()
    assert "alert-success" in shown
    # Shown once, on that problem: not on another problem afterwards, nor again.
    assert "alert-success" not in client.get(detail_url(other)).content.decode()
    assert "alert-success" not in client.get(detail_url(problem)).content.decode()


# --- 5. the photo trap: rectify carries its photos ------------------------------------------


@pytest.mark.storage
def test_rectify_sends_its_after_photos_in_the_same_form(cast, page_as):
    problem = accepted(cast, cat="dirty.sanitation")
    assert problem.category.after_photo_required
    client = page_as(cast.urban)
    html = client.get(detail_url(problem)).content.decode()
    form = html[
        html.index('id="act-rectify"') : html.index("</form>", html.index('id="act-rectify"'))
    ]
    assert 'enctype="multipart/form-data"' in form and 'name="photos"' in form
    assert 'capture="environment"' in form and "required" in form
    response = client.post(
        act_url(problem),
        {
            "action": "rectify",
            "note": "已清理",
            "version": problem.version,
            "photos": [
                photo(51, taken=now_exif(), gps=HERE),
                photo(52, taken=now_exif(), gps=HERE),
            ],
        },
        headers=HTMX,
    )
    assert response.status_code == 200, response.content.decode()[:500]
    problem.refresh_from_db()
    assert problem.status == "rectified"
    event = problem.events.get(action="rectify")
    assert sorted(event.data["photos"]) == sorted(
        problem.photos.filter(kind="after").values_list("pk", flat=True)
    )
    assert problem.photos.filter(kind="after", event=event).count() == 2


@pytest.mark.storage
def test_a_refused_rectification_stores_none_of_its_photos_and_keeps_the_form(cast, page_as):
    problem = accepted(cast, cat="dirty.sanitation")
    client = page_as(cast.urban)
    # Stale: someone else's change moved the version on; nothing of this post is kept.
    response = client.post(
        act_url(problem),
        {
            "action": "rectify",
            "version": problem.version + 5,
            "photos": [photo(61, taken=now_exif(), gps=HERE)],
        },
        headers=HTMX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="action-error"' in html
    # The form comes back marked to be kept as it is (its chosen file with it).
    assert 'id="act-rectify"' in html and 'hx-preserve="true"' in html
    assert ProblemPhoto.objects.filter(problem=problem).count() == 0
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    # Not a picture: 400 naming the trouble, nothing stored.
    fake = SimpleUploadedFile("after.jpg", b"%PDF-1.4 nope", content_type="image/jpeg")
    response = client.post(
        act_url(problem),
        {"action": "rectify", "version": problem.version, "photos": [fake]},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert ProblemPhoto.objects.filter(problem=problem).count() == 0


# --- 8. the integrity flags before sending --------------------------------------------------


@pytest.mark.storage
def test_the_photo_check_shows_the_flags_the_server_would_set_without_storing(cast, page_as):
    problem = accepted(cast)
    client = page_as(cast.urban)
    url = reverse("problems:check_photo", args=[problem.code])
    far = client.post(url, {"file": photo(71, taken=now_exif(), gps=(HERE[0] + 0.01, HERE[1]))})
    assert far.status_code == 200
    html = far.content.decode()
    assert 'data-flag="far"' in html and 'data-flag="no_metadata"' not in html
    bare = client.post(url, {"file": photo(72)}).content.decode()
    assert 'data-flag="no_metadata"' in bare
    clean = client.post(url, {"file": photo(73, taken=now_exif(), gps=HERE)}).content.decode()
    assert 'data-flag="none"' in clean
    assert ProblemPhoto.objects.filter(problem=problem).count() == 0
    # The same refusals as adding the photo: the office does not add after-photos…
    assert page_as(cast.office).post(url, {"file": photo(74)}).status_code == 403
    # …and a problem out of scope is not there.
    assert page_as(cast.ganjingzi).post(url, {"file": photo(75)}).status_code == 404


# --- 7. actions first, the forward one first ----------------------------------------------


def test_the_forward_action_comes_first(cast, page_as):
    problem = dispatched(cast)
    html = page_as(cast.urban).get(detail_url(problem)).content.decode()
    assert html.index('data-action="accept"') < html.index('data-action="return"')
    # The actions come before the facts and the map in the page (first on a phone).
    assert html.index('data-testid="actions"') < html.index('data-testid="problem-map"')
    assert ordered_actions([Action.REJECT, Action.DISPATCH, Action.REGISTER]) == [
        Action.REGISTER,
        Action.DISPATCH,
        Action.REJECT,
    ]


def test_the_problem_map_is_the_shared_component(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community)
    html = page_as(cast.office).get(detail_url(problem)).content.decode()
    assert 'data-wm-map data-testid="problem-map"' in html
    assert "core/map.js" in html and "vendor/leaflet/leaflet.css" in html
    assert 'data-testid="map-fallback"' in html


def test_category_without_after_photo_leaves_the_photo_optional(cast, page_as):
    problem = accepted(cast, cat="civil.behaviour")
    assert not category("civil.behaviour").after_photo_required
    html = page_as(cast.urban).get(detail_url(problem)).content.decode()
    assert 'name="photos" multiple' in html and "rectify-photos" in html
    assert 'capture="environment" data-photo-preview' in html  # not required


@pytest.mark.storage
def test_a_photo_sent_from_the_page_with_htmx_answers_in_place(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community)
    other = report(cast.office, region=cast.zhongshan_community)
    client = page_as(cast.office)
    url = reverse("problems:add_photo", args=[problem.code])
    response = client.post(url, {"kind": "before", "file": photo(91)}, headers=HTMX)
    assert response.status_code == 200
    assert 'data-testid="action-result"' in response.content.decode()
    assert "action-result" not in client.get(detail_url(other)).content.decode()
    fake = SimpleUploadedFile("b.jpg", b"%PDF-1.4", content_type="image/jpeg")
    refused = client.post(url, {"kind": "before", "file": fake}, headers=HTMX)
    html = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="action-error"' in html
    # The upload form is kept as the user left it, the reason beside it.
    assert 'id="photo-upload-form"' in html and 'hx-preserve="true"' in html
    assert problem.photos.count() == 1


def test_a_district_officer_is_offered_regions_only_to_pass_a_problem_down(cast, page_as):
    """The service refuses a district officer's dispatch to a member unit (403); the form
    offered all the city's units anyway."""
    problem = dispatched(cast, region=cast.zhongshan_district)
    html = page_as(cast.zhongshan).get(detail_url(problem)).content.decode()
    form = html.split('data-action="dispatch"', 1)[1].split("</form>", 1)[0]
    assert 'name="unit"' not in form and 'name="region"' in form
    assert cast.zhongshan_community.code in form
    office = page_as(cast.office).get(
        detail_url(report(cast.office, region=cast.zhongshan_community))
    )
    assert 'id="dispatch-unit"' in office.content.decode()


def test_a_problem_reported_by_staff_names_them_as_its_reporter(cast, page_as):
    """An inspection's problem has no citizen's name: the page showed "Reporter —" while its
    timeline named the inspector."""
    from wenming.problems.models import Source

    problem = report(cast.inspector, region=cast.zhongshan_community, source=Source.INSPECTION)
    html = page_as(cast.office).get(detail_url(problem)).content.decode()
    shown = html.split('data-testid="reporter">', 1)[1].split("</dd>", 1)[0]
    assert cast.inspector.display_name in shown


def test_a_report_with_no_name_and_no_reporting_account_opens(cast, page_as):
    """A citizen's report (no account) without a name: the office's page answered 500 while
    looking for the reporting account's name."""
    from wenming.problems.models import Problem

    problem = report(cast.office, region=cast.zhongshan_community)
    Problem.objects.filter(pk=problem.pk).update(
        reported_by=None, reporter_name="", reporter_phone="13800000000"
    )
    page = page_as(cast.office).get(detail_url(problem))
    assert page.status_code == 200
    shown = page.content.decode().split('data-testid="reporter">', 1)[1].split("</dd>", 1)[0]
    assert shown.startswith("— ") and "13800000000" in shown


def test_on_a_phone_each_action_says_what_it_does_and_its_reason_takes_the_width(cast, page_as):
    """Five stacked forms had no heading (only the button said what a row does), and the
    extension's reason sat beside the date at half width on a phone."""
    problem = accepted(cast)
    html = page_as(cast.urban).get(detail_url(problem)).content.decode()
    form = html.split('data-action="request_extension"', 1)[1].split("</form>", 1)[0]
    assert 'data-testid="action-heading"' in form
    assert (
        '<div class="col-12 col-md"><label class="form-label small mb-0" for="request_extension-note">'
        in form
    )
