"""`manage.py check_ledger`: verify the ledger's identities over the whole database."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from projects.audit import ledger_problems


class Command(BaseCommand):
    help = (
        "Check that resources' running totals, funding lines and project states agree with the "
        "ledger entries (projects/audit.py lists the identities). Prints JSON; exits with an "
        "error when any identity is broken."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        problems = ledger_problems()
        broken = {name: found for name, found in problems.items() if found["count"]}
        report = {
            "ok": not broken,
            "seconds": round(time.perf_counter() - started, 2),
            "checks": problems,
        }
        self.stdout.write(json.dumps(report, indent=2))
        if broken:
            raise CommandError(f"ledger identities broken: {', '.join(sorted(broken))}")
