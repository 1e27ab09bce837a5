"""The one settings file. Everything deployment-specific comes from WENMING_* variables."""

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def home_dir(package_dir: Path, environ) -> Path:
    """The folder whose var/ holds the data (SQLite database, uploads, collected static files).

    WENMING_HOME when set; in a source checkout (pyproject.toml beside the package) the
    checkout. A package installed from a wheel lives in site-packages, where data must not go,
    and a service's working directory is often /, so there WENMING_HOME is required."""
    if environ.get("WENMING_HOME"):
        return Path(environ["WENMING_HOME"]).resolve()
    if (package_dir.parent / "pyproject.toml").is_file():
        return package_dir.parent
    raise ImproperlyConfigured(
        "WENMING_HOME is not set. Wenming is installed as a package, so it keeps its data"
        " (var/: the SQLite database, uploaded files, collected static files) under the folder"
        " WENMING_HOME names, e.g. export WENMING_HOME=/srv/wenming"
    )


BASE_DIR = home_dir(PACKAGE_DIR, os.environ)
VAR_DIR = BASE_DIR / "var"


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_flag("WENMING_PRODUCTION")
DEBUG = env_flag("WENMING_DEBUG", default=False)
# Demo data and the shared demo password are refused in production.
DEMO_MODE = not PRODUCTION


def env_key(variable: str, *, file_name: str, nbytes: int) -> str:
    """A key from the environment; required in production, else generated once under var/.

    Development keeps the generated key in a file, so sessions and the audit chain survive
    restarts."""
    key = os.environ.get(variable)
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(f"{variable} must be set when WENMING_PRODUCTION=1")
    key_file = VAR_DIR / file_name
    if not key_file.exists():
        # Written whole to a private file, then linked into place: a process starting at the
        # same moment (serve's worker beside gunicorn) never reads a half-written key, and the
        # first link wins.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = VAR_DIR / f".{file_name}.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(nbytes))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, key_file)
        draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = env_key("WENMING_SECRET_KEY", file_name="secret_key", nbytes=50)
ALLOWED_HOSTS = env_list("WENMING_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("WENMING_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "wenming.core",
    "wenming.org",
    "wenming.standards",
    "wenming.points",
    "wenming.problems",
    "wenming.notifications",
    "wenming.inspections",
    "wenming.public",
    "wenming.open311",
    "wenming.surveys",
    "wenming.plans",
    "wenming.materials",
    "wenming.creation",
    "wenming.scoring",
    "wenming.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One read of the reference rows' version token per request (core/refcache.py).
    "wenming.core.refcache.ReferenceRowsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wenming.core.middleware.LanguageMiddleware",
    "wenming.core.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it sees the user and the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wenming.urls"
WSGI_APPLICATION = "wenming.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wenming.core.context_processors.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("WENMING_DATABASE_URL", "sqlite:///var/wenming.sqlite3")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    name = Path(_db["NAME"]) if _db["NAME"] not in ("", ":memory:") else None
    if name is not None and not name.is_absolute():
        name = BASE_DIR / name
        name.parent.mkdir(parents=True, exist_ok=True)
        _db["NAME"] = str(name)
    # Durability on power loss (docs/deployment.md states the trade-off): FULL syncs the
    # write-ahead log at every commit, so a committed report survives a power cut; NORMAL
    # syncs only at checkpoints, so the last commits before a power cut (never an application
    # crash) may be lost, and each commit is cheaper. Production defaults to FULL.
    SQLITE_SYNCHRONOUS = os.environ.get(
        "WENMING_SQLITE_SYNCHRONOUS", "FULL" if PRODUCTION else "NORMAL"
    ).upper()
    if SQLITE_SYNCHRONOUS not in ("NORMAL", "FULL", "EXTRA"):
        raise ImproperlyConfigured("WENMING_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA")
    # Django's own backend; everything below is its documented OPTIONS and SQLite's PRAGMAs.
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers never both read a stale row
        # and then collide on upgrade (SQLite has no SELECT … FOR UPDATE).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # temp_store=MEMORY: sorts and statement journals stay in memory; by default SQLite
        # created and deleted a temporary file under /var/tmp for every report.
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};"
            " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA temp_store=MEMORY;"
        ),
    }
    # performance.md: a new SQLite connection per request makes writes 2.8x slower.
    _db["CONN_MAX_AGE"] = 600
