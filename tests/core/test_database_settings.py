"""How Fogwatch's PostgreSQL connections are set up."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from config.settings import BASE_DIR


@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_statements():
    """Set-wise batches crossed JIT's cost threshold and spent longer compiling than running
    (docs/benchmarks.md), so the connections have it off."""
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL (DATABASE_URL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _options(**env: str) -> str:
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options', ''))"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_jit_can_be_left_on_and_options_given_in_the_url_are_kept():
    url = settings.DATABASES["default"]
    base = f"postgres://{url['USER']}@{url['HOST'] or '127.0.0.1'}:{url['PORT'] or 5432}/{url['NAME']}"
    assert _options(DATABASE_URL=base) == "-c jit=off"
    assert _options(DATABASE_URL=base, FOGWATCH_POSTGRES_JIT="true") == ""
    kept = _options(DATABASE_URL=f"{base}?options=-c%20statement_timeout%3D5000")
    assert kept == "-c statement_timeout=5000 -c jit=off"
