from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from devdata.examples import EXAMPLES


class Command(BaseCommand):
    help = "Load a built-in example through the services (idempotent). Available: " + ", ".join(EXAMPLES)

    def add_arguments(self, parser):
        parser.add_argument("name", help="The example to load, e.g. panjshir-2021.")

    def handle(self, *args, name: str, **options):
        loader = EXAMPLES.get(name)
        if loader is None:
            raise CommandError(f"Unknown example “{name}”. Available: {', '.join(EXAMPLES)}.")
        try:
            summary = loader(progress=lambda msg: self.stdout.write(f"  {msg}"))
        except ValidationError as exc:
            raise CommandError(f"The example did not load, nothing was written: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {name}: {summary}"))
