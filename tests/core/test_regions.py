"""Region codes: the pure helpers of core.regions and the ORM subtree query built on them."""

import pytest

from communities.models import Region
from communities.selectors import region_subtree
from core import regions
from tests import factories as f

PROVINCE = "430000000000"
CITY = "430100000000"
DISTRICT = "430103000000"
STREET = "430103002000"
COMMUNITY = "430103002001"


@pytest.mark.parametrize(
    ("code", "level", "prefix", "parent"),
    [
        (PROVINCE, regions.PROVINCE, "43", None),
        (CITY, regions.CITY, "4301", PROVINCE),
        (DISTRICT, regions.DISTRICT, "430103", CITY),
        (STREET, regions.STREET, "430103002", DISTRICT),
        (COMMUNITY, regions.COMMUNITY, COMMUNITY, STREET),
        # Zeros inside the significant digits do not shorten the prefix.
        ("430103010000", regions.STREET, "430103010", DISTRICT),
        ("430103001010", regions.COMMUNITY, "430103001010", "430103001000"),
        ("430110000000", regions.DISTRICT, "430110", CITY),
    ],
)
def test_level_prefix_and_parent(code, level, prefix, parent):
    assert regions.level_of(code) == level
    assert regions.prefix_of(code) == prefix
    assert regions.parent_code(code) == parent


def test_ancestors_nearest_first():
    assert regions.ancestors(COMMUNITY) == [STREET, DISTRICT, CITY, PROVINCE]
    assert regions.ancestors(DISTRICT) == [CITY, PROVINCE]
    assert regions.ancestors(PROVINCE) == []


@pytest.mark.parametrize(
    ("code", "ancestor", "expected"),
    [
        (COMMUNITY, COMMUNITY, True),
        (COMMUNITY, STREET, True),
        (COMMUNITY, DISTRICT, True),
        (COMMUNITY, CITY, True),
        (COMMUNITY, PROVINCE, True),
        (STREET, STREET, True),
        (STREET, COMMUNITY, False),
        (DISTRICT, STREET, False),
        (CITY, DISTRICT, False),
        ("430104001001", DISTRICT, False),  # 岳麓区 community, not under 天心区
        ("430104000000", DISTRICT, False),
        ("430103001010", "430103010000", False),  # shares "430103010" as text only
        ("430103010001", "430103010000", True),
        ("430301000000", CITY, False),  # 湘潭市's district, not Changsha's
        ("430301000000", PROVINCE, True),
    ],
)
def test_is_within(code, ancestor, expected):
    assert regions.is_within(code, ancestor) is expected


def test_pad_turns_table_codes_into_region_codes():
    assert regions.pad("430103002") == STREET
    assert regions.pad("4301") == CITY


BAD_CODES = [
    "",
    "43010300000",  # 11 digits
    "4301030000000",  # 13 digits
    "43010300000a",
    "４３０１０３０００００１",  # full-width digits
    " 430103000000",
    "430103000000\n",  # `$` alone would let a trailing newline through
    None,
]


@pytest.mark.parametrize("bad", BAD_CODES)
def test_invalid_codes_raise_value_error(bad):
    assert not regions.is_valid_code(bad)
    for function in (regions.level_of, regions.prefix_of, regions.parent_code, regions.ancestors):
        with pytest.raises(ValueError, match="12-digit"):
            function(bad)
    with pytest.raises(ValueError, match="12-digit"):
        regions.is_within(COMMUNITY, bad)
    with pytest.raises(ValueError, match="12-digit"):
        regions.is_within(bad, CITY)


@pytest.fixture
def region_rows(db):
    """Rows at every level, with near-miss codes that a text-based prefix would get wrong.

    Stripping trailing zeros instead of cutting by level would give 先锋街道 430103010000 the
    prefix "43010301" (matching 赤岭路街道's 430103011001) and district 430110000000 the prefix
    "43011" (matching 雨花区 430111000000).
    """
    codes = [
        "430103002001",  # 坡子街街道's community (creates 长沙市, 天心区, 坡子街街道 too)
        "430103002002",
        "430103004001",  # 城南路街道's community
        "430103010001",  # 先锋街道's community
        "430103011001",  # 赤岭路街道's community
        "430103001010",  # community 010 of street 001
        "430104001001",  # 岳麓区 → 望月湖街道 → community
        "430110000000",
        "430111000000",  # 雨花区
        "430301000000",  # 湘潭市's district (its city 430300000000 is created too)
    ]
    for code in codes:
        f.region(code)
    return {r.code for r in Region.objects.all()}


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_region_subtree_of_a_district(region_rows):
    assert _codes(region_subtree(DISTRICT)) == {
        DISTRICT,
        "430103002000",
        "430103002001",
        "430103002002",
        "430103004000",
        "430103004001",
        "430103010000",
        "430103010001",
        "430103011000",
        "430103011001",
        "430103001000",
        "430103001010",
    }


def test_region_subtree_of_a_street_uses_nine_digits(region_rows):
    assert _codes(region_subtree("430103010000")) == {"430103010000", "430103010001"}
    assert _codes(region_subtree("430103001000")) == {"430103001000", "430103001010"}


def test_region_subtree_of_a_district_uses_six_digits(region_rows):
    assert _codes(region_subtree("430110000000")) == {"430110000000"}
    assert _codes(region_subtree("430111000000")) == {"430111000000"}


def test_region_subtree_of_a_community_is_itself(region_rows):
    assert _codes(region_subtree("430103002001")) == {"430103002001"}


def test_region_subtree_of_the_city_excludes_other_cities(region_rows):
    city_rows = _codes(region_subtree(CITY))
    assert city_rows == {code for code in region_rows if code.startswith("4301")}
    assert "430300000000" not in city_rows
    assert "430301000000" not in city_rows
    assert "430110000000" in city_rows


def test_region_subtree_of_an_unknown_code_is_empty(region_rows):
    assert not region_subtree("430105000000").exists()


def test_region_subtree_rejects_an_invalid_code(db):
    with pytest.raises(ValueError):
        region_subtree("4301")


def test_factory_builds_the_chain_with_levels_and_parents(db):
    city, district, street, community = f.region_chain("430103002001")
    assert [r.level for r in (city, district, street, community)] == [
        "city",
        "district",
        "street",
        "community",
    ]
    assert community.parent == street and street.parent == district and district.parent == city
    assert city.parent is None
    assert (district.name, street.name) == ("天心区", "坡子街街道")
    # get_or_create: asking again reuses the rows.
    assert f.region_chain("430103002001")[3] == community
    assert Region.objects.count() == 4


def test_region_contains(db):
    _, district, street, community = f.region_chain("430103002001")
    other = f.region("430104001001")
    assert district.contains(community.code)
    assert district.contains(district.code)
    assert street.contains(community.code)
    assert not street.contains(district.code)
    assert not district.contains(other.code)
    assert not community.contains(street.code)
    assert district.prefix == "430103"
    assert street.prefix == "430103002"
