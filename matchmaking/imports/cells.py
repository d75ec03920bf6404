"""Parsing one spreadsheet cell into a Python value, with a message a clerk can act on.

Cells arrive as openpyxl gives them (str, int, float, datetime, None) or as CSV text. Each
parser returns the value or raises `CellError`; a blank cell never reaches a parser (the row
reader decides whether blank is allowed).
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core import regions


class CellError(ValueError):
    """The cell cannot be read as the column expects; `message` says why (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def display(value) -> str:
    """A cell as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def text(value) -> str:
    """Free text: trimmed; a number typed into a text column (a phone number) stays digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return display(value)
    return str(value).strip()


def code_text(value) -> str:
    """A code column: full-width characters typed through an IME become ASCII, no spaces."""
    return unicodedata.normalize("NFKC", text(value)).replace(" ", "").upper()


_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+")


def region_code(value) -> str:
    code = code_text(value)
    if _SCIENTIFIC.fullmatch(code):
        raise CellError(
            _(
                "%(value)s looks like a number Excel shortened to scientific notation; "
                "format the column as text and type the 12 digits again"
            )
            % {"value": code}
        )
    if not regions.is_valid_code(code):
        raise CellError(
            _("%(value)s is not a region code: a region code has exactly 12 digits")
            % {"value": code}
        )
    return code


def integer(value, *, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise CellError(_("must be a whole number"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("must be a whole number"))
        number = int(value)
    else:
        raw = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
        if not re.fullmatch(r"[+-]?[0-9]+", raw):
            raise CellError(_("%(value)s is not a whole number") % {"value": str(value).strip()})
        number = int(raw)
    if number < minimum:
        if minimum == 0:
            raise CellError(_("must not be negative (%(value)s)") % {"value": number})
        raise CellError(
            _("must be at least %(minimum)s (%(value)s)") % {"minimum": minimum, "value": number}
        )
    return number


_MONEY_NOISE = re.compile(r"[,\s元¥￥]")


MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)


def money(value, *, positive: bool) -> Decimal:
    """Yuan with at most two decimals; `万` (ten thousand) is understood, as clerks write it."""
    if isinstance(value, bool):
        raise CellError(_("is not an amount"))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the shortest decimal that round-trips, not binary noise
    else:
        raw = _MONEY_NOISE.sub("", unicodedata.normalize("NFKC", str(value)))
        scale = Decimal(1)
        if raw.endswith("万"):
            raw, scale = raw[:-1], Decimal(10_000)
        try:
            amount = Decimal(raw) * scale
        except InvalidOperation:
            raise CellError(
                _("%(value)s is not an amount in yuan") % {"value": str(value).strip()}
            ) from None
        if not amount.is_finite():
            raise CellError(_("%(value)s is not an amount in yuan") % {"value": str(value).strip()})
    if amount < 0:
        raise CellError(_("must not be negative (%(value)s)") % {"value": amount})
    if amount > MAX_AMOUNT:  # the columns hold 14 digits; larger ones cannot even be rounded
        raise CellError(
            _("%(value)s is more than any amount the platform holds") % {"value": amount}
        )
    if positive and amount == 0:
        raise CellError(_("must be more than zero"))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("at most two decimal places (whole fen): %(value)s") % {"value": amount})
    return amount.quantize(Decimal("0.01"))


_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)


def date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = unicodedata.normalize("NFKC", text(value)).replace(" ", "")
    raw = raw.split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(raw) or pattern.fullmatch(raw.split(" ")[0])
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise CellError(_("%(value)s is not a date (write it as 2026-03-01)") % {"value": raw})


def year(value) -> int:
    number = integer(value)
    if not 2000 <= number <= 2100:
        raise CellError(_("%(value)s is not a year between 2000 and 2100") % {"value": number})
    return number


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "已发布", "发布", "已核验", "核验"}
_NO = {"否", "n", "no", "false", "0", "×", "未发布", "不发布", "未核验"}


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = unicodedata.normalize("NFKC", text(value)).strip().lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_("%(value)s is neither 是 (yes) nor 否 (no)") % {"value": text(value)})


def normal_key(value) -> str:
    """How names and codes are compared: NFKC, case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).casefold()


_LIST_SEPARATORS = re.compile(r"[,，;；、|/\n]+")


def items(value) -> list[str]:
    """A list in one cell: 老年人、残疾人 or elderly; disabled."""
    return [part.strip() for part in _LIST_SEPARATORS.split(text(value)) if part.strip()]
