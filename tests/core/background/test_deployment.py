"""The deployment files stay true: the compose file is valid, .env.example lists every setting."""

import re
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
    read = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", settings_source))
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert read, "no settings found: has config/settings.py changed how it reads the environment?"
    assert sorted(read - listed) == []


def test_compose_runs_every_service_the_design_asks_for():
    compose = (ROOT / "docker-compose.yml").read_text()
    for service in ("db", "redis", "web", "worker", "beat"):
        assert re.search(rf"^  {service}:$", compose, flags=re.M), service
    assert "postgres:16" in compose and "healthcheck" in compose
