"""Words the ledger writes for people (issue 10, items 13 and 14): a handler hears the office's
answer to their extension or hold request, notices read in the reader's language, and the
timeline's system notes follow the page's language."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from wenming.core.errors import Conflict
from wenming.notifications.models import Message, Notice
from wenming.problems import services
from wenming.problems.models import Action, ProblemEvent, Source

from .factories import accepted, category, report

PLAN = "纳入明年道路改造计划"


def later(days: int = 30):
    return timezone.localdate() + timedelta(days=days)


def decisions_for(person) -> list[Notice]:
    return [
        m.notice
        for m in Message.objects.filter(recipient=person, notice__kind="decision").select_related(
            "notice"
        )
    ]


def ask_extension(cast, problem):
    return services.problem_transition(
        problem=problem,
        actor=cast.urban,
        action=Action.REQUEST_EXTENSION,
        deadline=later(),
        note="需要采购配件",
    )


def ask_hold(cast, problem):
    return services.problem_transition(
        problem=problem, actor=cast.urban, action=Action.REQUEST_HOLD, plan=PLAN, until=later(90)
    )


@pytest.mark.parametrize(
    ("ask", "action", "note", "zh", "en"),
    [
        (ask_extension, Action.APPROVE_EXTENSION, "", "延期申请已批准", "Extension granted"),
        (
            ask_extension,
            Action.DENY_EXTENSION,
            "理由不充分",
            "延期申请未获批准",
            "Extension refused",
        ),
        (ask_hold, Action.HOLD, "", "已挂账", "is on hold until"),
        (ask_hold, Action.DENY_HOLD, "可以在本月完成", "挂账申请未获批准", "Hold refused"),
    ],
)
def test_the_unit_hears_the_answer_to_its_request(cast, ask, action, note, zh, en):
    problem = ask(cast, accepted(cast))
    assert decisions_for(cast.urban) == []  # asking tells the office, not the unit
    services.problem_transition(problem=problem, actor=cast.office, action=action, note=note)
    [notice] = decisions_for(cast.urban)
    assert problem.code in notice.title and zh in notice.title
    assert problem.code in notice.title_en and en in notice.title_en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in notice.title_en.replace(problem.title, ""))
    if note:
        assert note in notice.body  # the office's reason reaches the unit
    assert notice.url.endswith(f"/problems/{problem.code}/")
    assert not decisions_for(cast.office)


def test_a_refused_request_that_rolls_back_notifies_nobody(cast):
    problem = ask_extension(cast, accepted(cast))
    with pytest.raises(Conflict):
        services.problem_transition(
            problem=problem, actor=cast.office, action=Action.DENY_EXTENSION, version=999
        )
    assert decisions_for(cast.urban) == []


@pytest.mark.parametrize(
    ("language", "badge", "title"),
    [("zh-hans", "已派遣", "已派遣给您"), ("en", "Dispatched", "dispatched to you")],
)
def test_inbox_badges_are_statuses_and_titles_are_in_the_readers_language(
    cast, page_as, language, badge, title
):
    problem = accepted(cast)
    client = page_as(cast.urban)
    client.cookies["wenming_language"] = language
    page = client.get("/notifications/").content.decode()
    assert f">{badge}</span>" in page
    assert "派遣时间" not in page and "结案时间" not in page  # field labels, not statuses
    assert title in page and problem.code in page
    other = "dispatched to you" if language == "zh-hans" else "已派遣给您"
    assert other not in page


def test_the_inbox_api_answers_in_the_callers_language(cast, api_as):
    accepted(cast)
    client = api_as(cast.urban)
    assert "已派遣给您" in client.get("notifications").json()["items"][0]["title"]
    client.client.cookies["wenming_language"] = "en"
    assert "dispatched to you" in client.get("notifications").json()["items"][0]["title"]


# --- the timeline's system notes (issue 10, item 14) ----------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


def auto_dispatched(cast):
    services.routing_rule_create(
        actor=cast.office, category=category("chaotic.parking"), unit=cast.police_unit
    )
    return report(
        cast.inspector,
        region=cast.zhongshan_community,
        cat="chaotic.parking",
        source=Source.INSPECTION,
    )


def timeline_notes(client, problem) -> list[str]:
    page = client.get(f"/problems/{problem.code}/").content.decode()
    timeline = page.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    return [html.unescape(n).strip() for n in re.findall(r"<div>([^<]*)</div>", timeline)]


@pytest.mark.parametrize("stored_in", ["zh-hans", "en"])
def test_an_automatic_dispatch_reads_in_the_readers_language(cast, page_as, stored_in):
    """Whatever language the reporter's page was in, the system note follows the reader's."""
    with translation.override(stored_in):
        problem = auto_dispatched(cast)
    event = problem.events.get(action="dispatch")
    assert event.data["system_note"] == {"code": "auto_dispatch", "basis": "rule"}
    assert event.note == "系统自动派遣（依据：派遣规则）。"  # the site's language, for the API
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "en"
    assert "Dispatched automatically (routing rule)." in timeline_notes(client, problem)
    assert not any(CJK.search(note) for note in timeline_notes(client, problem))
    client.cookies["wenming_language"] = "zh-hans"
    notes = timeline_notes(client, problem)
    assert "系统自动派遣（依据：派遣规则）。" in notes
    assert not any("Dispatched automatically" in note for note in notes)


@pytest.mark.parametrize(
    "old_note",
    [
        "Dispatched automatically (routing rule).",
        "系统自动派遣（依据：派遣规则）。",
        "自动派遣（路由规则）",
    ],
)
def test_events_stored_before_the_code_still_follow_the_language(cast, page_as, old_note):
    problem = auto_dispatched(cast)
    event = problem.events.get(action="dispatch")
    ProblemEvent.objects.filter(pk=event.pk).update(note=old_note, data={"unit": "PSB"})
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "en"
    assert "Dispatched automatically (routing rule)." in timeline_notes(client, problem)
    client.cookies["wenming_language"] = "zh-hans"
    assert "系统自动派遣（依据：派遣规则）。" in timeline_notes(client, problem)


def test_a_persons_note_is_shown_as_written(cast, page_as):
    problem = accepted(cast)
    services.problem_transition(
        problem=problem,
        actor=cast.urban,
        action=Action.REQUEST_EXTENSION,
        deadline=later(),
        note="Dispatched automatically (routing rule).",  # a person may write anything
    )
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "zh-hans"
    assert "Dispatched automatically (routing rule)." in timeline_notes(client, problem)


# --- dates in one format (issue 10, item 14) --------------------------------------------------

OTHER_DATE_FORMATS = [
    re.compile(r"\d{4}年\d{1,2}月"),  # Chinese long dates
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),  # American short dates
    re.compile(r"\b\d{4}/\d{1,2}/\d{1,2}\b"),  # Chinese short dates
    re.compile(r"\b(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}"),
    re.compile(r"\d{1,2}:\d{2} ?[ap]\.m\."),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_show_dates_in_one_iso_format_in_both_languages(cast, page_as, language):
    problem = accepted(cast)
    today = timezone.localdate().isoformat()
    for person, path in [
        (cast.office, "/problems/"),
        (cast.office, f"/problems/{problem.code}/"),
        (cast.urban, "/notifications/"),
        (cast.office, "/tokens/"),
        (cast.office, "/activity/"),
        (cast.urban, "/"),
    ]:
        client = page_as(person)
        client.cookies["wenming_language"] = language
        response = client.get(path)
        assert response.status_code == 200, path
        page = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
        for pattern in OTHER_DATE_FORMATS:
            assert not pattern.search(page), (path, pattern.pattern, pattern.search(page))
        if path != "/" and path != "/tokens/":
            assert today in page, path  # the day is written as ISO
