"""A bulk dispatch batches its writes but writes what dispatching each problem singly writes."""

import pytest

from wenming.core.audit import audit_verify
from wenming.core.errors import Conflict, DomainError, InvalidInput
from wenming.core.models import AuditEntry
from wenming.notifications.models import Notice
from wenming.problems import services
from wenming.problems.models import Problem, ProblemEvent
from wenming.problems.services.transitions import problem_dispatch, problem_dispatch_many

from .factories import dispatched, rectified, report

# The columns a dispatch sets; the times it sets are compared as "set or not" (two runs).
SAME = (
    "status",
    "is_open",
    "is_pending",
    "responsible_unit_id",
    "handling_region_id",
    "deadline",
    "original_deadline",
    "version",
    "accepted_at",
    "category_id",
)
TIMES = ("registered_at", "dispatched_at", "updated_at")


def _shapes(cast) -> list[Problem]:
    """One problem of each shape a bulk dispatch meets: new (two categories, so two default
    deadlines), registered, and already dispatched (a re-dispatch keeps its deadlines)."""
    registered = report(cast.office, region=cast.zhongshan_community, title="已立案")
    services.problem_register(problem=registered, actor=cast.office)
    return [
        report(cast.office, region=cast.zhongshan_community, title="新报告"),
        report(cast.office, region=cast.zhongshan_community, title="设施", cat="poor.facilities"),
        registered,
        dispatched(cast, title="已派遣"),
    ]


def _written(problem: Problem) -> dict:
    """What the dispatch left of `problem`: its columns, its event, its audit entry, its notice."""
    problem = Problem.objects.get(pk=problem.pk)
    event = ProblemEvent.objects.filter(problem=problem, action="dispatch").latest("id")
    audit = AuditEntry.objects.filter(
        action="problem.dispatch", target_type="problems.problem", target_id=str(problem.pk)
    ).latest("seq")
    return {
        "row": {name: getattr(problem, name) for name in SAME},
        "times_set": [getattr(problem, name) is not None for name in TIMES],
        "event": {
            name: getattr(event, name)
            for name in (
                "from_status",
                "to_status",
                "actor_id",
                "actor_name",
                "note",
                "data",
                "unit_id",
                "district_id",
            )
        },
        "audit": {
            "actor": (audit.actor_id, audit.actor_name, audit.ip),
            # The code is the problem's own; everything else must match.
            "data": {**audit.data, "code": audit.data["code"] == problem.code},
        },
        "notices": Notice.objects.filter(kind="dispatch", target_id=problem.pk).count(),
    }


@pytest.mark.parametrize("target", ["unit", "region"])
def test_a_bulk_dispatch_writes_what_dispatching_each_singly_writes(cast, target):
    kwargs = {"unit": cast.urban_unit} if target == "unit" else {"region": cast.zhongshan_district}
    in_bulk, singly = _shapes(cast), _shapes(cast)
    audit_before = AuditEntry.objects.count()

    assert problem_dispatch_many(problems=in_bulk, actor=cast.office, **kwargs) == len(in_bulk)
    for problem in singly:
        problem_dispatch(problem=problem, actor=cast.office, **kwargs)

    for bulk, single in zip(in_bulk, singly, strict=True):
        assert _written(bulk) == _written(single), bulk.title
    # One event and one audit entry per problem and dispatch, nothing more; the chain verifies.
    assert AuditEntry.objects.count() - audit_before == 2 * len(in_bulk)
    for bulk in in_bulk:
        assert ProblemEvent.objects.filter(problem=bulk, action="dispatch").count() == (
            2 if bulk.title == "已派遣" else 1
        )
    assert audit_verify().ok
    # The instances handed in are not the ones written: the rows were re-read under the lock.
    bulk_entries = AuditEntry.objects.filter(action="problem.dispatch").order_by("seq")
    seqs = [e.seq for e in bulk_entries if int(e.target_id) in {p.pk for p in in_bulk}][-4:]
    assert seqs == list(range(seqs[0], seqs[0] + 4))  # appended together, in the order given


def _snapshot():
    return (
        list(Problem.objects.order_by("pk").values_list("pk", "status", "version")),
        ProblemEvent.objects.count(),
        AuditEntry.objects.count(),
        Notice.objects.count(),
    )


def _single_refusal(problem, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as raised:
        problem_dispatch(problem=problem, **kwargs)
    return raised.value


def test_a_bulk_dispatch_refuses_each_problem_as_a_single_dispatch_would_and_writes_nothing(cast):
    new = report(cast.office, region=cast.zhongshan_community, title="新")
    done = rectified(cast, title="已整改")
    elsewhere = report(cast.office, region=cast.ganjingzi_community, title="甘井子")
    region = {"actor": cast.office, "region": cast.zhongshan_district}
    expected = [f"{p.code}: {_single_refusal(p, **region).message}" for p in (done, elsewhere)]
    before = _snapshot()

    with pytest.raises(InvalidInput) as raised:  # a 409 and a 400 together: 400
        problem_dispatch_many(problems=[new, done, elsewhere], **region)
    assert raised.value.code == "bulk_refused"
    assert raised.value.details["failed"] == expected
    assert _snapshot() == before

    with pytest.raises(Conflict) as raised:  # every refusal a 409: the lot is a 409
        problem_dispatch_many(problems=[done, new], actor=cast.office, unit=cast.urban_unit)
    assert raised.value.details["failed"] == [
        f"{done.code}: {_single_refusal(done, actor=cast.office, unit=cast.urban_unit).message}"
    ]
    assert _snapshot() == before


def test_a_bulk_dispatch_by_a_role_that_may_not_dispatch_is_refused_per_problem(cast):
    problems = [report(cast.office, region=cast.zhongshan_community) for _ in range(2)]
    message = _single_refusal(problems[0], actor=cast.urban, unit=cast.urban_unit).message
    before = _snapshot()
    with pytest.raises(DomainError) as raised:
        problem_dispatch_many(problems=problems, actor=cast.urban, unit=cast.urban_unit)
    assert raised.value.status == 403
    assert raised.value.details["failed"] == [f"{p.code}: {message}" for p in problems]
    assert _snapshot() == before


def test_a_problem_chosen_twice_is_dispatched_once(cast):
    problem = report(cast.office, region=cast.zhongshan_community)
    count = problem_dispatch_many(
        problems=[problem, problem], actor=cast.office, unit=cast.urban_unit
    )
    assert count == 1
    assert ProblemEvent.objects.filter(problem=problem, action="dispatch").count() == 1
    assert Problem.objects.get(pk=problem.pk).version == problem.version + 1


def test_a_problem_deleted_since_it_was_chosen_is_named_and_nothing_is_dispatched(cast):
    kept, gone = (report(cast.office, region=cast.zhongshan_community) for _ in range(2))
    code = gone.code
    Problem.objects.filter(pk=gone.pk).delete()
    before = _snapshot()
    with pytest.raises(DomainError) as raised:
        problem_dispatch_many(problems=[kept, gone], actor=cast.office, unit=cast.urban_unit)
    assert raised.value.status == 404
    assert raised.value.details["failed"] == [f"{code}: 该问题不存在。"]
    assert _snapshot() == before
