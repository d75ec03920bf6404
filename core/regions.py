"""Helpers for 12-digit national administrative-division codes (统计用区划代码).

Jurisdiction is a prefix test: everything under 天心区 `430103000000` starts with `430103`.
"""

import re

# ASCII digits only: `\d` would also accept full-width digits (４３０…) typed through an IME,
# and `$` would accept a trailing newline.
CODE_RE = re.compile(r"[0-9]{12}")

PROVINCE = "province"
CITY = "city"
DISTRICT = "district"
STREET = "street"
COMMUNITY = "community"

LEVELS = (PROVINCE, CITY, DISTRICT, STREET, COMMUNITY)
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, DISTRICT: 6, STREET: 9, COMMUNITY: 12}


def is_valid_code(code: str) -> bool:
    return isinstance(code, str) and CODE_RE.fullmatch(code) is not None


def level_of(code: str) -> str:
    """The level a code denotes, read from where its trailing zeros start."""
    if not is_valid_code(code):
        raise ValueError(f"not a 12-digit region code: {code!r}")
    if code[2:] == "0" * 10:
        return PROVINCE
    if code[4:] == "0" * 8:
        return CITY
    if code[6:] == "0" * 6:
        return DISTRICT
    if code[9:] == "000":
        return STREET
    return COMMUNITY


def prefix_of(code: str) -> str:
    """The significant digits of a code: a row is under `code` iff its code starts with this."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    index = LEVELS.index(level)
    if index == 0:
        return None
    keep = PREFIX_LENGTH[LEVELS[index - 1]]
    return code[:keep].ljust(12, "0")


def is_within(code: str, ancestor: str) -> bool:
    """True when `code` is `ancestor` itself or lies below it."""
    if not is_valid_code(code):
        raise ValueError(f"not a 12-digit region code: {code!r}")
    return code.startswith(prefix_of(ancestor))


def pad(code: str) -> str:
    """Pad a 2/4/6/9-digit division code (as the MCA table gives them) to 12 digits."""
    return code.ljust(12, "0")


def ancestors(code: str) -> list[str]:
    """Codes of every region above `code`, nearest first."""
    result = []
    current = parent_code(code)
    while current is not None:
        result.append(current)
        current = parent_code(current)
    return result
