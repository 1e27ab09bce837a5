"""The application cycle through the services: each step, each refusal, the entry following."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from wenming.core.models import AuditEntry
from wenming.creation import levels, lifecycle, services
from wenming.creation.models import Application, ApplicationStatus, EntryStatus

from .conftest import FULL

pytestmark = pytest.mark.django_db
A = ApplicationStatus


def step(actor, application, action, **kw):
    return services.application_transition(
        actor=actor, application=application, action=action, **kw
    )


def to_notice(cast, applied):
    step(cast.zhongshan, applied, "region_pass", score=88, note="材料齐全")
    return step(cast.office, applied, "office_pass", score=90, note="同意公示")


def after_notice(app):
    return timezone.now() + timedelta(days=app.type.notice_days + 1)


def test_apply_records_self_assessment_event_and_audit(applied, village_officer, cast, villages):
    assert applied.status == A.SUBMITTED
    assert applied.self_score == 91
    assert applied.self_assessment.count() == 3
    # A village is reviewed by its county-level region, not the town above it.
    assert applied.reviewer_region == cast.zhongshan_district
    event = applied.events.get()
    assert (event.action, event.actor, event.to_status) == ("apply", village_officer, A.SUBMITTED)
    assert AuditEntry.objects.filter(action="creation.apply", target_id=str(applied.pk)).exists()
    applied.entry.refresh_from_db()
    assert applied.entry.stage == A.SUBMITTED and applied.entry.score == 91


def test_review_level_rule_written_once(cast, villages):
    assert levels.reviewer_region(villages["a"]) == cast.zhongshan_district
    assert levels.reviewer_region(villages["town"]) == cast.zhongshan_district
    assert levels.reviewer_region(cast.zhongshan_district) == cast.city
    assert levels.district_of(villages["a"]) == cast.zhongshan_district


def test_the_whole_cycle_to_approval_then_dynamic_management(cast, applied):
    app = to_notice(cast, applied)
    assert app.status == A.NOTICE and app.notice_ends > app.notice_starts
    app = step(cast.office, app, "approve", note="公示无异议", at=after_notice(app))
    assert app.status == A.APPROVED and app.valid_until.year == app.approved_on.year + 3
    entry = app.entry
    entry.refresh_from_db()
    assert (entry.status, entry.level, entry.stage) == (EntryStatus.HONOURED, "county", "")
    app = step(cast.zhongshan, app, "recheck", note="年度复查合格")
    assert app.status == A.APPROVED and app.rechecked_year
    app = step(cast.office, app, "warn", note="发生负面事件")
    entry.refresh_from_db()
    assert app.status == A.WARNED and entry.status == EntryStatus.WARNED
    app = step(cast.office, app, "revoke", note="整改不到位")
    entry.refresh_from_db()
    assert app.status == A.REVOKED and entry.status == EntryStatus.REVOKED and not entry.level
    actions = list(app.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "apply",
        "region_pass",
        "office_pass",
        "approve",
        "recheck",
        "warn",
        "revoke",
    ]
    assert app.closed_reason == "整改不到位"


def test_approving_during_the_notice_period_is_409_with_the_reason(cast, applied):
    app = to_notice(cast, applied)
    with pytest.raises(Conflict) as caught:
        step(cast.office, app, "approve")
    assert caught.value.code == "notice_period"
    assert app.notice_ends.isoformat() in str(caught.value.message)
    assert Application.objects.get(pk=app.pk).status == A.NOTICE


def test_approving_with_an_open_objection_is_409_until_answered(cast, applied):
    app = to_notice(cast, applied)
    step(cast.office, app, "object", note="该村存在违建", source="群众来电")
    later = after_notice(app)
    with pytest.raises(Conflict) as caught:
        step(cast.office, app, "approve", at=later)
    assert caught.value.code == "objections_open"
    objection = app.objections.get()
    step(cast.office, app, "answer", objection=objection.pk, upheld=False, note="经核实已拆除")
    app = step(cast.office, app, "approve", at=later)
    assert app.status == A.APPROVED
    objection.refresh_from_db()
    assert objection.upheld is False and not objection.is_open


def test_a_second_application_for_the_same_entity_type_and_year_is_409(applied, village_officer):
    with pytest.raises(Conflict) as caught:
        services.application_create(
            actor=village_officer,
            entry=applied.entry,
            year=2026,
            level="county",
            self_assessment=FULL,
        )
    assert caught.value.code == "duplicate_application"
    # Another year is a new application.
    services.application_create(
        actor=village_officer, entry=applied.entry, year=2027, level="county", self_assessment=FULL
    )


def test_an_application_outside_the_applicants_scope_is_404(cast, village_type, villages):
    with pytest.raises(NotFound):
        services.entry_register(actor=cast.ganjingzi, type=village_type, region=villages["a"])


def test_a_review_by_the_wrong_level_is_403(cast, applied, town_officer):
    with pytest.raises(NotAllowed) as caught:
        step(town_officer, applied, "region_pass", score=80)
    assert caught.value.code == "wrong_review_level"
    # The office does not give a district's first review either; the district does not
    # give the office's.
    with pytest.raises(NotAllowed):
        step(cast.office, applied, "region_pass", score=80)
    step(cast.zhongshan, applied, "region_pass", score=80)
    with pytest.raises(NotAllowed):
        step(cast.zhongshan, applied, "office_pass", score=80)
    assert Application.objects.get(pk=applied.pk).status == A.REGION_PASSED


def test_refusals_change_nothing(cast, applied):
    with pytest.raises(InvalidInput):
        step(cast.zhongshan, applied, "region_reject")  # no reason
    with pytest.raises(InvalidInput):
        step(cast.zhongshan, applied, "region_pass")  # no score
    with pytest.raises(InvalidInput):
        step(cast.zhongshan, applied, "region_pass", score=101)  # above the scheme's 100
    assert applied.events.count() == 1


def test_self_assessment_is_checked_against_the_scheme(village_officer, village_type, villages):
    entry = services.entry_register(actor=village_officer, type=village_type, region=villages["a"])
    for lines in (
        [{"criterion": "9.9.9", "points": 1}],
        [{"criterion": "1.1.1", "points": 31}],
        [],
    ):
        with pytest.raises(InvalidInput):
            services.application_create(
                actor=village_officer,
                entry=entry,
                year=2026,
                level="county",
                self_assessment=lines,
            )
    with pytest.raises(InvalidInput):
        services.application_create(
            actor=village_officer, entry=entry, year=2026, level="galactic", self_assessment=FULL
        )


def test_read_only_roles_do_not_apply(cast, village_type, villages):
    for who in (cast.leader, cast.inspector):
        with pytest.raises(NotAllowed):
            services.entry_register(actor=who, type=village_type, region=villages["a"])


def test_a_town_is_not_a_village(cast, village_type, villages):
    with pytest.raises(InvalidInput):
        services.entry_register(actor=cast.office, type=village_type, region=villages["town"])


@pytest.mark.parametrize("status", [s for s, _l in A.choices])
@pytest.mark.parametrize("action", lifecycle.ACTIONS)
def test_every_pair_of_the_table(status, action):
    """Exactly the table's moves exist; everything else is refused (None)."""
    expected = lifecycle.TRANSITIONS.get((status, action))
    assert lifecycle.move(status, action) == expected
    assert (action in lifecycle.allowed_now(status)) == (expected is not None)


def test_a_move_not_in_the_table_is_409(cast, applied):
    with pytest.raises(Conflict) as caught:
        step(cast.office, applied, "approve")
    assert caught.value.code == "application_state"
    with pytest.raises(Conflict):
        step(cast.office, applied, "revoke", note="x")
    # The state is checked before the step's own input: no reason, still 409.
    with pytest.raises(Conflict):
        step(cast.office, applied, "revoke")


def test_withdraw_is_the_applicants(cast, applied, village_officer):
    with pytest.raises(NotAllowed):
        step(cast.zhongshan, applied, "withdraw", note="改年再报")
    app = step(village_officer, applied, "withdraw", note="改年再报")
    assert app.status == A.WITHDRAWN
    app.entry.refresh_from_db()
    assert app.entry.stage == ""
