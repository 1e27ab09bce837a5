"""Material review: the material score, the submissions list through the API, and one upload.

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when WENMING_BENCH_PG_URL
names a server: a temporary database is created next to it and dropped afterwards) with the
demo city's units and evaluation system, the materials demo, and four more windows of the same
system whose every submission is pre-scored (five windows: one owner row per material clause
and owning unit each), then measures:

- **material_scores()** over every window (what the scoring app reads): two GROUP BY queries
  and the combining of per-clause rows. Floor: the raw GROUP BY unit over the same rows.
- **GET /api/v1/materials?limit=100** as the office, page 1 and a later page (cursor).
- **upload**: `evidence_add` of a 300 KB PDF (validation, storage, the row, event and audit
  entry). Floor: storing the same bytes through the storage API.

Figures are printed beside their floor (product p50 ÷ floor p50). No assertions.

Usage: python -m benchmarks materials [--repeat=N] [--db=both|sqlite|postgresql]
"""

import sys
import time

from benchmarks.bench_points import _row, _timed
from benchmarks.harness import child_or_main, run_per_database

EXTRA_WINDOWS = 4


def main(argv: list[str]) -> int:
    return run_per_database(argv, module="benchmarks.bench_materials", repeat=30)


def run(*, repeat: int) -> None:
    rows = _build()
    _bench(repeat, rows)


def _build() -> int:
    import random
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from wenming.materials import demo as materials_demo
    from wenming.materials import services
    from wenming.materials.models import Submission
    from wenming.org import demo as org_demo
    from wenming.org.models import Person
    from wenming.standards import demo as standards_demo
    from wenming.standards.models import EvaluationSystem

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    materials_demo.load(scale="small")
    office = Person.objects.get(username="office")
    system = EvaluationSystem.objects.get(code=materials_demo.SYSTEM_CODE)
    today = timezone.localdate()
    rng = random.Random(7)
    now = timezone.now()
    for n in range(EXTRA_WINDOWS):
        window = services.window_create(
            actor=office,
            system=system,
            name=f"bench {n}",
            assessment_date=today - timedelta(days=365 * (n + 1)),
        )
        rows = list(Submission.objects.filter(window=window))
        for row in rows:
            row.status, row.score = "scored", rng.choice([0.5, 0.7, 0.8, 0.9, 1])
            row.reviewed_at = now - timedelta(days=365 * (n + 1))
        Submission.objects.bulk_update(rows, ["status", "score", "reviewed_at"], batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Submission.objects.count()
    print(
        f"  setup: demo units, system and materials demo + {EXTRA_WINDOWS} scored windows "
        f"({total} submissions) in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return total


def _bench(repeat: int, total: int) -> None:
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from wenming.core.services import token_create
    from wenming.materials import selectors, services
    from wenming.materials.models import Submission
    from wenming.materials.samples import pdf_bytes
    from wenming.org.models import Person

    office = Person.objects.get(username="office")

    def floor_scores():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.unit_id, SUM(c.points_material), "
                "SUM(CASE WHEN s.status = 'scored' THEN s.score * c.points_material ELSE 0 END) "
                "FROM materials_submission s JOIN standards_clause c ON c.id = s.clause_id "
                "GROUP BY s.unit_id"
            )
            cursor.fetchall()

    floor = _timed(floor_scores, repeat)
    print(
        _row(
            f"material_scores() over {total} rows",
            _timed(lambda: selectors.material_scores(), repeat),
            floor,
        ),
        flush=True,
    )

    _token, raw = token_create(person=office, name="bench")
    client = Client()
    headers = {"Authorization": f"Bearer {raw}"}
    page = client.get("/api/v1/materials", {"limit": 100}, headers=headers).json()
    after = page["next"]

    def api_page(params):
        response = client.get("/api/v1/materials", params, headers=headers)
        assert response.status_code == 200, response.content

    print(
        _row("GET /api/v1/materials?limit=100", _timed(lambda: api_page({"limit": 100}), repeat)),
        flush=True,
    )
    print(
        _row(
            "GET /api/v1/materials?limit=100&after=…",
            _timed(lambda: api_page({"limit": 100, "after": after}), repeat),
        ),
        flush=True,
    )

    data = pdf_bytes("bench", tuple(f"line {i} " + "x" * 60 for i in range(4000)))
    from django.utils import timezone

    from wenming.standards.models import EvaluationSystem

    # A fresh window: a draft per owner pair, one upload each.
    fresh = services.window_create(
        actor=office,
        system=EvaluationSystem.objects.get(code="DEMO-2026"),
        name="bench uploads",
        assessment_date=timezone.localdate() + timedelta(days=30),
    )
    drafts = iter(
        Submission.objects.filter(window=fresh).select_related("window", "clause", "unit")
    )
    stored = []

    def upload():
        submission = next(drafts)
        services.evidence_add(
            actor=office,
            submission=submission,
            upload=SimpleUploadedFile("bench.pdf", data),
            kind="document",
            document_date=timezone.localdate() - timedelta(days=30),
        )

    def floor_store():
        stored.append(default_storage.save("bench/floor.pdf", ContentFile(data)))

    n = min(repeat, 20)
    floor = _timed(floor_store, n)
    print(
        _row(f"upload a {len(data) // 1024} KB PDF (evidence_add)", _timed(upload, n), floor),
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(child_or_main(run, main, repeat=30))
