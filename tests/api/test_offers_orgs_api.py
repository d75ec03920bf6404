"""`/api/v1/orgs/`, `orgs/{id}/workers/` and `/api/v1/offers/`: registration, verification,
personal data (PIPL), workers, offers' validation and lifecycle, and the `within` filter."""

from decimal import Decimal

import pytest

from orgs import uscc
from orgs.choices import OfferingStatus
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/orgs/"
OFFERS = "/api/v1/offers/"
ME = "/api/v1/me/"

VALID_USCC = uscc.make("52", "430103", "RG000001")


def org_payload(**overrides) -> dict:
    data = {
        "name": "长沙市天心区暖阳社会工作服务中心",
        "uscc": VALID_USCC,
        "org_type": "social_service",
        "region": "430103000000",
        "grade": None,
        "founded_on": "2019-05-20",
        "description": "专注居家养老与社区康复。",
        "address": "天心区书院路9号",
        "contact_name": "陈主任",
        "contact_phone": "13912345678",
    }
    data.update(overrides)
    return data


# --- registering and verifying an org -------------------------------------------------------


def test_register_an_org(api, tree):
    user = f.UserFactory()
    client = api(user)
    response = client.post(ORGS, org_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "id", "name", "uscc", "org_type", "region", "grade", "certified_workers",
        "founded_on", "verified",
    }  # fmt: skip
    assert body["uscc"] == VALID_USCC
    assert body["region"] == "430103000000"
    assert body["org_type"] == "social_service"
    assert body["grade"] is None
    assert body["certified_workers"] == 0
    assert body["verified"] is False
    # The registrant is its first (admin) member, and sees the contact details.
    assert OrgMember.objects.filter(user=user, org_id=body["id"], is_admin=True).exists()
    assert {"role": "org_member", "org": body["id"]} in client.get(ME).json()["roles"]
    assert body["contact"] == {"name": "陈主任", "phone": "13912345678"}
    assert "contact_phone" not in body


def test_register_upper_cases_the_credit_code(api, tree):
    body = api(f.UserFactory()).post(ORGS, org_payload(uscc=VALID_USCC.lower()), format="json")
    assert body.status_code == 201, body.content
    assert body.json()["uscc"] == VALID_USCC


@pytest.mark.parametrize(
    "bad",
    [
        VALID_USCC[:-1] + ("0" if VALID_USCC[-1] != "0" else "1"),  # wrong check character
        "12345",
        "52430103RG00000I1X",  # I is not in the alphabet
        "",
    ],
)
def test_an_invalid_credit_code_is_400_naming_uscc(api, tree, bad):
    response = api(f.UserFactory()).post(ORGS, org_payload(uscc=bad), format="json")
    assert_error(response, 400, "invalid", "uscc")
    assert not SocialOrg.objects.exists()
    assert not OrgMember.objects.exists()


def test_a_duplicate_credit_code_is_400(api, org):
    response = api(f.UserFactory()).post(ORGS, org_payload(uscc=org.uscc), format="json")
    assert_error(response, 400, "invalid", "uscc")


@pytest.mark.parametrize(
    ("field", "value"),
    [("org_type", "company"), ("grade", "6A"), ("region", "999999999999"), ("name", "")],
)
def test_other_invalid_org_fields_are_named(api, tree, field, value):
    response = api(f.UserFactory()).post(ORGS, org_payload(**{field: value}), format="json")
    assert_error(response, 400, "invalid", field)


def test_anonymous_cannot_register(api, tree):
    assert_error(api().post(ORGS, org_payload(), format="json"), 401, "not_authenticated")


@pytest.fixture
def registered(api, tree):
    """An org just registered through the API by a new user (a member), still unverified."""
    founder = f.UserFactory()
    org_id = api(founder).post(ORGS, org_payload(), format="json").json()["id"]
    return founder, SocialOrg.objects.get(pk=org_id)


def test_an_unverified_org_is_hidden_from_the_public(api, tree, registered, district_official):
    founder, org = registered
    url = f"{ORGS}{org.id}/"
    assert_error(api().get(url), 404, "not_found")
    assert org.id not in [row["id"] for row in api().get(ORGS).json()["results"]]
    assert_error(api(f.UserFactory()).get(url), 404, "not_found")

    assert api(founder).get(url).status_code == 200
    assert api(district_official).get(url).json()["verified"] is False
    official_ids = [row["id"] for row in api(district_official).get(ORGS).json()["results"]]
    assert org.id in official_ids


