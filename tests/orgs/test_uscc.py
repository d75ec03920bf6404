"""Unified social credit code (GB 32100-2015) and its organization-code part (GB 11714)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from orgs import uscc
from orgs.validators import validate_uscc
from tests import factories as f

# Codes as printed on business licences; each check character verified by hand below.
REAL_WORLD_CODES = [
    "91350100M000100Y43",  # the example most often quoted in write-ups of GB 32100
    "91440300708461136T",
    "9144030071526726XG",
    "91110108551385082Q",
    "91110000802100433B",
]


def _check_by_hand(code: str) -> str:
    """GB 32100 check character computed from the standard's definition, independently."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(ch) * (3**i % 31) for i, ch in enumerate(code[:17]))
    return alphabet[(31 - total % 31) % 31]


@pytest.mark.parametrize("code", REAL_WORLD_CODES)
def test_real_world_codes_are_valid(code):
    assert _check_by_hand(code) == code[17]
    assert uscc.check_character(code[:17]) == code[17]
    assert uscc.validation_error(code) is None
    assert uscc.is_valid(code)
    validate_uscc(code)  # does not raise


def test_weights_are_powers_of_three_mod_31():
    assert tuple(3**i % 31 for i in range(17)) == uscc.WEIGHTS


@pytest.mark.parametrize(
    ("body8", "check"),
    [
        ("D2143569", "X"),  # the worked example of GB 11714: D2143569-X
        ("M000100Y", "4"),  # the organization code inside 91350100M000100Y43
        ("70846113", "6"),  # inside 91440300708461136T
        ("71526726", "X"),  # inside 9144030071526726XG
    ],
)
def test_organization_code_check_character(body8, check):
    assert uscc.org_code_check(body8) == check


def test_make_builds_valid_codes_with_the_parts_given():
    code = uscc.make("52", "430103", "MJ000001")
    assert len(code) == 18
    assert code.startswith("52430103MJ000001")
    assert code[16] == uscc.org_code_check("MJ000001")
    assert uscc.is_valid(code)


ALPHABET = st.sampled_from(uscc.ALPHABET)
made_codes = st.builds(
    uscc.make,
    st.sampled_from(["51", "52", "53", "91", "92", "11", "Y1"]),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(uscc.ALPHABET, min_size=8, max_size=8),
)


@given(made_codes)
def test_codes_made_by_make_are_valid(code):
    assert uscc.validation_error(code) is None


@given(code=made_codes, position=st.integers(0, 17), replacement=ALPHABET)
def test_any_single_character_change_is_detected(code, position, replacement):
    if code[position] == replacement:
        replacement = uscc.ALPHABET[(uscc.ALPHABET.index(replacement) + 1) % 31]
    typo = code[:position] + replacement + code[position + 1 :]
    assert uscc.validation_error(typo) is not None
    with pytest.raises(ValidationError):
        validate_uscc(typo)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "must be exactly 18 characters"),
        ("91350100M000100Y4", "must be exactly 18 characters"),
        ("91350100M000100Y433", "must be exactly 18 characters"),
        (None, "must be exactly 18 characters"),
        ("91350100M000100Y4I", "characters not allowed in a credit code: I"),
        ("91350100M0O0100Y43", "characters not allowed in a credit code: O"),
        ("91350100M000100S43", "characters not allowed in a credit code: S"),
        ("9135010VM000100Y43", "characters not allowed in a credit code: V"),
        ("Z1350100M000100Y43", "characters not allowed in a credit code: Z"),
        ("91350100M00-100Y43", "characters not allowed in a credit code: -"),
        ("91350100M000100Y44", "the check character does not match"),
    ],
)
def test_invalid_codes_give_a_reason(code, reason):
    error = uscc.validation_error(code)
    assert error is not None
    assert reason in error
    assert not uscc.is_valid(code)


def test_letters_in_the_region_part_are_refused_even_with_a_matching_check():
    body = "91" + "3501A0" + "M000100Y4"
    code = body + uscc.check_character(body)
    assert uscc.validation_error(code) == "characters 3–8 must be the 6-digit region code"


def test_check_character_refuses_a_bad_body():
    with pytest.raises(ValueError):
        uscc.check_character("91350100M000100Y")  # 16 characters
    with pytest.raises(ValueError):
        uscc.check_character("91350100M000100YO")  # O is not in the alphabet


@pytest.mark.parametrize(
    "code", ["", "91350100M000100Y4", "91350100M000100YO3", "91350100M000100Y44"]
)
def test_validate_uscc_raises_a_django_validation_error(code):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == "invalid_uscc"
    assert "reason" in info.value.params


@pytest.mark.django_db
def test_social_org_full_clean_rejects_a_bad_code():
    org = f.SocialOrgFactory.build(uscc="91350100M000100Y44", region=f.region(f.TIANXIN))
    with pytest.raises(ValidationError) as info:
        org.full_clean()
    errors = info.value.error_dict
    assert list(errors) == ["uscc"]
    assert errors["uscc"][0].code == "invalid_uscc"


@pytest.mark.django_db
def test_social_org_full_clean_accepts_a_factory_code():
    org = f.SocialOrgFactory.build(region=f.region(f.TIANXIN))
    org.full_clean()  # does not raise
    assert uscc.is_valid(org.uscc)
    assert org.uscc[:8] == "52430103"  # civil affairs, social service institution, 天心区
