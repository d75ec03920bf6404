"""An import costs a bounded number of queries, not one per row, and 10,000 rows import.

Lookups go in chunks of 2,000 keys and writes in batches of 2,000 rows (10,000 many-to-many
links), so on PostgreSQL 100 and 1,000 rows cost exactly the same. SQLite is held to Django's
cap of 999 parameters per statement, which splits an insert into batches of 999 ÷ columns
rows: there the count grows by a batch per few dozen rows, never by a query per row.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import ServiceNeed

from . import files

pytestmark = pytest.mark.django_db

COMMUNITIES = ["430103002001", "430103004001"]
STREETS = ["430103002000", "430103004000"]

# kind → (rows for n from start, the same rows with a value changed everywhere)
BUILDERS = {
    "regions": (
        lambda org, n, start: files.streets_and_communities(n, start),
        lambda org, n, start: files.streets_and_communities(n, start, name="更名社区"),
    ),
    "communities": (
        lambda org, n, start: files.communities(STREETS, n, start),
        lambda org, n, start: files.communities(STREETS, n, start, staff=11),
    ),
    "orgs": (
        lambda org, n, start: files.orgs(n, start),
        lambda org, n, start: files.orgs(n, start, grade="5A"),
    ),
    "workers": (
        lambda org, n, start: files.workers(n, start),
        lambda org, n, start: files.workers(n, start, level="高级社会工作师"),
    ),
    "needs": (
        lambda org, n, start: files.needs(COMMUNITIES, n, start),
        lambda org, n, start: files.needs(COMMUNITIES, n, start, budget="60000"),
    ),
    "offerings": (
        lambda org, n, start: files.offerings(org.uscc, n, start),
        lambda org, n, start: files.offerings(org.uscc, n, start, capacity=3),
    ),
    "resources": (
        lambda org, n, start: files.resources(n, start),
        lambda org, n, start: files.resources(n, start, amount="600000"),
    ),
}


def _queries(kind, rows) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = files.run(kind, rows, fmt="csv")
    assert report.stored, report.lines()[:5]
    return len(captured.captured_queries)


def _assert_bounded(few: int, many: int) -> None:
    if connection.vendor == "postgresql":
        assert many == few
    else:
        assert many - few <= 900 // 20, (few, many)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_queries_do_not_grow_with_rows(tree, org, kind):
    fresh, changed = BUILDERS[kind]
    if kind == "workers":
        files.run("orgs", files.orgs(1100), fmt="csv")

    create = [_queries(kind, fresh(org, 100, 0)), _queries(kind, fresh(org, 1000, 100))]
    update = [_queries(kind, changed(org, 100, 0)), _queries(kind, changed(org, 1000, 100))]
    unchanged = [_queries(kind, changed(org, 100, 0)), _queries(kind, changed(org, 1000, 100))]

    _assert_bounded(*create)
    _assert_bounded(*update)
    assert unchanged[0] == unchanged[1]  # nothing to write: only the lookups


def test_ten_thousand_rows(tree, capsys):
    rows = files.needs(COMMUNITIES, 10_000)
    data = files.xlsx(("需求", rows))
    from matchmaking.imports import import_file

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        report = import_file(kind="needs", data=data, filename="needs.xlsx")
    seconds = time.perf_counter() - started

    assert report.stored and report.sheets[0].counts.created == 10_000
    assert ServiceNeed.objects.count() == 10_000
    assert ServiceNeed.history.count() == 10_000
    limit = 30 if connection.vendor == "postgresql" else 400
    assert len(captured.captured_queries) <= limit
    with capsys.disabled():
        print(
            f"\n10,000 needs ({connection.vendor}): {len(captured.captured_queries)} queries, "
            f"{seconds:.1f} s"
        )
