"""The public list and detail pages of community service needs, through the browser URLs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communities.choices import NeedStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def list_url() -> str:
    return reverse("communities:need-list")


def detail_url(need) -> str:
    return reverse("communities:need-detail", args=[need.pk])


def listed(response) -> list[str]:
    """Titles on the page, in order; each one is checked to be in the rendered HTML too."""
    assert response.status_code == 200
    titles = [need.title for need in response.context["needs"]]
    html = response.content.decode()
    for title in titles:
        assert title in html
    return titles


def need(community, title, **kwargs):
    return f.ServiceNeedFactory(community=community, title=title, **kwargs)


# --- who sees what --------------------------------------------------------------------------


@pytest.fixture
def mixed_needs(tree):
    """One need per status in 坡子街社区, and drafts in 城南路 (天心区) and 望月湖 (岳麓区)."""
    home = tree.pozijie_community
    return {
        "published": need(home, "坡子街老年助餐服务"),
        "matched": need(home, "坡子街康复训练", status=NeedStatus.MATCHED),
        "closed": need(home, "坡子街四点半课堂", status=NeedStatus.CLOSED),
        "draft": need(home, "坡子街邻里调解草稿", draft=True),
        "draft_tianxin": need(tree.chengnanlu_community, "城南路垃圾分类草稿", draft=True),
        "draft_yuelu": need(tree.wangyuehu_community, "望月湖心理咨询草稿", draft=True),
    }


DRAFT_KEYS = ("draft", "draft_tianxin", "draft_yuelu")


def test_anonymous_sees_published_needs_only(client, mixed_needs):
    assert listed(client.get(list_url())) == ["坡子街老年助餐服务"]
    # With the status filter emptied, everything public but no draft.
    everything = set(listed(client.get(list_url(), {"status": ""})))
    assert everything == {"坡子街老年助餐服务", "坡子街康复训练", "坡子街四点半课堂"}
    assert listed(client.get(list_url(), {"status": "draft"})) == []


def test_draft_detail_is_404_for_anonymous(client, mixed_needs):
    for key in ("published", "matched", "closed"):
        response = client.get(detail_url(mixed_needs[key]))
        assert response.status_code == 200
        assert mixed_needs[key].title in response.content.decode()
    for key in DRAFT_KEYS:
        assert client.get(detail_url(mixed_needs[key])).status_code == 404


def test_draft_titles_do_not_leak_into_the_page(client, mixed_needs):
    html = client.get(list_url(), {"status": ""}).content.decode()
    for key in DRAFT_KEYS:
        assert mixed_needs[key].title not in html


def test_community_staff_sees_their_own_draft(login, staff_user, mixed_needs, tree):
    staff = login(staff_user)
    assert "坡子街邻里调解草稿" not in listed(staff.get(list_url()))  # published by default
    with_drafts = set(listed(staff.get(list_url(), {"status": ""})))
    assert "坡子街邻里调解草稿" in with_drafts
    assert "城南路垃圾分类草稿" not in with_drafts
    assert "望月湖心理咨询草稿" not in with_drafts
    assert listed(staff.get(list_url(), {"status": "draft"})) == ["坡子街邻里调解草稿"]
    # The link of the home page: my community, any status.
    mine = staff.get(list_url(), {"community": tree.pozijie_community.id, "status": ""})
    assert set(listed(mine)) == {
        "坡子街老年助餐服务",
        "坡子街康复训练",
        "坡子街四点半课堂",
        "坡子街邻里调解草稿",
    }
    assert staff.get(detail_url(mixed_needs["draft"])).status_code == 200
    assert staff.get(detail_url(mixed_needs["draft_tianxin"])).status_code == 404


def test_district_official_sees_drafts_of_their_district_only(
    login, district_official, mixed_needs
):
    official = login(district_official)
    drafts = set(listed(official.get(list_url(), {"status": "draft"})))
    assert drafts == {"坡子街邻里调解草稿", "城南路垃圾分类草稿"}
    assert official.get(detail_url(mixed_needs["draft_tianxin"])).status_code == 200
    assert official.get(detail_url(mixed_needs["draft_yuelu"])).status_code == 404


def test_city_official_sees_every_draft_of_the_city(login, city_official, mixed_needs):
    drafts = set(listed(login(city_official).get(list_url(), {"status": "draft"})))
    assert drafts == {"坡子街邻里调解草稿", "城南路垃圾分类草稿", "望月湖心理咨询草稿"}


def test_other_roles_see_no_drafts(login, org_member, reviewer, mixed_needs):
    for user in (org_member, reviewer):
        assert listed(login(user).get(list_url(), {"status": "draft"})) == []


def test_superuser_sees_every_draft(admin_client, mixed_needs):
    drafts = set(listed(admin_client.get(list_url(), {"status": "draft"})))
    assert drafts == {mixed_needs[key].title for key in DRAFT_KEYS}


# --- paging ---------------------------------------------------------------------------------


def test_paging_twenty_per_page(client, tree):
    f.ServiceNeedFactory.create_batch(25, community=tree.pozijie_community)
    first = client.get(list_url())
    assert len(listed(first)) == 20
    assert first.context["paginator"].count == 25
    second = client.get(list_url(), {"page": 2})
    assert len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))
    assert client.get(list_url(), {"page": 3}).status_code == 404
    assert client.get(list_url(), {"page": "x"}).status_code == 404


def test_paging_links_keep_the_filters(client, tree):
    f.ServiceNeedFactory.create_batch(21, community=tree.pozijie_community, title="助餐")
    html = client.get(list_url(), {"q": "助餐", "page": 1}).content.decode()
    assert "?q=%E5%8A%A9%E9%A4%90&amp;page=2" in html


# --- filters --------------------------------------------------------------------------------


def test_parent_category_includes_its_children(client, tree):
    home = tree.pozijie_community
    need(home, "老年助餐", category=f.category("elderly_meals"))
    need(home, "居家养老综合", category=f.category("elderly_care"))
    need(home, "社区康复站", category=f.category("community_rehab"))
    assert set(listed(client.get(list_url(), {"category": "elderly_care"}))) == {
        "老年助餐",
        "居家养老综合",
    }
    assert listed(client.get(list_url(), {"category": "elderly_meals"})) == ["老年助餐"]
    assert listed(client.get(list_url(), {"category": "disability"})) == ["社区康复站"]
    assert listed(client.get(list_url(), {"category": "no_such_category"})) == []


@pytest.fixture
def needs_by_place(tree):
    return {
        "pozijie": need(tree.pozijie_community, "坡子街需求"),
        "chengnanlu": need(tree.chengnanlu_community, "城南路需求"),
        "xianfeng": need(tree.xianfeng_community, "先锋需求"),
        "wangyuehu": need(tree.wangyuehu_community, "望月湖需求"),
    }


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ("430100000000", {"坡子街需求", "城南路需求", "先锋需求", "望月湖需求"}),
        ("430103000000", {"坡子街需求", "城南路需求", "先锋需求"}),
        ("430104000000", {"望月湖需求"}),
        ("430103002000", {"坡子街需求"}),
        ("430103010000", {"先锋需求"}),
        ("430103002001", {"坡子街需求"}),
        ("430105000000", set()),
        ("", {"坡子街需求", "城南路需求", "先锋需求", "望月湖需求"}),
    ],
)
def test_within_region(client, needs_by_place, within, expected):
    assert set(listed(client.get(list_url(), {"within": within}))) == expected


@pytest.mark.parametrize(
    "within", ["abc", "4301", "43010300000", "4301030000001", "４３０１０３００００００", "%"]
)
def test_invalid_within_gives_an_empty_list(client, needs_by_place, within):
    assert listed(client.get(list_url(), {"within": within})) == []


def test_free_text_search_in_chinese(client, tree):
    need(tree.pozijie_community, "坡子街老年助餐服务", description="为独居老人送餐上门")
    need(tree.wangyuehu_community, "儿童四点半课堂", description="放学后的作业辅导")
    assert listed(client.get(list_url(), {"q": "助餐"})) == ["坡子街老年助餐服务"]
    assert listed(client.get(list_url(), {"q": "不存在的词"})) == []
    assert listed(client.get(list_url(), {"q": "作业辅导"})) == ["儿童四点半课堂"]  # description
    assert listed(client.get(list_url(), {"q": "望月湖"})) == ["儿童四点半课堂"]  # community
    assert listed(client.get(list_url(), {"q": "助餐 独居"})) == ["坡子街老年助餐服务"]
    assert listed(client.get(list_url(), {"q": "助餐 作业"})) == []  # every term must match
    assert len(listed(client.get(list_url(), {"q": "  "}))) == 2


def test_target_group(client, tree):
    home = tree.pozijie_community
    need(home, "老人需求", target_groups=["elderly"])
    need(home, "助残需求", target_groups=["disabled", "elderly"])
    assert listed(client.get(list_url(), {"target_group": "disabled"})) == ["助残需求"]
    elderly = listed(client.get(list_url(), {"target_group": "elderly"}))
    assert sorted(elderly) == sorted(["老人需求", "助残需求"])  # once each, no join duplicates
    assert listed(client.get(list_url(), {"target_group": "children"})) == []


@pytest.fixture
def needs_by_budget(tree):
    home = tree.pozijie_community
    need(home, "小额", budget=Decimal("10000.00"))
    need(home, "中额", budget=Decimal("50000.00"))
    need(home, "大额", budget=Decimal("200000.00"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"budget_min": "20000"}, {"中额", "大额"}),
        ({"budget_max": "50000"}, {"小额", "中额"}),
        ({"budget_min": "20000", "budget_max": "100000"}, {"中额"}),
        ({"budget_min": "50000", "budget_max": "50000"}, {"中额"}),
        ({"budget_min": "300000"}, set()),
    ],
)
def test_budget_range(client, needs_by_budget, params, expected):
    assert set(listed(client.get(list_url(), params))) == expected


def test_ordering(client, needs_by_budget):
    assert listed(client.get(list_url(), {"ordering": "-budget"})) == ["大额", "中额", "小额"]
    assert listed(client.get(list_url(), {"ordering": "budget"})) == ["小额", "中额", "大额"]
    # Default: latest published first.
    assert listed(client.get(list_url())) == ["大额", "中额", "小额"]
    assert listed(client.get(list_url(), {"ordering": "published_at"})) == ["小额", "中额", "大额"]


def test_filters_combine(client, tree):
    need(tree.pozijie_community, "坡子街助餐", budget=Decimal("60000"))
    need(tree.pozijie_community, "坡子街助餐小额", budget=Decimal("5000"))
    need(tree.wangyuehu_community, "望月湖助餐", budget=Decimal("60000"))
    params = {"q": "助餐", "within": "430103000000", "budget_min": "10000"}
    assert listed(client.get(list_url(), params)) == ["坡子街助餐"]


# --- cost and language ----------------------------------------------------------------------

# Measured: 6 queries for anonymous (count, rows, target groups, and the filter form's
# categories, target groups and regions), 4 more for a signed-in official (session, user,
# memberships). A little headroom; an N+1 would add at least 20 at 40 rows.
ANONYMOUS_QUERY_BOUND = 8
OFFICIAL_QUERY_BOUND = 12


def _needs_in_many_communities(count: int) -> None:
    groups = ["elderly", "disabled", "children"]
    for i in range(count):
        f.ServiceNeedFactory(target_groups=groups[: 1 + i % 3])
    f.ServiceNeedFactory.create_batch(2, draft=True)


@pytest.mark.parametrize("rows", [5, 40])
def test_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, rows):
    _needs_in_many_communities(rows)
    with django_assert_max_num_queries(ANONYMOUS_QUERY_BOUND):
        response = client.get(list_url(), {"status": ""})
    assert len(listed(response)) == min(rows, 20)


@pytest.mark.parametrize("rows", [5, 40])
def test_list_queries_for_an_official_do_not_grow_with_rows(
    login, district_official, django_assert_max_num_queries, rows
):
    official = login(district_official)
    _needs_in_many_communities(rows)
    with django_assert_max_num_queries(OFFICIAL_QUERY_BOUND):
        response = official.get(list_url(), {"status": ""})
    assert len(listed(response)) == min(rows + 2, 20)


def test_english_list_and_detail_render(client, mixed_needs):
    response = client.get("/en/needs/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert listed(response) == ["坡子街老年助餐服务"]
    detail = client.get(f"/en/needs/{mixed_needs['published'].pk}/")
    assert detail.status_code == 200
    assert "坡子街老年助餐服务" in detail.content.decode()
    assert client.get(f"/en/needs/{mixed_needs['draft'].pk}/").status_code == 404
