"""The ledger's home panels (problems/home.py)."""

import pytest

from .factories import report

pytestmark = pytest.mark.django_db


def test_an_officers_home_lists_the_next_deadlines_first(cast, page_as):
    """journeys.md: a district officer's home lists what was dispatched to the district, due
    soon first (it gave four counts only)."""
    import datetime

    from wenming.problems import services

    today = datetime.date.today()
    later = report(cast.office, region=cast.zhongshan_community, title="较晚到期")
    sooner = report(cast.office, region=cast.zhongshan_community, title="较早到期")
    for problem, days in ((later, 20), (sooner, 5)):
        services.problem_dispatch(
            problem=problem,
            actor=cast.office,
            region=cast.zhongshan_district,
            deadline=today + datetime.timedelta(days=days),
        )
    other = report(cast.office, region=cast.ganjingzi_community, title="甘井子的问题")
    services.problem_dispatch(problem=other, actor=cast.office, region=cast.ganjingzi_district)
    home = page_as(cast.zhongshan).get("/").content.decode()
    rows = home.split('data-testid="panel-rows"', 1)[1].split("</ul>", 1)[0]
    assert rows.index(sooner.code) < rows.index(later.code)
    assert other.code not in rows
