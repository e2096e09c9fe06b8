import time

from django.core.management.base import BaseCommand, CommandError

from core.progress import StagedProgress
from devdata.generate import generate


class Command(BaseCommand):
    help = "Generate a realistic, deterministic dataset of N claims (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")

    def handle(self, *args, claims: int, seed: int, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        started = time.monotonic()
        with StagedProgress(self.stdout) as progress:
            summary = generate(claims=claims, seed=seed, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Generated in {time.monotonic() - started:.1f}s: {summary}"))
