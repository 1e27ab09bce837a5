"""The activity page: the audit log in words, for the office and leaders only (issue 10, 16)."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from wenming.core import activity
from wenming.core.audit_checks import JOB_KIND
from wenming.core.models import AuditCheck, AuditEntry, Job, JobStatus
from wenming.problems import services
from wenming.problems.tests.factories import dispatched, rectified
from wenming.testing.tasks import run_worker


def english(client):
    client.cookies["wenming_language"] = "en"
    return client


@pytest.fixture
def loop(cast, settings, tmp_path):
    """Two problems dispatched to the Urban Management Bureau; one accepted by its officer."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    first = dispatched(cast, title="中山区垃圾桶满溢")
    second = dispatched(cast, title="天津街乱张贴")
    services.problem_accept(problem=second, actor=cast.urban)
    return first, second


def rows(html: str) -> list[str]:
    return re.findall(r'data-testid="activity-row" data-seq="\d+" data-action="([^"]+)"', html)


def test_the_office_reads_codes_labels_and_names_not_ids_and_codes(cast, page_as, loop):
    first, second = loop
    html = page_as(cast.office).get("/activity/").content.decode()
    assert first.code in html and f'href="/problems/{second.code}/"' in html
    # Readable action labels in Chinese (the default) …
    assert ">派遣<" in html and ">签收<" in html and ">上报<" in html
    # … never the codes the log stores: the action code, the unit code, the database id.
    text = re.sub(r'(title|data-action|value)="[^"]*"', "", html)
    assert "problem.dispatch" not in text and "problems.problem" not in text
    assert "市城市管理局" in text and ">URBAN<" not in text and "URBAN" not in text
    assert f">{first.pk}<" not in text
    # Statuses by their labels in the details.
    assert "新上报" in text or "待立案" in text or "已派遣" in text


def test_photo_details_read_as_a_count_not_database_ids(cast, page_as, loop):
    problem = rectified(cast)
    html = english(page_as(cast.office)).get("/activity/", {"action": "problem.rectify"})
    row = html.content.decode().split('data-action="problem.rectify"', 1)[1].split("</tr>", 1)[0]
    assert problem.code in row and "1 photo" in row
    attach = english(page_as(cast.office)).get("/activity/", {"action": "problem.attach"})
    row = attach.content.decode().split('data-action="problem.attach"', 1)[1].split("</tr>", 1)[0]
    assert "Photo:" not in row and "Kind: </span>After" in row


def test_english_labels(cast, page_as, loop):
    html = english(page_as(cast.office)).get("/activity/").content.decode()
    assert "Activity" in html and ">Dispatched<" in html and ">Accepted<" in html
    assert "Urban Management Bureau" in html and "Integrity of the log" in html


@pytest.mark.parametrize("who", ["zhongshan", "urban", "inspector", "evaluator"])
def test_only_the_office_and_leaders_may_read_it(cast, page_as, loop, who):
    client = page_as(getattr(cast, who))
    assert client.get("/activity/").status_code == 403
    assert client.post("/activity/verify/").status_code == 403
    assert "/activity/" not in client.get("/").content.decode()  # no link in the navigation


def test_a_leader_reads_it_but_does_not_start_a_verification(cast, page_as, loop):
    client = page_as(cast.leader)
    response = client.get("/activity/")
    assert response.status_code == 200 and loop[0].code in response.content.decode()
    assert 'data-testid="chain-verify"' not in response.content.decode()
    # Sign-in addresses are the office's to read (it answers for the accounts), not a leader's.
    assert "IP 地址" not in response.content.decode()
    assert "IP 地址" in page_as(cast.office).get("/activity/").content.decode()
    assert client.post("/activity/verify/").status_code == 403
    assert 'href="/activity/"' in client.get("/").content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/activity/").status_code == 302


