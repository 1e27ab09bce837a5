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
