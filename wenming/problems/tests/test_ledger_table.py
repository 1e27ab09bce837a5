"""The ledger table's rows are plain rows worked out in the view (listing.LedgerRows.table_row);
each cell still says what the problem's own fields say."""

import re
from datetime import timedelta

from django.utils import timezone

from wenming.core.errors import DomainError
from wenming.problems import services
from wenming.problems.listing import LedgerRows
from wenming.problems.models import Problem
from wenming.problems.selectors import LIST_COLUMNS
from wenming.problems.services.transitions import problem_dispatch_many

from .factories import accepted, closed, dispatched, rectified, report


def _row(html: str, code: str) -> str:
    found = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {code}"
    return found.group(1)


def test_each_cell_says_what_the_problem_says(cast, page_as):
    late = dispatched(cast, title="逾期的问题")
    Problem.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    new = report(cast.office, region=cast.ganjingzi_street, title="新的问题")
    html = page_as(cast.office).get("/problems/").content.decode()
    for problem in (Problem.objects.get(pk=late.pk), Problem.objects.get(pk=new.pk)):
        row = _row(html, problem.code)
        assert f'<a href="/problems/{problem.code}/">{problem.code}</a>' in row
        assert problem.title in row and problem.category.display_name in row
        place = problem.region.display_name
        if problem.district_id:
            place = f"{problem.district.display_name} · {place}"
        assert place in row
        assert (problem.handler_display or "—") in row
        assert f">{problem.get_status_display()}</span>" in row
        assert timezone.localtime(problem.created_at).strftime("%Y-%m-%d %H:%M") in row
    late_row = _row(html, late.code)
    assert "text-bg-danger" in late_row  # the overdue badge
    assert (timezone.localdate() - timedelta(days=2)).isoformat() in late_row
    assert 'name="codes"' in late_row  # the office may re-dispatch it (lifecycle table)
    new_row = _row(html, new.code)
    assert 'name="codes"' in new_row and "—" in new_row and "text-bg-danger" not in new_row


def test_an_officer_gets_no_dispatch_boxes(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community, title="中山区的问题")
    html = page_as(cast.zhongshan).get("/problems/").content.decode()
    assert 'name="codes"' not in _row(html, problem.code)


def test_a_box_is_offered_exactly_where_bulk_dispatch_accepts_the_problem(cast):
    """The ledger's box and the bulk dispatch service read one rule (the lifecycle table): a
    box on a row the service refuses, or none on a row it accepts, fails here."""
    problems = [
        report(cast.office, region=cast.ganjingzi_street, title="新"),
        dispatched(cast),
        accepted(cast),
        rectified(cast),
        closed(cast),
    ]
    registered = report(cast.office, region=cast.ganjingzi_street, title="登记")
    problems.append(services.problem_register(problem=registered, actor=cast.office))
    assert len({p.status for p in problems}) == len(problems)
    rows = LedgerRows(timezone.localdate())
    for problem in problems:
        row = Problem.objects.filter(pk=problem.pk).values(*LIST_COLUMNS).get()
        offered = rows.table_row(row, "/problems/WM0-0/")["pickable"]
        try:
            problem_dispatch_many(
                problems=[Problem.objects.get(pk=problem.pk)],
                actor=cast.office,
                unit=cast.urban_unit,
            )
            accepted_now = True
        except DomainError:
            accepted_now = False
        assert offered == accepted_now, (problem.status, offered)