def test_filters_by_person_action_and_dates(cast, page_as, loop):
    client = page_as(cast.office)
    by_urban = rows(client.get("/activity/", {"person": "urban"}).content.decode())
    assert by_urban == ["problem.accept"]
    dispatches = rows(client.get("/activity/", {"action": "problem.dispatch"}).content.decode())
    assert dispatches == ["problem.dispatch", "problem.dispatch"]
    # Move the first problem's entries back ten days: a date range finds them alone.
    old = timezone.now() - timedelta(days=10)
    AuditEntry.objects.filter(data__code=loop[0].code).update(created_at=old)
    day = timezone.localtime(old).date()
    found = rows(client.get("/activity/", {"date_from": day, "date_to": day}).content.decode())
    assert sorted(found) == ["problem.create", "problem.dispatch"]
    today = timezone.localdate()
    recent = rows(client.get("/activity/", {"date_from": today}).content.decode())
    assert "problem.accept" in recent and len(recent) == 3


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"date_from": "2026-02-30"}, "date_from", "输入一个有效的日期"),
        ({"date_to": "2026-13-45"}, "date_to", "输入一个有效的日期"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to", "结束日期早于开始日期"),
        ({"person": "nobody"}, "person", "没有这个用户名"),
        ({"action": "problem.teleport"}, "action", "选择一个有效的选项"),
        ({"cursor": "abc"}, None, None),
    ],
)
def test_bad_input_is_a_400_with_the_message_beside_the_field(
    cast, page_as, loop, params, field, message
):
    response = page_as(cast.office).get("/activity/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert rows(html) == []
    if field:
        # The message follows the field's own input, inside its column.
        after = html.split(f'id="id_{field}"', 1)[1].split('class="col-', 1)[0]
        assert message in after


def test_a_stale_cursor_is_a_400_not_a_500(cast, page_as, loop):
    response = page_as(cast.office).get("/activity/", {"cursor": 999999})
    assert response.status_code == 400 and "activity-error" in response.content.decode()


def test_keyset_pages_cover_the_log_once_even_within_one_instant(cast, page_as, loop, monkeypatch):
    monkeypatch.setattr(activity, "PAGE_SIZE", 2)
    for _n in range(3):
        dispatched(cast)
    # Entries written in the same instant must neither repeat nor vanish between pages.
    AuditEntry.objects.update(created_at=timezone.now())
    client = page_as(cast.office)
    seen, url, pages = [], "/activity/", 0
    while url:
        html = client.get(url).content.decode()
        seen += [int(s) for s in re.findall(r'data-seq="(\d+)"', html)]
        nxt = re.search(r'href="(\?[^"]*cursor=\d+[^"]*)" data-testid="activity-next"', html)
        url = "/activity/" + nxt.group(1).replace("&amp;", "&") if nxt else None
        pages += 1
    everything = list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))
    assert seen == everything and pages == (len(everything) + 1) // 2


def test_a_page_costs_a_fixed_number_of_queries(cast, page_as, loop, django_assert_max_num_queries):
    for _n in range(10):
        dispatched(cast)
    client = page_as(cast.office)
    client.get("/activity/")
    # session + person, actions, entries, people, problems, regions/units copies, checks ×3,
    # head — not one per row.
    with django_assert_max_num_queries(14):
        response = client.get("/activity/")
    assert len(rows(response.content.decode())) == 25


def test_the_chain_state_from_the_last_command_and_anchor(cast, page_as, loop, tmp_path):
    client = page_as(cast.office)
    html = client.get("/activity/").content.decode()
    assert 'data-state="none"' in html and 'data-testid="chain-verify"' in html
    assert "还没有锚点" in html or "No anchor" in html
    call_command("audit", "verify")
    call_command("audit", "anchor", "--file", str(tmp_path / "anchors.log"))
    head = AuditEntry.objects.count()
    html = english(client).get("/activity/").content.decode()
    assert 'data-state="ok"' in html and f"{head} entries checked" in html
    assert f"Last anchor: entry #{head}" in html
    dispatched(cast)  # written after the check
    html = english(client).get("/activity/").content.decode()
    assert "entries were written since" in html
    # A broken chain is said so, with the entry.
    AuditEntry.objects.filter(seq=2).update(action="problem.forged")
    with pytest.raises(Exception):  # noqa: B017 (CommandError)
        call_command("audit", "verify")
    html = english(client).get("/activity/").content.decode()
    assert 'data-state="broken"' in html and "broken at entry #2" in html


def test_the_office_asks_the_worker_to_verify_and_sees_its_progress(cast, page_as, loop):
    client = page_as(cast.office)
    response = client.post("/activity/verify/")
    job = Job.objects.get(kind=JOB_KIND)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    # Asking again while it waits gives the same job, not a second full check.
    assert client.post("/activity/verify/")["Location"] == f"/jobs/{job.pk}/"
    html = client.get("/activity/").content.decode()
    assert 'data-testid="chain-job"' in html and 'data-testid="chain-verify"' not in html
    assert not AuditCheck.objects.exists()  # nothing was verified inside a request
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == AuditEntry.objects.count()
    check = AuditCheck.objects.get()
    assert check.ok and check.via == "worker" and check.actor == cast.office
    html = client.get("/activity/").content.decode()
    assert 'data-state="ok"' in html and 'data-testid="chain-job"' not in html


def test_an_action_no_app_named_reads_as_its_objects_kind_and_verb(cast, page_as):
    """Every code the code writes has its app's label (test_activity_labels.py); an older code
    nobody names any more still reads as the model's own name and a verb."""
    from wenming.core.audit import audit_record
    from wenming.org.models import RegionKind
    from wenming.org.services import region_create

    region = region_create(
        code="210202002",
        name="人民路街道",
        name_en="Renmin Road Street",
        kind=RegionKind.STREET,
        parent=cast.zhongshan_district,
        actor=cast.office,
    )
    audit_record(action="region.archive", actor=cast.office, target=region)
    html = page_as(cast.office).get("/activity/").content.decode()
    row = html.split('data-action="region.archive"', 1)[1].split("</tr>", 1)[0]
    # The model's own name and a verb, translated; the target by its name, not its id.
    assert "区域 — 归档" in row and "人民路街道" in row
    assert activity.action_label("region.archive") == "区域 — 归档"
    # The app's own label for what it writes.
    assert activity.action_label("region.create") == "新增区域"
    assert activity.action_label("something.unheard_of") == "something.unheard_of"
