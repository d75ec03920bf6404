"""The dashboard as an Excel workbook (XlsxWriter), and the labels the page shares with it.

One sheet per section of the page, headers in the active language, numbers written as numbers
(money with a thousands format, shares as percentages) so that officials can sum and chart them
in Excel. The workbook is built in memory from the dashboard dict: no query of its own.
"""

import io
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from projects.choices import ProjectStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The totals in the order of the page: (key in data["totals"], label, kind).
COUNT, MONEY, SHARE, DAYS = "count", "money", "share", "days"
TOTALS = (
    ("communities", gettext_lazy("Communities"), COUNT),
    ("orgs", gettext_lazy("Organizations"), COUNT),
    ("orgs_verified", gettext_lazy("Verified organizations"), COUNT),
    ("certified_workers", gettext_lazy("Certified social workers"), COUNT),
    ("staff_total", gettext_lazy("Community staff"), COUNT),
    ("staff_certified", gettext_lazy("Certified community staff"), COUNT),
    ("staff_certified_share", gettext_lazy("Share of staff certified"), SHARE),
    ("needs_published", gettext_lazy("Needs published"), COUNT),
    ("offers_published", gettext_lazy("Offerings published"), COUNT),
    ("resources_published", gettext_lazy("Resources published"), COUNT),
    ("resources_amount", gettext_lazy("Resources amount (yuan)"), MONEY),
    ("funds_committed", gettext_lazy("Funds committed (yuan)"), MONEY),
    ("funds_disbursed", gettext_lazy("Funds disbursed (yuan)"), MONEY),
    ("match_rate", gettext_lazy("Match rate"), SHARE),
    ("median_days_to_award", gettext_lazy("Median days to award"), DAYS),
)
STAGES = {
    "bidding": gettext_lazy("Bidding"),
    "review": gettext_lazy("Review"),
    "delivery": gettext_lazy("Delivery"),
    "acceptance": gettext_lazy("Acceptance"),
    "completed": gettext_lazy("Completed"),
}
TRENDS = {
    "needs_published": gettext_lazy("Needs published"),
    "projects_published": gettext_lazy("Projects published"),
    "projects_awarded": gettext_lazy("Projects awarded"),
    "projects_completed": gettext_lazy("Projects completed"),
}
OVERDUE = {
    "bidding_without_bids": gettext_lazy("Bidding closed without bids"),
    "reports_late": gettext_lazy("Progress reports late"),
    "acceptance_pending": gettext_lazy("Acceptance pending"),
}
# Sheets in their order; the page's export links open the workbook on the chart's own sheet.
SHEETS = {
    "totals": gettext_lazy("Totals"),
    "status": gettext_lazy("Projects by status"),
    "gap": gettext_lazy("Supply and demand"),
    "by_category": gettext_lazy("By category"),
    "by_region": gettext_lazy("By area"),
    "biggest": gettext_lazy("Biggest gaps"),
    "trends": gettext_lazy("Monthly trends"),
    "pipeline": gettext_lazy("Pipeline"),
    "overdue": gettext_lazy("Overdue"),
}


def status_label(value: str) -> str:
    return str(ProjectStatus(value).label)


def money(value) -> float | None:
    """The API's money string ("1234.50") as a number for a spreadsheet cell."""
    return None if value is None else float(Decimal(value))


def filename(data: dict) -> str:
    return f"dashboard-{data['scope']['code']}-{data['year']}.xlsx"


