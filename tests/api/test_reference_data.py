"""Reference data: regions, categories, target groups and communities (all public, read-only)."""

import pytest

from communities.models import ServiceCategory, TargetGroup
from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def results(response):
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def codes(response) -> list[str]:
    return [row["code"] for row in results(response)]


# --- regions --------------------------------------------------------------------------------


def test_region_detail(api, tree):
    response = api().get(f"{V1}/regions/430103000000/")
    assert response.status_code == 200
    assert response.json() == {
        "code": "430103000000",
        "name": "天心区",
        "level": "district",
        "parent": "430100000000",
    }
    city = api().get(f"{V1}/regions/430100000000/").json()
    assert (city["level"], city["parent"]) == ("city", None)


@pytest.mark.parametrize("code", ["430199000000", "4301", "43010300000x"])
def test_unknown_or_malformed_region_is_404(api, tree, code):
    assert_error(api().get(f"{V1}/regions/{code}/"), 404, "not_found")


def test_regions_filter_by_level(api, tree):
    assert codes(api().get(f"{V1}/regions/", {"level": "district"})) == [
        "430103000000",
        "430104000000",
    ]
    assert codes(api().get(f"{V1}/regions/", {"level": "street"})) == [
        "430103002000",
        "430103004000",
        "430103010000",
        "430104001000",
    ]
    assert_error(api().get(f"{V1}/regions/", {"level": "planet"}), 400, "invalid", "level")


def test_regions_filter_by_parent(api, tree):
    assert codes(api().get(f"{V1}/regions/", {"parent": "430103000000"})) == [
        "430103002000",
        "430103004000",
        "430103010000",
    ]
    assert codes(api().get(f"{V1}/regions/", {"parent": "430104001000"})) == ["430104001001"]


def test_regions_within_is_self_and_everything_below(api, tree):
    assert codes(api().get(f"{V1}/regions/", {"within": "430104000000"})) == [
        "430104000000",
        "430104001000",
        "430104001001",
    ]
    within_city = codes(api().get(f"{V1}/regions/", {"within": "430100000000", "page_size": 200}))
    assert within_city[0] == "430100000000" and len(within_city) == 11
    assert codes(api().get(f"{V1}/regions/", {"within": "banana"})) == []


def test_regions_are_read_only(api, city_official):
    response = api(city_official).post(f"{V1}/regions/", {"code": "430199000000"}, format="json")
    assert_error(response, 405, "method_not_allowed")


# --- categories and target groups -----------------------------------------------------------


def test_categories_are_a_two_level_taxonomy(api, db):
    rows = results(api().get(f"{V1}/categories/"))
    assert len(rows) == ServiceCategory.objects.count() > 40
    assert all(set(row) == {"code", "name", "parent"} for row in rows)
    by_code = {row["code"]: row for row in rows}
    assert by_code["elderly_care"] == {"code": "elderly_care", "name": "居家养老", "parent": None}
    assert by_code["elderly_meals"] == {
        "code": "elderly_meals",
        "name": "老年助餐",
        "parent": "elderly_care",
    }
    # Two levels: every parent is itself a root.
    assert all(by_code[row["parent"]]["parent"] is None for row in rows if row["parent"])
    detail = api().get(f"{V1}/categories/elderly_meals/").json()
    assert detail == by_code["elderly_meals"]


def test_target_groups(api, db):
    rows = results(api().get(f"{V1}/target-groups/"))
    assert len(rows) == TargetGroup.objects.count() == 8
    assert {"code": "elderly", "name": "老年人"} in rows
    assert api().get(f"{V1}/target-groups/children/").json() == {"code": "children", "name": "儿童"}


def test_english_names_by_accept_language(api, db):
    rows = results(api().get(f"{V1}/categories/", HTTP_ACCEPT_LANGUAGE="en"))
    by_code = {row["code"]: row["name"] for row in rows}
    assert by_code["elderly_care"] == "Home-based elderly care"
    assert by_code["elderly_meals"] == "Meal assistance"
    groups = results(api().get(f"{V1}/target-groups/", HTTP_ACCEPT_LANGUAGE="en"))
    assert {"code": "elderly", "name": "Elderly"} in groups
    # Error messages follow the language too.
    english = api().get(f"{V1}/regions/430199000000/", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api().get(f"{V1}/regions/430199000000/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["message"].isascii()
    assert not chinese["message"].isascii()
    # And the default (no header) is Chinese.
    default = {row["code"]: row["name"] for row in results(api().get(f"{V1}/categories/"))}
    assert default["elderly_care"] == "居家养老"


# --- communities ----------------------------------------------------------------------------


def test_community_shape(api, tree):
    community = tree.pozijie_community
    rows = results(api().get(f"{V1}/communities/", {"within": "430103002000"}))
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= {
        "id", "name", "region", "street", "district", "households", "residents",
        "staff_total", "staff_certified",
    }  # fmt: skip
    assert row["id"] == community.id
    assert row["name"] == "坡子街社区"
    assert (row["region"], row["street"], row["district"]) == (
        "430103002001",
        "430103002000",
        "430103000000",
    )
    assert (row["households"], row["residents"]) == (1200, 3600)
    assert (row["staff_total"], row["staff_certified"]) == (12, 5)
    assert api().get(f"{V1}/communities/{community.id}/").json() == row


def names(response) -> set[str]:
    return {row["name"] for row in results(response)}


def test_communities_within(api, tree):
    f.community_at("430103001010", name="白沙社区")
    assert names(api().get(f"{V1}/communities/", {"within": "430104000000"})) == {"望月湖社区"}
    assert names(api().get(f"{V1}/communities/", {"within": "430103000000"})) == {
        "坡子街社区",
        "城南路社区",
        "先锋社区",
        "白沙社区",
    }
    # 先锋街道's prefix 430103010 is not a text prefix test on 白沙社区 430103001010.
    assert names(api().get(f"{V1}/communities/", {"within": "430103010000"})) == {"先锋社区"}
    assert names(api().get(f"{V1}/communities/", {"within": "430103"})) == set()


def test_communities_search(api, tree):
    assert names(api().get(f"{V1}/communities/", {"q": "坡子街"})) == {"坡子街社区"}
    # The street's name is searched too: 望月湖街道 → its community.
    assert names(api().get(f"{V1}/communities/", {"q": "望月湖街道"})) == {"望月湖社区"}
    assert names(api().get(f"{V1}/communities/", {"q": "城南 社区"})) == {"城南路社区"}
    assert names(api().get(f"{V1}/communities/", {"q": "不存在"})) == set()


def test_community_data_is_public_but_read_only(api, staff_user, tree):
    url = f"{V1}/communities/{tree.pozijie_community.id}/"
    assert api().get(url).status_code == 200
    assert_error(api(staff_user).patch(url, {"residents": 1}, format="json"), 405)
