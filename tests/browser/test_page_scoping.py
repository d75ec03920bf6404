"""Who sees which drafts and unverified organizations on each list page: an explicit matrix.

The world (A = 天心区, B = 岳麓区):

    needs       坡子街社区 (A): A需求公开, A需求草稿     望月湖社区 (B): B需求公开, B需求草稿
    orgs        A机构 (verified), A新机构 (unverified)  B机构 (verified), B新机构 (unverified)
    offerings   A供给公开, A供给草稿 (A机构)            B供给公开, B供给草稿 (B机构)
                A新供给 (published, of A新机构)         B新供给 (published, of B新机构)

member_a belongs to A机构 and A新机构; member_b to B机构 and B新机构.
"""

import pytest
from django.urls import reverse

from communities.choices import NeedStatus
from orgs.choices import OfferingStatus
from tests import factories as f

from .conftest import ROLE_NAMES, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, roles, org, other_org):
    org.name, other_org.name = "A机构", "B机构"
    org.save()
    other_org.save()
    new_a = f.SocialOrgFactory(name="A新机构", region=tree.tianxin, unverified=True)
    new_b = f.SocialOrgFactory(name="B新机构", region=tree.yuelu, unverified=True)
    f.OrgMemberFactory(org=new_a, user=roles.member_a)
    f.OrgMemberFactory(org=new_b, user=roles.member_b)
    for community, side in ((tree.pozijie_community, "A"), (tree.wangyuehu_community, "B")):
        f.ServiceNeedFactory(community=community, title=f"{side}需求公开")
        f.ServiceNeedFactory(community=community, title=f"{side}需求草稿", draft=True)
    for owner, new, side in ((org, new_a, "A"), (other_org, new_b, "B")):
        f.ServiceOfferingFactory(org=owner, title=f"{side}供给公开")
        f.ServiceOfferingFactory(org=owner, title=f"{side}供给草稿", status=OfferingStatus.DRAFT)
        f.ServiceOfferingFactory(org=new, title=f"{side}新供给")
    return tree


# --- expectations ---------------------------------------------------------------------------

PUBLIC_NEEDS = {"A需求公开", "B需求公开"}
NEEDS = {  # /needs/?status=  (every status the role may see)
    "anonymous": PUBLIC_NEEDS,
    "staff_a": PUBLIC_NEEDS | {"A需求草稿"},
    "staff_b": PUBLIC_NEEDS | {"B需求草稿"},
    "member_a": PUBLIC_NEEDS,
    "member_b": PUBLIC_NEEDS,
    "official_in": PUBLIC_NEEDS | {"A需求草稿"},
    "official_out": PUBLIC_NEEDS | {"B需求草稿"},
    "city": PUBLIC_NEEDS | {"A需求草稿", "B需求草稿"},
}

PUBLIC_OFFERS = {"A供给公开", "B供给公开"}
OFFERS = {  # /offers/?status=
    "anonymous": PUBLIC_OFFERS,
    "staff_a": PUBLIC_OFFERS,
    "staff_b": PUBLIC_OFFERS,
    "member_a": PUBLIC_OFFERS | {"A供给草稿", "A新供给"},
    "member_b": PUBLIC_OFFERS | {"B供给草稿", "B新供给"},
    "official_in": PUBLIC_OFFERS | {"A供给草稿", "A新供给"},
    "official_out": PUBLIC_OFFERS | {"B供给草稿", "B新供给"},
    "city": PUBLIC_OFFERS | {"A供给草稿", "A新供给", "B供给草稿", "B新供给"},
}

PUBLIC_ORGS = {"A机构", "B机构"}
ORGS = {  # /orgs/
    "anonymous": PUBLIC_ORGS,
    "staff_a": PUBLIC_ORGS,
    "staff_b": PUBLIC_ORGS,
    "member_a": PUBLIC_ORGS | {"A新机构"},
    "member_b": PUBLIC_ORGS | {"B新机构"},
    "official_in": PUBLIC_ORGS | {"A新机构"},
    "official_out": PUBLIC_ORGS | {"B新机构"},
    "city": PUBLIC_ORGS | {"A新机构", "B新机构"},
}

