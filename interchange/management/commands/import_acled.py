from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from interchange.importers.acled import import_acled
from interchange.importers.base import ImportFileError


class Command(BaseCommand):
    help = (
        "Import an ACLED CSV export (ACLED's current columns). Re-importing the same file changes nothing; "
        "rows with unreadable values are reported by line and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the ACLED CSV.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")
        parser.add_argument(
            "--one-by-one",
            action="store_true",
            help="Write each claim through claim_create (flags settled claim by claim) instead of the bulk path "
            "(batches of 2,000 rows, COPY, flags settled once per batch). Both leave the same data.",
        )

    def handle(self, *args, file: str, dry_run: bool, one_by_one: bool, **options):
        try:
            with ProgressBar(self.stdout, desc="rows") as progress:
                summary = import_acled(file, dry_run=dry_run, progress=progress, bulk=not one_by_one)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        head, *problems = summary.lines()
        self.stdout.write(self.style.SUCCESS(head))
        for line in problems:
            self.stdout.write(self.style.WARNING(line))
