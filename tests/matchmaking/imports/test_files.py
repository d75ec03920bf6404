"""Files as they arrive: CSV in GBK, a title above the header, English headers, codes Excel
turned into numbers, missing columns, and files that are not spreadsheets at all."""

import datetime as dt
from decimal import Decimal

import pytest

from communities.models import ServiceNeed
from matchmaking.imports import import_file

from . import files

pytestmark = pytest.mark.django_db

COMMUNITIES = ["430103002001", "430103004001"]


def test_csv_saved_by_excel_in_gbk(tree):
    rows = files.needs(COMMUNITIES, 3)

    report = import_file(kind="needs", data=files.csv_bytes(rows, "gbk"), filename="需求.csv")

    assert report.stored, report.lines()
    assert set(ServiceNeed.objects.values_list("title", flat=True)) == {
        "导入需求0",
        "导入需求1",
        "导入需求2",
    }


def test_title_row_above_the_header_and_row_numbers_as_in_the_sheet(tree):
    rows = [["2026年天心区社区服务需求汇总表"], [], *files.needs(COMMUNITIES, 3)]
    rows[4][rows[2].index("预算（元）")] = "-1"  # the second data row, sheet row 5

    report = files.run("needs", rows)

    assert [(e.row, e.column) for e in report.errors] == [(5, "预算（元）")]


def test_english_headers_and_excel_typed_cells(tree):
    rows = [
        [
            "community code",
            "title",
            "category",
            "target groups",
            "budget",
            "period start",
            "period end",
            "publish",
            "remarks",
        ],
        [
            430103002001,
            "Meals for the elderly",
            "elderly_meals",
            "elderly; disabled",
            50000.5,
            dt.datetime(2026, 3, 1),
            dt.date(2026, 12, 31),
            True,
            "an extra column",
        ],
        [
            "430103004001",
            "午间托管",
            "after_school",
            "children",
            "2万",
            "2026/3/1",
            "2026年12月31日",
            "否",
            "",
        ],
    ]

    report = files.run("needs", rows)

    assert report.stored, report.lines()
    assert report.sheets[0].ignored == ["remarks"]
    meals = ServiceNeed.objects.get(title="Meals for the elderly")
    assert meals.budget == Decimal("50000.50")
    assert meals.period_start == dt.date(2026, 3, 1)
    assert meals.status == "published"
    assert set(meals.target_groups.values_list("code", flat=True)) == {"elderly", "disabled"}
    care = ServiceNeed.objects.get(title="午间托管")
    assert (care.budget, care.status, care.period_end) == (
        Decimal("20000.00"),
        "draft",
        dt.date(2026, 12, 31),
    )


def test_a_code_excel_shortened_to_scientific_notation_is_explained(tree):
    rows = files.needs(COMMUNITIES, 1)
    rows[1][0] = "4.30103E+11"

    report = files.run("needs", rows, fmt="csv")

    assert [(e.row, e.column) for e in report.errors] == [(2, "社区区划代码")]
    assert "text" in report.errors[0].problem


def test_missing_required_column_is_named(tree):
    rows = [[cell for i, cell in enumerate(row) if i != 5] for row in files.needs(COMMUNITIES, 2)]

    report = files.run("needs", rows)

    assert not report.stored
    assert len(report.errors) == 1
    assert report.errors[0].row is None
    assert "预算（元）" in str(report.errors[0])


def test_a_column_twice_is_refused(tree):
    rows = files.needs(COMMUNITIES, 2)
    rows[0].append("budget")
    for row in rows[1:]:
        row.append("1")

    report = files.run("needs", rows)

    assert [(e.row, e.column) for e in report.errors] == [(1, "budget")]
    assert ServiceNeed.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"PK\x03\x04 not really a zip", "needs.xlsx", "cannot be read"),
        (b"just some text", "needs.xlsx", "not an .xlsx"),
        (b"\x00\x01\x02binary", "needs.csv", "not a CSV"),
        (files.xlsx(("a", [["x"]])), "needs.csv", "not a CSV"),
        (b"\xff\xfe\xfa\xfb\x80\x81", "needs.csv", "neither UTF-8 nor GBK"),
        (b"", "needs.csv", "empty"),
        (b"title\n", "needs.doc", ".xlsx and .csv"),
    ],
)
def test_files_that_are_not_spreadsheets(tree, data, filename, fragment):
    report = import_file(kind="needs", data=data, filename=filename)

    assert not report.stored
    assert len(report.errors) == 1 and report.errors[0].row is None
    assert fragment in report.errors[0].problem


def test_row_limit(tree, settings):
    settings.IMPORT_MAX_ROWS = 5

    report = files.run("needs", files.needs(COMMUNITIES, 6))

    assert not report.stored
    assert "more than 5 rows" in report.errors[0].problem


def test_dry_run_validates_and_stores_nothing(tree):
    report = files.run("needs", files.needs(COMMUNITIES, 4), dry_run=True)

    assert report.ok and not report.stored
    assert str(report.sheets[0].counts) == "4 created, 0 unchanged, 0 updated"
    assert ServiceNeed.objects.count() == 0
