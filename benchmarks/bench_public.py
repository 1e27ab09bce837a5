"""Citizens' portal: a public report with one photo, as a phone sends it (goal p95 ≤ 300 ms
server time), and the bytes of the portal's first page (goal ≤ 200 KB).

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when
WENMING_BENCH_PG_URL points at a server — a temporary database is created next to it and
dropped afterwards) with the demo city and a smaller demo ledger (5,000 problems), then:

- **report**: `POST /report/new/` through Django's test client (the whole middleware stack,
  CSRF off as the test client has it): form validation, the photo validated and its three
  copies encoded (a 1920×1440 JPEG of ~0.5 MB, what a messaging app's browser uploads), the
  ledger problem created by `problem_create`, the `CitizenReport` and the audit entry, the
  redirect to the follow page. The rate limit is switched off for the run (through the
  service), so every post is a real report. Floor: storing the photo's bytes once and one
  INSERT in a transaction.
- **first page**: the bytes of `GET /report/` and of every style sheet, script and image it
  names (read from the static files; the browser test `tests/e2e/test_public_portal.py`
  asserts the same budget from what a browser really loads).

Usage: python -m benchmarks public [--repeat=N] [--db=both|sqlite|postgresql]
"""

import io
import re
import sys
import time
from pathlib import Path

from benchmarks.bench_points import _row, _timed
from benchmarks.harness import child_or_main, run_per_database


def main(argv: list[str]) -> int:
    return run_per_database(argv, module="benchmarks.bench_public", repeat=40)


def run(*, repeat: int) -> None:
    _build()
    _bench_report(repeat)
    _first_page()


def _build() -> None:
    from django.core.management import call_command
    from django.db import connection

    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.problems import demo as problems_demo
    from wenming.standards import demo as standards_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    points_demo.load(scale="small")
    problems_demo.load(count=5000, photos=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  setup: demo city and 5,000 problems {time.perf_counter() - started:.1f} s")


def _phone_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1920, 1440), (200, 200, 190))
    draw = ImageDraw.Draw(image)
    for k in range(400):
        x, y = (k * 97) % 1920, (k * 57) % 1440
        draw.rectangle((x, y, x + 120, y + 80), fill=((k * 7) % 256, (k * 13) % 256, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _bench_report(repeat: int) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client

    from wenming.org.models import Person, Region, RegionLevel
    from wenming.public import selectors, services
    from wenming.public.models import CitizenReport

    office = Person.objects.get(username="office")
    services.portal_settings_update(
        actor=office,
        public_map=True,
        public_rankings=False,
        reports_per_hour=0,
        retention_days=365,
    )
    place = Region.objects.filter(level=RegionLevel.COMMUNITY, center_lat__isnull=False).first()
    category = selectors.public_categories()[0]
    photo = _phone_photo()
    client = Client()
    samples, cpu = [], []
    before = CitizenReport.objects.count()
    for n in range(repeat + 1):
        data = {
            "category": category.pk,
            "description": f"人行道上的垃圾桶满溢，已经两天没有清理 {n}",
            "lat": place.center_lat + 0.0003,
            "lon": place.center_lon + 0.0003,
            "address": "路口东侧",
            "reporter_phone": "13900000000",
            "website": "",
            "photos": [SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")],
        }
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.post("/report/new/", data, REMOTE_ADDR="198.51.100.7")
        elapsed = (time.perf_counter() - started) * 1000
        used = (time.thread_time() - started_cpu) * 1000
        assert response.status_code == 302, response.content[:500]
        if n:  # the first warms caches and connections
            samples.append(elapsed)
            cpu.append(used)
    made = CitizenReport.objects.count() - before
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_public_floor (id INTEGER, body TEXT)")
    counter = {"n": 0}

    def floor():
        counter["n"] += 1
        with transaction.atomic():
            default_storage.save(f"floor/{counter['n']}.jpg", ContentFile(photo))
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_public_floor (id, body) VALUES (%s, %s)",
                    [counter["n"], "x" * 200],
                )

    print(
        f"\n  report: {made} public reports with one {len(photo) // 1024} KB photo "
        f"(1920×1440), {len(samples)} timed"
    )
    floor_samples = _timed(floor, len(samples))
    print(_row("POST /report/new/ (one photo)", samples, floor_samples) + "   goal p95 ≤ 300 ms")
    # The request's own CPU (this thread): what the wall time would be on an idle server.
    print(_row("  the same, CPU time of the request", cpu, floor_samples))
    print(_row("floor: photo stored + one row inserted", floor_samples))


def _first_page() -> None:
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.test import Client

    html = Client().get("/report/").content
    total = len(html)
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    for asset in assets:
        # A hashed name (the manifest storage) is in STATIC_ROOT; a plain one in the apps.
        collected = Path(settings.STATIC_ROOT) / asset.decode()
        found = collected if collected.exists() else finders.find(asset.decode())
        if found is None:
            raise SystemExit(f"first page: {asset.decode()} not found")
        total += Path(found).stat().st_size
    print(
        f"\n  first page: GET /report/ {len(html):,} B + {len(assets)} static files = "
        f"{total:,} B   goal ≤ 200 KB (204,800 B)"
    )


if __name__ == "__main__":
    sys.exit(child_or_main(run, main, repeat=40))