else:
    _db["CONN_MAX_AGE"] = int(os.environ.get("WENMING_CONN_MAX_AGE", "60"))
    _db["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: it pays off for long analytical queries, but a ledger page whose
    # plan merely *looks* expensive (a walk stopped by LIMIT) paid 20 ms to compile a 0.1 ms
    # query. Kept off for the whole connection (docs/performance.md, finding 4).
    _db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------
AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wenming.core.backends.WenmingModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("WENMING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("WENMING_LOCKOUT_MINUTES", "15")))
# Lock the account, not the address: a whole district office often shares one NAT address,
# and locking it would shut out every colleague because one of them mistyped.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wenming.core.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# --- Audit --------------------------------------------------------------------------------
# The audit chain's hashes are HMACs under this key (docs/audit.md). It is never stored in the
# database: someone who can write to the database but lacks the key cannot re-hash a rewrite.
WENMING_AUDIT_KEY = env_key("WENMING_AUDIT_KEY", file_name="audit_key", nbytes=32)
# Only for `wenming audit rekey` (a key rotation): the key the log is written with until then.
WENMING_AUDIT_OLD_KEY = os.environ.get("WENMING_AUDIT_OLD_KEY", "")
# `wenming audit anchor` appends the chain's head here; keep it out of the database's reach.
WENMING_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("WENMING_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.log")
)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "wenming_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS: list[Path] = []
# Dates and times shown as ISO (2026-03-05 14:30) in both languages (wenming/formats/).
FORMAT_MODULE_PATH = "wenming.formats"

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries that `make install` copies out of node_modules (scripts/vendor.py); a
# wheel (`make dist`) carries them, so an installed server needs no npm.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("WENMING_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files: the local folder (one app server) or an S3-compatible object store (MinIO,
# Ceph, the S3 endpoints of Chinese clouds) that every app server shares. Objects are private:
# users read them only through the scoped photo views, never by a URL of the store.
WENMING_STORAGE = os.environ.get("WENMING_STORAGE", "local").strip().lower()
if WENMING_STORAGE == "s3":
    from botocore.config import Config as _BotoConfig

    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": os.environ.get("WENMING_S3_ENDPOINT_URL") or None,
            "bucket_name": os.environ.get("WENMING_S3_BUCKET", ""),
            "access_key": os.environ.get("WENMING_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("WENMING_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("WENMING_S3_REGION") or None,
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # any URL the store hands out is signed and short-lived
            "querystring_expire": 300,
            # Names are random (uuid4), so no HEAD request per file to find a free name.
            "file_overwrite": True,
            # An unreachable store must answer the upload quickly (503), not after minutes.
            "client_config": _BotoConfig(
                s3={"addressing_style": os.environ.get("WENMING_S3_ADDRESSING_STYLE") or "auto"},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }
    if not _DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("WENMING_STORAGE=s3 needs WENMING_S3_BUCKET.")
elif WENMING_STORAGE == "local":
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("WENMING_STORAGE must be 'local' or 's3'.")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    # Hashed names (bootstrap.min.3f2a….css), compressed copies, and WhiteNoise answers them
    # with a year's immutable Cache-Control. Needs `collectstatic`: `wenming serve` and
    # `make install` run it when a source changed (wenming/core/staticbuild.py). The test
    # suite uses plain names instead (wenming/settings_test.py), as Django's docs advise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With WENMING_DEBUG=1 pages name the unhashed files and WhiteNoise serves them straight from
# the apps, re-read on each request, so an edited script shows without a collection. Otherwise
# only the collected files are served.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Request bodies: JSON above 1 MiB is refused with 400; photos are bounded by the upload checks.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Caches -------------------------------------------------------------------------------
# Every process keeps copies of the reference rows (regions, units, categories, routing rules,
# ledger settings, holidays); one version token in this cache tells whether they are still
# true, and the service that changes a row replaces it (wenming/core/refcache.py). So the cache
# must be shared by every process that serves: by default a folder under var/ (gunicorn's
# workers and the task worker of one machine); several app servers name one Redis,
# `redis://host:6379/0`. `locmem://` keeps it in the process: one process only (a test run).
CACHE_URL = os.environ.get("WENMING_CACHE_URL", "").strip() or f"file://{VAR_DIR / 'cache'}"
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    _CACHE = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        # A Redis that does not answer must not hold a request: after a second the reference
        # rows are read from the database instead (core/refcache.py).
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
elif CACHE_URL.startswith("file://"):
    _CACHE = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_URL.removeprefix("file://"),
    }
elif CACHE_URL == "locmem://":
    _CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wenming"}
else:
    raise ImproperlyConfigured("WENMING_CACHE_URL must be redis://…, file:///folder or locmem://")
CACHES = {"default": {**_CACHE, "KEY_PREFIX": "wenming"}}

# --- Background work ----------------------------------------------------------------------
# Tasks are rows in the database (django-tasks-db) that `wenming worker` runs, in every
# environment: nothing slow or remote (SMTP, group robots, long documents) runs inside a
# request, and no broker is needed. `make run` / `wenming serve` start a worker beside the
# server. Tests that want tasks run at once say so (the `immediate_tasks` fixture).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Maps --------------------------------------------------------------------------------
MAP_TILE_URL = os.environ.get(
    "WENMING_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = os.environ.get("WENMING_MAP_TILE_ATTRIBUTION", "© OpenStreetMap")
# Chinese commercial tile servers draw in GCJ-02; set this so WGS-84 points are shifted.
MAP_TILES_GCJ02 = env_flag("WENMING_MAP_TILES_GCJ02")
# The city's extent, "south,west,north,east" in WGS-84 degrees: reports placed outside it are
# refused. Unset, it is the box around the regions' centres widened by half a degree
# (wenming/org/places.py).
CITY_EXTENT = tuple(float(v) for v in env_list("WENMING_CITY_EXTENT", [])) or None
if CITY_EXTENT is not None and (
    len(CITY_EXTENT) != 4 or CITY_EXTENT[0] >= CITY_EXTENT[2] or CITY_EXTENT[1] >= CITY_EXTENT[3]
):
    raise ImproperlyConfigured("WENMING_CITY_EXTENT must be south,west,north,east")

# --- Security headers ---------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# A refused form (its token stale) is said in the user's language on the site's error page.
CSRF_FAILURE_VIEW = "wenming.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_tile_origin = "https:" if MAP_TILE_URL.startswith("https:") else "http:"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # ECharts and Leaflet position elements with inline style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", _tile_origin],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("WENMING_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WENMING_LOG_LEVEL", "WARNING")},
    # Failed sign-ins are already in our audit log; axes would repeat each one on stderr.
    "loggers": {"axes": {"level": "ERROR"}},
}

