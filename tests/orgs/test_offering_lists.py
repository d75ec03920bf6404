"""The public list and detail pages of service offerings, through the browser URLs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orgs.choices import OfferingStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def list_url() -> str:
    return reverse("orgs:offering-list")


def detail_url(offering) -> str:
    return reverse("orgs:offering-detail", args=[offering.pk])


def listed(response) -> list[str]:
    """Titles on the page, in order; each one is checked to be in the rendered HTML too."""
    assert response.status_code == 200
    titles = [offering.title for offering in response.context["offerings"]]
    html = response.content.decode()
    for title in titles:
        assert title in html
    return titles


def offer(org, title, **kwargs):
    return f.ServiceOfferingFactory(org=org, title=title, **kwargs)


# --- who sees what --------------------------------------------------------------------------


@pytest.fixture
def unverified_org(tree):
    return f.SocialOrgFactory(name="岳麓区新成立互助会", region=tree.yuelu, unverified=True)


@pytest.fixture
def mixed_offers(org, unverified_org):
    return {
        "published": offer(org, "阳光助餐配送"),
        "closed": offer(org, "阳光往年助浴", status=OfferingStatus.CLOSED),
        "draft": offer(org, "阳光康复草稿", draft=True),
        "unverified": offer(unverified_org, "互助会上门探访"),
    }


def test_anonymous_sees_published_offers_of_verified_orgs(client, mixed_offers):
    assert listed(client.get(list_url())) == ["阳光助餐配送"]
    assert set(listed(client.get(list_url(), {"status": ""}))) == {"阳光助餐配送", "阳光往年助浴"}
    html = client.get(list_url(), {"status": ""}).content.decode()
    assert "互助会上门探访" not in html
    assert "阳光康复草稿" not in html


def test_detail_404_for_drafts_and_unverified_orgs(client, mixed_offers):
    response = client.get(detail_url(mixed_offers["published"]))
    assert response.status_code == 200
    assert "阳光助餐配送" in response.content.decode()
    assert client.get(detail_url(mixed_offers["closed"])).status_code == 200
    assert client.get(detail_url(mixed_offers["draft"])).status_code == 404
    assert client.get(detail_url(mixed_offers["unverified"])).status_code == 404


def test_org_member_sees_their_own_draft(login, org_member, org, mixed_offers):
    member = login(org_member)
    assert "阳光康复草稿" not in listed(member.get(list_url()))
    mine = set(listed(member.get(list_url(), {"org": org.id, "status": ""})))
    assert mine == {"阳光助餐配送", "阳光往年助浴", "阳光康复草稿"}
    assert member.get(detail_url(mixed_offers["draft"])).status_code == 200
    assert member.get(detail_url(mixed_offers["unverified"])).status_code == 404


def test_member_of_an_unverified_org_sees_its_offers(login, unverified_org, mixed_offers):
    member = login(f.OrgMemberFactory(org=unverified_org).user)
    assert "互助会上门探访" in listed(member.get(list_url()))
    assert member.get(detail_url(mixed_offers["unverified"])).status_code == 200


def test_officials_see_offers_of_orgs_registered_below_them(
    login, district_official, city_official, mixed_offers
):
    tianxin = set(listed(login(district_official).get(list_url(), {"status": ""})))
    assert "阳光康复草稿" in tianxin  # the org is registered in 天心区
    assert "互助会上门探访" not in tianxin  # registered in 岳麓区
    city = set(listed(login(city_official).get(list_url(), {"status": ""})))
    assert {"阳光康复草稿", "互助会上门探访"} <= city


def test_public_detail_shows_workers_but_not_their_phones(client, org):
    worker = f.SocialWorkerFactory(org=org, name="周晓梅", phone="13912345678")
    offering = offer(org, "社区康复训练", workers=[worker])
    html = client.get(detail_url(offering)).content.decode()
    assert "周晓梅" in html
    assert "13912345678" not in html
    assert org.contact_phone not in html


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def offers_by_area(org, tree):
    return {
        "city": offer(org, "全市服务", service_area=[tree.city]),
        "pozijie": offer(org, "坡子街服务", service_area=[tree.pozijie]),
        "community": offer(org, "坡子街社区服务", service_area=[tree.pozijie_community.region]),
        "chengnanlu": offer(org, "城南路服务", service_area=[tree.chengnanlu]),
        "yuelu": offer(org, "岳麓区服务", service_area=[tree.yuelu]),
        "two_places": offer(org, "坡子街和望月湖服务", service_area=[tree.pozijie, tree.wangyuehu]),
    }


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        # A street: offers covering it from above, itself, and inside it.
        ("430103002000", {"全市服务", "坡子街服务", "坡子街社区服务", "坡子街和望月湖服务"}),
        ("430103004000", {"全市服务", "城南路服务"}),
        ("430103002001", {"全市服务", "坡子街服务", "坡子街社区服务", "坡子街和望月湖服务"}),
        (
            "430103000000",
            {"全市服务", "坡子街服务", "坡子街社区服务", "城南路服务", "坡子街和望月湖服务"},
        ),
        ("430104000000", {"全市服务", "岳麓区服务", "坡子街和望月湖服务"}),
        ("430104001000", {"全市服务", "岳麓区服务", "坡子街和望月湖服务"}),
        ("430105000000", {"全市服务"}),
    ],
)
def test_within_matches_the_service_area(client, offers_by_area, within, expected):
    titles = listed(client.get(list_url(), {"within": within}))
    assert set(titles) == expected
    assert len(titles) == len(set(titles))  # an offer serving two places is listed once


def test_within_the_city_lists_every_offer_once(client, offers_by_area):
    titles = listed(client.get(list_url(), {"within": "430100000000"}))
    assert sorted(titles) == sorted(o.title for o in offers_by_area.values())


@pytest.mark.parametrize("within", ["abc", "4301", "4301030020001", "４３０１０３００２０００"])
def test_invalid_within_gives_an_empty_list(client, offers_by_area, within):
    assert listed(client.get(list_url(), {"within": within})) == []


def test_category_target_group_and_text(client, org):
    offer(org, "助餐配送", category=f.category("elderly_meals"), target_groups=["elderly"])
    offer(
        org,
        "彩虹驿站康复",
        category=f.category("community_rehab"),
        target_groups=["disabled"],
        description="残疾人社区康复与情绪辅导",
    )
    assert listed(client.get(list_url(), {"category": "elderly_care"})) == ["助餐配送"]
    assert listed(client.get(list_url(), {"category": "disability"})) == ["彩虹驿站康复"]
    assert listed(client.get(list_url(), {"target_group": "disabled"})) == ["彩虹驿站康复"]
    assert listed(client.get(list_url(), {"target_group": "children"})) == []
    assert listed(client.get(list_url(), {"q": "情绪辅导"})) == ["彩虹驿站康复"]
    assert listed(client.get(list_url(), {"q": "不存在的词"})) == []
    assert len(listed(client.get(list_url(), {"q": "阳光"}))) == 2  # the org's name


def test_affordable_within_and_ordering(client, org):
    offer(org, "低价", price_min=Decimal("5000"), price_max=Decimal("10000"))
    offer(org, "中价", price_min=Decimal("30000"), price_max=Decimal("60000"))
    offer(org, "高价", price_min=Decimal("100000"), price_max=Decimal("150000"))
    assert set(listed(client.get(list_url(), {"price_max": "40000"}))) == {"低价", "中价"}
    assert listed(client.get(list_url(), {"ordering": "price_min"})) == ["低价", "中价", "高价"]
    assert listed(client.get(list_url(), {"ordering": "-price_min"})) == ["高价", "中价", "低价"]


def test_paging_twenty_per_page(client, org):
    f.ServiceOfferingFactory.create_batch(25, org=org)
    assert len(listed(client.get(list_url()))) == 20
    assert len(listed(client.get(list_url(), {"page": 2}))) == 5
    assert client.get(list_url(), {"page": 3}).status_code == 404


# --- cost and language ----------------------------------------------------------------------

# Measured: 7 for anonymous (one more prefetch than needs: the service area).
ANONYMOUS_QUERY_BOUND = 9


@pytest.mark.parametrize("rows", [5, 40])
def test_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, rows, tree):
    for i in range(rows):
        area = [tree.pozijie, tree.chengnanlu][: 1 + i % 2]
        f.ServiceOfferingFactory(service_area=area, workers=[f.SocialWorkerFactory()])
    with django_assert_max_num_queries(ANONYMOUS_QUERY_BOUND):
        response = client.get(list_url(), {"within": "430103000000"})
    assert len(listed(response)) == min(rows, 20)


def test_english_page_renders(client, mixed_offers):
    response = client.get("/en/offers/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert listed(response) == ["阳光助餐配送"]
    detail = client.get(f"/en/offers/{mixed_offers['published'].pk}/")
    assert detail.status_code == 200
    assert client.get(f"/en/offers/{mixed_offers['draft'].pk}/").status_code == 404
