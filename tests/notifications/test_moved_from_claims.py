"""Webhooks moved from the claims app to notifications: an existing database keeps its
subscriptions, deliveries, permissions and the editors' rights to them, and old admin links still
lead to the pages."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from notifications.models import WebhookSubscription

ROOT = Path(__file__).resolve().parents[2]


def manage(database: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SQLITE_PATH"] = str(database)
    result = subprocess.run(
        [sys.executable, "manage.py", *args, "--skip-checks", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr


def test_a_database_from_before_the_move_keeps_its_webhooks_and_rights(tmp_path):
    database = tmp_path / "before.sqlite3"
    manage(database, "migrate", "claims", "0008")  # as it stood before notifications existed
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO claims_webhooksubscription (name, url, secret, statuses, is_active, consecutive_failures,"
            " created_at) VALUES ('Desk', 'https://desk.example.org/hook', 's3cret', '[]', 1, 2, '2026-01-01')"
        )
        db.execute(
            "INSERT INTO claims_webhookdelivery (subscription_id, claim_id, event_id, payload, attempt, error,"
            " delivered, created_at) VALUES (1, 7, 'e1', '{}', 1, '', 1, '2026-01-02')"
        )
        content_type = db.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'claims' AND model = 'webhooksubscription'"
        ).fetchone()[0]
        granted = db.execute(
            "SELECT count(*) FROM auth_group_permissions gp JOIN auth_permission p ON p.id = gp.permission_id"
            " JOIN auth_group g ON g.id = gp.group_id WHERE g.name = 'editors' AND p.content_type_id = ?",
            [content_type],
        ).fetchone()[0]
    assert granted == 4  # add, change, delete, view

    manage(database, "migrate")

    with sqlite3.connect(database) as db:
        assert db.execute("SELECT name, consecutive_failures FROM notifications_webhooksubscription").fetchall() == [
            ("Desk", 2)
        ]
        assert db.execute("SELECT claim_id, event_id FROM notifications_webhookdelivery").fetchall() == [(7, "e1")]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not {"claims_webhooksubscription", "claims_webhookdelivery"} & tables
        assert db.execute("SELECT app_label FROM django_content_type WHERE id = ?", [content_type]).fetchone() == (
            "notifications",
        )
        after = db.execute(
            "SELECT count(*) FROM auth_group_permissions gp JOIN auth_permission p ON p.id = gp.permission_id"
            " JOIN auth_group g ON g.id = gp.group_id WHERE g.name = 'editors' AND p.content_type_id = ?",
            [content_type],
        ).fetchone()[0]
    assert after == 4


@pytest.mark.django_db
def test_old_admin_links_to_webhooks_lead_to_their_new_place(client, editor):
    subscription = WebhookSubscription.objects.create(name="Desk", url="https://desk.example.org/hook", secret="s")
    client.force_login(editor)
    old = f"/admin/claims/webhooksubscription/{subscription.pk}/change/"
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("admin:notifications_webhooksubscription_change", args=[subscription.pk])
    response = client.get("/admin/claims/webhookdelivery/?delivered__exact=1", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == "/admin/notifications/webhookdelivery/?delivered__exact=1"
