"""The ``editors`` group: add, change, delete and view on every model of Fogwatch's own apps.

Kept by a ``post_migrate`` receiver, so it is there after every ``migrate`` (and after a test
database is flushed), and a model added later gets its permissions in the group with no data
migration of its own. Idempotent: permissions already granted are left as they are; historical
models (django-simple-history) are never editable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

EDITORS = "editors"


def is_fogwatch_app(app_config: AppConfig) -> bool:
    """An app of this repository (not Django's or a third party's, even when a virtualenv inside the
    repository holds them): its top-level package is a folder of the repository."""
    top = Path(settings.BASE_DIR) / app_config.name.split(".")[0]
    return top.is_dir() and Path(app_config.path).resolve().is_relative_to(top.resolve())


def editors_group_sync(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Receiver of ``post_migrate`` (sent once per app, after auth has made that app's permissions):
    grant the editors group every permission of ``sender``'s models, when ``sender`` is ours."""
    if sender.models_module is None or not is_fogwatch_app(sender):
        return
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.using(using).get_or_create(name=EDITORS)
    permissions = (
        permission_model.objects.using(using)
        .filter(content_type__app_label=sender.label)
        .exclude(content_type__model__startswith="historical")
    )
    group.permissions.add(*permissions)
