"""The ledger page as issue 10 found it broken, and what it gained: each test failed before.

Impossible dates and regions outside one's area are form errors beside their field (never a
500, never the whole ledger instead); one URL answers a page or an htmx fragment and says so
in `Vary`; the "reported today" shortcut, the age column, search by serial, ticket and (the
office's only) phone; bulk dispatch above the list; one masking rule for phone numbers.
"""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation
from openpyxl import load_workbook

from wenming.problems import services
from wenming.problems.listing import LedgerRows
from wenming.problems.models import Problem
from wenming.problems.privacy import mask, mask_phone
from wenming.problems.selectors import LIST_COLUMNS, ledger_filter, ledger_queryset

from .factories import closed, dispatched, report

HTMX = {"HX-Request": "true"}
EN = {"wenming_language": "en"}


def _client(page_as, person, *, english=True):
    client = page_as(person)
    if english:
        client.cookies.load(EN)
    return client


def _listed(html: str, problem) -> bool:
    return f'data-code="{problem.code}"' in html


# --- 1. impossible dates -------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-45"])
def test_an_impossible_date_is_a_400_with_the_message_beside_the_field(cast, page_as, day):
    problem = dispatched(cast)
    client = _client(page_as, cast.office)
    response = client.get("/problems/", {"created_from": day, "status": "dispatched"})
    assert response.status_code == 400
    html = response.content.decode()
    slot = html.split('id="err-created_from"')[1].split("</div>")[0]
    assert "From is not a date (YYYY-MM-DD)." in slot
    assert 'data-testid="ledger-filter"' in html and "<nav" in html  # the page, with its form
    assert not _listed(html, problem)  # nothing listed, not the ledger unfiltered
    # What could be read stays chosen; what could not stays as typed, to be corrected.
    assert '<option value="dispatched" selected>' in html and f'value="{day}"' in html


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-45"])
def test_an_impossible_date_in_an_htmx_filter_fills_the_fields_slot_out_of_band(cast, page_as, day):
    dispatched(cast)
    response = _client(page_as, cast.office).get("/problems/", {"created_to": day}, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<nav" not in html
    oob = html.split('id="err-created_to"')[1].split("</div>")[0]
    assert 'hx-swap-oob="true"' in oob and "To is not a date (YYYY-MM-DD)." in oob
    # The other slots come empty, so a message fixed since is cleared.
    assert (
        'id="err-created_from" data-testid="error-created_from" hx-swap-oob="true"></div>' in html
    )


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-45"])
def test_an_impossible_date_on_the_export_is_a_400_page_not_a_file(cast, page_as, day):
    dispatched(cast)
    response = _client(page_as, cast.office).get("/problems/export.xlsx", {"created_from": day})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "From is not a date (YYYY-MM-DD)." in response.content.decode()


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-45"])
def test_an_impossible_date_in_the_api_is_a_400_naming_the_parameter(cast, api_as, day):
    response = api_as(cast.office).get("problems", created_from=day)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_date" and set(body["details"]["fields"]) == {"created_from"}


@pytest.mark.parametrize(
    "params",
    [{"created_to": "9999-12-31"}, {"created_from": "0001-01-01"}, {"created_to": "1999-12-31"}],
)
def test_a_day_outside_the_campaign_calendar_is_a_400_not_an_overflow(
    cast, api_as, page_as, params
):
    """`created_to=9999-12-31` answered 500: the day after it does not exist."""
    response = api_as(cast.office).get("problems", **params)
    assert response.status_code == 400 and response.json()["error"] == "date_out_of_range"
    page = _client(page_as, cast.office).get("/problems/", params)
    assert page.status_code == 400 and "2000-01-01" in page.content.decode()


def test_every_wrong_parameter_is_named_at_once(cast):
    with pytest.raises(Exception) as caught:
        ledger_filter(
            actor=cast.office,
            params={"created_from": "2026-02-30", "status": "lost", "region": "999999"},
        )
    assert set(caught.value.details["fields"]) == {"created_from", "status", "region"}


# --- 2. one URL, a page or a fragment --------------------------------------------------------


def test_the_list_varies_on_the_htmx_headers(cast, page_as):
    client = _client(page_as, cast.office)
    page = client.get("/problems/", {"status": "new"})
    fragment = client.get("/problems/", {"status": "new"}, headers=HTMX)
    for response in (page, fragment):
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"HX-Request", "HX-History-Restore-Request", "Cookie"} <= vary
    assert "<nav" in page.content.decode() and "<nav" not in fragment.content.decode()