def dashboard_workbook(data: dict, *, active: str | None = None) -> bytes:
    """The workbook of a dashboard dict; `active` (a key of SHEETS) is the sheet it opens on."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    scope = data["scope"]
    book.set_properties(
        {
            "title": _("Dashboard: %(area)s, %(year)s")
            % {"area": scope["name"], "year": data["year"]},
        }
    )
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#F3E4E2", "bottom": 1}),
        MONEY: book.add_format({"num_format": "#,##0.00"}),
        SHARE: book.add_format({"num_format": "0.00%"}),
        DAYS: book.add_format({"num_format": "0.0"}),
        COUNT: None,
    }
    sheets = {key: _Sheet(book, str(name), formats["head"]) for key, name in SHEETS.items()}

    totals = data["totals"]
    sheet = sheets["totals"]
    sheet.header([_("Figure"), _("Value")], widths=[30, 20])
    sheet.row([_("Area"), scope["name"]])
    sheet.row([_("Area code"), scope["code"]])
    sheet.row([_("Year"), data["year"]])
    for key, label, kind in TOTALS:
        value = totals[key]
        sheet.row([str(label), money(value) if kind == MONEY else value], formats[kind])

    sheet = sheets["status"]
    sheet.header([_("Status"), _("Projects")], widths=[20, 12])
    for value, count in totals["projects_by_status"].items():
        sheet.row([status_label(value), count])

    gap = data["gap"]
    numbers = [_("Demand"), _("Supply"), _("Gap")]
    sheet = sheets["gap"]
    sheet.header(
        [_("Area code"), _("Area"), _("Category code"), _("Category"), *numbers],
        widths=[15, 18, 20, 20, 10, 10, 10],
    )
    for category, cells in zip(gap["categories"], gap["cells"], strict=True):
        for region, cell in zip(gap["regions"], cells, strict=True):
            sheet.row(
                [
                    region["code"],
                    region["name"],
                    category["code"],
                    category["name"],
                    cell["demand"],
                    cell["supply"],
                    cell["gap"],
                ]
            )
    for key, title in (("by_category", _("Category")), ("by_region", _("Area"))):
        sheet = sheets[key]
        sheet.header([_("Code"), title, *numbers], widths=[20, 20, 10, 10, 10])
        for row in gap[key]:
            sheet.row([row["code"], row["name"], row["demand"], row["supply"], row["gap"]])

    sheet = sheets["biggest"]
    sheet.header(
        [_("Area code"), _("Category code"), *numbers, _("In words")],
        widths=[15, 20, 10, 10, 10, 50],
    )
    for row in gap["biggest"]:
        sheet.row(
            [row["region"], row["category"], row["demand"], row["supply"], row["gap"], row["text"]]
        )

    trends = data["trends"]
    sheet = sheets["trends"]
    sheet.header(
        [_("Month"), *(str(label) for label in TRENDS.values())], widths=[8, 14, 14, 14, 14]
    )
    for index, month in enumerate(trends["months"]):
        sheet.row([month, *(trends[key][index] for key in TRENDS)])

    sheet = sheets["pipeline"]
    sheet.header([_("Stage"), _("Projects")], widths=[16, 12])
    for key, label in STAGES.items():
        sheet.row([str(label), data["pipeline"][key]])

    sheet = sheets["overdue"]
    sheet.header(
        [
            _("List"),
            pgettext("count", "Total"),
            _("Project code"),
            _("Title"),
            _("Community"),
            _("Days waited"),
        ],
        widths=[26, 8, 18, 36, 20, 10],
    )
    for key, label in OVERDUE.items():
        listing = data["overdue"][key]
        if not listing["items"]:
            sheet.row([str(label), listing["count"]])
        for item in listing["items"]:
            sheet.row(
                [
                    str(label),
                    listing["count"],
                    item["code"],
                    item["title"],
                    item["community"],
                    item["days"],
                ]
            )

    if active in sheets:
        sheets[active].sheet.activate()
    book.close()
    return buffer.getvalue()


def xlsx_response(data: dict, *, active: str | None = None) -> HttpResponse:
    response = HttpResponse(dashboard_workbook(data, active=active), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(data)}"'
    return response


class _Sheet:
    """A worksheet written row by row: a bold, frozen header, then values by type (None → an
    empty cell; numbers stay numbers; text is never read as a formula or a number)."""

    def __init__(self, book, name: str, head_format):
        self.sheet = book.add_worksheet(_sheet_name(name))
        self.head_format = head_format
        self.next_row = 0

    def header(self, titles, *, widths):
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            self.sheet.set_column(column, column, width)
            self.sheet.write_string(0, column, str(title), self.head_format)
        self.sheet.freeze_panes(1, 0)
        self.next_row = 1

    def row(self, values, number_format=None):
        for column, value in enumerate(values):
            if value is None:
                self.sheet.write_blank(self.next_row, column, None)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                self.sheet.write_string(self.next_row, column, str(value))
            else:
                self.sheet.write_number(self.next_row, column, value, number_format)
        self.next_row += 1


def _sheet_name(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31]
