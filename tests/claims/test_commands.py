"""Management commands: recompute_flags, load_example, ensure_admin."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from claims.events import flags_changed
from claims.models import Claim, Relation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- recompute_flags ------------------------------------------------------------------------------


def test_recompute_flags_repairs_a_drifted_claim_and_reports_a_summary(panjshir):
    capture = panjshir["taliban-capture"]
    expected = Claim.objects.filter(pk=capture.pk).values("status", "contested", "unverified", "reasons").get()
    Claim.objects.filter(pk=capture.pk).update(status="confirmed", contested=False, unverified=False, reasons=[])

    output = run("recompute_flags")

    assert Claim.objects.filter(pk=capture.pk).values("status", "contested", "unverified", "reasons").get() == expected
    assert f"Recomputed {Claim.objects.count()} claims" in output
    assert "1 changed" in output


def test_recompute_flags_changes_nothing_when_nothing_drifted(panjshir):
    updated = dict(Claim.objects.values_list("pk", "updated_at"))
    output = run("recompute_flags")
    assert "0 changed" in output
    assert dict(Claim.objects.values_list("pk", "updated_at")) == updated


def test_recompute_flags_restores_a_deleted_automatic_relation(world, make_claim):
    common = dict(kind="control", location=world.shattal, event_start=date(2021, 9, 2))
    a = make_claim(world.taliban, subject=world.taliban, **common)
    b = make_claim(world.nrf, day=3, subject=world.nrf, **common)
    Relation.objects.filter(origin="auto").delete()  # drift: written around the services
    run("recompute_flags")
    assert set(Relation.objects.values_list("claim_id", "target_id", "stance", "origin")) == {
        (b.pk, a.pk, "contradicts", "auto")
    }
    assert Claim.objects.get(pk=a.pk).contested


def test_recompute_flags_in_small_batches_repairs_every_claim(panjshir, settings):
    settings.FOGWATCH_RECOMPUTE_BATCH = 2
    expected = dict(Claim.objects.values_list("pk", "reasons"))
    Claim.objects.update(status="confirmed", contested=False, corroborated=True, unverified=False, reasons=[])
    output = run("recompute_flags")
    assert dict(Claim.objects.values_list("pk", "reasons")) == expected
    assert f"{len(expected)} changed" in output
    progress = [line for line in output.splitlines() if line.startswith("[")]
    assert progress[-1].endswith(f"{len(expected)}/{len(expected)} claims")
    assert len(progress) <= 11


def test_recompute_flags_repairs_related_and_unrelated_claims_alike(db):
    """Claims no relation touches are recomputed set-wise by group on PostgreSQL, the rest one by
    one: after every claim drifts, both come back to what the rules give, and the listeners hear
    of every change."""
    call_command("generate_data", claims=500, seed=11, stdout=StringIO())
    expected = {pk: (status, reasons) for pk, status, reasons in Claim.objects.values_list("pk", "status", "reasons")}
    related = set(Relation.objects.values_list("target_id", flat=True)) | set(
        Relation.objects.filter(stance="contradicts").values_list("claim_id", flat=True)
    )
    assert 0 < len(related) < len(expected), "the data has claims of both kinds"
    assert Claim.objects.exclude(verdict="").exclude(pk__in=related).exists(), "and unrelated claims with verdicts"
    heard = {}

    def listen(sender, changes, **kwargs):
        heard.update(changes)

    flags_changed.connect(listen)
    try:
        Claim.objects.update(status="confirmed", contested=True, corroborated=True, unverified=False, reasons=[])
        output = run("recompute_flags")
    finally:
        flags_changed.disconnect(listen)
    fresh = {pk: (status, reasons) for pk, status, reasons in Claim.objects.values_list("pk", "status", "reasons")}
    assert fresh == expected
    assert set(heard) == set(expected)
    assert f"{len(expected)} changed" in output
    assert "0 changed" in run("recompute_flags")


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
