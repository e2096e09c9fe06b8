"""The editors group is kept by a post_migrate receiver: every permission of every model of
Fogwatch's own apps (historical models excepted), back after it is removed, and nothing of
Django's own or third-party apps."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from core.groups import is_fogwatch_app

pytestmark = pytest.mark.django_db


def expected_permissions() -> set[str]:
    labels = [a.label for a in apps.get_app_configs() if is_fogwatch_app(a) and a.models_module]
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(content_type__app_label__in=labels).select_related("content_type")
        if not p.content_type.model.startswith("historical")
    }


def granted() -> set[str]:
    group = Group.objects.get(name="editors")
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_editors_may_do_everything_to_every_fogwatch_model_and_nothing_else():
    expected = expected_permissions()
    assert {"claims.add_claim", "notifications.change_webhooksubscription", "sources.view_feed"} <= expected
    assert granted() == expected
    assert not any(name.startswith(("auth.", "authtoken.", "admin.")) for name in granted())


def test_a_removed_editors_group_comes_back_with_every_permission_after_migrate():
    Group.objects.filter(name="editors").delete()
    call_command("migrate", verbosity=0)
    assert granted() == expected_permissions()


def test_a_permission_taken_from_editors_is_given_back_by_migrate():
    group = Group.objects.get(name="editors")
    group.permissions.remove(Permission.objects.get(codename="delete_relation"))
    call_command("migrate", verbosity=0)
    assert "claims.delete_relation" in granted()
