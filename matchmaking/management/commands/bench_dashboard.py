"""`manage.py bench_dashboard`: time the officials' dashboard and the rankings on this database.

Meant for the large data set (`seed_demo --scale large`, docs/performance.md), on PostgreSQL.
Prints JSON:

- `baseline`: a `SELECT 1` round trip and a `COUNT(*)` over the projects, measured in the same
  process and connection, so the other figures can be read as ratios to them (a slower machine
  slows both alike);
- `dashboard`: for the whole city, one district and one of its streets (by default those with
  the most projects of the year): the server time of `dashboard_cached` cold (its cache entry
  deleted first, so the figures are computed) and warm (served from the cache), medians of
  --runs calls (with the fastest and slowest cold call: on a shared machine the minimum is the
  figure least disturbed by other work); the very first cold call apart (`first_ms`, fresh
  plans and buffers); and the number of queries each issues, which must not depend on the
  scope;
- `rankings`: `rankings(year, level)` over the whole city for each level, median time and queries;
- `targets`: the issue's targets (city cold ≤ 500 ms, warm ≤ 50 ms, each ranking ≤ 500 ms,
  query count constant) and whether they are met.

On PostgreSQL `database.tables_without_statistics` lists the tables autovacuum has not analyzed
yet: run `ANALYZE` (seed_demo --scale large does) before trusting the figures.

"Server time" is the time inside the process (the database round trips included, the HTTP
layer and JSON rendering not). The cache is whatever CACHES says (Redis with REDIS_URL); only the
benchmark's own keys are deleted, never the whole cache.
"""

import json
import statistics
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Substr
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Region
from core import regions
from matchmaking.dashboard import dashboard_cached, data_version
from matchmaking.dashboard.cache import cache_key
from projects.models import Bid, LedgerEntry, Project, ProjectFunding
from projects.rankings import RankingLevel, rankings

CITY = "430100000000"
TARGETS = {"dashboard_city_cold_ms": 500, "dashboard_city_warm_ms": 50, "ranking_ms": 500}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _timed(call, runs: int) -> tuple[list[float], int]:
    """Times of `runs` calls (ms) and the queries of the last one."""
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append(_ms(time.perf_counter() - started))
    return times, len(queries)


def _median(times: list[float]) -> float:
    return round(statistics.median(times), 2)


