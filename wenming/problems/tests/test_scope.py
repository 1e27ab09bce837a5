"""A Ganjingzi officer gets nothing of Zhongshan's: pages, counts, photos, export, API counts.

(The API list and detail are in test_api; metrics in test_metrics.)
"""

import io
import re

import pytest
from openpyxl import load_workbook

from wenming.problems import services
from wenming.problems.models import Problem, ProblemPhoto

from .factories import HERE, accepted, dispatched, now_exif, photo, report

HTMX = {"HX-Request": "true"}


@pytest.fixture
def city(cast):
    zs = accepted(cast, region=cast.zhongshan_district, title="中山区垃圾桶满溢")
    services.problem_photo_add(
        problem=zs, actor=cast.zhongshan, kind="after", upload=photo(5, taken=now_exif(), gps=HERE)
    )
    gjz = dispatched(cast, region=cast.ganjingzi_district, place=cast.ganjingzi_community)
    return {"zs": zs, "gjz": gjz}


@pytest.mark.storage
def test_pages_of_a_zhongshan_problem_answer_404_to_ganjingzi(cast, page_as, city):
    zs = city["zs"]
    version = Problem.objects.get(pk=zs.pk).version
    client = page_as(cast.ganjingzi)
    assert client.get(f"/problems/{zs.code}/").status_code == 404
    assert client.post(f"/problems/{zs.code}/act/", {"action": "rectify"}).status_code == 404
    upload = client.post(f"/problems/{zs.code}/photos/", {"kind": "after", "file": photo(9)})
    assert upload.status_code == 404
    picture = ProblemPhoto.objects.get(problem=zs)
    for variant in ("thumb", "full"):
        assert client.get(f"/problems/photos/{picture.pk}/{variant}/").status_code == 404
    assert Problem.objects.get(pk=zs.pk).version == version
    assert ProblemPhoto.objects.filter(problem=zs).count() == 1


def _chip_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-status="(\w+)">[^<]*<span class="badge[^"]*">([\d,]+)</span>', html)
    return {status: int(n.replace(",", "")) for status, n in found}


def test_counts_by_status_are_scoped(cast, page_as, api_as, city):
    office = _chip_counts(page_as(cast.office).get("/problems/", headers=HTMX).content.decode())
    assert office.get("in_progress") == 1 and office.get("dispatched") == 1
    mine = _chip_counts(page_as(cast.ganjingzi).get("/problems/", headers=HTMX).content.decode())
    assert mine.get("dispatched") == 1 and not mine.get("in_progress")
    body = api_as(cast.ganjingzi).get("problems", counts="1").json()
    assert body["count"] == 1 and not body["counts_by_status"].get("in_progress")


def test_ganjingzi_cannot_widen_the_ledger_or_the_export_to_zhongshan(cast, page_as, city):
    client = page_as(cast.ganjingzi)
    html = client.get("/problems/", {"region": "210202"}).content.decode()
    assert 'data-testid="ledger-error"' in html and city["zs"].code not in html
    # Searching for the code finds nothing either.
    found = client.get("/problems/", {"q": city["zs"].code}).content.decode()
    assert f'data-code="{city["zs"].code}"' not in found
    refused = client.get("/problems/export.xlsx", {"region": "210202"})
    # The ledger page with the reason beside the region field, no file.
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/html")
    assert "210202" in refused.content.decode().split('id="err-region"')[1].split("</div>")[0]
    rows = list(
        load_workbook(
            io.BytesIO(b"".join(client.get("/problems/export.xlsx").streaming_content))
        ).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [city["gjz"].code]


def test_the_reporters_contact_is_shown_to_the_office_only(cast, page_as, api_as):
    problem = report(
        cast.office,
        region=cast.zhongshan_community,
        reporter_name="李先生",
        reporter_phone="13912345678",
    )
    problem = services.problem_dispatch(problem=problem, actor=cast.office, unit=cast.urban_unit)
    assert "13912345678" in page_as(cast.office).get(f"/problems/{problem.code}/").content.decode()
    for person in (cast.urban, cast.zhongshan, cast.leader):
        html = page_as(person).get(f"/problems/{problem.code}/").content.decode()
        assert "13912345678" not in html and "李先生" not in html
        body = api_as(person).get(f"problems/{problem.code}")
        assert "13912345678" not in body.content.decode()
        listed = api_as(person).get("problems")
        assert "13912345678" not in listed.content.decode()


@pytest.mark.parametrize(
    "who", ["office", "leader", "zhongshan", "ganjingzi", "urban", "education", "inspector"]
)
def test_the_hand_written_scope_condition_selects_what_the_orm_scope_does(cast, city, who):
    """scope_sql writes scope_queryset's rule for hand-written queries on hot paths (duplicate
    suggestions on every report); where it can, it must select exactly the same problems."""
    from django.db import connection

    from wenming.core.scope import scope_queryset, scope_sql

    report(cast.inspector, region=cast.ganjingzi_community, source="inspection", title="井盖缺失")
    dispatched(cast, unit=cast.education_unit, title="校门口乱停车")
    dispatched(cast, title="垃圾桶满溢")  # to the Urban Management Bureau
    actor = getattr(cast, who)
    written = scope_sql(actor, Problem, "p")
    expected = set(scope_queryset(Problem.objects.all(), actor).values_list("pk", flat=True))
    assert expected, "every persona should see something here"
    if written is None:
        assert who in ("urban", "education")  # co-units: a join, left to the ORM
        return
    condition, params = written
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM problems_problem p WHERE {condition}", params)
        assert {row[0] for row in cursor.fetchall()} == expected
