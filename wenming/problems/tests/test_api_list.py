"""GET /api/v1/problems answers rows built once (listing.py): the contract of ProblemOut holds.

The list is rendered without ninja's validation, so each test compares it with what ninja
validates: the same problem's detail answer (ProblemDetailOut extends ProblemOut).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from wenming.core.calendar import add_working_days
from wenming.problems.api import PageOut, ProblemOut
from wenming.problems.models import Problem

from .factories import dispatched, report


def _items_against_details(client, params=None) -> list[tuple[dict, dict]]:
    response = client.get("problems", **(params or {}))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    pairs = []
    for item in response.json()["items"]:
        detail = client.get(f"problems/{item['code']}").json()
        pairs.append((item, {name: detail[name] for name in ProblemOut.model_fields}))
    return pairs


def test_each_item_is_the_problem_as_ninja_validates_it(cast, api_as):
    dispatched(cast, title="中山区垃圾桶满溢")
    dispatched(cast, title="井盖缺失", place=cast.zhongshan_street, unit=cast.education_unit)
    report(cast.office, region=cast.ganjingzi_street, title="广告牌破损")
    pairs = _items_against_details(api_as(cast.office))
    assert len(pairs) == 3
    for item, validated in pairs:
        assert list(item) == list(ProblemOut.model_fields)  # the same names, in order
        assert item == validated


def test_overdue_and_due_soon_match_the_detail(cast, api_as):
    late = dispatched(cast, title="逾期")
    soon = dispatched(cast, title="将到期")
    today = timezone.localdate()
    Problem.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=3))
    Problem.objects.filter(pk=soon.pk).update(deadline=add_working_days(today, 1))
    flags = {}
    for item, validated in _items_against_details(api_as(cast.office)):
        assert item == validated
        flags[item["title"]] = (item["overdue"], item["due_soon"])
    assert flags == {"逾期": (True, False), "将到期": (False, True)}


def test_labels_and_names_follow_the_language(cast, api_as):
    dispatched(cast, title="中山区垃圾桶满溢")
    client = api_as(cast.office)
    client.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ((item, validated),) = _items_against_details(client)
    assert item == validated
    assert item["status_label"].isascii() and item["status_label"] == "Dispatched"


def test_the_page_keeps_pageout_and_its_cursor(cast, api_as):
    for n in range(5):
        report(cast.office, region=cast.ganjingzi_street, title=f"问题{n}")
    Problem.objects.update(created_at=F("created_at"))  # untouched order: newest first
    client = api_as(cast.office)
    first = client.get("problems", limit=2, counts="1").json()
    PageOut.model_validate(first)
    assert set(first) == set(PageOut.model_fields)
    assert first["count"] == 5 and first["count_exact"] is True
    assert first["counts_by_status"]["new"] == 5
    seen = [item["code"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("problems", limit=2, cursor=cursor, count="false").json()
        assert page["count"] is None and page["count_exact"] is None
        seen += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 5
    newest_first = list(
        Problem.objects.order_by("-created_at", "-id").values_list("code", flat=True)
    )
    assert seen == newest_first


def test_the_rows_flags_and_the_ledger_filters_say_the_same(cast, api_as):
    """One rule (deadlines.py) behind both: a row flagged overdue or due soon is exactly a row
    the `overdue` or `due_soon` filter finds, on each side of today and of the next working day."""
    today = timezone.localdate()
    deadlines = {
        "前天": today - timedelta(days=2),
        "今天": today,
        "下个工作日": add_working_days(today, 1),
        "再往后": add_working_days(today, 1) + timedelta(days=1),
    }
    for title, deadline in deadlines.items():
        problem = dispatched(cast, title=title)
        Problem.objects.filter(pk=problem.pk).update(deadline=deadline)
    client = api_as(cast.office)
    items = client.get("problems").json()["items"]
    assert {item["title"] for item in items} == set(deadlines)
    for flag in ("overdue", "due_soon"):
        found = {item["title"] for item in client.get("problems", **{flag: "1"}).json()["items"]}
        assert found == {item["title"] for item in items if item[flag]}, flag
    assert {item["title"] for item in items if item["overdue"]} == {"前天"}
