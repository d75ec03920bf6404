"""`manage.py seed_demo`: load Changsha's regions and deterministic demo data."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from matchmaking.demo.bulk import DEFAULT_PROJECTS, seed_large
from matchmaking.demo.context import SCALES
from matchmaking.demo.seed import seed_demo

# The city seed, then DEFAULT_PROJECTS projects over three years written in bulk
# (matchmaking/demo/bulk.py): the data set of the dashboard benchmark.
LARGE = "large"


class Command(BaseCommand):
    help = (
        "Load Changsha's districts and streets from the official division table and "
        "deterministic demo communities, organizations, needs, offerings, funding, logins and "
        "projects in every state. Safe to run again: existing rows are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=[*sorted(SCALES), LARGE],
            default="city",
            help=(
                "city: ~1,000 communities and ~5,000 organizations; small: a few dozen rows; "
                "large: the city plus --large-projects projects over the year and the two "
                "before, written in bulk (for `manage.py bench_dashboard`)."
            ),
        )
        parser.add_argument(
            "--year",
            type=int,
            default=datetime.now(ZoneInfo("Asia/Shanghai")).year,
            help="Year of the funds, needs and publications (default: this year in Changsha).",
        )

        parser.add_argument(
            "--projects",
            type=int,
            default=None,
            help=(
                "Projects of the year across the city beside 木莲社区's (default: the scale's); "
                "each is walked through the project services, about 0.1 s apiece."
            ),
        )

        parser.add_argument(
            "--large-projects",
            type=int,
            default=DEFAULT_PROJECTS,
            help=f"With --scale large: how many bulk projects (default {DEFAULT_PROJECTS:,}).",
        )

    def handle(
        self, *args, scale: str, year: int, projects: int | None, large_projects: int, **options
    ):
        if projects is not None and projects < 0:
            raise CommandError("--projects must be zero or more.")
        if large_projects < 0:
            raise CommandError("--large-projects must be zero or more.")
        base = "city" if scale == LARGE else scale
        logins = seed_demo(scale=base, year=year, projects=projects, log=self.stdout.write)
        if scale == LARGE:
            seed_large(projects=large_projects, year=year, log=self.stdout.write)
        headers = ("username", "password", "role", "scope", "display name")
        widths = [max(_width(row[i]) for row in [headers, *logins]) for i in range(len(headers))]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for row in [headers, *logins]:
            line = "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
