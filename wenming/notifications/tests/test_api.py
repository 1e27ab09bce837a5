"""GET /api/v1/notifications and marking read: each person reads only their own inbox."""

import pytest

from wenming.notifications.models import Message
from wenming.notifications.services import notify


def send(person, title="WM2026-000001 已派遣", kind="dispatch"):
    notify(kind=kind, recipients=[person], title=title, url="/problems/WM2026-000001/")
    return Message.objects.filter(recipient=person).latest("id")


def test_the_inbox_lists_only_the_callers_messages(cast, api_as):
    mine = send(cast.zhongshan, "中山区的问题")
    send(cast.ganjingzi, "甘井子区的问题")
    response = api_as(cast.zhongshan).get("notifications")
    assert response.status_code == 200
    data = response.json()
    assert [item["title"] for item in data["items"]] == ["中山区的问题"]
    assert data["unread"] == 1 and data["next_cursor"] is None
    item = data["items"][0]
    assert item["id"] == mine.pk and item["kind"] == "dispatch" and item["read_at"] is None
    assert item["url"] == "/problems/WM2026-000001/"


@pytest.mark.parametrize("who", ["office", "leader"])
def test_even_the_office_sees_only_its_own_inbox(cast, api_as, who):
    send(cast.zhongshan)
    assert api_as(getattr(cast, who)).get("notifications").json()["items"] == []


def test_cursor_pagination_walks_every_message_once(cast, api_as):
    for n in range(7):
        send(cast.urban, f"消息 {n}")
    client = api_as(cast.urban)
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        data = client.get("notifications", **params).json()
        seen += [item["title"] for item in data["items"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    assert seen == [f"消息 {n}" for n in reversed(range(7))]


def test_unread_filter_and_marking_read(cast, api_as):
    first = send(cast.urban, "第一条")
    send(cast.urban, "第二条")
    client = api_as(cast.urban)
    response = client.post(f"notifications/{first.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    unread = client.get("notifications", unread="true").json()
    assert [i["title"] for i in unread["items"]] == ["第二条"] and unread["unread"] == 1
    assert client.post("notifications/read-all").json() == {"marked": 1}
    assert client.get("notifications").json()["unread"] == 0


def test_another_persons_message_is_not_found(cast, api_as):
    theirs = send(cast.zhongshan)
    response = api_as(cast.ganjingzi).post(f"notifications/{theirs.pk}/read")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "path,params",
    [
        ("notifications", {"cursor": "abc"}),
        ("notifications", {"cursor": "-5"}),
        ("notifications", {"cursor": "99999999999999999999999"}),
        ("notifications", {"limit": "0"}),
        ("notifications", {"limit": "1000"}),
        ("notifications", {"unread": "maybe"}),
    ],
)
def test_bad_query_parameters_get_400(cast, api_as, path, params):
    response = api_as(cast.urban).get(path, **params)
    assert response.status_code == 400 and response.json()["error"].startswith("invalid")


@pytest.mark.parametrize("message_id", ["0", "99999999999999999999", "abc"])
def test_bad_ids_get_a_clear_error_not_a_500(cast, api_as, message_id):
    response = api_as(cast.urban).post(f"notifications/{message_id}/read")
    assert response.status_code in (400, 404)
    assert "error" in response.json()


def test_without_a_token_the_inbox_is_401(cast, api_as):
    assert api_as(None).get("notifications").status_code == 401
    assert api_as(None).post("notifications/read-all").status_code == 401