COMMUNITY_A = {  # the page of 坡子街社区
    "anonymous": {"A需求公开"},
    "staff_a": {"A需求公开", "A需求草稿"},
    "staff_b": {"A需求公开"},
    "member_a": {"A需求公开"},
    "member_b": {"A需求公开"},
    "official_in": {"A需求公开", "A需求草稿"},
    "official_out": {"A需求公开"},
    "city": {"A需求公开", "A需求草稿"},
}

ALL_NEEDS = NEEDS["city"]
ALL_OFFERS = OFFERS["city"]
ALL_ORGS = ORGS["city"]


def test_expectations_cover_every_role():
    for table in (NEEDS, OFFERS, ORGS, COMMUNITY_A):
        assert tuple(table) == ROLE_NAMES


def assert_page(response, key, expected, universe):
    """Exactly `expected` is listed, and nothing else of `universe` is anywhere on the page."""
    assert titles(response, key) == expected
    page = response.content.decode()
    for hidden in universe - expected:
        assert hidden not in page, hidden


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_need_list(as_role, world, role):
    client = as_role(role)
    url = reverse("communities:need-list")
    assert_page(client.get(url, {"status": ""}), "needs", NEEDS[role], ALL_NEEDS)
    drafts = NEEDS[role] - PUBLIC_NEEDS
    assert_page(client.get(url, {"status": "draft"}), "needs", drafts, ALL_NEEDS)
    # The page opens on published needs: no draft until asked for.
    assert_page(client.get(url), "needs", PUBLIC_NEEDS, ALL_NEEDS)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_offering_list(as_role, world, role):
    client = as_role(role)
    url = reverse("orgs:offering-list")
    assert_page(client.get(url, {"status": ""}), "offerings", OFFERS[role], ALL_OFFERS)
    drafts = OFFERS[role] & {"A供给草稿", "B供给草稿"}
    assert_page(client.get(url, {"status": "draft"}), "offerings", drafts, ALL_OFFERS)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_org_list(as_role, world, role):
    client = as_role(role)
    url = reverse("orgs:org-list")
    assert_page(client.get(url), "orgs", ORGS[role], ALL_ORGS)
    unverified = ORGS[role] - PUBLIC_ORGS
    assert_page(client.get(url, {"verified": "false"}), "orgs", unverified, ALL_ORGS)
    assert_page(client.get(url, {"verified": "true"}), "orgs", PUBLIC_ORGS, ALL_ORGS)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_community_page(as_role, world, role):
    client = as_role(role)
    url = reverse("communities:community-detail", args=[world.pozijie_community.pk])
    response = client.get(url)
    assert_page(response, "needs", COMMUNITY_A[role], ALL_NEEDS)
    # Only the community's own staff get the tabs and the "post a need" button.
    assert response.context["can_edit"] is (role == "staff_a")
    assert ('href="?status=draft"' in response.content.decode()) is (role == "staff_a")
    drafts = COMMUNITY_A[role] - PUBLIC_NEEDS
    assert_page(client.get(url, {"status": NeedStatus.DRAFT}), "needs", drafts, ALL_NEEDS)


@pytest.mark.parametrize("role", ["anonymous", "staff_a", "member_b", "official_in", "city"])
def test_english_pages_show_the_same_rows(as_role, world, role):
    client = as_role(role)
    pages = [
        (reverse("communities:need-list") + "?status=", "needs", NEEDS),
        (reverse("orgs:offering-list") + "?status=", "offerings", OFFERS),
        (reverse("orgs:org-list"), "orgs", ORGS),
        (
            reverse("communities:community-detail", args=[world.pozijie_community.pk]),
            "needs",
            COMMUNITY_A,
        ),
    ]
    for path, key, table in pages:
        english = client.get("/en" + path)
        assert english.status_code == 200, path
        assert english.context["LANGUAGE_CODE"] == "en"
        assert '<html lang="en"' in english.content.decode()
        assert titles(english, key) == table[role], path
        chinese = client.get(path)
        assert chinese.context["LANGUAGE_CODE"] == "zh-hans"
        assert [row.pk for row in english.context[key]] == [row.pk for row in chinese.context[key]]


