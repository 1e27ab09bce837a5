"""Material reads: the scope of every list, the gap list, and the material score worked out
by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.core.errors import NotFound
from wenming.materials import selectors, services
from wenming.materials.models import Submission

from .helpers import recent, submission_of, submitted


def early(window) -> dt.date:
    return window.starts_on + dt.timedelta(days=40)


def _scored(cast, window, clause, unit, share, *, reviewed=None):
    sub = submitted(cast.office, submission_of(window, clause, unit))
    sub = services.submission_review(
        actor=cast.office, submission=sub, decision="score", score=share
    )
    if reviewed is not None:
        Submission.objects.filter(pk=sub.pk).update(reviewed_at=reviewed)
    return sub


@pytest.fixture
def scored(cast, window, clauses):
    """URBAN 0.8 and PSB 0.5 on 1.1.2.1 (30 points); EDU 1.0 on 2.1.1.1 (10 points) reviewed
    40 days into the window; URBAN's 2.1.1.1 still a draft."""
    c1, c2 = clauses["1.1.2.1"], clauses["2.1.1.1"]
    assert (c1.points_material, c2.points_material) == (30, 10)
    _scored(cast, window, c1, cast.urban_unit, "0.8")
    _scored(cast, window, c1, cast.police_unit, "0.5")
    when = timezone.make_aware(dt.datetime.combine(early(window), dt.time(9, 0)))
    _scored(cast, window, c2, cast.education_unit, "1", reviewed=when)
    return c1, c2


def test_material_scores_by_hand(cast, window, scored):
    c1, c2 = scored
    result = selectors.material_scores()
    # URBAN: 0.8 × 30 earned of 30 + 10 due; PSB: 15 of 30; EDU: 10 of 10.
    assert result["units"] == {
        cast.urban_unit.pk: {"score": 0.6, "n": 1},
        cast.police_unit.pk: {"score": 0.5, "n": 1},
        cast.education_unit.pk: {"score": 1.0, "n": 1},
    }
    # A clause is the mean share of its owners; the draft counts 0.
    assert result["clauses"] == {c1.pk: {"score": 0.65, "n": 2}, c2.pk: {"score": 0.5, "n": 1}}
    assert result["standards"] == {
        c1.standard_id: {"score": 0.65, "n": 2},
        c2.standard_id: {"score": 0.5, "n": 1},
    }
    # City: (30 × 0.65 + 10 × 0.5) ÷ 40.
    assert result["city"] == {"score": 0.6125, "n": 3}


def test_material_scores_count_only_reviews_inside_the_period(cast, window, scored):
    today = timezone.localdate()
    result = selectors.material_scores(start=today - dt.timedelta(days=1), end=today)
    # EDU's early review lies outside: its 10 points earn nothing.
    assert result["units"][cast.education_unit.pk] == {"score": 0.0, "n": 0}
    assert result["city"] == {"score": 0.4875, "n": 2}
    day = early(window)
    assert selectors.material_scores(start=day, end=day)["city"] == {"score": 0.125, "n": 1}


def test_a_returned_submission_earns_nothing_and_no_window_is_an_empty_score(cast, window, clauses):
    assert selectors.material_scores()["city"] == {"score": 0.0, "n": 0}
    sub = submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    services.submission_review(
        actor=cast.office,
        submission=sub,
        decision="return",
        comments="x",
        deadline=timezone.localdate(),
    )
    assert selectors.material_scores()["units"][cast.urban_unit.pk] == {"score": 0.0, "n": 0}


def test_material_scores_on_other_windows_are_separate(cast, window, scored):
    later = timezone.localdate() + dt.timedelta(days=800)
    result = selectors.material_scores(start=later, end=later)
    assert result == {"units": {}, "standards": {}, "clauses": {}, "city": {"score": 0.0, "n": 0}}


def test_every_list_is_scoped(cast, window, clauses):
    submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    mine = selectors.submissions_visible(actor=cast.urban)
    assert {s.unit_id for s in mine} == {cast.urban_unit.pk} and mine.count() == 2
    assert selectors.submissions_visible(actor=cast.office).count() == 4
    assert selectors.submissions_visible(actor=cast.leader).count() == 4
    for outsider in (cast.zhongshan, cast.inspector, cast.evaluator):
        assert selectors.submissions_visible(actor=outsider).count() == 0
        assert selectors.review_queue(actor=outsider).total == 0
        assert selectors.gaps(actor=outsider, window=window) == []
    edu_queue = selectors.review_queue(actor=cast.education)
    assert edu_queue.total == 1 and edu_queue.counts["draft"] == 1
    other = submission_of(window, clauses["1.1.2.1"], cast.police_unit)
    with pytest.raises(NotFound):
        selectors.submission_get(actor=cast.urban, submission_id=other.pk)
    assert [s.unit_id for s in selectors.due_for(actor=cast.education)] == [cast.education_unit.pk]


def test_review_queue_filters_and_counts(cast, window, clauses):
    submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit))
    queue = selectors.review_queue(actor=cast.office, window=window, status="submitted")
    assert queue.counts == {
        "draft": 3,
        "submitted": 1,
        "scored": 0,
        "returned": 0,
        "resubmitted": 0,
    }
    assert [s.unit_id for s in queue.rows] == [cast.urban_unit.pk]
    by_unit = selectors.review_queue(actor=cast.office, unit_id=cast.urban_unit.pk)
    assert by_unit.total == 2
    by_line = selectors.review_queue(actor=cast.office, standard_id=clauses["2.1.1.1"].standard_id)
    assert by_line.total == 2


def test_gaps_list_missing_and_out_of_window_evidence_per_unit(cast, window, clauses):
    old = window.starts_on - dt.timedelta(days=10)
    submitted(cast.urban, submission_of(window, clauses["1.1.2.1"], cast.urban_unit), day=old)
    submitted(cast.education, submission_of(window, clauses["2.1.1.1"], cast.education_unit))
    rows = {g.unit.code: g for g in selectors.gaps(actor=cast.office, window=window)}
    assert set(rows) == {"URBAN", "PSB"}
    assert [s.clause.code for s in rows["URBAN"].missing] == ["2.1.1.1"]
    assert [f.document_date for f in rows["URBAN"].outside] == [old]
    assert [s.clause.code for s in rows["PSB"].missing] == ["1.1.2.1"]
    assert selectors.gap_counts(actor=cast.office, window=window) == {"missing": 2, "outside": 1}
    mine = selectors.gaps(actor=cast.education, window=window)
    assert mine == []
    assert recent() >= window.starts_on
