"""The web floor for problem creation, as `../shared/performance.md` measured it.

A bare django-ninja app: POST a problem's JSON, validate it against a schema, INSERT one row
into a table without secondary indexes, answer 201 with the row. No authentication, no
middleware, no audit. The creation benchmark serves it with the same gunicorn settings and the
same wrk script as the product, in the same run, so the product's figure can be read against
it: absolute rates drift on shared machines, the ratio does not. `FLOOR_DB` names the database:
a SQLite file (WAL, persistent connection, the product's `synchronous`), or a `postgres://` URL
(persistent connection). `create_table` makes the table.
"""

import os
import sqlite3

from django.conf import settings

DB = os.environ.get("FLOOR_DB", "")
POSTGRES = DB.startswith(("postgres://", "postgresql://"))
# The product's setting (settings.py, WENMING_SQLITE_SYNCHRONOUS), so both sync alike.
SYNCHRONOUS = os.environ.get(
    "WENMING_SQLITE_SYNCHRONOUS",
    "FULL" if os.environ.get("WENMING_PRODUCTION") == "1" else "NORMAL",
)

TABLE = """
CREATE TABLE IF NOT EXISTS floor_problem (
    id {id},
    title TEXT NOT NULL, category TEXT NOT NULL, source TEXT NOT NULL, region TEXT NOT NULL,
    address TEXT NOT NULL, lat {real}, lon {real}, created_at TEXT NOT NULL
)
"""


def create_table(db: str) -> None:
    if db.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(db, autocommit=True) as connection:
            connection.execute(TABLE.format(id="BIGSERIAL PRIMARY KEY", real="DOUBLE PRECISION"))
        return
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(TABLE.format(id="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL"))


def _database() -> dict:
    if POSTGRES:
        import dj_database_url

        return {**dj_database_url.parse(DB), "CONN_MAX_AGE": 600}
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DB,
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SYNCHRONOUS};",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        SECRET_KEY="floor-only",
        USE_TZ=True,
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        DATABASES={"default": _database()},
    )

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402


class ProblemIn(Schema):
    title: str
    category: str
    source: str
    region: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None


api = NinjaAPI(urls_namespace="floor")


@api.post("/problems", response={201: dict})
def create(request, payload: ProblemIn):
    row = payload.dict()
    row["created_at"] = timezone.now().isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO floor_problem (title, category, source, region, address, lat, lon,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [row[k] for k in ("title", "category", "source", "region", "address", "lat", "lon")]
            + [row["created_at"]],
        )
        row["id"] = cursor.fetchone()[0]
    return 201, row


@api.get("/ping")
def ping(request):
    return {"ok": True}


urlpatterns = [path("api/v1/", api.urls)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