def test_a_history_restore_gets_the_whole_page(cast, page_as):
    """htmx 2 asks for a page it did not keep with HX-Request *and* HX-History-Restore-Request,
    and replaces the whole body with the answer: a fragment there is the bare table on Back."""
    response = _client(page_as, cast.office).get(
        "/problems/",
        {"status": "new"},
        headers={**HTMX, "HX-History-Restore-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<nav" in html and 'data-testid="ledger-filter"' in html


def test_every_htmx_link_of_the_list_pushes_its_url(cast, page_as):
    for _n in range(3):
        dispatched(cast)
    html = _client(page_as, cast.office).get("/problems/", {"limit": 2}).content.decode()
    tags = [t for t in html.split("<") if "hx-get=" in t]
    assert len(tags) >= 12  # the form, the shortcut, "all", the statuses, the next page
    assert all('hx-push-url="true"' in t for t in tags)


# --- 15. outside one's area ----------------------------------------------------------------


def test_a_region_outside_the_officers_area_says_so_and_lists_nothing(cast, page_as):
    own = dispatched(cast, place=cast.zhongshan_community)
    client = _client(page_as, cast.zhongshan)
    response = client.get("/problems/", {"region": cast.ganjingzi_district.code})
    assert response.status_code == 400
    html = response.content.decode()
    slot = html.split('id="err-region"')[1].split("</div>")[0]
    assert "210211 is outside your area." in slot
    assert not _listed(html, own)  # not their whole ledger instead
    unknown = client.get("/problems/", {"region": "999999"}).content.decode()
    assert "Unknown region: 999999." in unknown and not _listed(unknown, own)
    # In Chinese too.
    zh = page_as(cast.zhongshan).get("/problems/", {"region": "210211"}).content.decode()
    assert "210211 不在您的管辖范围内。" in zh


def test_a_unit_outside_the_officers_own_says_so_in_page_api_and_export(cast, page_as, api_as):
    own = dispatched(cast)  # the Urban Management Bureau's
    client = _client(page_as, cast.urban)
    page = client.get("/problems/", {"unit": "EDU"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "EDU is outside your area." in html.split('id="err-unit"')[1].split("</div>")[0]
    assert not _listed(html, own)
    assert client.get("/problems/export.xlsx", {"unit": "EDU"}).status_code == 400
    api = api_as(cast.urban).get("problems", unit="EDU")
    assert api.status_code == 400 and api.json()["error"] == "outside_scope"
    region = api_as(cast.zhongshan).get("problems", region="210211")
    assert region.status_code == 400 and region.json()["error"] == "outside_scope"
    # A unit officer may filter by any region (regions are reference data to them).
    assert api_as(cast.urban).get("problems", region="210211").status_code == 200


# --- 19. today, age, search, bulk, masking --------------------------------------------------


def test_reported_today_lists_todays_reports_only(cast, page_as):
    today = report(cast.office, region=cast.zhongshan_community, title="今天的问题")
    older = report(cast.office, region=cast.zhongshan_community, title="上周的问题")
    Problem.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=7))
    client = _client(page_as, cast.office)
    html = client.get("/problems/").content.decode()
    assert 'data-testid="today" title="Problems reported today">Reported today' in html
    shortcut = html.split('data-testid="today"')[0].rsplit("href=", 1)[1]
    assert "today=1" in shortcut
    listed = client.get("/problems/", {"today": "1"}).content.decode()
    assert _listed(listed, today) and not _listed(listed, older)
    # The shortcut toggles: pressed again it drops the filter and keeps the others.
    again = client.get("/problems/", {"today": "1", "status": "new"}).content.decode()
    link = again.split('data-testid="today"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "today" not in link and "status=new" in link


def test_the_age_of_a_waiting_problem_is_in_calendar_days(cast, page_as):
    waiting = dispatched(cast, title="等了十天")
    done = closed(cast)
    ten_days_ago = timezone.now() - timedelta(days=10)
    Problem.objects.filter(pk__in=[waiting.pk, done.pk]).update(created_at=ten_days_ago)
    html = _client(page_as, cast.office).get("/problems/").content.decode()
    row = html.split(f'<tr data-code="{waiting.code}">')[1].split("</tr>")[0]
    assert '<td class="small text-nowrap" data-testid="age">10 days</td>' in row
    closed_row = html.split(f'<tr data-code="{done.code}">')[1].split("</tr>")[0]
    assert 'data-testid="age">—</td>' in closed_row  # a closed problem waits no more
    card = html.split(f'<li data-code="{waiting.code}">')[1].split("</li>")[0]
    assert "waiting 10 days" in card


def test_the_age_is_worked_out_without_a_query(cast, django_assert_num_queries):
    dispatched(cast)
    row = Problem.objects.values(*LIST_COLUMNS).get()
    with translation.override("en"):
        rows = LedgerRows(timezone.localdate() + timedelta(days=3))
        rows.table_rows([row])  # the reference rows' copies and the age's words, once
        with django_assert_num_queries(0):
            assert rows.table_rows([row])[0]["age"] == (3, "3 days", "waiting 3 days")


def test_a_serial_alone_finds_its_problem(cast, page_as, api_as):
    problems = [report(cast.office, region=cast.zhongshan_community) for _n in range(3)]
    wanted = problems[1]
    serial = wanted.code.split("-")[1]  # "000002"
    html = _client(page_as, cast.office).get("/problems/", {"q": serial}).content.decode()
    assert _listed(html, wanted) and sum(_listed(html, p) for p in problems) == 1
    items = api_as(cast.office).get("problems", q=serial).json()["items"]
    assert [i["code"] for i in items] == [wanted.code]
    # Scoped as ever: another district's officer finds nothing.
    assert api_as(cast.ganjingzi).get("problems", q=serial).json()["items"] == []


@pytest.mark.parametrize("who", ["office", "zhongshan", "urban"])
def test_a_serial_a_ticket_and_a_phone_are_index_look_ups(cast, who):
    """The number's ids are read alone, one index per branch; the page then reads them by id."""
    from wenming.problems.search import number_condition

    person = getattr(cast, who)
    condition = number_condition("018886", phones=who == "office")
    qs = Problem.objects.filter(condition).order_by().values_list("id", flat=True)[:1000]
    plan = qs.explain()
    if connection.vendor == "sqlite":
        assert "MULTI-INDEX OR" in plan and "(code_year=? AND code_serial=?)" in plan, plan
        assert "problem_hotline_ticket" in plan
        assert ("problem_reporter_phone" in plan) == (who == "office")
        assert "SCAN problems_problem" not in plan
    else:  # a tiny table may be read whole; say which indexes the planner may use instead
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = qs.explain()
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
        assert "problem_hotline_ticket" in plan and "Seq Scan on problems_problem" not in plan
    problem = report(person if who == "office" else cast.office, region=cast.zhongshan_community)
    f = ledger_filter(actor=person, params={"q": problem.code.split("-")[1]})
    found = ledger_queryset(actor=person, f=f).values_list("code", flat=True)
    assert list(found) == ([problem.code] if who != "urban" else [])


def test_a_reporter_phone_is_found_by_the_office_only(cast, api_as, page_as):
    problem = report(cast.office, region=cast.zhongshan_community, reporter_phone="13812345678")
    found = api_as(cast.office).get("problems", q="13812345678").json()["items"]
    assert [i["code"] for i in found] == [problem.code]
    # The district officer sees the problem itself, but a phone finds nothing for them: a
    # plain empty list, no error that would say a reporter with that number exists.
    response = api_as(cast.zhongshan).get("problems", q="13812345678")
    assert response.status_code == 200 and response.json()["items"] == []
    html = _client(page_as, cast.zhongshan).get("/problems/", {"q": "13812345678"})
    assert html.status_code == 200 and not _listed(html.content.decode(), problem)
    assert api_as(cast.zhongshan).get("problems").json()["items"][0]["code"] == problem.code


@pytest.mark.parametrize("ticket", ["202612010123", "GD2026-120100123"])
def test_a_hotline_ticket_number_is_found_exactly(cast, api_as, ticket):
    problem = report(cast.office, region=cast.zhongshan_community, hotline_ticket=ticket)
    other = report(cast.office, region=cast.zhongshan_community, hotline_ticket=ticket + "9")
    for who in (cast.office, cast.zhongshan):
        items = api_as(who).get("problems", q=ticket).json()["items"]
        assert [i["code"] for i in items] == [problem.code], who
    assert api_as(cast.ganjingzi).get("problems", q=ticket).json()["items"] == []
    assert other.code  # the longer ticket is not a match of the shorter one


def test_bulk_dispatch_sits_above_the_list_with_the_selected_count(cast, page_as):
    report(cast.office, region=cast.zhongshan_community)
    html = _client(page_as, cast.office).get("/problems/").content.decode()
    assert html.index('data-testid="bulk-dispatch"') < html.index('data-testid="ledger-table"')
    assert 'data-testid="selected-count" aria-live="polite">0 selected</span>' in html


def test_a_problem_ticked_twice_is_dispatched_once(cast, page_as):
    problem = report(cast.office, region=cast.zhongshan_community)
    response = page_as(cast.office).post(
        "/problems/bulk-dispatch/",
        {"codes": [problem.code, problem.code], "unit": "URBAN", "next": "/problems/"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "dispatched"


def test_the_mask_keeps_the_prefix_and_the_last_four():
    assert mask("13812345678") == "138****5678"
    assert mask("0411-82345678") == "041******5678"
    assert mask("12345") == "***45"
    assert mask("") == ""


def test_one_masking_rule_for_the_page_the_api_and_the_export(cast, page_as, api_as):
    problem = dispatched(cast, reporter_name="李先生", reporter_phone="13812345678")
    assert mask_phone(cast.office, "13812345678") == "13812345678"
    for person in (cast.leader, cast.zhongshan, cast.urban, cast.inspector):
        assert mask_phone(person, "13812345678") == "138****5678"
    # The problem page's reporter line.
    office = page_as(cast.office).get(f"/problems/{problem.code}/").content.decode()
    assert "李先生 13812345678" in office
    unit = page_as(cast.urban).get(f"/problems/{problem.code}/").content.decode()
    assert "138****5678" in unit and "13812345678" not in unit and "李先生" not in unit
    # The API.
    whole = api_as(cast.office).get(f"problems/{problem.code}").json()["reporter_phone"]
    masked = api_as(cast.urban).get(f"problems/{problem.code}").json()["reporter_phone"]
    assert (whole, masked) == ("13812345678", "138****5678")
    # The export's last column.
    for person, expected in ((cast.office, "13812345678"), (cast.urban, "138****5678")):
        response = _client(page_as, person).get("/problems/export.xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        table = list(sheet.iter_rows(values_only=True))
        assert table[0][-1] == "Reporter phone"
        assert [row[-1] for row in table[1:]] == [expected]


def test_the_phone_cards_say_code_title_place_status_deadline(cast, page_as):
    problem = dispatched(cast, title="井盖缺失")
    services.problem_accept(problem=problem, actor=cast.urban)
    html = _client(page_as, cast.urban).get("/problems/").content.decode()
    cards = html.split('data-testid="ledger-cards"')[1].split("</ul>")[0]
    card = cards.split(f'<li data-code="{problem.code}">')[1].split("</li>")[0]
    problem.refresh_from_db()
    for text in (
        problem.code,
        "井盖缺失",
        problem.region.name_en,
        "In progress",
        f"Deadline {problem.deadline.isoformat()}",
        "waiting 0 days",
    ):
        assert text in card, text