def test_an_official_of_the_region_verifies(api, tree, registered, district_official, roles):
    founder, org = registered
    url = f"{ORGS}{org.id}/verify/"
    # Another district's official cannot even see it; its founder may not verify it.
    assert_error(api(roles.official_out).post(url), 404, "not_found")
    assert_error(api(founder).post(url), 403, "permission_denied")
    org.refresh_from_db()
    assert org.verified is False

    response = api(district_official).post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == org.id
    assert body["verified"] is True
    assert body["verified_at"] is not None
    # Verifying twice changes nothing and is not an error.
    assert api(district_official).post(url).json()["verified"] is True
    org.refresh_from_db()
    assert org.verified_by == district_official
    # Now it is public.
    assert api().get(f"{ORGS}{org.id}/").status_code == 200


def test_a_city_official_verifies_orgs_of_any_district(api, registered, city_official):
    _, org = registered
    assert api(city_official).post(f"{ORGS}{org.id}/verify/").json()["verified"] is True


def test_another_districts_official_sees_a_verified_org_but_cannot_verify(api, roles, org):
    """Visible (verified, public) but outside their jurisdiction: 403, not 404."""
    assert_error(api(roles.official_out).post(f"{ORGS}{org.id}/verify/"), 403, "permission_denied")


# --- contact details are personal data (PIPL) -----------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("anonymous", False),
        ("staff_here", False),
        ("member_other", False),
        ("official_out", False),
        ("member_here", True),
        ("official_in", True),
        ("city", True),
    ],
)
def test_contact_phone_only_for_members_and_officials(as_role, org, role, sees):
    org.contact_name, org.contact_phone = "赵联系人", "13700009999"
    org.save()
    client = as_role(role)
    detail = client.get(f"{ORGS}{org.id}/")
    listing = client.get(ORGS, {"page_size": 200})
    assert detail.status_code == listing.status_code == 200
    row = next(r for r in listing.json()["results"] if r["id"] == org.id)
    for body, raw in ((detail.json(), detail.content), (row, listing.content)):
        assert "contact_phone" not in body
        if sees:
            assert body["contact"] == {"name": "赵联系人", "phone": "13700009999"}
        else:
            assert body["contact"] is None
            assert b"13700009999" not in raw


