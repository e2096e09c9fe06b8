"""The Celery app: Redis as broker and result store when REDIS_URL is set, in-process otherwise.

Configuration comes from the ``CELERY_*`` settings (config/settings.py), the periodic tasks
from ``CELERY_BEAT_SCHEDULE`` there; tasks live in each app's ``tasks.py`` and are queued through
``core.tasks.enqueue`` (on commit, never raising). See docs/background.md.

    celery -A config worker     # runs the tasks
    celery -A config beat       # schedules the periodic ones (exactly one)
"""

import os
from logging.config import dictConfig
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fogwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(dispatch_uid="config.celery.django_logging")
def django_logging(**_: Any) -> None:
    """Workers and beat log as the web processes do: Django's ``LOGGING`` (config/logs.py: JSON or text,
    the request id, FOGWATCH_LOG_LEVEL) instead of Celery's own handlers and format."""
    from django.conf import settings

    dictConfig(settings.LOGGING)
