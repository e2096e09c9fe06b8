"""``manage.py run_schedule``: the periodic tasks without a broker, in a process of its own.

``runserver`` runs them itself (core/schedule.py); this is for another server without Redis (one
gunicorn on SQLite, say), started beside it, exactly one of them. With Redis, celery beat does it.
"""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import schedule


class Command(BaseCommand):
    help = "Run CELERY_BEAT_SCHEDULE's periodic tasks in this process, without a broker (Ctrl-C stops)."

    def handle(self, *args, **options):
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("REDIS_URL is set: celery beat schedules the periodic tasks (docs/background.md).")
        scheduler = schedule.build(blocking=True)
        jobs = ", ".join(f"{job.id} every {job.trigger.interval.total_seconds():g} s" for job in scheduler.get_jobs())
        self.stdout.write(f"Running the schedule: {jobs}")
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
