"""A visit from start to review: answers, photos, score, failures in the ledger, replays."""

from datetime import date
from decimal import Decimal

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.inspections import services
from wenming.inspections.models import InspectionEvent, VisitStatus
from wenming.problems.models import Problem, ProblemPhoto
from wenming.problems.tests.factories import photo


def _answers(fail=("MARKET-01",), **extra):
    rows = []
    for code in ("MARKET-01", "MARKET-02", "MARKET-03"):
        rows.append(
            {"item": code, "answer": "fail" if code in fail else "pass", "client_id": f"c-{code}"}
        )
    rows[-1].update(extra)
    return rows


def test_a_whole_visit_scores_and_turns_its_failure_into_a_problem(cast, market_visit):
    visit = services.visit_start(
        actor=cast.inspector,
        visit=market_visit,
        lat=market_visit.point.lat + 0.003,
        lon=market_visit.point.lon,
    )
    assert visit.status == VisitStatus.STARTED and visit.start_distance_m > 200  # flagged
    services.visit_answers_save(actor=cast.inspector, visit=visit, answers=_answers())
    services.visit_photo_add(
        actor=cast.inspector, visit=visit, item_code="MARKET-01", upload=photo(5), client_id="p1"
    )
    visit = services.visit_submit(actor=cast.inspector, visit=visit)
    # MARKET-01 (0.5) failed, MARKET-02 (0.5) and MARKET-03 (0.3) passed: 0.8 of 1.3.
    assert (visit.earned, visit.possible, visit.score) == (
        Decimal("0.80"),
        Decimal("1.30"),
        Decimal("61.54"),
    )
    assert (visit.places_observed, visit.places_passed) == (3, 2)
    problem = Problem.objects.get(point=visit.point, checklist_item__code="MARKET-01")
    assert problem.source == "inspection" and problem.reported_by == cast.inspector
    assert ProblemPhoto.objects.filter(problem=problem, kind="before").count() == 1
    assert visit.answers.get(item__code="MARKET-01").problem == problem
    # A second submit answers as the first and creates nothing.
    again = services.visit_submit(actor=cast.inspector, visit=visit)
    assert again.score == visit.score and Problem.objects.count() == 1


def test_a_failure_where_an_open_problem_exists_is_linked_not_duplicated(cast, drawn):
    visits = list(drawn.visits.filter(point_type__code="MARKET"))
    first = visits[0]
    for visit in (first,):
        services.visit_start(actor=cast.inspector, visit=visit)
        services.visit_answers_save(actor=cast.inspector, visit=visit, answers=_answers(fail=()))
    # A problem already open at this point for this item (from the hotline, say).
    from wenming.problems.services.creation import problem_create

    existing = problem_create(
        actor=cast.office,
        title="地面污物",
        source="hotline",
        point=first.point,
        checklist_item=first.round.system.checklist_items.get(code="MARKET-02"),
        region=first.point.region,
        lat=first.point.lat,
        lon=first.point.lon,
    )
    services.visit_answers_save(
        actor=cast.inspector,
        visit=first,
        answers=[{"item": "MARKET-02", "answer": "fail", "client_id": "again"}],
    )
    services.visit_photo_add(
        actor=cast.inspector, visit=first, item_code="MARKET-02", upload=photo(6), client_id="p"
    )
    services.visit_submit(actor=cast.inspector, visit=first)
    assert first.answers.get(item__code="MARKET-02").problem == existing
    assert Problem.objects.filter(point=first.point).count() == 1


def test_submit_refuses_unanswered_items_and_a_failure_without_its_photo(cast, market_visit):
    services.visit_start(actor=cast.inspector, visit=market_visit)
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=_answers()[:1])
    with pytest.raises(InvalidInput) as missing:
        services.visit_submit(actor=cast.inspector, visit=market_visit)
    assert missing.value.details["unanswered"] == ["MARKET-02", "MARKET-03"]
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=_answers())
    with pytest.raises(InvalidInput, match="MARKET-01") as no_photo:
        services.visit_submit(actor=cast.inspector, visit=market_visit)
    assert no_photo.value.code == "photo_required"
    assert not Problem.objects.exists()
    market_visit.refresh_from_db()
    assert market_visit.status == VisitStatus.STARTED


def test_replayed_answers_change_nothing_even_after_submit(cast, market_visit):
    services.visit_start(actor=cast.inspector, visit=market_visit)
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=_answers(fail=()))
    events = InspectionEvent.objects.count()
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=_answers(fail=()))
    assert InspectionEvent.objects.count() == events
    services.visit_submit(actor=cast.inspector, visit=market_visit)
    services.visit_answers_save(
        actor=cast.inspector, visit=market_visit, answers=_answers(fail=())
    )  # an offline phone resending: fine, nothing moves
    with pytest.raises(Conflict):
        services.visit_answers_save(
            actor=cast.inspector,
            visit=market_visit,
            answers=[{"item": "MARKET-01", "answer": "fail", "client_id": "new"}],
        )


