"""Reports as Excel workbooks (XlsxWriter), in the house style of matchmaking/exports.py.

A handbook is two sheets: a summary (one row per section: its count and, where the kind has
money, its total) and the handbook itself (one row per entry, the section's name in the first
column, a frozen bold header, money and counts as numbers). The ranking has the summary and one
sheet per level. Text is always written as text, never read as a formula or a number.
"""

import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..exports import _sheet_name
from .collect import INT, MONEY, SCORE, SHARE, ReportData


class _Writer:
    def __init__(self, book):
        self.book = book
        self.formats = {
            "head": book.add_format({"bold": True, "bg_color": "#F3E4E2", "bottom": 1}),
            MONEY: book.add_format({"num_format": "#,##0.00"}),
            SCORE: book.add_format({"num_format": "0.00"}),
            SHARE: book.add_format({"num_format": "0.0%"}),
            INT: None,
        }

    def sheet(self, name: str, columns):
        """A worksheet with a frozen header of `columns` ((label, width) pairs)."""
        sheet = self.book.add_worksheet(_sheet_name(name))
        for index, (label, width) in enumerate(columns):
            sheet.set_column(index, index, width)
            sheet.write_string(0, index, str(label), self.formats["head"])
        sheet.freeze_panes(1, 0)
        return sheet

    def cell(self, sheet, row: int, column: int, value, kind: str) -> None:
        if value is None or value == "":
            sheet.write_blank(row, column, None)
        elif kind in (MONEY, SCORE, SHARE):
            sheet.write_number(row, column, float(Decimal(value)), self.formats[kind])
        elif kind == INT and isinstance(value, int) and not isinstance(value, bool):
            sheet.write_number(row, column, value)
        else:
            sheet.write_string(row, column, str(value))


def render_xlsx(data: ReportData, *, progress=None) -> tuple[bytes, int]:
    """(the workbook, its number of data rows over all sheets but the summary)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {
            "title": f"{data.scope_name} {data.year} {data.title}",
            "subject": data.title,
            "comments": _("Generated on %(date)s") % {"date": data.generated_on.isoformat()},
        }
    )
    writer = _Writer(book)
    has_money = any(section.amount is not None for section in data.sections)

    head = [(data.grouping or _("Section"), 24), (_("Entries"), 10)]
    if has_money:
        head.append((data.amount_label, 18))
    summary = writer.sheet(pgettext("report sheet", "Summary"), head)
    row = 1
    for section in data.sections:
        writer.cell(summary, row, 0, section.name, "text")
        writer.cell(summary, row, 1, section.count, INT)
        if has_money:
            writer.cell(summary, row, 2, section.amount, MONEY)
        row += 1
    writer.cell(summary, row, 0, _("Total"), "text")
    writer.cell(summary, row, 1, data.total, INT)
    if has_money:
        total = sum((s.amount for s in data.sections if s.amount is not None), Decimal(0))
        writer.cell(summary, row, 2, total, MONEY)
    for offset, (label, value) in enumerate(
        (
            (_("Report"), data.title),
            (_("Region"), f"{data.scope_name}（{data.scope_code}）"),
            (_("Year"), data.year),
            (_("Generated on"), data.generated_on.isoformat()),
        ),
        start=row + 2,
    ):
        writer.cell(summary, offset, 0, label, "text")
        writer.cell(summary, offset, 1, value, INT)

    rows = 0
    if data.kind == "ranking":
        for index, section in enumerate(data.sections, start=1):
            sheet = writer.sheet(section.name, [(c.label, c.width) for c in section.columns])
            for line, entry in enumerate(section.entries, start=1):
                for column, spec in enumerate(section.columns):
                    writer.cell(sheet, line, column, entry.get(spec.key), spec.kind)
            rows += section.count
            if progress:
                progress(index / max(len(data.sections), 1))
    else:
        columns = data.columns
        sheet = writer.sheet(data.title, [(c.label, c.width) for c in columns])
        line = 1
        for index, section in enumerate(data.sections, start=1):
            for entry in section.entries:
                for column, spec in enumerate(columns):
                    writer.cell(sheet, line, column, entry.get(spec.key), spec.kind)
                line += 1
            if progress:
                progress(index / max(len(data.sections), 1))
        rows = line - 1
    book.close()
    return buffer.getvalue(), rows
