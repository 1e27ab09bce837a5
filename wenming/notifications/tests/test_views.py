"""The inbox, the unread badge, the office's delivery and robot pages, and the home panels."""

from datetime import date

import pytest
from django.utils import timezone

from wenming.core import calendar
from wenming.core.calendar import holiday_set, holiday_year_mark
from wenming.core.models import AuditEntry
from wenming.notifications.models import Delivery, Message, WebhookChannel
from wenming.notifications.services import notify

from .factories import NoticeFactory, WebhookChannelFactory


def send(person, title="WM2026-000001 已派遣", url="/problems/WM2026-000001/"):
    notify(kind="dispatch", recipients=[person], title=title, url=url)
    return Message.objects.filter(recipient=person).latest("id")


def badge(html: str) -> str | None:
    marker = 'data-testid="nav-badge">'
    if marker not in html:
        return None
    return html.split(marker)[1].split("<")[0]


# --- inbox ----------------------------------------------------------------------------------


def test_the_inbox_shows_my_messages_and_not_others(cast, page_as):
    send(cast.zhongshan, "中山区的问题")
    send(cast.ganjingzi, "甘井子区的问题")
    page = page_as(cast.zhongshan).get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "中山区的问题" in html and "甘井子区的问题" not in html


def test_the_navigation_badge_counts_unread_messages(cast, page_as):
    client = page_as(cast.urban)
    assert badge(client.get("/").content.decode()) is None
    send(cast.urban)
    send(cast.urban, "第二条")
    assert badge(client.get("/").content.decode()) == "2"
    assert badge(page_as(cast.education).get("/").content.decode()) is None