# --- E-mail (notifications) -------------------------------------------------------------
# Development prints e-mails to the console; production sets an SMTP URL's parts.
EMAIL_BACKEND = os.environ.get(
    "WENMING_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("WENMING_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WENMING_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("WENMING_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WENMING_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("WENMING_EMAIL_TLS")
# Seconds an SMTP connection may block the worker; a slow server fails the attempt, which
# the delivery's back-off retries later.
EMAIL_TIMEOUT = float(os.environ.get("WENMING_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("WENMING_EMAIL_FROM", "wenming@localhost")

# --- Product settings ---------------------------------------------------------------------
# Absolute base of links in e-mails and group-robot messages, e.g. https://wenming.example.cn
WENMING_SITE_URL = os.environ.get("WENMING_SITE_URL", "").rstrip("/")
WENMING_MAX_UPLOAD_MB = int(os.environ.get("WENMING_MAX_UPLOAD_MB", "10"))
# Largest accepted document (PDF, Word, Excel, image) for plans, material review and creation.
WENMING_MAX_DOCUMENT_BYTES = int(os.environ.get("WENMING_MAX_DOCUMENT_BYTES", str(20 * 1024 * 1024)))
# 40 MP: phones save 12-13 MP by default; stored copies are at most 4096 px (16.8 MP) anyway,
# and one decoded 40 MP photo already holds 120 MB in a worker.
WENMING_MAX_IMAGE_PIXELS = int(os.environ.get("WENMING_MAX_IMAGE_PIXELS", "40000000"))
WENMING_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("WENMING_NOTIFY_MAX_ATTEMPTS", "8"))
# Days a generated document (core/jobs.py) and its file are kept; `wenming tick` removes older.
WENMING_JOB_KEEP_DAYS = int(os.environ.get("WENMING_JOB_KEEP_DAYS", "7"))
WENMING_DEMO_PASSWORD = "wenming-demo"
WENMING_API_TOKEN_PREFIX = "wm_"
SITE_TITLE = _("Wenming — Civilized City Campaign")
