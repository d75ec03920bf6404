"""Blank template files for each kind, generated on request (nothing binary is committed).

The workbook has one sheet per kind's sheet with the Chinese headers (code columns formatted
as text, so Excel keeps 12-digit codes and leading zeros), a comment on each header, drop-down
lists for the fixed vocabularies, an instructions sheet and the list of categories and target
groups. The CSV is the header line in UTF-8 with a byte-order mark, which Excel opens as
Chinese.
"""

import csv
import io

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import ServiceCategory, TargetGroup

from . import references
from .kinds import KINDS
from .kinds.fair import PARTICIPANT_ZH

TEXT_COLUMNS = {
    "code",
    "parent_code",
    "region_code",
    "community_code",
    "uscc",
    "org_uscc",
    "certificate_no",
    "service_area",
    "workers",
    "contact_phone",
    "phone",
}
DROPDOWNS = {
    "org_type": references.zh_names(references.ORG_TYPE_ZH),
    "certificate_level": references.zh_names(references.CERTIFICATE_ZH),
    "provider_type": references.zh_names(references.PROVIDER_ZH),
    "level": references.zh_names(references.LEVEL_ZH),
    "grade": ["1A", "2A", "3A", "4A", "5A", "无"],
    "publish": ["是", "否"],
    "verified": ["是", "否"],
    "participant": references.zh_names(PARTICIPANT_ZH),
}
DATA_ROWS = 5000  # how far down the drop-downs and text formats reach


def filename(kind: str, extension: str) -> str:
    return f"import-{kind}-template.{extension}"


def csv_template(kind: str) -> bytes:
    """The header line of the kind's first sheet (a CSV holds one sheet)."""
    spec = KINDS[kind].sheets[0]
    out = io.StringIO()
    csv.writer(out).writerow([column.zh for column in spec.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_template(kind: str) -> bytes:
    kind_obj = KINDS[kind]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    as_text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    for spec in kind_obj.sheets:
        sheet = book.add_worksheet(spec.zh)
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(spec.columns):
            sheet.write_string(0, index, column.zh, required if column.required else header)
            sheet.set_column(
                index,
                index,
                max(12, len(column.zh) * 2 + 2),
                as_text if column.key in TEXT_COLUMNS else None,
            )
            note = str(column.note or "")
            if column.required:
                note = (_("Required.") + " " + note).strip()
            if note:
                sheet.write_comment(0, index, note, {"x_scale": 2})
            if column.key in DROPDOWNS:
                sheet.data_validation(
                    1,
                    index,
                    DATA_ROWS,
                    index,
                    {"validate": "list", "source": DROPDOWNS[column.key], "error_type": "warning"},
                )

    guide = book.add_worksheet("填写说明")
    guide.set_column(0, 0, 16)
    guide.set_column(1, 2, 24)
    guide.set_column(3, 3, 8)
    guide.set_column(4, 4, 60, wrap)
    guide.set_column(5, 5, 30)
    guide.write_row(
        0,
        0,
        [
            _("Sheet"),
            _("Column"),
            _("English header"),
            _("Required"),
            _("How to fill it in"),
            _("Example"),
        ],
        bold,
    )
    line = 1
    for spec in kind_obj.sheets:
        for column in spec.columns:
            guide.write_row(
                line,
                0,
                [
                    spec.zh,
                    column.zh,
                    column.en,
                    "是" if column.required else "",
                    str(column.note or ""),
                    column.example,
                ],
            )
            line += 1
    line += 1
    for text in (
        _("Row 1 of each sheet holds the headers; fill one row per entry from row 2."),
        _("English headers are accepted too. Columns the platform does not know are ignored."),
        _(
            "Re-importing a file is safe: entries are matched by their natural key and only "
            "changes are written. A blank cell keeps the value already on the platform."
        ),
        _(
            "If any row has a problem, nothing is stored and every problem is listed by row and "
            "column."
        ),
    ):
        guide.write(line, 0, text)
        line += 1

    lists = book.add_worksheet("类别与对象")
    lists.set_column(0, 0, 28)
    lists.set_column(1, 2, 30)
    lists.write_row(0, 0, [_("Category code"), _("Category"), _("English name")], bold)
    line = 1
    with translation.override("en"):
        categories = list(ServiceCategory.objects.select_related("parent"))
    for category in categories:
        name = f"{category.parent.name} › {category.name}" if category.parent_id else category.name
        lists.write_row(line, 0, [category.code, name, category.name_en])
        line += 1
    line += 1
    lists.write_row(line, 0, [_("Target group code"), _("Target group"), _("English name")], bold)
    for group in TargetGroup.objects.all():
        line += 1
        lists.write_row(line, 0, [group.code, group.name, group.name_en])
    book.close()
    return out.getvalue()