def test_mark_read_one_then_all(cast, page_as):
    first = send(cast.urban)
    send(cast.urban, "第二条")
    send(cast.urban, "第三条")
    client = page_as(cast.urban)
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert badge(client.get("/").content.decode()) == "2"
    htmx = client.post(f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and f'id="message-{first.pk}"' in htmx.content.decode()
    client.post("/notifications/read-all/")
    assert badge(client.get("/").content.decode()) is None
    assert not Message.objects.filter(read_at__isnull=True).exists()


def test_opening_a_message_marks_it_read_and_goes_to_its_page(cast, page_as):
    message = send(cast.urban)
    response = page_as(cast.urban).post(f"/notifications/{message.pk}/open/")
    assert response.status_code == 302 and response.url == "/problems/WM2026-000001/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_an_outside_link_is_never_followed(cast, page_as):
    message = send(cast.urban, url="https://evil.example/phish")
    response = page_as(cast.urban).post(f"/notifications/{message.pk}/open/")
    assert response.url == "/notifications/"


def test_another_persons_message_is_404_and_stays_unread(cast, page_as):
    theirs = send(cast.zhongshan)
    client = page_as(cast.ganjingzi)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post("/notifications/99999999999999999999/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(cast, page_as):
    message = send(cast.urban)
    assert page_as(cast.urban).get(f"/notifications/{message.pk}/read/").status_code == 405


def test_the_inbox_needs_a_login(cast, client):
    assert client.get("/notifications/").status_code == 302


def test_the_unread_filter_and_the_pager(cast, page_as):
    for n in range(30):
        send(cast.urban, f"消息{n:02d}")
    first = Message.objects.filter(recipient=cast.urban).order_by("id").first()
    first.read_at = timezone.now()
    first.save()
    client = page_as(cast.urban)
    html = client.get("/notifications/?show=unread").content.decode()
    assert "消息29" in html and "消息00" not in html
    assert "消息00" in client.get("/notifications/?page=2").content.decode()
    assert client.get("/notifications/?page=abc").status_code == 200


def test_the_inbox_in_both_languages(cast, page_as):
    send(cast.urban)
    client = page_as(cast.urban)
    assert "收件箱" in client.get("/notifications/").content.decode()
    client.cookies["wenming_language"] = "en"
    assert "Inbox" in client.get("/notifications/").content.decode()


# --- deliveries and robots (office) ---------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "zhongshan", "urban", "inspector", "evaluator"])
def test_only_the_office_opens_the_delivery_and_robot_pages(cast, page_as, who):
    client = page_as(getattr(cast, who))
    channel = WebhookChannelFactory()
    assert client.get("/notifications/deliveries/").status_code == 403
    assert client.get("/notifications/robots/").status_code == 403
    assert client.get(f"/notifications/robots/{channel.pk}/").status_code == 403
    assert client.post(f"/notifications/robots/{channel.pk}/delete/").status_code == 403
    assert WebhookChannel.objects.filter(pk=channel.pk).exists()


def test_the_delivery_page_lists_failures_with_their_error(cast, page_as):
    notice = NoticeFactory(title="WM2026-000777 超期")
    Delivery.objects.create(
        notice=notice,
        channel="dingtalk",
        address="文明办工作群",
        status="failed",
        attempts=3,
        last_error="HTTP 502: Bad Gateway",
        next_attempt_at=timezone.now(),
    )
    Delivery.objects.create(
        notice=NoticeFactory(title="已送达的"),
        channel="email",
        address="a@b.example",
        status="sent",
        attempts=1,
    )
    client = page_as(cast.office)
    html = client.get("/notifications/deliveries/").content.decode()
    assert "WM2026-000777" in html and "HTTP 502" in html and "已送达的" not in html
    assert "已送达的" in client.get("/notifications/deliveries/?status=sent").content.decode()
    assert client.get("/notifications/deliveries/?status=nonsense").status_code == 200


def test_the_office_retries_from_the_page(cast, page_as):
    delivery = Delivery.objects.create(
        notice=NoticeFactory(), channel="email", address="a@b.example", status="failed", attempts=8
    )
    response = page_as(cast.office).post(f"/notifications/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.attempts == 0 and delivery.next_attempt_at is not None
    sent = Delivery.objects.create(
        notice=NoticeFactory(), channel="email", address="c@d.example", status="sent", attempts=1
    )
    page_as(cast.office).post(f"/notifications/deliveries/{sent.pk}/retry/")
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.attempts == 1


def robot_form(**extra):
    data = {
        "name": "文明办工作群",
        "kind": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "SECxyz",
        "kinds": ["overdue", "escalation"],
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_the_office_adds_edits_and_removes_a_robot(cast, page_as):
    client = page_as(cast.office)
    assert client.post("/notifications/robots/", robot_form()).status_code == 302
    channel = WebhookChannel.objects.get()
    assert channel.secret == "SECxyz" and channel.kinds == ["escalation", "overdue"]
    page = client.get("/notifications/robots/").content.decode()
    assert "文明办工作群" in page and "SECxyz" not in page

    edit = client.get(f"/notifications/robots/{channel.pk}/").content.decode()
    assert "SECxyz" not in edit  # the secret is never sent back to the browser
    client.post(
        f"/notifications/robots/{channel.pk}/",
        robot_form(name="文明办群", secret="", region=cast.zhongshan_district.pk),
    )
    channel.refresh_from_db()
    assert channel.name == "文明办群" and channel.secret == "SECxyz"
    assert channel.region == cast.zhongshan_district
    client.post(f"/notifications/robots/{channel.pk}/", robot_form(clear_secret="on", secret=""))
    channel.refresh_from_db()
    assert channel.secret == ""

    assert client.post(f"/notifications/robots/{channel.pk}/delete/").status_code == 302
    assert not WebhookChannel.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="webhook.").count() == 4


@pytest.mark.parametrize(
    "bad", [{"url": "javascript:alert(1)"}, {"kinds": []}, {"kind": "slack"}, {"name": ""}]
)
def test_a_bad_robot_form_shows_errors_and_saves_nothing(cast, page_as, bad):
    response = page_as(cast.office).post("/notifications/robots/", robot_form(**bad))
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()
    assert not WebhookChannel.objects.exists()


# --- home panels ----------------------------------------------------------------------------


@pytest.fixture
def calendar_without_this_year(monkeypatch):
    """Pretend chinese-calendar stops before this year, whatever year the tests run in."""
    monkeypatch.setattr(calendar, "_PACKAGE_MAX", timezone.localdate().year - 1)
    calendar.cache_clear()
    yield
    calendar.cache_clear()


def test_the_office_is_warned_when_deadlines_fall_back_to_monday_to_friday(
    cast, page_as, calendar_without_this_year
):
    year = timezone.localdate().year
    html = page_as(cast.office).get("/").content.decode()
    assert "/admin/core/holiday/" in html and str(year) in html
    # Only the office can do something about it.
    assert "/admin/core/holiday/" not in page_as(cast.zhongshan).get("/").content.decode()

    holiday_set(day=date(year, 1, 1), kind="holiday", name="元旦", actor=cast.office)
    holiday_set(day=date(year + 1, 1, 1), kind="holiday", name="元旦", actor=cast.office)
    # Days entered are not a complete list: the warning stays until the office says so.
    assert "/admin/core/holiday/" in page_as(cast.office).get("/").content.decode()
    holiday_year_mark(year=year, complete=True, actor=cast.office)
    holiday_year_mark(year=year + 1, complete=True, actor=cast.office)
    assert "/admin/core/holiday/" not in page_as(cast.office).get("/").content.decode()


def test_the_inbox_panel_shows_unread_messages(cast, page_as):
    send(cast.zhongshan)
    html = page_as(cast.zhongshan).get("/").content.decode()
    assert "/notifications/?show=unread" in html


def test_the_office_home_shows_failing_deliveries(cast, page_as):
    Delivery.objects.create(
        notice=NoticeFactory(),
        channel="wecom",
        address="群",
        status="failed",
        attempts=2,
        next_attempt_at=timezone.now(),
    )
    html = page_as(cast.office).get("/").content.decode()
    assert "/notifications/deliveries/?status=failed" in html
    assert "/notifications/deliveries/" not in page_as(cast.leader).get("/").content.decode()


@pytest.mark.parametrize("target", ["abc", "notifications:inbox", "//evil.example/x"])
def test_a_next_that_is_not_a_path_of_this_site_falls_back_to_the_inbox(cast, page_as, target):
    """`next` is followed only as a path of this site: a bare word was read by redirect() as a
    view's name and answered 500 (found by a fuzz of the forms, session 8)."""
    message = send(cast.urban)
    answer = page_as(cast.urban).post(f"/notifications/{message.pk}/read/", {"next": target})
    assert answer.status_code == 302 and answer["Location"] == "/notifications/"
    kept = page_as(cast.urban).post(
        f"/notifications/{message.pk}/read/", {"next": "/problems/WM2026-000001/"}
    )
    assert kept["Location"] == "/problems/WM2026-000001/"
