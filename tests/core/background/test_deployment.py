"""The deployment files stay true: the compose file is valid, .env.example lists every setting."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_compose_file_is_valid_against_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_lists_every_setting_read_from_the_environment():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r"env_(?:str|bool|int|float|list)\(\s*\"([A-Z0-9_]+)\"", settings_source))
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert read, "no settings found: has config/settings.py changed how it reads the environment?"
    assert sorted(read - listed) == []


def test_compose_runs_every_service_the_design_asks_for():
    compose = (ROOT / "docker-compose.yml").read_text()
    for service in ("db", "redis", "web", "worker", "beat"):
        assert re.search(rf"^  {service}:$", compose, flags=re.M), service
    assert "postgres:16" in compose and "healthcheck" in compose


def test_compose_probes_the_health_endpoint_and_logs_json():
    compose = (ROOT / "docker-compose.yml").read_text()
    web = compose[compose.index("\n  web:") : compose.index("\n  worker:")]
    assert 'test: ["CMD", "python", "tools/healthcheck.py", "http://127.0.0.1:8000/health/"]' in web
    assert "/api/v1/" not in web  # the old probe, which took any answer below 500 for health
    assert "FOGWATCH_LOG_FORMAT: ${FOGWATCH_LOG_FORMAT:-json}" in compose
    assert "celery -A config inspect ping" in compose  # the worker answers for itself
    assert (ROOT / "tools" / "healthcheck.py").exists()
    assert "tools" not in (ROOT / ".dockerignore").read_text().split()  # the probe is copied into the image


def production_environment() -> dict[str, str]:
    """The values .env.example gives for production (a "# production: value" line above a setting)."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    values = {}
    for above, line in zip(lines, lines[1:], strict=False):
        found = re.match(r"#\s*production:\s*(.*)$", above)
        setting = re.match(r"([A-Z0-9_]+)=", line)
        if found and setting:
            values[setting.group(1)] = found.group(1).strip()
    return values


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_passes_check_deploy():
    production = production_environment()
    assert {"DJANGO_SECURE_HSTS_SECONDS", "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_PROXY_SSL_HEADER"} <= set(
        production
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FOGWATCH_"))}
    env.update(
        production,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="fogwatch.example.org",
        DJANGO_DEBUG="false",
    )
    done = check_deploy(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_the_production_values_check_deploy_names_what_is_missing():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FOGWATCH_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    done = check_deploy(env)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012"):  # HSTS, SSL redirect, cookies
        assert warning in done.stderr + done.stdout


def test_a_malformed_proxy_header_stops_start_up_with_a_message():
    env = {**os.environ, "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER must be HEADER,value" in done.stderr
