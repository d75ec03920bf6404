"""Run a batch match for a region in the foreground, with a progress bar."""

import sys

from django.core.management.base import BaseCommand, CommandError

from communities.models import Region
from core import regions
from matchmaking.choices import RunStatus
from matchmaking.services import match_run_execute, match_run_start


class Command(BaseCommand):
    help = "Match the published needs of a region against the offers that can serve them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--within", required=True, help="12-digit region code, e.g. 430100000000"
        )
        parser.add_argument("--top-k", type=int, default=10)

    def handle(self, *args, within, top_k, **options):
        if not regions.is_valid_code(within):
            raise CommandError(f"--within must be a 12-digit region code, not {within!r}")
        scope = Region.objects.filter(code=within).first()
        if scope is None:
            raise CommandError(f"no region with code {within}; load regions with seed_demo first")
        run = match_run_start(actor=None, scope=scope, parameters={"top_k": top_k}, enqueue=False)

        def bar(done, total, code):
            width = 30
            filled = int(width * done / total)
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {code}")
            sys.stdout.flush()

        run = match_run_execute(run.pk, on_progress=bar)
        self.stdout.write("")
        if run.status != RunStatus.DONE:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        stats = ", ".join(f"{k}={v}" for k, v in run.stats.items())
        self.stdout.write(self.style.SUCCESS(f"run {run.pk} done: {stats}"))
