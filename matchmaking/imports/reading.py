"""Reading an uploaded .xlsx or .csv into rows keyed by column, with the file's row numbers.

The header is found among the first rows (a title line above it is common in the sheets
officials bring), columns are recognised by their Chinese or English header, and a sheet of a
workbook is matched to what the kind expects by its headers, not by its name.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .cells import display, is_blank
from .columns import Column, SheetSpec

HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 100
PREVIEW_ROWS = 20
EXTENSIONS = (".xlsx", ".csv")


class ImportFileError(Exception):
    """The file as a whole cannot be read; `message` says why (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 50_000))


@dataclass
class Row:
    number: int
    values: dict  # column key → cell, None when blank


@dataclass
class Sheet:
    spec: SheetSpec
    name: str
    headers: dict[str, str]  # column key → the header as written in the file
    rows: list[Row] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def header(self, key: str) -> str:
        """The column's name for a report: as in the file, else the template's."""
        if key in self.headers:
            return self.headers[key]
        column = next((c for c in self.spec.columns if c.key == key), None)
        return column.zh if column else key

    def has(self, key: str) -> bool:
        return key in self.headers

    def preview(self) -> tuple[list[str], list[list[str]]]:
        keys = [c.key for c in self.spec.columns if c.key in self.headers]
        rows = [
            [str(row.number), *(display(row.values.get(key)) for key in keys)]
            for row in self.rows[:PREVIEW_ROWS]
        ]
        return [_("Row"), *(self.headers[key] for key in keys)], rows


@dataclass
class _RawSheet:
    name: str
    rows: object  # a callable giving an iterator of (row number, tuple of cells)
    head: list[tuple[int, tuple]]


def _xlsx_sheets(data: bytes) -> list[_RawSheet]:
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This is not an .xlsx workbook. Save it from Excel or WPS as .xlsx (or as CSV).")
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _("The workbook cannot be read (%(reason)s). Save it again as .xlsx and retry.")
            % {"reason": exc.__class__.__name__}
        ) from exc
    sheets = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue

        def rows(ws=ws):
            for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, tuple(cells[:MAX_COLUMNS])

        head = []
        for number, cells in rows():
            head.append((number, cells))
            if number >= HEADER_SEARCH_ROWS:
                break
        sheets.append(_RawSheet(name=ws.title, rows=rows, head=head))
    return sheets


def _decode(data: bytes) -> str:
    # Excel and WPS on Chinese Windows save "CSV" in GBK; GB 18030 reads GBK and more.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text."))


def _csv_sheets(data: bytes, name: str) -> list[_RawSheet]:
    if b"\x00" in data[:65536] or data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This is not a CSV text file. Upload a .xlsx workbook as .xlsx, or save as CSV.")
        )
    content = _decode(data)
    first_line = content.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","

    def rows():
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                yield number, tuple(cells[:MAX_COLUMNS])
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV file is malformed (%(reason)s).") % {"reason": exc}
            ) from exc

    head = []
    for number, cells in rows():
        head.append((number, cells))
        if number >= HEADER_SEARCH_ROWS:
            break
    return [_RawSheet(name=name, rows=rows, head=head)]


def _match(cells: tuple, spec: SheetSpec) -> tuple[int, int]:
    columns = {spec.column(cell) for cell in cells if not is_blank(cell)} - {None}
    return sum(1 for c in columns if c.required), len(columns)


def _best_header(raw: _RawSheet, spec: SheetSpec) -> tuple[tuple[int, int], int | None]:
    best, best_row = (0, 0), None
    for number, cells in raw.head:
        score = _match(cells, spec)
        if score > best:
            best, best_row = score, number
    return best, best_row


def _missing(raw: _RawSheet, header_row: int | None, spec: SheetSpec) -> list[Column]:
    cells = dict(raw.head).get(header_row, ()) if header_row else ()
    found = {spec.column(cell) for cell in cells if not is_blank(cell)}
    return [column for column in spec.required_columns if column not in found]