# --- query counts ---------------------------------------------------------------------------


def _orgs(n, tree):
    for i in range(n):
        org = f.SocialOrgFactory(region=tree.tianxin if i % 2 else tree.yuelu, verified=i % 3 > 0)
        f.SocialWorkerFactory(org=org)


def _needs(n, tree):
    for i in range(n):
        f.ServiceNeedFactory(
            community=tree.pozijie_community,
            status=(NeedStatus.DRAFT, NeedStatus.PUBLISHED, NeedStatus.CLOSED)[i % 3],
            target_groups=["elderly", "disabled"],
        )


# session, user, memberships, the page and its count, and the header's unread notifications
# and dashboard link (shown to officials)
ORG_LIST_QUERIES = 9
COMMUNITY_PAGE_QUERIES = 11


@pytest.mark.parametrize("role", ["anonymous", "official_in", "member_a"])
def test_org_list_queries_do_not_grow(as_role, tree, roles, role, django_assert_max_num_queries):
    client = as_role(role)
    url = reverse("orgs:org-list")
    _orgs(10, tree)
    with django_assert_max_num_queries(ORG_LIST_QUERIES):
        assert len(client.get(url).context["orgs"]) >= 7
    _orgs(50, tree)
    with django_assert_max_num_queries(ORG_LIST_QUERIES):
        assert len(client.get(url).context["orgs"]) == 20
    with django_assert_max_num_queries(ORG_LIST_QUERIES):
        client.get(url, {"page": 2, "verified": "true"})


@pytest.mark.parametrize("role", ["anonymous", "staff_a", "official_in"])
def test_community_page_queries_do_not_grow(
    as_role, tree, roles, role, django_assert_max_num_queries
):
    client = as_role(role)
    url = reverse("communities:community-detail", args=[tree.pozijie_community.pk])
    _needs(10, tree)
    with django_assert_max_num_queries(COMMUNITY_PAGE_QUERIES):
        assert len(client.get(url).context["needs"]) >= 6
    _needs(50, tree)
    with django_assert_max_num_queries(COMMUNITY_PAGE_QUERIES):
        assert len(client.get(url).context["needs"]) == 20
    with django_assert_max_num_queries(COMMUNITY_PAGE_QUERIES):
        client.get(url, {"status": "published", "page": 2})


# --- junk in the query string ---------------------------------------------------------------

JUNK = ["0", "-1", "0.001", "1e20", "99999999999999999999", "NaN", "abc", "２０２６"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("communities:need-list", ("year", "community", "budget_min", "budget_max", "within")),
        ("orgs:offering-list", ("org", "price_max", "within", "category", "target_group")),
        ("orgs:org-list", ("verified", "within", "grade", "org_type", "ordering")),
    ],
)
def test_junk_filters_are_not_a_server_error(as_role, world, name, params):
    """A hand-edited or truncated link shows an empty list (and the filter's error), never a 500."""
    client = as_role("staff_a")
    for param in params:
        for junk in JUNK:
            response = client.get(reverse(name), {param: junk})
            assert response.status_code == 200, (param, junk, response.status_code)


def test_an_impossible_year_is_explained_at_the_filter(client, world):
    response = client.get(reverse("communities:need-list"), {"year": "0"})
    assert titles(response, "needs") == set()
    assert "year" in response.context["filter"].form.errors
    assert 'class="more-filters" open' in response.content.decode()  # the field is in view
