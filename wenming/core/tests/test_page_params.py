"""No page answers 500 to a query string it did not expect.

A fuzz of the pages in session 8 (every page without a path argument, 33 parameter names, as
the office and a district officer) found seven that did: an id past 64 bits given to a
foreign-key filter (`/plans/?plan=|standard=|unit=`, `/plans/timeline/?unit=`,
`/materials/review/?standard=|unit=`), a unit that is not a number on the office's
`/plans/guarantors/mine/`, and `/problems/?limit=abc`. Here every such page is asked once
with every parameter set to a number too large, and once with every parameter set to
words."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PARAMS = [
    "round", "campaign", "plan", "window", "standard", "unit", "region", "status", "month",
    "page", "after", "cursor", "limit", "week", "year", "q", "type", "system", "task", "point",
    "survey", "district", "level", "tier", "from", "to", "created_from", "created_to", "sort",
    "kind", "category", "id", "code", "subject",
]  # fmt: skip
TOO_BIG = str(2**64)


def _pages() -> list[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    paths = {"/" + path for path in walk(get_resolver().url_patterns)}
    return sorted(
        path
        for path in paths
        if "<" not in path and "^" not in path and "(?P" not in path
        and not path.startswith(("/api/", "/admin/")) and "logout" not in path
    )  # fmt: skip


@pytest.mark.parametrize("value", [TOO_BIG, "abc"])
@pytest.mark.parametrize("who", ["office", "zhongshan"])
def test_no_page_fails_on_a_query_string(cast, page_as, who, value):
    client = page_as(getattr(cast, who))
    failed = []
    for path in _pages():
        answer = client.get(path, dict.fromkeys(PARAMS, value))
        if answer.status_code >= 500:
            failed.append(path)
    assert failed == []


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/plans/", "plan", TOO_BIG),
        ("/plans/", "standard", TOO_BIG),
        ("/plans/", "unit", TOO_BIG),
        ("/plans/timeline/", "unit", TOO_BIG),
        ("/materials/review/", "standard", TOO_BIG),
        ("/materials/review/", "unit", TOO_BIG),
        ("/plans/guarantors/mine/", "unit", "abc"),
        ("/problems/", "limit", "abc"),
    ],
)
def test_each_page_found_by_the_fuzz(cast, page_as, path, name, value):
    answer = page_as(cast.office).get(path, {name: value})
    assert answer.status_code < 500


def test_a_coverage_target_for_an_unknown_type_says_so(cast, page_as):
    """The office's coverage form with a type that does not exist: the coverage page with the
    message, not a 500 (found by a fuzz of the forms, session 8)."""
    client = page_as(cast.office)
    answer = client.post("/creation/coverage/target/", {"type": "abc", "region": "x"})
    assert answer.status_code == 302 and answer["Location"] == "/creation/coverage/"
    assert "未找到" in client.get(answer["Location"]).content.decode()
