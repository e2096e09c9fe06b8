import sys
import time

from django.core.management.base import BaseCommand

from claims.services import claims_recompute_all


class Command(BaseCommand):
    help = "Refresh every automatic relation and recompute every claim's flags, status and reasons."

    def add_arguments(self, parser):
        parser.add_argument("--no-auto", action="store_true", help="Skip refreshing automatic relations.")

    def handle(self, *args, **options):
        started = time.monotonic()
        interactive = sys.stdout.isatty()
        shown = {"tenth": -1}

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} claims"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
                return
            # Not a terminal (a log): one line per tenth of the way, and the last.
            tenth = done * 10 // total if total else 10
            if tenth > shown["tenth"] or done == total:
                shown["tenth"] = tenth
                self.stdout.write(line)

        result = claims_recompute_all(progress=progress, refresh_auto=not options["no_auto"])
        if interactive:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {result['claims']} claims in {elapsed:.1f}s: {result['changed']} changed, "
                f"{result['auto_relations_changed']} automatic relations added or removed."
            )
        )
