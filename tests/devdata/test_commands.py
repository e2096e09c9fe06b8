"""The commands of make run: load_example and ensure_admin."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from claims.models import Claim

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- load_example ---------------------------------------------------------------------------------


def test_load_example_with_an_unknown_name_names_the_ones_available(db):
    with pytest.raises(CommandError) as error:
        call_command("load_example", "kabul-1996")
    assert "kabul-1996" in str(error.value) and "panjshir-2021" in str(error.value)
    assert not Claim.objects.exists()


def test_load_example_with_an_unknown_name_exits_non_zero():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "load_example", "kabul-1996", "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Unknown example" in result.stderr and "panjshir-2021" in result.stderr


# --- ensure_admin ---------------------------------------------------------------------------------


def test_ensure_admin_makes_an_existing_plain_user_able_to_log_into_the_admin(monkeypatch, django_user_model):
    monkeypatch.delenv("FOGWATCH_ADMIN_USER", raising=False)
    monkeypatch.setenv("FOGWATCH_ADMIN_PASSWORD", "a-new-pass-456")
    django_user_model.objects.create_user(username="admin", password="old")
    run("ensure_admin")
    user = django_user_model.objects.get(username="admin")
    assert (user.is_staff, user.is_superuser, user.check_password("a-new-pass-456")) == (True, True, True)


def test_ensure_admin_creates_an_editor_superuser_and_prints_its_password(monkeypatch):
    monkeypatch.delenv("FOGWATCH_ADMIN_USER", raising=False)
    monkeypatch.delenv("FOGWATCH_ADMIN_PASSWORD", raising=False)
    output = run("ensure_admin")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff
    assert user.groups.filter(name="editors").exists()
    password = output.split("password:")[1].split()[0]
    assert user.check_password(password)


def test_ensure_admin_uses_the_password_from_the_environment_and_is_idempotent(monkeypatch):
    monkeypatch.setenv("FOGWATCH_ADMIN_USER", "chief")
    monkeypatch.setenv("FOGWATCH_ADMIN_PASSWORD", "s3cret-enough-1")
    run("ensure_admin")
    monkeypatch.setenv("FOGWATCH_ADMIN_PASSWORD", "changed-later-2")
    run("ensure_admin")
    users = get_user_model().objects.filter(username="chief")
    assert users.count() == 1
    assert users.get().check_password("changed-later-2")


def test_ensure_admin_run_again_without_a_password_keeps_the_old_one(monkeypatch):
    monkeypatch.delenv("FOGWATCH_ADMIN_USER", raising=False)
    monkeypatch.setenv("FOGWATCH_ADMIN_PASSWORD", "first-pass-123")
    run("ensure_admin")
    monkeypatch.delenv("FOGWATCH_ADMIN_PASSWORD")
    output = run("ensure_admin")
    assert get_user_model().objects.get(username="admin").check_password("first-pass-123")
    assert "first-pass-123" not in output
