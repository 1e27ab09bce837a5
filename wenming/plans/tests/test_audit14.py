"""Issue 14 audit: the plans pages lead to the oversight pages, and a malformed cursor on the
letters list is a 400 like the other lists'."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_plans_navigation_links_the_oversight_pages(cast, page_as, urban_task):
    for url in ("/plans/", "/plans/orders/"):
        html = page_as(cast.office).get(url).content.decode()
        for link in ("/plans/orders/", "/plans/meetings/", "/plans/guarantors/"):
            assert f'href="{link}"' in html, (url, link)


def test_a_malformed_letters_cursor_is_a_400(cast, api_as, campaign):
    refused = api_as(cast.office).get("letters", after="zz")
    assert refused.status_code == 400 and refused.json()["error"] == "bad_cursor"


def test_the_ledgers_counts_through_the_api_are_scoped(cast, api_as, urban_task, education_task):
    def total(person, **extra):
        return api_as(person).get("tasks", counts="true", **extra).json()["counts"]["total"]

    assert total(cast.office) == 2
    assert total(cast.urban) == 1
    assert total(cast.education) == 1
    assert total(cast.zhongshan) == 1
    assert total(cast.ganjingzi) == 1
    # A filter naming someone else's unit adds nothing to the reader's scope.
    assert total(cast.urban, unit="EDU") == 0
    assert total(cast.inspector) == 0


def test_the_timeline_of_another_unit_shows_nothing_of_it(
    cast, page_as, urban_task, education_task
):
    page = page_as(cast.urban).get(f"/plans/timeline/?unit={cast.education_unit.pk}").text
    assert education_task.title not in page
    own = page_as(cast.urban).get("/plans/timeline/").text
    assert urban_task.title in own and education_task.title not in own


def test_supervision_orders_through_the_api_and_page_are_scoped(
    cast, api_as, page_as, urban_task, education_task
):
    import datetime

    from wenming.plans.oversight import orders

    def issue(task, unit):
        return orders.supervision_order_issue(
            actor=cast.office,
            kind="routine",
            title=f"督办 {task.title}",
            requirement="按期完成",
            deadline=datetime.date.today() + datetime.timedelta(days=3),
            lead_unit=unit,
            assisting_units=[],
            task=task,
        )

    urban_order = issue(urban_task, cast.urban_unit)
    edu_order = issue(education_task, cast.education_unit)

    def ids(person, **q):
        return {o["id"] for o in api_as(person).get("supervision-orders", **q).json()["items"]}

    assert ids(cast.office) == {urban_order.pk, edu_order.pk}
    assert ids(cast.urban) == {urban_order.pk}
    assert ids(cast.zhongshan) == {urban_order.pk}
    assert ids(cast.ganjingzi) == {edu_order.pk}
    assert ids(cast.inspector) == set()
    assert api_as(cast.ganjingzi).get(f"supervision-orders/{urban_order.pk}").status_code == 404
    listed = page_as(cast.urban).get("/plans/orders/").text
    assert urban_order.code in listed and edu_order.code not in listed
    assert page_as(cast.urban).get(f"/plans/orders/{edu_order.pk}/").status_code == 404
