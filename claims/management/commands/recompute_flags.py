import time

from django.core.management.base import BaseCommand

from claims.services import claims_recompute_all
from core.progress import ProgressBar


class Command(BaseCommand):
    help = "Refresh every automatic relation and recompute every claim's flags, status and reasons."

    def add_arguments(self, parser):
        parser.add_argument("--no-auto", action="store_true", help="Skip refreshing automatic relations.")

    def handle(self, *args, **options):
        started = time.monotonic()
        with ProgressBar(self.stdout, unit="claims") as progress:
            result = claims_recompute_all(progress=progress, refresh_auto=not options["no_auto"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {result['claims']} claims in {elapsed:.1f}s: {result['changed']} changed, "
                f"{result['auto_relations_changed']} automatic relations added or removed."
            )
        )
