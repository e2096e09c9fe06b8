from django.core.management.base import BaseCommand, CommandError

from interchange.claimreview import import_claim_reviews
from interchange.importers.base import ImportFileError


class Command(BaseCommand):
    help = (
        "Import schema.org ClaimReview JSON-LD (one review, a list, an @graph or a DataFeed; the older shape "
        "with @type as a list too) as claims with verdicts. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON-LD file.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, write nothing.")

    def handle(self, *args, file: str, dry_run: bool, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from exc
        try:
            summary = import_claim_reviews(data, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        head, *problems = summary.lines()
        self.stdout.write(self.style.SUCCESS(head))
        for line in problems:
            self.stdout.write(self.style.WARNING(line))
