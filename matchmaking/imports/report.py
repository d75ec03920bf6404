"""What an import found and did: row-by-row errors and the counts per sheet.

A report is plain data (it goes to JSON between the preview and the confirmation, and to the
terminal from `manage.py import_data`); messages are rendered in the active language when the
problem is found.
"""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the spreadsheet's own row number (the header is usually row 1);
    None for a problem with the whole file. `column` is the header as written in the file."""

    row: int | None
    column: str
    problem: str
    sheet: str = ""

    def __str__(self) -> str:
        parts = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
        }
        if self.row is None:
            if self.column:
                return _("Column “%(column)s”: %(problem)s") % parts
            return self.problem
        if self.sheet:
            if self.column:
                return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(problem)s") % parts
            return _("Sheet “%(sheet)s”, row %(row)s: %(problem)s") % parts
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(problem)s") % parts
        return _("Row %(row)s: %(problem)s") % parts


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("%(created)s created, %(unchanged)s unchanged, %(updated)s updated") % asdict(self)


@dataclass
class SheetSummary:
    """One sheet of the file: its label, the rows read, and the first rows for the preview."""

    key: str
    label: str
    rows: int = 0
    headers: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    stored: bool = False
    sheets: list[SheetSummary] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return sum(sheet.rows for sheet in self.sheets)

    def sheet(self, key: str) -> SheetSummary:
        return next(sheet for sheet in self.sheets if sheet.key == key)

    def error(self, row: int | None, column: str, problem: str, sheet: str = "") -> None:
        self.errors.append(RowError(row=row, column=column, problem=problem, sheet=sheet))

    def lines(self) -> list[str]:
        """The report as text, one line per sheet and per error (the command prints these)."""
        out = []
        for sheet in self.sheets:
            if self.stored:
                out.append(f"{sheet.label}: {sheet.counts}")
            elif self.ok:
                out.append(
                    _("%(sheet)s (dry run, nothing stored): %(counts)s")
                    % {"sheet": sheet.label, "counts": sheet.counts}
                )
            if sheet.ignored:
                out.append(
                    _("%(sheet)s: ignored unknown columns: %(columns)s")
                    % {"sheet": sheet.label, "columns": "、".join(sheet.ignored)}
                )
        if self.errors:
            out.append(
                _("%(count)s problem(s) found; nothing was stored:") % {"count": len(self.errors)}
            )
            out.extend(str(error) for error in self.errors)
        return out

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        sheets = [
            SheetSummary(**{**sheet, "counts": Counts(**sheet["counts"])})
            for sheet in data["sheets"]
        ]
        errors = [RowError(**error) for error in data["errors"]]
        return cls(**{**data, "sheets": sheets, "errors": errors})