def test_member_edits_the_org_but_not_a_verified_credit_code(api, org, org_member):
    client = api(org_member)
    response = client.patch(
        f"{ORGS}{org.id}/", {"description": "新的简介", "grade": "5A"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == "5A"
    org.refresh_from_db()
    assert org.description == "新的简介"

    other = uscc.make("52", "430103", "RG000099")
    response = client.patch(f"{ORGS}{org.id}/", {"uscc": other}, format="json")
    assert_error(response, 400, "invalid", "uscc")
    # Nobody can verify an org by PATCHing it.
    client.patch(f"{ORGS}{org.id}/", {"verified": False}, format="json")
    org.refresh_from_db()
    assert org.verified is True


# --- workers --------------------------------------------------------------------------------


def workers_url(org) -> str:
    return f"{ORGS}{org.id}/workers/"


@pytest.mark.parametrize("level", ["assistant", "intermediate", "senior"])
def test_member_adds_a_worker_of_each_level(api, org, org_member, level):
    response = api(org_member).post(
        workers_url(org),
        {
            "name": "罗小芳",
            "certificate_level": level,
            "certificate_no": f"SG-{level}",
            "phone": "",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org"] == org.id
    assert body["certificate_level"] == level
    assert SocialWorker.objects.get(pk=body["id"]).org == org


def test_worker_validation(api, org, org_member):
    client = api(org_member)
    f.SocialWorkerFactory(org=org, certificate_no="SG2026-0001")
    bad_level = {"name": "罗小芳", "certificate_level": "expert", "certificate_no": "SG-X"}
    assert_error(
        client.post(workers_url(org), bad_level, format="json"), 400, "invalid", "certificate_level"
    )
    duplicate = {"name": "罗小芳", "certificate_level": "senior", "certificate_no": "SG2026-0001"}
    assert_error(
        client.post(workers_url(org), duplicate, format="json"), 400, "invalid", "certificate_no"
    )
    body = assert_error(client.post(workers_url(org), {}, format="json"), 400, "invalid")
    assert {"name", "certificate_level", "certificate_no"} <= set(body["fields"])
    assert org.workers.count() == 1


def test_workers_list_and_the_certified_count(api, org, org_member, district_official):
    f.SocialWorkerFactory(org=org, name="甲")
    f.SocialWorkerFactory(org=org, name="乙")
    f.SocialWorkerFactory(name="别家的社工")  # another org's
    for user in (org_member, district_official):
        body = api(user).get(workers_url(org)).json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert sorted(row["name"] for row in body["results"]) == ["乙", "甲"]
        assert all(row["org"] == org.id for row in body["results"])
    assert api().get(f"{ORGS}{org.id}/").json()["certified_workers"] == 2


# --- offers ---------------------------------------------------------------------------------


def offer_payload(org, **overrides) -> dict:
    data = {
        "org": org.id,
        "title": "老年助餐配送",
        "category": "elderly_meals",
        "target_groups": ["elderly"],
        "service_area": ["430103000000", "430104001000"],
        "capacity": 3,
        "price_min": "30000.00",
        "price_max": "80000.00",
        "description": "中央厨房配送，覆盖天心区及望月湖街道。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def member(api, org_member):
    return api(org_member)


def test_create_an_offer(member, org):
    response = member.post(OFFERS, offer_payload(org), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "id", "org", "title", "category", "target_groups", "service_area", "capacity",
        "price_min", "price_max", "description", "status",
    }  # fmt: skip
    assert body["org"] == org.id
    assert sorted(body["service_area"]) == ["430103000000", "430104001000"]
    assert body["price_min"] == "30000.00"
    assert body["price_max"] == "80000.00"
    assert body["status"] == "draft"
    offer = ServiceOffering.objects.get(pk=body["id"])
    assert offer.price_max == Decimal("80000.00")
    assert offer.history.first().history_user is not None


def test_price_min_above_price_max_is_400_naming_price_max(member, org):
    data = offer_payload(org, price_min="90000", price_max="80000")
    assert_error(member.post(OFFERS, data, format="json"), 400, "invalid", "price_max")
    # Equal bounds are a fixed price.
    data["price_min"] = "80000"
    assert member.post(OFFERS, data, format="json").status_code == 201


@pytest.mark.parametrize("capacity", [0, -1])
def test_capacity_must_be_at_least_one(member, org, capacity):
    data = offer_payload(org, capacity=capacity)
    assert_error(member.post(OFFERS, data, format="json"), 400, "invalid", "capacity")


def test_negative_price_is_400(member, org):
    data = offer_payload(org, price_min="-1")
    assert_error(member.post(OFFERS, data, format="json"), 400, "invalid", "price_min")


@pytest.mark.parametrize("area", [[], None, ["999999999999"], ["天心区"]])
def test_service_area_must_name_known_regions(member, org, area):
    data = offer_payload(org, service_area=area)
    assert_error(member.post(OFFERS, data, format="json"), 400, "invalid", "service_area")
    assert not ServiceOffering.objects.exists()


def test_service_area_is_required(member, org):
    data = offer_payload(org)
    del data["service_area"]
    assert_error(member.post(OFFERS, data, format="json"), 400, "invalid", "service_area")


def test_workers_must_belong_to_the_org(member, org):
    own = f.SocialWorkerFactory(org=org)
    stranger = f.SocialWorkerFactory()  # of another org
    data = offer_payload(org, workers=[own.id, stranger.id])
    assert_error(member.post(OFFERS, data, format="json"), 400, "invalid", "workers")
    assert not ServiceOffering.objects.exists()

    body = member.post(OFFERS, offer_payload(org, workers=[own.id]), format="json").json()
    assert body["workers"] == [own.id]
    # And not by PATCH either.
    response = member.patch(f"{OFFERS}{body['id']}/", {"workers": [stranger.id]}, format="json")
    assert_error(response, 400, "invalid", "workers")


def test_an_offer_for_another_org_is_403(member, other_org):
    assert_error(
        member.post(OFFERS, offer_payload(other_org), format="json"), 403, "permission_denied"
    )


def test_patch_validates_prices_against_stored_values(member, org):
    offer = f.ServiceOfferingFactory(org=org, draft=True)  # 30000–80000
    response = member.patch(f"{OFFERS}{offer.id}/", {"price_min": "90000"}, format="json")
    assert_error(response, 400, "invalid", "price_max")
    response = member.patch(f"{OFFERS}{offer.id}/", {"service_area": []}, format="json")
    assert_error(response, 400, "invalid", "service_area")
    offer.refresh_from_db()
    assert offer.price_min == Decimal("30000.00")
    assert list(offer.service_area.values_list("code", flat=True)) == ["430103000000"]


def test_offer_lifecycle(api, member, org):
    offer = f.ServiceOfferingFactory(org=org, draft=True, title="草稿服务")
    url = f"{OFFERS}{offer.id}/"
    assert_error(api().get(url), 404, "not_found")

    response = member.post(f"{url}publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    assert api().get(url).status_code == 200
    assert_error(member.post(f"{url}publish/"), 409, "invalid_transition")

    assert member.patch(url, {"capacity": 5}, format="json").json()["capacity"] == 5

    assert member.post(f"{url}close/").json()["status"] == "closed"
    assert_error(member.post(f"{url}close/"), 409, "invalid_transition")
    assert_error(member.post(f"{url}publish/"), 409, "invalid_transition")
    assert_error(member.patch(url, {"capacity": 6}, format="json"), 409, "invalid_transition")
    offer.refresh_from_db()
    assert (offer.status, offer.capacity) == (OfferingStatus.CLOSED, 5)
    # A closed offer stays on the public record.
    assert api().get(url).json()["status"] == "closed"


def test_a_draft_closed_unpublished_does_not_become_public(api, member, org):
    offer = f.ServiceOfferingFactory(org=org, draft=True, title="从未发布的草稿")
    assert member.post(f"{OFFERS}{offer.id}/close/").json()["status"] == "closed"
    assert_error(api().get(f"{OFFERS}{offer.id}/"), 404, "not_found")
    assert offer.id not in [row["id"] for row in api().get(OFFERS).json()["results"]]
    assert member.get(f"{OFFERS}{offer.id}/").status_code == 200


def test_offers_of_an_unverified_org_are_not_public(api, pending_org, org_member):
    offer = f.ServiceOfferingFactory(org=pending_org, title="待审核机构的服务")
    assert_error(api().get(f"{OFFERS}{offer.id}/"), 404, "not_found")
    assert api(org_member).get(f"{OFFERS}{offer.id}/").status_code == 200


# --- the `within` filter of offers: does the service area cover the place? ------------------


@pytest.fixture
def areas(tree, org):
    def offer(title, codes):
        return f.ServiceOfferingFactory(org=org, title=title, service_area=codes)

    return {
        "city": offer("全市服务", ["430100000000"]),
        "tianxin": offer("天心区服务", ["430103000000"]),
        "pozijie": offer("坡子街服务", ["430103002000"]),
        "yuelu_street": offer("望月湖服务", ["430104001000"]),
        "two": offer("坡子街和望月湖服务", ["430103002000", "430104001000"]),
    }


def offered(client, **params) -> set[str]:
    response = client.get(OFFERS, params)
    assert response.status_code == 200, response.content[:300]
    return {row["title"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # A street: offers covering it or any region above it.
        ("430103002000", {"全市服务", "天心区服务", "坡子街服务", "坡子街和望月湖服务"}),
        ("430103004000", {"全市服务", "天心区服务"}),
        ("430104001000", {"全市服务", "望月湖服务", "坡子街和望月湖服务"}),
        # A community inherits its street's offers.
        ("430103002001", {"全市服务", "天心区服务", "坡子街服务", "坡子街和望月湖服务"}),
        # A district: offers covering it, above it, or any place inside it.
        ("430103000000", {"全市服务", "天心区服务", "坡子街服务", "坡子街和望月湖服务"}),
        ("430104000000", {"全市服务", "望月湖服务", "坡子街和望月湖服务"}),
        (
            "430100000000",
            {"全市服务", "天心区服务", "坡子街服务", "望月湖服务", "坡子街和望月湖服务"},
        ),
        # Another city: nothing.
        ("430200000000", set()),
    ],
)
def test_within_means_the_service_area_covers_the_place(api, areas, code, expected):
    assert offered(api(), within=code) == expected


def test_within_lists_an_offer_once_however_many_areas_match(api, areas):
    rows = api().get(OFFERS, {"within": "430100000000"}).json()
    assert rows["count"] == len(rows["results"]) == 5


@pytest.mark.parametrize("code", ["4301", "abc", "43010300200０", ""])
def test_an_invalid_within_code_is_empty_not_an_error(api, areas, code):
    response = api().get(OFFERS, {"within": code})
    assert response.status_code == 200
    # An empty parameter is no filter at all.
    assert response.json()["count"] == (5 if code == "" else 0)


def test_offer_filters(api, org, tree):
    f.ServiceOfferingFactory(org=org, title="助餐", category=f.category("elderly_meals"))
    f.ServiceOfferingFactory(
        org=org, title="心理", category=f.category("counselling"), target_groups=["youth"]
    )
    f.ServiceOfferingFactory(
        org=org, title="探访", category=f.category("elderly_home_visits"), price_min=Decimal("5000")
    )
    assert offered(api(), category="elderly_care") == {"助餐", "探访"}
    assert offered(api(), target_group="youth") == {"心理"}
    assert offered(api(), price_max="10000") == {"探访"}
    assert offered(api(), org=org.id) == {"助餐", "心理", "探访"}
    rows = api().get(OFFERS, {"ordering": "price_min"}).json()["results"]
    assert rows[0]["title"] == "探访"


def test_offer_text_search_ranks_titles_first(api, org):
    in_description = f.ServiceOfferingFactory(
        org=org, title="上门服务", description="面向居家养老的老人"
    )
    in_title = f.ServiceOfferingFactory(org=org, title="居家养老综合服务", description="综合")
    in_title.published_at = in_description.published_at.replace(year=2020)
    in_title.save()
    ids = [row["id"] for row in api().get(OFFERS, {"q": "居家养老"}).json()["results"]]
    assert ids == [in_title.id, in_description.id]
