"""The three handbooks and the ranking, built for real: the PDF's text and the workbook's rows.

Acceptance (issue 7): each handbook PDF is rendered, its text extracted, and the entries'
Chinese titles and the count of every category are found in it; the XLSX opens with openpyxl
with one row per entry.
"""

import io
import re

import openpyxl
import pytest

from matchmaking.choices import RunStatus
from matchmaking.reports.collect import need_columns
from projects.rankings import RankingLevel

from .conftest import EXCLUDED, EXPECTED, YEAR, pdf_text, read_file

pytestmark = pytest.mark.django_db

HANDBOOKS = list(EXPECTED)


def _count_in_toc(text: str, name: str) -> int:
    """The count the table of contents gives a section: "居家养老 (3)" or "居家养老（3）"."""
    match = re.search(rf"{re.escape(name)}\s*[（(]\s*(\d+)\s*[）)]", text)
    assert match, (name, text[:800])
    return int(match.group(1))


@pytest.mark.parametrize("kind", HANDBOOKS)
def test_handbook_pdf_lists_every_entry_under_its_category(world, district_official, build, kind):
    report = build(district_official, kind, "pdf")
    assert report.status == RunStatus.DONE, report.error
    assert report.progress == 100 and report.file.name.endswith(".pdf")
    data = read_file(report)
    assert data.startswith(b"%PDF")
    text, pages = pdf_text(data)
    expected = EXPECTED[kind]
    # Cover, contents, then one chapter (starting on a new page) per section.
    assert pages == report.summary["pages"] >= 2 + len(expected)
    assert "天心区" in text and str(YEAR) in text
    assert report.summary["total"] == sum(len(titles) for titles in expected.values())
    for name, titles in expected.items():
        assert _count_in_toc(text, name) == len(titles)
        for title in titles:
            assert title in text, title
    for title in EXCLUDED[kind]:
        assert title not in text, title
    # Sections in order, each with its entries numbered 1…n right after its heading.
    sections = {s["name"]: s["count"] for s in report.summary["sections"]}
    assert sections == {name: len(titles) for name, titles in expected.items()}
    chapters = text.split("\n")
    for name, titles in expected.items():
        numbered = [line for line in chapters if re.match(rf"^{len(titles)}\. ", line)]
        assert numbered, (name, titles)


def test_pdf_carries_generation_date_and_page_numbers(world, district_official, build):
    report = build(district_official, "needs_handbook", "pdf")
    text, pages = pdf_text(read_file(report))
    generated = report.created_at.astimezone().strftime("%Y-%m-%d")
    assert generated in text
    # Every page after the cover is numbered "n / N".
    for number in range(2, pages + 1):
        assert f"{number} / {pages}" in text


@pytest.mark.parametrize("kind", HANDBOOKS)
def test_handbook_xlsx_has_one_row_per_entry(world, district_official, build, kind):
    report = build(district_official, kind, "xlsx")
    assert report.status == RunStatus.DONE, report.error
    book = openpyxl.load_workbook(io.BytesIO(read_file(report)), read_only=True)
    summary, sheet = book.worksheets[0], book.worksheets[1]
    expected = EXPECTED[kind]

    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == sum(len(t) for t in expected.values()) == report.summary["rows"]
    assert len(header) >= 10
    category = 1  # the section's name is the second column, after the number
    title = 3 if kind != "resources_handbook" else 2
    by_section: dict[str, list[str]] = {}
    for row in body:
        by_section.setdefault(row[category], []).append(row[title])
    assert {k: sorted(v) for k, v in by_section.items()} == {
        k: sorted(v) for k, v in expected.items()
    }
    assert [row[0] for row in body if row[category] == next(iter(expected))] == list(
        range(1, len(next(iter(expected.values()))) + 1)
    )

    counts = {
        row[0]: row[1]
        for row in summary.iter_rows(min_row=2, values_only=True)
        if row[0] in expected
    }
    assert counts == {name: len(titles) for name, titles in expected.items()}


def test_needs_xlsx_writes_money_and_counts_as_numbers(world, district_official, build):
    report = build(district_official, "needs_handbook", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(read_file(report))).worksheets[1]
    keys = [column.key for column in need_columns()]
    assert [cell.value for cell in sheet[1]] == [column.label for column in need_columns()]
    row = list(sheet[2])
    budget = row[keys.index("budget")]
    assert budget.value == 50000.0 and budget.number_format == "#,##0.00"
    assert row[keys.index("beneficiaries")].value == 120
    assert row[keys.index("target_groups")].value == "老年人、儿童"


def test_ranking_pdf_and_xlsx(world, district_official, build):
    pdf = build(district_official, "ranking", "pdf")
    assert pdf.status == RunStatus.DONE, pdf.error
    text, _pages = pdf_text(read_file(pdf))
    names = [s["name"] for s in pdf.summary["sections"]]
    # 天心区: its streets, its communities, then the organizations.
    assert names == [
        str(RankingLevel.STREET.label),
        str(RankingLevel.COMMUNITY.label),
        str(RankingLevel.ORG.label),
    ]
    for name in ("坡子街社区", "城南路社区", "坡子街街道", world.org.name, world.other_org.name):
        assert name in text, name
    assert "望月湖社区" not in text and world.yuelu_org.name not in text

    xlsx = build(district_official, "ranking", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(read_file(xlsx)), read_only=True)
    assert len(book.worksheets) == 4  # summary + three levels
    communities = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1]) for row in communities] == [(1, "坡子街社区"), (2, "城南路社区")]
    orgs = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in orgs] == [world.org.name, world.other_org.name]
    assert xlsx.summary["rows"] == 2 + 2 + 2  # streets, communities, organizations


def test_an_empty_year_still_makes_a_document(world, district_official, build):
    xlsx = build(district_official, "needs_handbook", "xlsx", year=2020)
    assert xlsx.status == RunStatus.DONE, xlsx.error
    assert xlsx.summary["total"] == 0 and xlsx.summary["rows"] == 0
    pdf = build(district_official, "needs_handbook", "pdf", year=2020)
    assert pdf.status == RunStatus.DONE, pdf.error
    text, pages = pdf_text(read_file(pdf))
    assert pages == 2 and "天心区" in text  # the cover and the (empty) contents
