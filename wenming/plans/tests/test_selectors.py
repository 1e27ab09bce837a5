"""Reads: every list scoped per persona, the ledger's filters and counts, and the completion
rates the scoring app reads (computed by hand here)."""

import datetime

import pytest
from django.utils import timezone

from wenming.plans import selectors
from wenming.plans.models import Status, Task
from wenming.plans.selectors import LedgerFilters
from wenming.plans.services import tasks as services

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def ids(rows):
    return sorted(r["id"] for r in rows)


def ledger(actor, **filters):
    return selectors.task_ledger(actor=actor, filters=LedgerFilters(**filters))["items"]


def test_each_persona_sees_only_their_tasks(cast, urban_task, education_task):
    assert ids(ledger(cast.office)) == sorted([urban_task.pk, education_task.pk])
    assert ids(ledger(cast.leader)) == sorted([urban_task.pk, education_task.pk])
    assert ids(ledger(cast.urban)) == [urban_task.pk]
    assert ids(ledger(cast.education)) == [education_task.pk]
    # Zhongshan's officer: the task assigned to a street of Zhongshan; Ganjingzi's: theirs.
    assert ids(ledger(cast.zhongshan)) == [urban_task.pk]
    assert ids(ledger(cast.ganjingzi)) == [education_task.pk]
    assert ledger(cast.inspector) == [] and ledger(cast.evaluator) == []
    counts = selectors.task_counts(actor=cast.urban, filters=LedgerFilters())
    assert counts["total"] == 1
    assert selectors.home_items(actor=cast.education)["open"] == 1


def test_a_co_unit_sees_the_task_it_helps_with(cast, urban_task):
    police = cast.urban.__class__.objects.create(
        username="police", role="unit_officer", unit=cast.police_unit
    )
    assert ids(ledger(police)) == [urban_task.pk]
    assert ids(ledger(cast.office, unit=cast.police_unit.pk)) == [urban_task.pk]


def test_filters_and_counts(cast, campaign, urban_task, education_task):
    late = services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="逾期任务",
        lead_unit=cast.urban_unit,
        start=TODAY - datetime.timedelta(days=20),
        deadline=TODAY - datetime.timedelta(days=1),
    )
    from wenming.standards.models import Standard

    standard = Standard.objects.get(system=campaign.system, code="1.1.1")
    services.task_update(actor=cast.office, task=education_task, standards=[standard])
    office = cast.office
    assert ids(ledger(office, overdue=True)) == [late.pk]
    assert ids(ledger(office, unit=cast.urban_unit.pk)) == sorted([urban_task.pk, late.pk])
    assert ids(ledger(office, region=cast.zhongshan_district.pk)) == [urban_task.pk]
    assert ids(ledger(office, standard=standard.pk)) == [education_task.pk]
    assert ids(ledger(office, missing="personnel")) == sorted(
        [urban_task.pk, education_task.pk, late.pk]
    )
    assert ids(ledger(office, missing="task")) == sorted([education_task.pk, late.pk])
    assert ids(ledger(office, missing="time_limit")) == [late.pk]
    Task.objects.filter(pk=urban_task.pk).update(status=Status.IN_PROGRESS)
    assert ids(ledger(office, status=Status.IN_PROGRESS)) == [urban_task.pk]
    counts = selectors.task_counts(actor=office, filters=LedgerFilters(unit=cast.urban_unit.pk))
    assert counts["by_status"][Status.IN_PROGRESS] == 1
    assert counts["by_status"][Status.NOT_STARTED] == 1
    assert counts["overdue"] == 1 and counts["total"] == 2
    row = next(r for r in ledger(office) if r["id"] == late.pk)
    assert (
        row["overdue"] and "time_limit" in row["missing"] and "responsibility" not in row["missing"]
    )


def test_keyset_pages_cover_the_ledger_once(cast, campaign):
    made = [
        services.task_create(
            actor=cast.office,
            campaign=campaign,
            title=f"t{i}",
            start=TODAY,
            deadline=TODAY + datetime.timedelta(days=i % 3),
        ).pk
        for i in range(7)
    ]
    seen, cursor = [], None
    while True:
        page = selectors.task_ledger(
            actor=cast.office, filters=LedgerFilters(), cursor=cursor, limit=3
        )
        seen += [r["id"] for r in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made) and len(seen) == 7


def _task(cast, campaign, *, deadline, status, accepted=None, unit=None, regions=()):
    task = services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="t",
        start=datetime.date(2026, 1, 1),
        deadline=deadline,
        lead_unit=unit,
        regions=regions,
    )
    fields = {"status": status}
    if accepted:
        # Accepted at 23:30 local time on that day: still "by the deadline" when equal.
        fields["accepted_at"] = timezone.make_aware(
            datetime.datetime.combine(accepted, datetime.time(23, 30))
        )
    Task.objects.filter(pk=task.pk).update(**fields)
    return task


def test_task_completion_by_hand(cast, campaign):
    urban, edu = cast.urban_unit, cast.education_unit
    zs, gjz_street = cast.zhongshan_street, cast.ganjingzi_street
    d = datetime.date
    # Urban: three due in March; two accepted on time (one on the deadline day), one late.
    _task(
        cast,
        campaign,
        deadline=d(2026, 3, 10),
        status="accepted",
        accepted=d(2026, 3, 9),
        unit=urban,
        regions=[zs],
    )
    _task(
        cast,
        campaign,
        deadline=d(2026, 3, 20),
        status="accepted",
        accepted=d(2026, 3, 20),
        unit=urban,
        regions=[zs, gjz_street],
    )
    _task(
        cast,
        campaign,
        deadline=d(2026, 3, 31),
        status="accepted",
        accepted=d(2026, 4, 2),
        unit=urban,
    )
    # Education: one due in March, still in progress; one due in April (outside).
    _task(
        cast,
        campaign,
        deadline=d(2026, 3, 15),
        status="in_progress",
        unit=edu,
        regions=[gjz_street],
    )
    _task(
        cast, campaign, deadline=d(2026, 4, 15), status="accepted", accepted=d(2026, 4, 1), unit=edu
    )
    result = selectors.task_completion(start=d(2026, 3, 1), end=d(2026, 3, 31))
    assert result["units"] == {
        urban.pk: {"rate": pytest.approx(2 / 3), "n": 3},
        edu.pk: {"rate": 0.0, "n": 1},
    }
    assert result["regions"] == {
        zs.pk: {"rate": 1.0, "n": 2},
        gjz_street.pk: {"rate": 0.5, "n": 2},
    }


def test_the_ledgers_scope_is_the_scope_rule_for_every_persona(
    cast, campaign, urban_task, education_task
):
    """`scope_links` (the ledger's semi-joins) answers exactly what `scope_queryset` does."""
    from wenming.core.scope import scope_queryset

    police = cast.urban.__class__.objects.create(
        username="police", role="unit_officer", unit=cast.police_unit
    )
    services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="社区任务",
        regions=[cast.ganjingzi_community, cast.zhongshan_district],
        co_units=[cast.education_unit],
        start=TODAY,
        deadline=TODAY,
    )
    for person in [*cast.everyone, police]:
        expected = set(
            scope_queryset(Task.objects.filter(is_published=True), person).values_list(
                "pk", flat=True
            )
        )
        got = set(selectors.tasks_visible(actor=person).values_list("pk", flat=True))
        assert got == expected, person.username