def test_a_sampled_item_records_its_places_and_scores_their_share(cast, market_visit):
    services.visit_start(actor=cast.inspector, visit=market_visit)
    with pytest.raises(InvalidInput) as too_many:
        services.visit_answers_save(
            actor=cast.inspector,
            visit=market_visit,
            answers=[
                {"item": "MARKET-03", "answer": "fail", "places_observed": 2, "places_failed": 3}
            ],
        )
    assert too_many.value.code == "bad_places"
    rows = _answers(fail=("MARKET-03",), places_observed=10, places_failed=4)
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=rows)
    visit = services.visit_submit(actor=cast.inspector, visit=market_visit)  # no photo needed
    # MARKET-03 (0.3) earns 0.3 × 6/10 = 0.18: 1.18 of 1.3; places 1 + 1 + 6 of 12.
    assert (visit.earned, visit.score) == (Decimal("1.18"), Decimal("90.77"))
    assert (visit.places_observed, visit.places_passed) == (12, 8)
    problem = Problem.objects.get(checklist_item__code="MARKET-03")
    assert "4" in problem.description and "10" in problem.description  # places failed, observed


def test_others_may_not_act_and_the_window_holds(cast, drawn, market_visit):
    with pytest.raises(NotAllowed):
        services.visit_start(actor=cast.evaluator, visit=market_visit)
    services.visit_start(actor=cast.inspector, visit=market_visit)
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=_answers(fail=()))
    with pytest.raises(Conflict) as closed:
        services.visit_submit(actor=cast.inspector, visit=market_visit, today=date(2100, 1, 1))
    assert closed.value.code == "round_closed" and "2099-12-31" in str(closed.value.message)
    drawn.late_submission = True
    drawn.save()
    market_visit.refresh_from_db()
    visit = services.visit_submit(actor=cast.inspector, visit=market_visit, today=date(2100, 1, 1))
    assert visit.status == VisitStatus.SUBMITTED


def test_only_the_team_gets_a_resends_answer(cast, market_visit):
    """Someone off the team who resent nothing new (or nothing at all) was answered with the
    visit's saved answers; the team's own resend, also after submitting, still is."""
    services.visit_start(actor=cast.inspector, visit=market_visit)
    rows = [{**row, "client_id": f"c-{row['item']}"} for row in _answers(fail=())]
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=rows)
    for outsider in (cast.zhongshan, cast.urban, cast.office):
        for resend in ([], rows):
            with pytest.raises(NotAllowed):
                services.visit_answers_save(actor=outsider, visit=market_visit, answers=resend)
    services.visit_submit(actor=cast.inspector, visit=market_visit)
    again = services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=rows)
    assert len(again) == len(rows)


def test_review_approves_flags_or_rejects_with_a_reason(cast, market_visit):
    services.visit_start(actor=cast.inspector, visit=market_visit)
    services.visit_answers_save(actor=cast.inspector, visit=market_visit, answers=_answers(fail=()))
    services.visit_submit(actor=cast.inspector, visit=market_visit)
    with pytest.raises(NotAllowed):
        services.visit_review(actor=cast.inspector, visit=market_visit, decision="approve")
    with pytest.raises(InvalidInput):
        services.visit_review(actor=cast.office, visit=market_visit, decision="reject")
    visit = services.visit_review(
        actor=cast.office, visit=market_visit, decision="reject", note="照片不清"
    )
    assert visit.status == VisitStatus.REJECTED and visit.review_note == "照片不清"
    # Back to the team: they answer again and resubmit; then the office approves.
    services.visit_answers_save(
        actor=cast.inspector,
        visit=visit,
        answers=[{"item": "MARKET-01", "answer": "pass", "client_id": "redo"}],
    )
    visit = services.visit_submit(actor=cast.inspector, visit=visit)
    visit = services.visit_review(actor=cast.office, visit=visit, decision="approve")
    assert visit.status == VisitStatus.APPROVED


def test_a_photo_that_is_not_an_image_is_refused_and_a_resend_returns_the_first(cast, market_visit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.visit_start(actor=cast.inspector, visit=market_visit)
    with pytest.raises(InvalidInput):
        services.visit_photo_add(
            actor=cast.inspector,
            visit=market_visit,
            item_code="MARKET-01",
            upload=SimpleUploadedFile("x.jpg", b"not an image"),
            client_id="bad",
        )
    first = services.visit_photo_add(
        actor=cast.inspector,
        visit=market_visit,
        item_code="MARKET-01",
        upload=photo(8),
        client_id="same",
    )
    again = services.visit_photo_add(
        actor=cast.inspector,
        visit=market_visit,
        item_code="MARKET-01",
        upload=photo(9),
        client_id="same",
    )
    assert again.pk == first.pk and market_visit.photos.count() == 1


def test_a_failed_item_without_a_category_still_becomes_a_problem(cast, drawn):
    """SCHOOL-03 names no problem category: the submit goes through, the problem takes the
    category most of the school's checks name."""
    visit = drawn.visits.filter(point_type__code="SCHOOL").first()
    services.visit_start(actor=cast.inspector, visit=visit)
    codes = ["SCHOOL-01", "SCHOOL-02", "SCHOOL-03"]
    services.visit_answers_save(
        actor=cast.inspector,
        visit=visit,
        answers=[
            {"item": c, "answer": "fail" if c == "SCHOOL-03" else "pass", "client_id": c}
            for c in codes
        ],
    )
    services.visit_photo_add(
        actor=cast.inspector, visit=visit, item_code="SCHOOL-03", upload=photo(12), client_id="s3"
    )
    services.visit_submit(actor=cast.inspector, visit=visit)
    problem = Problem.objects.get(checklist_item__code="SCHOOL-03")
    assert problem.category.code == "chaotic.street_order"  # SCHOOL-01's, the only one named
