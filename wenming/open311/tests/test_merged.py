"""A report the office merged into another problem answers, in every GET, with the state of
the problem it follows from then on (as the portal's follow page shows it), and the list
resolves those survivors for the whole page at once."""

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenming.problems.models import Problem
from wenming.problems.services import problem_reject
from wenming.problems.tests.factories import accepted
from wenming.public import services as portal
from wenming.public.models import CitizenReport
from wenming.public.testing import HERE

pytestmark = pytest.mark.django_db

BORROWED = ("status", "status_notes", "updated_datetime", "expected_datetime")


def _post(key, category) -> str:
    data = {
        "api_key": key,
        "service_code": category.code,
        "lat": HERE[0],
        "long": HERE[1],
        "description": "公交站旁的垃圾桶满了",
    }
    response = Client().post("/open311/v2/requests.json", data)
    assert response.status_code == 200, response.content
    return json.loads(response.content)[0]["service_request_id"]


def _one(code, fmt="json", **params):
    response = Client().get(f"/open311/v2/requests/{code}.{fmt}", params)
    assert response.status_code == 200, response.content
    return response


def _detail(code, **params) -> dict:
    (row,) = json.loads(_one(code, **params).content)
    return row


def _listed(**params) -> dict:
    response = Client().get("/open311/v2/requests.json", params)
    assert response.status_code == 200, response.content
    return {row["service_request_id"]: row for row in json.loads(response.content)}


def _survivor(cast, category) -> Problem:
    """An accepted (open) problem with a deadline, changed three days ago."""
    survivor = accepted(cast, cat=category.code)
    Problem.objects.filter(pk=survivor.pk).update(
        deadline=date.today() + timedelta(days=9),
        updated_at=timezone.now() - timedelta(days=3),
    )
    return Problem.objects.get(pk=survivor.pk)


def _merge(cast, code, into):
    report = CitizenReport.objects.get(problem__code=code)
    portal.citizen_report_merge(report=report, actor=cast.office, into=into)


def test_a_merged_request_answers_with_the_surviving_problems_state(cast, public_cats, partner_key):
    survivor = _survivor(cast, public_cats[0])
    code = _post(partner_key, public_cats[0])
    _merge(cast, code, survivor)
    merged = Problem.objects.get(code=code)
    assert not merged.is_open and merged.duplicate_of_id == survivor.pk

    own = _detail(survivor.code)
    answer = _detail(code)
    assert own["status"] == "open" and own["expected_datetime"]
    assert {k: answer[k] for k in BORROWED} == {k: own[k] for k in BORROWED}
    # The rest is still the report's own.
    assert answer["service_request_id"] == code
    # (The partner app that posted it reads its own text; the survivor is not its request.)
    mine, theirs = _detail(code, api_key=partner_key), _detail(survivor.code, api_key=partner_key)
    assert mine["description"] == "公交站旁的垃圾桶满了" != theirs["description"]

    listed = _listed()
    assert {k: listed[code][k] for k in BORROWED} == {k: own[k] for k in BORROWED}

    xml = _one(code, "xml").content.decode()
    assert "<status>open</status>" in xml
    assert f"<updated_datetime>{own['updated_datetime']}</updated_datetime>" in xml
    assert f"<expected_datetime>{own['expected_datetime']}</expected_datetime>" in xml
    notes = re.search(r"<status_notes>(.*?)</status_notes>", xml).group(1)
    assert notes == own["status_notes"]


def test_the_status_filter_reads_the_surviving_problems_status(cast, public_cats, partner_key):
    survivor = _survivor(cast, public_cats[0])
    code = _post(partner_key, public_cats[0])
    _merge(cast, code, survivor)
    assert code in _listed(status="open")
    assert code not in _listed(status="closed")
    assert code in _listed(status="open,closed")


def test_a_survivor_merged_again_is_followed_to_the_end(cast, public_cats, partner_key):
    """A → B, later B → C: A answers with C's state (the portal's surviving_problem)."""
    last = _survivor(cast, public_cats[0])
    first = _post(partner_key, public_cats[0])
    middle = _post(partner_key, public_cats[0])
    _merge(cast, first, Problem.objects.get(code=middle))
    problem_reject(problem=Problem.objects.get(code=middle), actor=cast.office, duplicate_of=last)
    own = _detail(last.code)
    for code in (first, middle):
        answer = _detail(code)
        assert {k: answer[k] for k in BORROWED} == {k: own[k] for k in BORROWED}
    # The filter looks one merge deep in SQL; a chain is never listed under the wrong status.
    assert first not in _listed(status="closed")


def test_the_survivors_of_a_page_are_read_in_one_query(cast, public_cats, partner_key):
    def merged_into_new_survivor():
        _merge(cast, _post(partner_key, public_cats[0]), _survivor(cast, public_cats[0]))

    merged_into_new_survivor()
    _listed()  # the reference rows' copies are read once per change, not per row
    with CaptureQueriesContext(connection) as few:
        _listed()
    for _ in range(4):
        merged_into_new_survivor()
    _listed()
    with CaptureQueriesContext(connection) as more:
        _listed()
    assert len(more) == len(few)
