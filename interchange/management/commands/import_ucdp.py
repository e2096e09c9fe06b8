from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from interchange.importers.base import ImportFileError
from interchange.importers.ucdp import import_ucdp


class Command(BaseCommand):
    help = (
        "Import a UCDP GED CSV (the dataset's own header). Re-importing the same file changes nothing. "
        "A faulty row (low ≤ best ≤ high broken) is kept with its range made consistent, or skipped with --strict; "
        "a row with unreadable values is skipped. Every faulty row is reported with its line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the UCDP GED CSV.")
        parser.add_argument(
            "--strict", action="store_true", help="Skip faulty rows instead of keeping them with a consistent range."
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")
        parser.add_argument(
            "--one-by-one",
            action="store_true",
            help="Write each claim through claim_create (flags settled claim by claim) instead of the bulk path "
            "(batches of 2,000 rows, COPY, flags settled once per batch). Both leave the same data.",
        )

    def handle(self, *args, file: str, strict: bool, dry_run: bool, one_by_one: bool, **options):
        try:
            with ProgressBar(self.stdout, desc="rows") as progress:
                summary = import_ucdp(file, strict=strict, dry_run=dry_run, progress=progress, bulk=not one_by_one)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        head, *problems = summary.lines()
        self.stdout.write(self.style.SUCCESS(head))
        for line in problems:
            self.stdout.write(self.style.WARNING(line))
