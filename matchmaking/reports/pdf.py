"""Reports as PDF: a Django template rendered to HTML, laid out by WeasyPrint.

The document is a cover (title, region, year, generation date, totals), a table of contents
whose page numbers WeasyPrint fills in (`target-counter`), then one chapter per section with
its count; pages carry the handbook's title, the chapter and "page n / N" (see pdf.css).

Chinese needs a CJK font: without one WeasyPrint silently draws boxes (tofu). So before
anything is laid out `ensure_cjk_font()` asks fontconfig — the library WeasyPrint itself finds
fonts with, through WeasyPrint's own bindings — which font "Noto Sans CJK SC" resolves to, and
refuses with `MissingFont` (a clear message naming the Debian package) when it is not a CJK
face. `cjk_font_available` is a module-level function so tests can monkeypatch it.

Speed: WeasyPrint's cost grows with the number of boxes and text runs it lays out (a table cell
is a box with its own text layout). A handbook entry is therefore one paragraph — the title in
bold, a line break, one line of details — not a table row of eight cells: 6,000 needs lay out in
about a quarter of the time (docs/reports.md has the numbers). The ranking keeps its tables
(a few hundred rows) with `table-layout: fixed`, which spares WeasyPrint measuring every cell.
"""

import logging
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import get_language

from .collect import INT, MONEY, SCORE, SHARE, ReportData
from .errors import MissingFont

# WeasyPrint logs every page of every layout pass at INFO: hundreds of lines per handbook.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
FONT_PACKAGE = "fonts-noto-cjk"
MISSING_FONT_MESSAGE = (
    "未安装中文字体（Noto CJK），无法生成 PDF：请在服务器上安装 Debian 软件包 "
    f"{FONT_PACKAGE}（apt-get install {FONT_PACKAGE}）后重新生成。"
    f" / No Chinese (CJK) font is installed, so the PDF cannot be made: install the Debian "
    f"package {FONT_PACKAGE} on the server and request the report again."
)


def _fontconfig_family(family: str) -> str | None:
    """The family fontconfig picks for `family` (what Pango, and so WeasyPrint, will use)."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        pattern = fontconfig.FcPatternCreate()
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        matched = fontconfig.FcFontMatch(config, pattern, result)
        fontconfig.FcPatternDestroy(pattern)
        if matched == ffi.NULL:
            return None
        try:
            value = ffi.new("FcChar8 **")
            if fontconfig.FcPatternGetString(matched, b"family", 0, value) != 0:
                return None
            return ffi.string(value[0]).decode()
        finally:
            fontconfig.FcPatternDestroy(matched)
    finally:
        fontconfig.FcConfigDestroy(config)


def cjk_font_available() -> bool:
    """True when fontconfig resolves one of the Noto CJK families to a CJK face (not to a
    Latin fallback such as DejaVu Sans)."""
    for family in CJK_FAMILIES:
        found = _fontconfig_family(family)
        if found and "CJK" in found:
            return True
    return False


def ensure_cjk_font() -> None:
    if not cjk_font_available():
        raise MissingFont(MISSING_FONT_MESSAGE)


def _cell(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == SHARE:
        return f"{Decimal(value) * 100:.1f}%"
    if kind == MONEY:
        return f"{Decimal(value):,.2f}"
    if kind in (INT, SCORE):
        return str(value)
    return str(value)


def render_html(data: ReportData) -> str:
    tables = data.kind == "ranking"
    sections = []
    for number, section in enumerate(data.sections, start=1):
        item = {"anchor": f"s{number}", "section": section}
        if tables:
            item["rows"] = [
                [_cell(entry.get(column.key), column.kind) for column in section.columns]
                for entry in section.entries
            ]
        sections.append(item)
    return render_to_string(
        "matchmaking/reports/document.html",
        {
            "data": data,
            "sections": sections,
            "tables": tables,
            "language": get_language() or "zh-hans",
        },
    )


def render_pdf(data: ReportData, *, progress=None) -> tuple[bytes, int]:
    """(the PDF, its number of pages). Refuses with MissingFont when no CJK font is installed."""
    from weasyprint import HTML

    ensure_cjk_font()
    html = render_html(data)
    if progress:
        progress(0.1)
    document = HTML(string=html).render()
    if progress:
        progress(0.8)
    return document.write_pdf(), len(document.pages)
