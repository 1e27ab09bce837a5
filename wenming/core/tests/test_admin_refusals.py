"""A change the calendar services refuse is shown in the admin as their message, never a 500,
and nothing of it is written."""

from datetime import date

from wenming.core.models import AuditEntry, Holiday, HolidayYear


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_year_the_service_refuses_comes_back_to_the_form_with_its_message(cast, page_as):
    client = page_as(cast.office)
    response = client.post("/admin/core/holidayyear/add/", {"year": 1800, "complete": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert any("1990" in m for m in _messages(page)), _messages(page)
    assert page.context["adminform"].form.initial["year"] == "1800"  # what was typed
    assert not HolidayYear.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="holiday").exists()


def test_a_refused_year_in_the_mark_complete_action_leaves_every_year_unmarked(cast, page_as):
    # 2031 may be marked, 1985 may not: the action marks neither (one transaction).
    days = [
        Holiday.objects.create(date=date(2031, 1, 1), kind="holiday", name="元旦"),
        Holiday.objects.create(date=date(1985, 1, 1), kind="holiday", name="元旦"),
    ]
    client = page_as(cast.office)
    response = client.post(
        "/admin/core/holiday/",
        {"action": "mark_years_complete", "_selected_action": [d.pk for d in days]},
    )
    assert response.status_code == 302
    assert any("1990" in m for m in _messages(client.get(response["Location"])))
    assert not HolidayYear.objects.exists()
