"""The programme's story end to end, through the REST API only.

坡子街社区's staff member signs in with a token, posts and publishes a need for meals for
elderly residents; a social-work agency's member signs in, posts and publishes an offer of
the same kind of service across 天心区; an anonymous client (the city's data platform) finds
both by the parent category 居家养老 and the district 天心区 — and nothing from elsewhere.
"""

import pytest
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PASSWORD = "correct-horse-battery"


def sign_in(username) -> APIClient:
    client = APIClient()
    response = client.post(
        f"{V1}/auth/login/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_a_need_and_an_offer_meet_in_the_public_lists(tree, staff_user, org, org_member):
    # Noise the search must leave out: another district, another category, a draft.
    f.ServiceNeedFactory(community=tree.wangyuehu_community, title="望月湖老年助餐")
    f.ServiceNeedFactory(
        community=tree.chengnanlu_community,
        title="城南路四点半课堂",
        category=f.category("after_school"),
    )
    f.ServiceOfferingFactory(title="岳麓区助餐", service_area=["430104000000"])

    # 1. The community posts and publishes its need.
    staff = sign_in(staff_user.username)
    me = staff.get(f"{V1}/me/").json()
    community_id = next(r["community"] for r in me["roles"] if r["role"] == "community_staff")
    assert community_id == tree.pozijie_community.id
    response = staff.post(
        f"{V1}/needs/",
        {
            "community": community_id,
            "title": "坡子街独居老人午餐配送",
            "category": "elderly_meals",
            "target_groups": ["elderly"],
            "beneficiaries": 60,
            "description": "辖区60位独居高龄老人需要工作日午餐配送。",
            "budget": "80000.00",
            "period_start": "2026-04-01",
            "period_end": "2026-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    need = response.json()
    assert need["status"] == "draft"

    public = APIClient()
    query = {"category": "elderly_care", "within": "430103000000"}
    assert need["id"] not in [n["id"] for n in public.get(f"{V1}/needs/", query).json()["results"]]

    published = staff.post(f"{V1}/needs/{need['id']}/publish/").json()
    assert published["status"] == "published"

    # 2. The agency posts and publishes its offer.
    member = sign_in(org_member.username)
    org_id = next(r["org"] for r in member.get(f"{V1}/me/").json()["roles"])
    assert org_id == org.id
    response = member.post(
        f"{V1}/offers/",
        {
            "org": org_id,
            "title": "阳光长者食堂配送",
            "category": "elderly_meals",
            "target_groups": ["elderly"],
            "service_area": ["430103000000"],
            "capacity": 3,
            "price_min": "50000.00",
            "price_max": "90000.00",
            "description": "中央厨房，每日配送，覆盖天心区。",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    offer = response.json()
    assert member.post(f"{V1}/offers/{offer['id']}/publish/").json()["status"] == "published"

    # 3. Anyone finds both by parent category and district.
    needs = public.get(f"{V1}/needs/", query).json()
    assert [n["title"] for n in needs["results"]] == ["坡子街独居老人午餐配送"]
    found = needs["results"][0]
    assert (found["id"], found["budget"], found["category"]) == (
        need["id"],
        "80000.00",
        "elderly_meals",
    )

    offers = public.get(f"{V1}/offers/", query).json()
    assert [o["title"] for o in offers["results"]] == ["阳光长者食堂配送"]
    assert offers["results"][0]["org"] == org.id
    # The offer covers the need's community too.
    street = public.get(f"{V1}/offers/", {"within": "430103002001"}).json()
    assert offer["id"] in [o["id"] for o in street["results"]]

    # The agency is public (verified) and shows no contact phone to the anonymous client.
    agency = public.get(f"{V1}/orgs/{org.id}/").json()
    assert agency["verified"] is True
    assert agency["contact"] is None

    # 4. Both sign out; their tokens stop working.
    for client in (staff, member):
        assert client.post(f"{V1}/auth/logout/").status_code == 204
        assert client.get(f"{V1}/me/").status_code == 401