def _read_sheet(raw: _RawSheet, header_row: int, spec: SheetSpec, report, label: str) -> Sheet:
    header_cells = dict(raw.head)[header_row]
    positions: dict[int, Column] = {}
    sheet = Sheet(spec=spec, name=raw.name, headers={})
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            continue
        column = spec.column(cell)
        if column is None:
            sheet.ignored.append(str(cell).strip())
        elif column.key in sheet.headers:
            report.error(
                header_row,
                str(cell).strip(),
                _("this column appears twice (also as “%(other)s”)")
                % {"other": sheet.headers[column.key]},
                sheet=label,
            )
        else:
            positions[index] = column
            sheet.headers[column.key] = str(cell).strip()
    limit = max_rows()
    for number, cells in raw.rows():
        if number <= header_row:
            continue
        if number - header_row > 2 * limit:  # blank rows count too: a workbook can hold millions
            raise ImportFileError(
                _("The sheet “%(sheet)s” has more than %(limit)s rows; split the file.")
                % {"sheet": raw.name, "limit": limit}
            )
        values = {
            column.key: (None if is_blank(cells[i]) else cells[i])
            for i, column in positions.items()
            if i < len(cells)
        }
        if all(value is None for value in values.values()):
            continue
        sheet.rows.append(Row(number=number, values=values))
        if len(sheet.rows) > limit:
            raise ImportFileError(
                _("The sheet “%(sheet)s” has more than %(limit)s rows; split the file.")
                % {"sheet": raw.name, "limit": limit}
            )
    return sheet


def read_sheets(data: bytes, filename: str, specs: tuple[SheetSpec, ...], report) -> list[Sheet]:
    """The sheets of the file that match `specs`; problems go to `report` as file errors.

    Raises ImportFileError when the file cannot be read at all.
    """
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        raws = _xlsx_sheets(data)
    elif lower.endswith(".csv"):
        raws = _csv_sheets(data, filename.rsplit("/", 1)[-1])
    else:
        raise ImportFileError(_("Only .xlsx and .csv files can be imported."))
    raws = [raw for raw in raws if any(not is_blank(c) for _n, cells in raw.head for c in cells)]
    if not raws:
        raise ImportFileError(_("The file is empty."))

    # Each sheet goes to the spec it fits best: every required column, then the most columns.
    chosen: dict[str, tuple[_RawSheet, int]] = {}
    taken: set[int] = set()
    for index, raw in enumerate(raws):
        fits = []
        for spec in specs:
            (required, found), row = _best_header(raw, spec)
            if row is not None and required == len(spec.required_columns):
                fits.append((found, spec, row))
        if fits:
            _found, spec, row = max(fits, key=lambda fit: fit[0])
            if spec.key not in chosen:
                chosen[spec.key] = (raw, row)
                taken.add(index)

    sheets = []
    multi = len(chosen) > 1
    for spec in specs:
        if spec.key in chosen:
            raw, row = chosen[spec.key]
            sheets.append(_read_sheet(raw, row, spec, report, raw.name if multi else ""))
            continue
        if not spec.required:
            continue
        # No sheet has every required column: name what is missing from the closest sheet.
        candidates = [(i, raw) for i, raw in enumerate(raws) if i not in taken] or list(
            enumerate(raws)
        )
        _index, raw = max(candidates, key=lambda pair: _best_header(pair[1], spec)[0])
        _score, row = _best_header(raw, spec)
        missing = "、".join(column.zh for column in _missing(raw, row, spec))
        report.error(
            None,
            "",
            _("No sheet has the columns of “%(sheet)s”: missing %(columns)s.")
            % {"sheet": spec.zh, "columns": missing}
            if len(specs) > 1
            else _("The file lacks required columns: %(columns)s.") % {"columns": missing},
        )
    return sheets
