"""Surveys: a public response, and the results at about 100,000 responses.

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when
WENMING_BENCH_PG_URL points at a server — a temporary database is created next to it and
dropped afterwards) with the demo city's regions and standards and the surveys demo, then
grows the completed survey to 100,000 responses (about 850,000 answers) and measures:

(`WENMING_BENCH_SURVEY_RESPONSES` sets another size, for a quicker run.)

- **submit**: `POST /api/v1/surveys/{id}/responses` (public, no login) of a full answer set to
  the demo's open survey, each from its own address. Floor: the raw INSERT of one response
  and its answers in one transaction.
- **results**: `selectors.survey_results` (responses and quotas per district, rate, n and
  margin per district and measure) as the office over the 100,000-response survey; the API
  `GET /api/v1/surveys/{id}/results`; and the scores' `satisfaction_by_region` over the
  survey's window. Floor: the raw GROUP BY over the survey's answers.

Figures are printed beside their floor (product p50 ÷ floor p50). No assertions.

Usage: python -m benchmarks surveys [--repeat=N] [--db=both|sqlite|postgresql]
"""

import os
import sys
import time

from benchmarks.bench_points import _row, _timed
from benchmarks.harness import child_or_main, run_per_database

RESPONSES = int(os.environ.get("WENMING_BENCH_SURVEY_RESPONSES", "100000"))


def main(argv: list[str]) -> int:
    return run_per_database(argv, module="benchmarks.bench_surveys", repeat=30)


def run(*, repeat: int) -> None:
    survey = _build()
    _bench_submit(repeat)
    _bench_results(survey, repeat)


def _build():
    import random

    from django.core.management import call_command
    from django.db import connection

    from wenming.org import demo as org_demo
    from wenming.org.models import Region, RegionLevel
    from wenming.standards import demo as standards_demo
    from wenming.surveys import demo
    from wenming.surveys.models import Response, Survey

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    demo.load(scale="small")
    survey = Survey.objects.get(code=demo.DONE_CODE)
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("path"))
    rng = random.Random(7)
    more = RESPONSES - Response.objects.filter(survey=survey).count()
    demo._responses(survey, districts, demo._shares(rng, districts), more, rng, None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  setup: {Response.objects.filter(survey=survey).count():,} responses, "
        f"{survey.questions.count()} questions, {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return survey


def _bench_submit(repeat: int) -> None:
    import json

    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from wenming.surveys import demo
    from wenming.surveys.models import Survey

    survey = Survey.objects.get(code=demo.OPEN_CODE)
    payload = []
    for q in survey.questions.prefetch_related("choices"):
        options = list(q.choices.all())
        if q.kind == "single":
            payload.append({"question": q.pk, "choice": options[0].pk})
        elif q.kind == "multiple":
            payload.append({"question": q.pk, "choices": [options[0].pk]})
        elif q.kind == "rating":
            payload.append({"question": q.pk, "value": q.scale_max})
        else:
            payload.append({"question": q.pk, "text": "多设垃圾桶"})
    body = json.dumps({"district": "210202", "answers": payload})
    counter = {"n": 0}
    # One client (a new one loads the middleware again, static files included); each request
    # comes from its own address, as citizens' phones do.
    client = Client()

    def submit():
        counter["n"] += 1
        n = counter["n"]
        response = client.post(
            f"/api/v1/surveys/{survey.pk}/responses",
            body,
            content_type="application/json",
            REMOTE_ADDR=f"10.{n // 65536 % 250}.{n // 256 % 256}.{n % 256}",
        )
        assert response.status_code == 201, response.content[:300]

    region_id = survey.quotas.first().region_id
    questions = [a["question"] for a in payload]

    def floor():
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO surveys_response (survey_id, region_id, submitted_at, submitted_on,"
                " device, is_demo) VALUES (%s, %s, %s, %s, '', false)",
                [survey.pk, region_id, now, now.date()],
            )
            cursor.execute("SELECT MAX(id) FROM surveys_response")
            rid = cursor.fetchone()[0]
            cursor.executemany(
                "INSERT INTO surveys_answer (response_id, question_id, choices, value, text,"
                " positive, region_id, submitted_on) VALUES (%s, %s, '[]', 5, '', true, %s, %s)",
                [(rid, q, region_id, now.date()) for q in questions],
            )

    print(f"\n  submit: {len(payload)} answers per response, public, one address each")
    floor_samples = _timed(floor, repeat)
    print(_row("API POST /surveys/{id}/responses", _timed(submit, repeat), floor_samples))
    print(_row("floor: INSERT 1 response + its answers", floor_samples))


def _bench_results(survey, repeat: int) -> None:
    from django.db import connection
    from django.test import Client

    from wenming.core.services import token_create
    from wenming.org.models import Person
    from wenming.surveys import selectors

    office = Person.objects.get(username="office")
    token = token_create(person=office, name="bench")[1]
    api = Client()
    ids = list(survey.questions.values_list("pk", flat=True))
    sql = (
        "SELECT question_id, region_id, COUNT(*), SUM(CASE WHEN positive THEN 1 ELSE 0 END) "
        f"FROM surveys_answer WHERE question_id IN ({', '.join(['%s'] * len(ids))}) "
        "AND positive IS NOT NULL GROUP BY question_id, region_id"
    )

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            cursor.fetchall()

    def results():
        selectors.survey_results(actor=office, survey=survey)

    def via_api():
        response = api.get(
            f"/api/v1/surveys/{survey.pk}/results", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.content[:300]

    def scores():
        selectors.satisfaction_by_region(start=survey.opens_on, end=survey.closes_on)

    print(f"\n  results: {RESPONSES:,} responses, as the office")
    floor = _timed(raw, repeat)
    print(_row("selector survey_results", _timed(results, repeat), floor))
    print(_row("API GET /surveys/{id}/results", _timed(via_api, repeat), floor))
    print(_row("satisfaction_by_region (the scores)", _timed(scores, repeat), floor))
    print(_row("raw SQL (GROUP BY over the answers)", floor))


if __name__ == "__main__":
    sys.exit(child_or_main(run, main, repeat=30))
