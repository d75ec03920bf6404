"""`/api/v1/resources/`: money officials publish for their jurisdiction (项目资源)."""

from decimal import Decimal

import pytest

from projects.choices import ResourceStatus
from projects.models import FundingResource
from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db

RESOURCES = "/api/v1/resources/"


def payload(**overrides) -> dict:
    data = {
        "name": "2026年天心区政府购买养老服务资金",
        "provider_type": "government",
        "provider_name": "天心区民政局",
        "year": 2026,
        "amount": "600000.00",
        "region": "430103000000",
        "categories": ["elderly_care", "disability"],
        "description": "用于购买居家养老和助残服务。",
    }
    data.update(overrides)
    return data


def listed(client, **params) -> set[str]:
    response = client.get(RESOURCES, params)
    assert response.status_code == 200, response.content[:300]
    return {row["name"] for row in response.json()["results"]}


def test_published_resources_are_public_and_drafts_are_not(api, tree):
    published = f.FundingResourceFactory(name="公开资金")
    closed = f.FundingResourceFactory(name="已结束资金", status=ResourceStatus.CLOSED)
    draft = f.FundingResourceFactory(name="草稿资金", status=ResourceStatus.DRAFT)
    assert listed(api()) == {"公开资金", "已结束资金"}
    assert api().get(f"{RESOURCES}{published.id}/").status_code == 200
    assert api().get(f"{RESOURCES}{closed.id}/").status_code == 200
    assert_error(api().get(f"{RESOURCES}{draft.id}/"), 404, "not_found")


def test_money_fields_are_decimal_strings(api, tree):
    resource = f.FundingResourceFactory(amount=Decimal("500000"), categories=["elderly_meals"])
    body = api().get(f"{RESOURCES}{resource.id}/").json()
    assert set(body) >= {
        "id", "name", "provider_type", "provider_name", "year", "amount", "committed",
        "available", "categories", "region", "status",
    }  # fmt: skip
    assert body["amount"] == "500000.00"
    assert body["committed"] == "0.00"
    assert body["available"] == "500000.00"
    assert body["categories"] == ["elderly_meals"]
    assert body["region"] == "430103000000"
    row = api().get(RESOURCES).json()["results"][0]
    assert (row["amount"], row["committed"], row["available"]) == ("500000.00", "0.00", "500000.00")


@pytest.mark.parametrize(
    ("official", "region"),
    [
        ("district_official", "430103000000"),  # their own district
        ("district_official", "430103002000"),  # a street inside it
        ("city_official", "430104000000"),  # the city official: any district
        ("city_official", "430100000000"),
    ],
)
def test_officials_create_for_their_jurisdiction(api, request, tree, official, region):
    user = request.getfixturevalue(official)
    response = api(user).post(RESOURCES, payload(region=region), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"] == region
    assert body["amount"] == "600000.00"
    assert body["available"] == "600000.00"
    assert sorted(body["categories"]) == ["disability", "elderly_care"]
    # Officials publish: the money is public at once.
    assert body["status"] == "published"
    assert body["published_at"] is not None
    resource = FundingResource.objects.get(pk=body["id"])
    assert resource.created_by == user
    assert api().get(f"{RESOURCES}{resource.id}/").status_code == 200


@pytest.mark.parametrize("region", ["430104000000", "430104001000", "430100000000"])
def test_not_outside_their_jurisdiction(api, tree, district_official, region):
    """Another district, a street of it, or the city above: 403."""
    response = api(district_official).post(RESOURCES, payload(region=region), format="json")
    assert_error(response, 403, "permission_denied")
    assert not FundingResource.objects.exists()


def test_non_officials_cannot_create(api, staff_user, org_member, tree):
    for user in (staff_user, org_member):
        assert_error(api(user).post(RESOURCES, payload(), format="json"), 403, "permission_denied")
    assert_error(api().post(RESOURCES, payload(), format="json"), 401, "not_authenticated")


def test_a_community_fund_needs_a_community(api, tree, district_official):
    data = payload(provider_type="community_fund", provider_name="社区惠民项目资金")
    assert_error(
        api(district_official).post(RESOURCES, data, format="json"), 400, "invalid", "community"
    )

    data.update(community=tree.pozijie_community.id, region="430103002001")
    response = api(district_official).post(RESOURCES, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["community"] == tree.pozijie_community.id


def test_a_community_fund_is_inside_its_region(api, tree, district_official):
    data = payload(
        provider_type="community_fund",
        community=tree.wangyuehu_community.id,  # 岳麓区
        region="430103000000",
    )
    response = api(district_official).post(RESOURCES, data, format="json")
    assert_error(response, 400, "invalid", "community")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0"),
        ("amount", "-5"),
        ("amount", "abc"),
        ("provider_type", "lottery"),
        ("region", "4301"),
        ("categories", ["no_such"]),
        ("year", "twenty"),
        ("name", ""),
    ],
)
def test_invalid_fields_are_named(api, tree, district_official, field, value):
    response = api(district_official).post(RESOURCES, payload(**{field: value}), format="json")
    assert_error(response, 400, "invalid", field)


def test_filters(api, tree):
    f.FundingResourceFactory(name="天心区2026", year=2026, categories=["elderly_meals"])
    f.FundingResourceFactory(name="天心区2025", year=2025)
    f.FundingResourceFactory(name="岳麓区2026", region=f.region("430104000000"))
    f.FundingResourceFactory(
        name="坡子街社区基金", community_fund=True, community=tree.pozijie_community
    )
    assert listed(api(), year=2025) == {"天心区2025"}
    assert listed(api(), within="430104000000") == {"岳麓区2026"}
    assert listed(api(), within="430103002000") == {"坡子街社区基金"}
    assert listed(api(), within="bad") == set()
    assert listed(api(), provider_type="community_fund") == {"坡子街社区基金"}
    assert listed(api(), community=tree.pozijie_community.id) == {"坡子街社区基金"}
    assert listed(api(), category="elderly_meals") == {"天心区2026"}
    amounts = [
        row["amount"] for row in api().get(RESOURCES, {"ordering": "amount"}).json()["results"]
    ]
    assert amounts == sorted(amounts, key=Decimal)


def test_one_community_fund_per_community_and_year(api, tree, district_official):
    f.FundingResourceFactory(community_fund=True, community=tree.pozijie_community, year=2026)
    data = payload(
        provider_type="community_fund",
        community=tree.pozijie_community.id,
        region="430103002001",
        year=2026,
    )
    body = assert_error(api(district_official).post(RESOURCES, data, format="json"), 400, "invalid")
    # A rule over the whole row names no field; "__all__" is not a field of the contract.
    assert "__all__" not in body["fields"]
    assert "__all__" not in body["message"]
    data["year"] = 2027
    assert api(district_official).post(RESOURCES, data, format="json").status_code == 201