class Command(BaseCommand):
    help = "Time the dashboard (cold and warm) and the rankings; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Default: this year.")
        parser.add_argument("--runs", type=int, default=7, help="Calls per figure (median).")
        parser.add_argument("--city", default=CITY)
        parser.add_argument("--district", default=None, help="Default: the busiest district.")
        parser.add_argument("--street", default=None, help="Default: its busiest street.")

    def handle(self, *args, year, runs, city, district, street, **options):
        year = year or timezone.localdate().year
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        district = district or self._busiest(city, year, 6)
        if street is None and district is not None:
            street = self._busiest(district, year, 9)
        scopes = {"city": city, "district": district, "street": street}
        names = dict(
            Region.objects.filter(code__in=[c for c in scopes.values() if c]).values_list(
                "code", "name"
            )
        )
        for label, code in scopes.items():
            if code not in names:
                raise CommandError(f"--{label}: no region {code!r} (seed the data first).")

        baseline = self._baseline(runs)
        report = {
            "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "database": self._database(),
            "year": year,
            "runs": runs,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "data": self._sizes(year),
            "baseline": baseline,
            "dashboard": {},
            "rankings": {},
        }
        for label, code in scopes.items():
            report["dashboard"][label] = self._dashboard(code, names[code], year, runs, baseline)
        for level in RankingLevel.values:
            times, queries = _timed(lambda level=level: rankings(year=year, level=level), runs)
            report["rankings"][level] = {
                "ms": _median(times),
                "min_ms": min(times),
                "queries": queries,
                "rows": len(rankings(year=year, level=level)),
                "vs_count": round(_median(times) / baseline["count_projects_ms"], 2),
            }
        counts = {
            (row["queries_cold"], row["queries_warm"]) for row in report["dashboard"].values()
        }
        city_row = report["dashboard"]["city"]
        slowest_ranking = max(row["ms"] for row in report["rankings"].values())
        report["targets"] = {
            **TARGETS,
            "met": {
                "dashboard_city_cold": city_row["cold_ms"] <= TARGETS["dashboard_city_cold_ms"],
                "dashboard_city_warm": city_row["warm_ms"] <= TARGETS["dashboard_city_warm_ms"],
                "ranking": slowest_ranking <= TARGETS["ranking_ms"],
                "query_count_constant": len(counts) == 1,
            },
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    # --- parts ---------------------------------------------------------------------------

    def _busiest(self, within: str, year: int, length: int) -> str | None:
        """The sub-region (code prefix of `length` digits) with the most projects of the year."""
        row = (
            Project.objects.filter(
                community__region__code__startswith=regions.prefix_of(within), year=year
            )
            .order_by()
            .annotate(part=Substr("community__region_id", 1, length))
            .values("part")
            .annotate(n=Count("id"))
            .order_by("-n", "part")
            .first()
        )
        return row["part"].ljust(12, "0") if row else None

    def _database(self) -> dict:
        info = {"vendor": connection.vendor, "name": settings.DATABASES["default"]["NAME"]}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                info["version"] = cursor.fetchone()[0]
                cursor.execute("SHOW jit")
                info["jit"] = cursor.fetchone()[0]
                # Tables with rows but no statistics yet (autovacuum has not come by): the
                # planner's guesses for them are poor and the figures are not representative.
                cursor.execute(
                    "SELECT relname FROM pg_stat_user_tables WHERE n_live_tup > 0"
                    " AND last_analyze IS NULL AND last_autoanalyze IS NULL ORDER BY relname"
                )
                info["tables_without_statistics"] = [row[0] for row in cursor.fetchall()]
        return info

    def _sizes(self, year: int) -> dict:
        return {
            "projects": Project.objects.count(),
            "projects_of_year": Project.objects.filter(year=year).count(),
            "funding_lines": ProjectFunding.objects.count(),
            "ledger_entries": LedgerEntry.objects.count(),
            "bids": Bid.objects.count(),
        }

    def _baseline(self, runs: int) -> dict:
        def select_one():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()

        select_one()  # the connection is open before anything is timed
        round_trips, _ = _timed(select_one, max(runs, 25))
        counts, _ = _timed(lambda: Project.objects.count(), runs)
        return {"select_1_ms": _median(round_trips), "count_projects_ms": _median(counts)}

    def _dashboard(self, code: str, name: str, year: int, runs: int, baseline: dict) -> dict:
        def forget():
            cache.delete(cache_key(code, year, data_version(code)))

        forget()
        first, _queries = _timed(lambda: dashboard_cached(code, year), 1)
        # A cold call: its entry deleted just before (the deletion not timed).
        cold_times, queries_cold = [], 0
        for _ in range(runs):
            forget()
            times, queries_cold = _timed(lambda: dashboard_cached(code, year), 1)
            cold_times += times
        dashboard_cached(code, year)
        warm_times, queries_warm = _timed(lambda: dashboard_cached(code, year), runs)
        forget()
        cold_ms, warm_ms = _median(cold_times), _median(warm_times)
        return {
            "code": code,
            "name": name,
            "level": regions.level_of(code),
            "first_ms": first[0],
            "cold_ms": cold_ms,
            "cold_min_ms": min(cold_times),
            "cold_max_ms": max(cold_times),
            "warm_ms": warm_ms,
            "queries_cold": queries_cold,
            "queries_warm": queries_warm,
            "cold_vs_count": round(cold_ms / baseline["count_projects_ms"], 2),
            "warm_vs_select_1": round(warm_ms / baseline["select_1_ms"], 2),
        }
