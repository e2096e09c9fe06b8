"""A pytest plugin (entry point ``pytest11``) loaded before Django is configured.

Tests run against the real PostgreSQL when it is reachable (on CI it must be: a missing
server is a failure, not a fallback to SQLite). ``TEST_REDIS_URL`` names the Redis the
Redis and Celery tests use.
"""

import os
import re
import socket

PG_HOST, PG_PORT = os.environ.get("PGHOST", "127.0.0.1"), int(os.environ.get("PGPORT", "5432"))
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def checkout_database_name() -> str:
    """``fogwatch_<checkout folder>``: two checkouts on one machine (a worktree beside main) run
    their suites at the same time without sharing a test database."""
    folder = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return "fogwatch_" + (re.sub(r"[^a-z0-9]+", "_", folder.lower()).strip("_") or "app")


if not os.environ.get("DATABASE_URL"):
    if reachable(PG_HOST, PG_PORT):
        user = os.environ.get("PGUSER", "postgres")
        os.environ["DATABASE_URL"] = f"postgres://{user}@{PG_HOST}:{PG_PORT}/{checkout_database_name()}"
    elif in_ci():
        raise SystemExit(f"CI: PostgreSQL is not reachable on {PG_HOST}:{PG_PORT}; the tests need it.")

os.environ.setdefault("TEST_REDIS_URL", REDIS_DEFAULT)
# Under pytest-xdist (make test runs -n auto) each worker gets its own test database (pytest-django
# adds the worker's id, ``test_fogwatch_gw0``) and its own Redis database for the background tests
# (a real Celery worker per test process): gw0 uses db 15, gw1 db 14, and so on down.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and _xdist_worker[2:].isdigit():
    os.environ.setdefault("TEST_BACKGROUND_REDIS_URL", f"redis://127.0.0.1:6379/{15 - int(_xdist_worker[2:]) % 8}")
# A test run never reports to a real Sentry, whatever the shell has (tests/core/test_sentry.py starts its
# own processes with a DSN pointing at a local server).
os.environ.pop("SENTRY_DSN", None)
# The suite is one address making thousands of requests a minute: the API's throttles are off unless
# a test turns one on (tests/core/api/test_throttling.py does, with small rates).
for _scope in ("ANON_READS", "WRITES", "TOKEN"):
    os.environ.setdefault(f"FOGWATCH_THROTTLE_{_scope}", "")
