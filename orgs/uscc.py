"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organization type (1), region code (6),
organization code (9, GB 11714) and a check character computed over the first 17.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}

# GB 11714 organization code: 8 body characters (digits or letters) and a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(body: str) -> str:
    """The 18th character for a 17-character body."""
    if len(body) != 17 or any(ch not in _VALUE for ch in body):
        raise ValueError("the body must be 17 characters from the GB 32100 alphabet")
    total = sum(_VALUE[ch] * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validation_error(code: str) -> str | None:
    """None when `code` is a valid USCC, else a short reason (English, for translation)."""
    if not isinstance(code, str) or len(code) != 18:
        return "must be exactly 18 characters"
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return f"contains characters not allowed in a credit code: {''.join(sorted(set(bad)))}"
    if not code[2:8].isdigit():
        return "characters 3–8 must be the 6-digit region code"
    if check_character(code[:17]) != code[17]:
        return "the check character does not match"
    return None


def is_valid(code: str) -> bool:
    return validation_error(code) is None


def org_code_check(body8: str) -> str:
    """GB 11714 check character for an 8-character organization-code body."""

    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch) - 55

    total = sum(value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make(authority_type: str, region6: str, org_body8: str) -> str:
    """Build a valid code, e.g. make("52", "430121", "MJ1234AB") for a social service org."""
    body = f"{authority_type}{region6}{org_body8}{org_code_check(org_body8)}"
    return body + check_character(body)
