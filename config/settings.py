"""Fogwatch settings: every value comes from the environment (see .env.example).

Bare-machine defaults: SQLite when DATABASE_URL is unset, Celery tasks run in-process
when REDIS_URL is unset, DEBUG off unless asked for.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from config import sentry
from config.env import env_bool, env_float, env_int, env_list, env_str
from config.logs import FORMATS as LOG_FORMATS
from config.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    # No key committed anywhere: a bare-machine run gets a random one for this process
    # (sessions do not outlive it). Production sets DJANGO_SECRET_KEY.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_guid",
    "health_check",
    "core",
    "actors",
    "locations",
    "sources",
    "claims",
    "intake",
    "interchange",
    "notifications",
    "devdata",
    "web",
]

MIDDLEWARE = [
    # The request id first, so every later line of the request carries it (core/request_id.py).
    "core.request_id.RequestIdHeaderCheck",
    "django_guid.middleware.guid_middleware",
    "core.request_id.AccessLog",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.api.errors.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Where reads go when a replica is set (core/replica.py): inside the session middleware, before
    # anything reads. Does nothing without DATABASE_REPLICA_URL.
    "core.replica.ReadYourWritesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.access.PublicReadMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite on a bare machine, PostgreSQL (or anything dj-database-url reads) from DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "fogwatch.sqlite3")),
            # One writer at a time, and the others wait for it instead of failing with "database is
            # locked": WAL lets reads go on beside a write, IMMEDIATE takes the write lock when a
            # transaction starts (no deadlocked upgrade from a read lock), and a busy writer is
            # waited for up to FOGWATCH_SQLITE_BUSY_SECONDS.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("FOGWATCH_SQLITE_BUSY_SECONDS", 30, minimum=1),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
# Reads go to a streaming replica when DATABASE_REPLICA_URL is set (config/db_router.py), except a
# client's reads after its own write until the replica has replayed it (core/replica.py,
# docs/replicas.md).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
    )
    # A replica that does not answer is skipped (reads go to the primary), after this many seconds.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("FOGWATCH_REPLICA_CONNECT_TIMEOUT", 2, minimum=1)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# PostgreSQL's JIT compiler is off on Fogwatch's connections (FOGWATCH_POSTGRES_JIT=true leaves it on).
# A request's statements cost too little for it to start; the set-wise batches of recomputes and
# imports cost enough, and there it spent longer compiling than it saved (the facts of a batch of
# 25,000 claims at 1,000,000: 736 ms of JIT against 300 ms of execution; docs/benchmarks.md).
FOGWATCH_POSTGRES_JIT = env_bool("FOGWATCH_POSTGRES_JIT", False)
if not FOGWATCH_POSTGRES_JIT:
    for _database in DATABASES.values():
        if "postgresql" in _database["ENGINE"]:
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Where the replica cannot say how far it has replayed, a client reads the primary for this many
# seconds after its write; where it can, until it has replayed the write, however long that takes.
FOGWATCH_REPLICA_STICKY_SECONDS = env_int("FOGWATCH_REPLICA_STICKY_SECONDS", 30, minimum=0)
# After the replica failed to answer, reads go to the primary for this many seconds before it is tried again.
FOGWATCH_REPLICA_RETRY_SECONDS = env_float("FOGWATCH_REPLICA_RETRY_SECONDS", 5.0, minimum=0.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("FOGWATCH_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Leaflet comes from the django-leaflet wheel at install time (its static files only: the app's
# admin integration needs GDAL, which the embedded default does not have). The map's other
# front-end packages come from npm (package.json, `npm ci` in the Makefile): only the folders the
# pages load are served. The offline basemap is built from npm's Natural Earth data at install time
# (`npm run basemap`, tools/basemap.mjs) into build/basemap/.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor", Path(importlib.util.find_spec("leaflet").origin).parent / "static"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/topojson-client", NODE_MODULES / "topojson-client" / "dist"),
    ("basemap", BASE_DIR / "build" / "basemap"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "core.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# The site's own login (web/views/accounts.py), for analysts as well as staff; the admin keeps its own.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "claims:overview"
LOGOUT_REDIRECT_URL = "claims:overview"

# Cache: Redis when REDIS_URL is set, process memory otherwise.
REDIS_URL = env_str("REDIS_URL")
# Redis down is a miss, not a 500 (core/cache.py): reads compute fresh, the outage is logged once.
FOGWATCH_CACHE_TIMEOUT = env_float("FOGWATCH_CACHE_TIMEOUT", 0.5)  # seconds to connect or answer
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": FOGWATCH_CACHE_TIMEOUT, "socket_timeout": FOGWATCH_CACHE_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis as broker and result store when REDIS_URL is set; tasks run in-process otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a request gives up fast when Redis is down (core/tasks.py then falls back):
# at most FOGWATCH_BROKER_PUBLISH_RETRIES reconnects, a fraction of a second apart. The visibility
# timeout is added below, with the settings it is sized by (FOGWATCH_TASK_VISIBILITY_SECONDS).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": env_int("FOGWATCH_BROKER_PUBLISH_RETRIES", 1, minimum=0),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Fogwatch's own settings.
FOGWATCH_PUBLIC_READ = env_bool("FOGWATCH_PUBLIC_READ", True)
FOGWATCH_PAGE_SIZE = env_int("FOGWATCH_PAGE_SIZE", 50, minimum=1)
FOGWATCH_MAX_PAGE_SIZE = env_int("FOGWATCH_MAX_PAGE_SIZE", 500, minimum=1)
# How long a claim list's count (and an as-of evaluation) stays cached under the data version
# (core/versions.py; PostgreSQL only); 0 turns the cache off.
FOGWATCH_VERSION_CACHE_SECONDS = env_int("FOGWATCH_VERSION_CACHE_SECONDS", 600, minimum=0)
FOGWATCH_RECOMPUTE_BATCH = env_int("FOGWATCH_RECOMPUTE_BATCH", 25000, minimum=1)
# Rows per batch of the bulk import path (an import job commits its progress with each batch).
FOGWATCH_IMPORT_BATCH = env_int("FOGWATCH_IMPORT_BATCH", 10000, minimum=1)
# Maps draw the offline basemap (Natural Earth countries and provinces, served by Fogwatch itself);
# a tile server's URL template (``https://tiles.example.org/{z}/{x}/{y}.png``) puts its tiles
# on top instead, with the basemap shown whenever they cannot load. Empty: the basemap only.
FOGWATCH_TILE_URL = env_str("FOGWATCH_TILE_URL", "")
FOGWATCH_TILE_ATTRIBUTION = env_str("FOGWATCH_TILE_ATTRIBUTION", "")

# Limits on what a write may send (README, "Running it safely"; docs/api.md, "Limits").
# The largest request body read, in bytes (the API answers 413 past it; forms get Django's 400).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FOGWATCH_MAX_BODY_BYTES", 2_621_440, minimum=1024)
# How deeply JSON bodies may nest (arrays and objects); deeper is a 400, read without recursion.
FOGWATCH_MAX_JSON_DEPTH = env_int("FOGWATCH_MAX_JSON_DEPTH", 32, minimum=2)
# Citations a claim may have, and items any other list a write takes may have (aliases, a
# conflict's places and parties, an intake's draft edits).
FOGWATCH_MAX_CITATIONS = env_int("FOGWATCH_MAX_CITATIONS", 200, minimum=1)
FOGWATCH_MAX_LIST_ITEMS = env_int("FOGWATCH_MAX_LIST_ITEMS", 200, minimum=1)
# Characters of a free-text field without a length of its own (quotes, descriptions, notes, summaries).
FOGWATCH_MAX_TEXT_LENGTH = env_int("FOGWATCH_MAX_TEXT_LENGTH", 50_000, minimum=1)
# Idempotent creates (core/api/idempotency.py; docs/api.md, "Retrying a write"): how long the answer
# to a POST sent with an ``Idempotency-Key`` header is kept and replayed to a retry with that key.
FOGWATCH_IDEMPOTENCY_SECONDS = env_int("FOGWATCH_IDEMPOTENCY_SECONDS", 86400, minimum=1)

# Background work (docs/background.md). A bloc move affecting more claims than the limit is
# recomputed by a task (a RecomputeJob with progress); up to it, in the writing request.
FOGWATCH_SYNC_RECOMPUTE_LIMIT = env_int("FOGWATCH_SYNC_RECOMPUTE_LIMIT", 5000, minimum=0)
# Absolute base of the links sent in webhook events (claim.url).
FOGWATCH_BASE_URL = env_str("FOGWATCH_BASE_URL", "http://localhost:8000").rstrip("/")
FOGWATCH_FETCH_TIMEOUT = env_int("FOGWATCH_FETCH_TIMEOUT", 10, minimum=1)  # seconds, feeds and archiving
FOGWATCH_FEED_MAX_BYTES = env_int("FOGWATCH_FEED_MAX_BYTES", 5_000_000, minimum=1)
FOGWATCH_ARCHIVE_MAX_BYTES = env_int("FOGWATCH_ARCHIVE_MAX_BYTES", 10_000_000, minimum=1)
FOGWATCH_ARCHIVE_MAX_REDIRECTS = env_int("FOGWATCH_ARCHIVE_MAX_REDIRECTS", 10, minimum=0)
# Feeds and archiving refuse loopback, private and link-local addresses unless this is on
# (report URLs come from outside: they must not reach the database, Redis or a metadata service).
FOGWATCH_FETCH_ALLOW_PRIVATE = env_bool("FOGWATCH_FETCH_ALLOW_PRIVATE", False)
FOGWATCH_WEBHOOK_TIMEOUT = env_int("FOGWATCH_WEBHOOK_TIMEOUT", 10, minimum=1)  # seconds
FOGWATCH_WEBHOOK_MAX_ATTEMPTS = env_int("FOGWATCH_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
FOGWATCH_WEBHOOK_RETRY_BASE = env_int("FOGWATCH_WEBHOOK_RETRY_BASE", 30, minimum=0)  # seconds; doubles per attempt
FOGWATCH_WEBHOOK_PAUSE_AFTER = env_int("FOGWATCH_WEBHOOK_PAUSE_AFTER", 5, minimum=1)  # consecutive failures
# A delivery whose task should have run by now (a first attempt never made, a retry this long past its
# delay: the task was lost with Redis or with a worker) is queued again by the webhooks sweep.
FOGWATCH_WEBHOOK_STRANDED_AFTER = env_int("FOGWATCH_WEBHOOK_STRANDED_AFTER", 300, minimum=1)  # seconds

# A worker lost mid-job (docs/background.md, "A worker lost mid-job"). A running RecomputeJob records
# every FOGWATCH_JOB_HEARTBEAT_SECONDS that its worker is alive; one silent for FOGWATCH_JOB_STALE_SECONDS
# lost its worker and is taken up again, where it stopped, by the jobs sweep (every
# FOGWATCH_JOBS_SWEEP_INTERVAL, and when a worker starts).
FOGWATCH_JOB_HEARTBEAT_SECONDS = env_int("FOGWATCH_JOB_HEARTBEAT_SECONDS", 5, minimum=1)
FOGWATCH_JOB_STALE_SECONDS = env_int("FOGWATCH_JOB_STALE_SECONDS", 30, minimum=2)
if FOGWATCH_JOB_STALE_SECONDS < 2 * FOGWATCH_JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        f"FOGWATCH_JOB_STALE_SECONDS ({FOGWATCH_JOB_STALE_SECONDS}) must be at least twice"
        f" FOGWATCH_JOB_HEARTBEAT_SECONDS ({FOGWATCH_JOB_HEARTBEAT_SECONDS}): a live worker's job would look lost"
    )

# Redis's visibility timeout: a task a worker took but has not acknowledged (tasks acknowledge when
# they finish) goes back on the queue after this long. It must outlast the longest task and the
# longest countdown, or a task still running (or a retry waiting for its time, which the worker holds
# unacknowledged) is handed to a second worker. The longest countdown is the wait before the last
# webhook attempt (FOGWATCH_WEBHOOK_RETRY_BASE doubled FOGWATCH_WEBHOOK_MAX_ATTEMPTS - 2 times: 32
# minutes by default); the longest task, the consistency sweep, takes about a minute per million
# claims. The default is that wait plus a quarter of an hour. A lost worker's recompute job does not
# wait for it (the heartbeat above), nor do webhook retries (FOGWATCH_WEBHOOK_STRANDED_AFTER).
FOGWATCH_WEBHOOK_LONGEST_WAIT = FOGWATCH_WEBHOOK_RETRY_BASE * 2 ** max(FOGWATCH_WEBHOOK_MAX_ATTEMPTS - 2, 0)
FOGWATCH_TASK_VISIBILITY_SECONDS = env_int(
    "FOGWATCH_TASK_VISIBILITY_SECONDS", FOGWATCH_WEBHOOK_LONGEST_WAIT + 900, minimum=60
)
if FOGWATCH_TASK_VISIBILITY_SECONDS <= FOGWATCH_WEBHOOK_LONGEST_WAIT:
    raise ImproperlyConfigured(
        f"FOGWATCH_TASK_VISIBILITY_SECONDS ({FOGWATCH_TASK_VISIBILITY_SECONDS}) must be longer than the wait"
        f" before the last webhook attempt ({FOGWATCH_WEBHOOK_LONGEST_WAIT} s: FOGWATCH_WEBHOOK_RETRY_BASE doubled"
        f" FOGWATCH_WEBHOOK_MAX_ATTEMPTS - 2 times), or Redis hands waiting retries to a second worker"
    )
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = FOGWATCH_TASK_VISIBILITY_SECONDS

# Periodic tasks, intervals in seconds: celery beat sends them with Redis; without it (make run) the
# server runs them itself unless FOGWATCH_EMBEDDED_SCHEDULE is off (core/schedule.py).
FOGWATCH_FEED_INTERVAL = env_int("FOGWATCH_FEED_INTERVAL", 900, minimum=1)
FOGWATCH_ARCHIVE_SWEEP_INTERVAL = env_int("FOGWATCH_ARCHIVE_SWEEP_INTERVAL", 3600, minimum=1)
FOGWATCH_WEBHOOK_SWEEP_INTERVAL = env_int("FOGWATCH_WEBHOOK_SWEEP_INTERVAL", 600, minimum=1)
FOGWATCH_SWEEP_INTERVAL = env_int("FOGWATCH_SWEEP_INTERVAL", 86400, minimum=1)
FOGWATCH_EMBEDDED_SCHEDULE = env_bool("FOGWATCH_EMBEDDED_SCHEDULE", True)
FOGWATCH_IDEMPOTENCY_SWEEP_INTERVAL = env_int("FOGWATCH_IDEMPOTENCY_SWEEP_INTERVAL", 3600, minimum=60)
FOGWATCH_JOBS_SWEEP_INTERVAL = env_int("FOGWATCH_JOBS_SWEEP_INTERVAL", 60, minimum=10)  # lost workers' jobs
CELERY_BEAT_SCHEDULE = {
    "feeds-pull": {"task": "sources.tasks.feeds_pull_all", "schedule": FOGWATCH_FEED_INTERVAL},
    "archive-missing": {"task": "sources.tasks.archive_missing", "schedule": FOGWATCH_ARCHIVE_SWEEP_INTERVAL},
    "webhooks-sweep": {"task": "notifications.tasks.webhooks_sweep", "schedule": FOGWATCH_WEBHOOK_SWEEP_INTERVAL},
    "consistency-sweep": {"task": "claims.tasks.consistency_sweep", "schedule": FOGWATCH_SWEEP_INTERVAL},
    "idempotency-sweep": {"task": "core.tasks.idempotency_sweep", "schedule": FOGWATCH_IDEMPOTENCY_SWEEP_INTERVAL},
    "jobs-sweep": {"task": "claims.tasks.jobs_sweep", "schedule": FOGWATCH_JOBS_SWEEP_INTERVAL},
    "import-jobs-sweep": {"task": "interchange.tasks.import_jobs_sweep", "schedule": FOGWATCH_JOBS_SWEEP_INTERVAL},
}
# In-process (no broker) a webhook retry waits in its stored attempt until it is due; this entry makes
# the due ones (notifications/tasks.py). With a broker, retries are Celery retries with a countdown.
FOGWATCH_WEBHOOK_RETRY_SWEEP_INTERVAL = env_int("FOGWATCH_WEBHOOK_RETRY_SWEEP_INTERVAL", 5, minimum=1)
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BEAT_SCHEDULE["webhook-retries"] = {
        "task": "notifications.tasks.webhook_retries_due",
        "schedule": FOGWATCH_WEBHOOK_RETRY_SWEEP_INTERVAL,
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ModelPermissionsOrPublicRead"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": FOGWATCH_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # core/api/throttles.py: an empty rate turns a throttle off.
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttles.AnonReadThrottle", "core.api.throttles.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon_read": env_str("FOGWATCH_THROTTLE_ANON_READS", "600/min") or None,
        "write": env_str("FOGWATCH_THROTTLE_WRITES", "600/min") or None,
        "token": env_str("FOGWATCH_THROTTLE_TOKEN", "20/min") or None,
    },
    # The address a throttle counts: behind a proxy, set FOGWATCH_PROXY_COUNT (DRF's NUM_PROXIES).
    "NUM_PROXIES": env_int("FOGWATCH_PROXY_COUNT", 0, minimum=0) or None,
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}

# Login lockout (django-axes) for the admin and the token endpoint: FOGWATCH_LOGIN_FAILURE_LIMIT
# wrong passwords from one address lock it out for FOGWATCH_LOGIN_COOLOFF_MINUTES (a 429 with
# Retry-After); a right password resets the count.
AXES_ENABLED = env_bool("FOGWATCH_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_int("FOGWATCH_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FOGWATCH_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.lockout.locked_out"
AXES_IPWARE_PROXY_COUNT = env_int("FOGWATCH_PROXY_COUNT", 0, minimum=0) or None
AXES_VERBOSE = False

SPECTACULAR_SETTINGS = {
    "TITLE": "Fogwatch API",
    "DESCRIPTION": "What the parties to a conflict claim, who denies or backs it, where it was reported.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The reads that take ?fields= answer a shape with no field required (core/api/sparse.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.sparse_responses",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set, so no component is named after whichever field came first.
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "RelationStanceEnum": "claims.models.Relation.Stance",
        "DraftStanceEnum": "intake.api.serializers.DRAFT_STANCES",
    },
    # The schema and the docs follow FOGWATCH_PUBLIC_READ like every other read.
    "SERVE_PERMISSIONS": ["core.api.permissions.PublicRead"],
}

LEAFLET_CONFIG = {
    "TILES": [("Tiles", FOGWATCH_TILE_URL, {"attribution": FOGWATCH_TILE_ATTRIBUTION})] if FOGWATCH_TILE_URL else [],
    "RESET_VIEW": False,
}

# Content-Security-Policy (django-csp): scripts, styles, fonts and data from this site only (no inline
# script anywhere: the pages, the admin, the maps and the API docs load theirs from files); images
# also as data: URIs and, on the maps, from FOGWATCH_TILE_URL's server (web/views/map.py adds it).
# Style attributes are allowed (the charts' and trees' widths and depths are written in them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Sessions in the database, reading only well-formed keys (core/sessions.py: a cookie with a NUL was a 500).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS in production (.env.example has the production values; docs/deployment.md).
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# The health endpoints answer their probes over plain HTTP inside the network (docker compose's probe,
# a load balancer's), never redirected (core/health.py).
SECURE_REDIRECT_EXEMPT = [r"^health/"]
_proxy_ssl_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER", [])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("DJANGO_SECURE_PROXY_SSL_HEADER must be HEADER,value (HTTP_X_FORWARDED_PROTO,https)")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1]) if _proxy_ssl_header else None

# The request id (django-guid; core/request_id.py): taken from X-Request-ID when it looks like an id,
# made otherwise, returned in the response's X-Request-ID, on every log line and on queued tasks.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": False,  # core.request_id.RequestIdHeaderCheck has checked it (length and characters)
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,  # no cross-origin reader
    "UUID_LENGTH": 32,
}

# Logs (config/logs.py): one line per record on standard error, JSON or text, with the request id.
# docker-compose.yml sets json; make run keeps text.
FOGWATCH_LOG_FORMAT = env_str("FOGWATCH_LOG_FORMAT", "text").strip().lower() or "text"
if FOGWATCH_LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"FOGWATCH_LOG_FORMAT must be json or text, not {FOGWATCH_LOG_FORMAT!r}")
LOGGING = logging_config(FOGWATCH_LOG_FORMAT, env_str("FOGWATCH_LOG_LEVEL", "INFO"))

# Error reports (config/sentry.py): only when SENTRY_DSN is set; without it nothing is initialised or sent.
SENTRY_DSN = env_str("SENTRY_DSN").strip()
if SENTRY_DSN:
    sentry.init(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )
