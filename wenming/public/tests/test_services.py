"""The portal's services as rules: a citizen's report, its limits, rating, triage, retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from wenming.core.models import AuditEntry
from wenming.core.uploads import validate_image
from wenming.problems import services as ledger
from wenming.problems.models import Problem, Source, Status
from wenming.problems.tests.factories import accepted, handler_of
from wenming.public import selectors, services
from wenming.public.models import CitizenReport, PublicCategory, Rating, Review
from wenming.public.services import RateLimited
from wenming.public.testing import HERE, jpeg_with_exif, upload

pytestmark = pytest.mark.django_db


def _report(cats, **extra):
    kwargs = {
        "category": cats[0],
        "description": "人行道上的垃圾桶满了，已经两天没人清理。",
        "lat": HERE[0],
        "lon": HERE[1],
        "reporter_name": "李女士",
        "reporter_phone": "13900000001",
        "client_ip": "203.0.113.7",
    }
    kwargs.update(extra)
    return services.citizen_report_create(**kwargs)


def _count():
    return Problem.objects.count(), CitizenReport.objects.count()


def test_a_citizen_report_is_a_new_citizen_problem_with_an_unguessable_code(cast, public_cats):
    report = _report(public_cats)
    problem = report.problem
    assert problem.source == Source.CITIZEN and problem.status == Status.NEW
    assert problem.reported_by is None
    assert problem.region.pk == cast.zhongshan_community.pk or problem.region.level != "city"
    assert problem.reporter_phone == "13900000001"
    assert len(report.tracking_code) == 12
    assert set(report.tracking_code) <= set(selectors.TRACKING_ALPHABET)
    other = _report(public_cats, reporter_phone="13900000002", client_ip="203.0.113.8")
    assert other.tracking_code != report.tracking_code
    assert AuditEntry.objects.filter(action="public.report", target_id=str(report.pk)).exists()


def test_anonymous_keeps_no_name_or_phone(cast, public_cats):
    report = _report(public_cats, is_anonymous=True)
    assert report.problem.reporter_name == "" and report.problem.reporter_phone == ""


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"category": None}, "category_required"),
        ({"lat": None, "lon": None}, "location_required"),
        ({"lat": 31.23, "lon": 121.47}, "outside_city"),  # Shanghai
        ({"lat": "abc"}, "bad_coordinates"),
        ({"description": "x" * 1001}, "description_too_long"),
        ({"description": "  "}, "description_required"),
        ({"reporter_phone": "call me"}, "bad_phone"),
        ({"honeypot": "http://spam.example"}, "honeypot"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(cast, public_cats, extra, code):
    before = _count()
    with pytest.raises(InvalidInput) as refused:
        _report(public_cats, **extra)
    assert refused.value.code == code
    assert _count() == before


def test_a_category_the_public_may_not_choose_is_refused(cast, public_cats):
    PublicCategory.objects.filter(category=public_cats[0]).update(is_public=False)
    from wenming.core import refcache

    refcache.invalidate()
    assert public_cats[0] not in selectors.public_categories()
    with pytest.raises(InvalidInput) as refused:
        _report(public_cats)
    assert refused.value.code == "category_unknown"


def test_too_many_photos_are_refused(cast, public_cats):
    photos = [validate_image(jpeg_with_exif(seed=i)) for i in range(4)]
    before = _count()
    with pytest.raises(InvalidInput) as refused:
        _report(public_cats, photos=photos)
    assert refused.value.code == "too_many_photos"
    assert _count() == before


def test_rate_limit_per_address_and_per_phone(cast, public_cats):
    for i in range(5):
        _report(public_cats, reporter_phone=f"1390000010{i}")
    before = _count()
    with pytest.raises(RateLimited) as refused:
        _report(public_cats, reporter_phone="13900000199")
    assert refused.value.status == 429 and "5" in str(refused.value.message)
    assert _count() == before
    # The phone is counted on its own, whatever the address.
    for i in range(5):
        _report(public_cats, reporter_phone="13911112222", client_ip=f"198.51.100.{i}")
    with pytest.raises(RateLimited):
        _report(public_cats, reporter_phone="13911112222", client_ip="198.51.100.99")


def test_the_office_sets_the_rate_limit(cast, public_cats):
    services.portal_settings_update(
        actor=cast.office,
        public_map=True,
        public_rankings=True,
        reports_per_hour=1,
        retention_days=30,
    )
    assert selectors.portal_settings().reports_per_hour == 1
    assert selectors.portal_settings().public_rankings is True
    _report(public_cats)
    with pytest.raises(RateLimited):
        _report(public_cats, reporter_phone="")


def test_only_the_office_changes_the_portal(cast):
    with pytest.raises(NotAllowed):
        services.portal_settings_update(
            actor=cast.zhongshan,
            public_map=False,
            public_rankings=False,
            reports_per_hour=5,
            retention_days=30,
        )


def _rectify(cast, problem, seed=5):
    handler = handler_of(cast, problem)
    problem = Problem.objects.get(pk=problem.pk)
    ledger.problem_photo_add(
        problem=problem, actor=handler, kind="after", upload=upload(jpeg_with_exif(seed=seed))
    )
    ledger.problem_rectify(problem=Problem.objects.get(pk=problem.pk), actor=handler, note="ok")
    return ledger.problem_verify_pass(problem=Problem.objects.get(pk=problem.pk), actor=cast.office)


def _close(cast, problem):
    ledger.problem_dispatch(problem=problem, actor=cast.office, unit=cast.urban_unit)
    problem.refresh_from_db()
    ledger.problem_accept(problem=problem, actor=handler_of(cast, problem))
    return _rectify(cast, problem)


def test_rating_waits_for_closure_and_not_satisfied_asks_for_one_review(cast, public_cats):
    report = _report(public_cats)
    with pytest.raises(Conflict) as early:
        services.citizen_report_rate(tracking_code=report.tracking_code, rating=Rating.SATISFIED)
    assert early.value.code == "not_closed"
    services.citizen_report_register(report=report, actor=cast.office)
    _close(cast, report.problem)
    with pytest.raises(InvalidInput):
        services.citizen_report_rate(
            tracking_code=report.tracking_code, rating=Rating.NOT_SATISFIED
        )
    code = report.tracking_code.lower()
    rated = services.citizen_report_rate(
        tracking_code=f"{code[:4]}-{code[4:8]}-{code[8:]}",
        rating=Rating.NOT_SATISFIED,
        reason="垃圾桶还是满的",
    )
    assert rated.review == Review.PENDING
    assert [r.pk for r in selectors.review_queue(actor=cast.office)] == [report.pk]
    with pytest.raises(Conflict):
        services.citizen_report_rate(tracking_code=code, rating=Rating.SATISFIED)
    services.citizen_review_decide(
        report=rated, actor=cast.office, reopen=True, public_text="已要求重新处理"
    )
    problem = Problem.objects.get(pk=report.problem_id)
    assert problem.status == Status.IN_PROGRESS
    # Closed again: the citizen may rate again, but "not satisfied" asks for no second review.
    _rectify(cast, problem, seed=6)
    again = services.citizen_report_rate(
        tracking_code=code, rating=Rating.NOT_SATISFIED, reason="仍然不满意"
    )
    assert again.review == Review.REOPENED
    assert selectors.review_queue(actor=cast.office) == []
    with pytest.raises(NotFound):
        services.citizen_report_rate(tracking_code="AAAA", rating=Rating.SATISFIED)


def test_reject_gives_a_public_reason_and_the_timeline_shows_no_internal_detail(cast, public_cats):
    report = _report(public_cats)
    with pytest.raises(InvalidInput):
        services.citizen_report_reject(report=report, actor=cast.office, public_reason="")
    services.citizen_report_reject(
        report=report,
        actor=cast.office,
        public_reason="该位置不属于本市管辖范围",
        note="内部：转交",
    )
    followed = selectors.report_follow(report.tracking_code)
    texts = " ".join(item["text"] for item in followed.timeline)
    assert "该位置不属于本市管辖范围" in texts
    assert "内部" not in texts and "李女士" not in texts and "13900000001" not in texts
    assert [item["status"] for item in followed.timeline if item["kind"] == "status"] == [
        Status.NEW,
        Status.REJECTED,
    ]


def test_a_merged_reporter_follows_the_surviving_problem(cast, public_cats):
    survivor = accepted(cast)
    report = _report(public_cats)
    services.citizen_report_merge(report=report, actor=cast.office, into=survivor)
    followed = selectors.report_follow(report.tracking_code)
    assert followed.surviving.pk == survivor.pk
    # One entry says the report was merged, with the office's words: it said "rejected" twice.
    own = [item for item in followed.timeline if item["status"] == Status.REJECTED]
    assert len(own) == 1 and own[0]["status_label"] == "已与相同问题合并"
    assert "合并" in own[0]["text"]
    assert Status.IN_PROGRESS in [item["status"] for item in followed.surviving_timeline]
    _rectify(cast, survivor)
    followed = selectors.report_follow(report.tracking_code)
    assert followed.may_rate
    photos = [i for i in followed.surviving_timeline if i["kind"] == "photos"]
    assert photos and photos[0]["photos"][0]["url"].startswith("/report/")
    rated = services.citizen_report_rate(tracking_code=report.tracking_code, rating="satisfied")
    assert rated.rating == Rating.SATISFIED


def test_retention_erases_personal_data_of_closed_reports_and_audits_each(cast, public_cats):
    old = _report(public_cats)
    recent = _report(public_cats, reporter_phone="13900000002")
    services.citizen_report_reject(report=old, actor=cast.office, public_reason="重复")
    services.citizen_report_reject(report=recent, actor=cast.office, public_reason="重复")
    Problem.objects.filter(pk=old.problem_id).update(
        rejected_at=timezone.now() - timedelta(days=400)
    )
    from wenming.core.ticks import run_ticks

    run_ticks()
    old_problem = Problem.objects.get(pk=old.problem_id)
    assert old_problem.reporter_name == "" and old_problem.reporter_phone == ""
    assert Problem.objects.get(pk=recent.problem_id).reporter_phone == "13900000002"
    old.refresh_from_db()
    assert old.personal_data_erased_at is not None
    entries = AuditEntry.objects.filter(action="public.personal_data_erase")
    assert [e.target_id for e in entries] == [str(old.pk)]
    assert services.personal_data_erase_due() == 0  # idempotent


def test_public_categories_follow_the_office_order(cast, public_cats):
    first, second = public_cats[0], public_cats[1]
    services.public_category_set(actor=cast.office, category=second, is_public=True, sort_order=1)
    assert selectors.public_categories()[0].pk == second.pk
    services.public_category_set(actor=cast.office, category=first, is_public=False)
    assert first.pk not in [c.pk for c in selectors.public_categories()]


def test_response_templates_give_the_public_replies(cast, public_cats):
    services.response_template_set(
        actor=cast.office,
        category=None,
        status=Status.REGISTERED,
        text="已受理",
        text_en="Accepted",
    )
    services.response_template_set(
        actor=cast.office, category=public_cats[0], status=Status.REGISTERED, text="环卫已受理"
    )
    report = _report(public_cats)
    other = _report(public_cats, category=public_cats[1], reporter_phone="13900000003")
    services.citizen_report_register(report=report, actor=cast.office)
    services.citizen_report_register(report=other, actor=cast.office)
    mine = selectors.report_follow(report.tracking_code).timeline
    theirs = selectors.report_follow(other.tracking_code).timeline
    assert [i["text"] for i in mine if i["status"] == Status.REGISTERED] == ["环卫已受理"]
    assert [i["text"] for i in theirs if i["status"] == Status.REGISTERED] == ["已受理"]


def test_triage_lists_are_office_scoped(cast, public_cats):
    report = _report(public_cats)
    assert [r.pk for r in selectors.triage_queue(actor=cast.office)] == [report.pk]
    assert selectors.triage_queue(actor=cast.ganjingzi) == []
    assert selectors.triage_queue(actor=cast.urban) == []
    with pytest.raises(NotAllowed):
        services.citizen_report_register(report=report, actor=cast.zhongshan)


def test_a_failure_after_the_problem_leaves_no_problem_and_no_files(cast, public_cats, monkeypatch):
    from wenming.public.services import reports
    from wenming.testing.storage import stored_names

    def broken(**kwargs):
        raise RuntimeError("the audit head is gone")

    monkeypatch.setattr(reports, "audit_record", broken)
    before = _count()
    with pytest.raises(RuntimeError):
        _report(public_cats, photos=[validate_image(jpeg_with_exif())])
    assert _count() == before
    assert stored_names() == []
