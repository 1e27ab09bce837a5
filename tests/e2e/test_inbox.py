"""The inbox asks before marking every message read: it cannot be undone."""

import pytest

from wenming.notifications.models import Message
from wenming.notifications.services import notify
from wenming.testing.personas import build_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mark_all_read_asks_first(live_server, page, login):
    cast = build_cast()
    for title in ("WM2026-000001 已派遣", "WM2026-000002 已派遣"):
        notify(kind="dispatch", recipients=[cast.urban], title=title, url="/problems/")
    login("urban")
    page.goto(f"{live_server.url}/notifications/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.click("[data-testid=read-all]")
    page.wait_for_timeout(300)
    assert questions == ["将全部 2 条未读消息标为已读？"]
    assert Message.objects.filter(recipient=cast.urban, read_at__isnull=True).count() == 2

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation():
        page.click("[data-testid=read-all]")
    assert not Message.objects.filter(recipient=cast.urban, read_at__isnull=True).exists()
