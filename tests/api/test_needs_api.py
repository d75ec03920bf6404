"""`/api/v1/needs/`: validation, the draft → published → closed lifecycle, filters, paging."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.choices import NeedStatus
from communities.models import ServiceNeed
from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"


def detail(need) -> str:
    return f"{NEEDS}{need.id}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


def payload(community, **overrides) -> dict:
    data = {
        "community": community.id,
        "title": "坡子街独居老人助餐服务",
        "category": "elderly_meals",
        "target_groups": ["elderly", "disabled"],
        "beneficiaries": 80,
        "description": "为辖区80位独居、失能老人提供午餐配送。",
        "budget": "80000.00",
        "period_start": "2026-03-01",
        "period_end": "2026-12-31",
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff(api, staff_user):
    return api(staff_user)


# --- create ---------------------------------------------------------------------------------


def test_create_returns_a_draft_in_the_contract_shape(staff, staff_user, tree):
    response = staff.post(NEEDS, payload(tree.pozijie_community), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "id", "community", "title", "category", "target_groups", "beneficiaries",
        "description", "budget", "period_start", "period_end", "status", "published_at",
    }  # fmt: skip
    assert body["community"] == tree.pozijie_community.id
    assert body["category"] == "elderly_meals"
    assert sorted(body["target_groups"]) == ["disabled", "elderly"]
    assert body["budget"] == "80000.00"  # money is a decimal string in yuan
    assert body["period_start"] == "2026-03-01"
    assert body["status"] == "draft"
    assert body["published_at"] is None

    need = ServiceNeed.objects.get(pk=body["id"])
    assert need.budget == Decimal("80000.00")
    assert need.created_by == staff_user
    assert need.status == NeedStatus.DRAFT


@pytest.mark.parametrize("budget", ["0", "0.00", "-100", "-0.01"])
def test_budget_must_be_positive(staff, tree, budget):
    response = staff.post(NEEDS, payload(tree.pozijie_community, budget=budget), format="json")
    assert_error(response, 400, "invalid", "budget")
    assert not ServiceNeed.objects.exists()


@pytest.mark.parametrize("budget", ["abc", "1e400", "123456789012345.00", "1.001"])
def test_malformed_budget_is_400_naming_budget(staff, tree, budget):
    response = staff.post(NEEDS, payload(tree.pozijie_community, budget=budget), format="json")
    assert_error(response, 400, "invalid", "budget")


def test_period_must_not_end_before_it_starts(staff, tree):
    data = payload(tree.pozijie_community, period_start="2026-06-01", period_end="2026-05-31")
    assert_error(staff.post(NEEDS, data, format="json"), 400, "invalid", "period_end")
    # The same day is a valid one-day period.
    data["period_end"] = "2026-06-01"
    assert staff.post(NEEDS, data, format="json").status_code == 201


def test_unknown_category_is_400_naming_category(staff, tree):
    data = payload(tree.pozijie_community, category="no_such_category")
    assert_error(staff.post(NEEDS, data, format="json"), 400, "invalid", "category")


def test_unknown_target_group_is_400_naming_it(staff, tree):
    data = payload(tree.pozijie_community, target_groups=["elderly", "martians"])
    assert_error(staff.post(NEEDS, data, format="json"), 400, "invalid", "target_groups")


def test_a_parent_category_may_be_used(staff, tree):
    data = payload(tree.pozijie_community, category="elderly_care")
    assert staff.post(NEEDS, data, format="json").json()["category"] == "elderly_care"


def test_missing_fields_are_named(staff):
    body = assert_error(staff.post(NEEDS, {}, format="json"), 400, "invalid")
    assert {"community", "title", "category", "budget", "period_start", "period_end"} <= set(
        body["fields"]
    )


def test_unknown_community_is_400_naming_it(staff, tree):
    data = {**payload(tree.pozijie_community), "community": 999_999}
    assert_error(staff.post(NEEDS, data, format="json"), 400, "invalid", "community")


def test_posting_for_another_community_is_403(staff, tree):
    for community in (tree.chengnanlu_community, tree.wangyuehu_community):
        response = staff.post(NEEDS, payload(community), format="json")
        assert_error(response, 403, "permission_denied")
    assert not ServiceNeed.objects.exists()


def test_status_cannot_be_set_on_create(staff, tree):
    data = payload(tree.pozijie_community, status="published", published_at="2026-01-01T00:00Z")
    body = staff.post(NEEDS, data, format="json").json()
    assert body["status"] == "draft"
    assert body["published_at"] is None


# --- edit, delete, transitions --------------------------------------------------------------


@pytest.fixture
def draft(tree):
    return f.ServiceNeedFactory(community=tree.pozijie_community, title="助餐草稿", draft=True)


@pytest.fixture
def published(tree):
    return f.ServiceNeedFactory(community=tree.pozijie_community, title="已发布的助餐")


@pytest.mark.parametrize("status", [NeedStatus.DRAFT, NeedStatus.PUBLISHED])
def test_patch_edits_drafts_and_published_needs(staff, tree, status):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, status=status)
    response = staff.patch(
        detail(need),
        {"title": "改后标题", "budget": "95000.50", "target_groups": ["children"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["budget"], body["target_groups"]) == (
        "改后标题",
        "95000.50",
        ["children"],
    )
    need.refresh_from_db()
    assert need.title == "改后标题"
    assert need.budget == Decimal("95000.50")
    assert need.status == status


@pytest.mark.parametrize("status", [NeedStatus.MATCHED, NeedStatus.CLOSED])
def test_patch_of_a_matched_or_closed_need_is_409(staff, tree, status):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, status=status, title="旧标题")
    response = staff.patch(detail(need), {"title": "改后标题"}, format="json")
    assert_error(response, 409, "invalid_transition")
    need.refresh_from_db()
    assert need.title == "旧标题"


def test_patch_validates_the_period_against_the_stored_start(staff, draft):
    response = staff.patch(detail(draft), {"period_end": "2026-01-01"}, format="json")
    assert_error(response, 400, "invalid", "period_end")
    assert_error(
        staff.patch(detail(draft), {"budget": "0"}, format="json"), 400, "invalid", "budget"
    )


def test_patch_cannot_move_a_need_or_change_its_status(staff, draft, tree):
    moved = staff.patch(detail(draft), {"community": tree.wangyuehu_community.id}, format="json")
    assert_error(moved, 400, "invalid", field="community")
    # `status` is read-only: it changes only through the publish/close actions.
    same = staff.patch(
        detail(draft),
        {"community": tree.pozijie_community.id, "status": "published"},
        format="json",
    )
    assert same.status_code == 200
    draft.refresh_from_db()
    assert draft.community == tree.pozijie_community
    assert draft.status == NeedStatus.DRAFT


def test_put_is_not_offered(staff, draft, tree):
    response = staff.put(detail(draft), payload(tree.pozijie_community), format="json")
    assert_error(response, 405, "method_not_allowed")


def test_delete_a_draft(staff, draft, staff_user):
    assert staff.delete(detail(draft)).status_code == 204
    assert not ServiceNeed.objects.filter(pk=draft.pk).exists()
    deletion = ServiceNeed.history.get(id=draft.id, history_type="-")
    assert deletion.history_user == staff_user


def test_delete_a_published_need_is_409(staff, published):
    assert_error(staff.delete(detail(published)), 409, "invalid_transition")
    assert ServiceNeed.objects.filter(pk=published.pk).exists()


def test_publish_then_publish_again_is_409(staff, draft):
    response = staff.post(f"{detail(draft)}publish/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == draft.id
    assert body["status"] == "published"
    assert body["published_at"] is not None

    again = staff.post(f"{detail(draft)}publish/")
    assert_error(again, 409, "invalid_transition")
    draft.refresh_from_db()
    assert draft.status == NeedStatus.PUBLISHED


def test_close_a_published_need_then_409(staff, published):
    response = staff.post(f"{detail(published)}close/")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert_error(staff.post(f"{detail(published)}close/"), 409, "invalid_transition")
    assert_error(staff.post(f"{detail(published)}publish/"), 409, "invalid_transition")
    assert_error(staff.delete(detail(published)), 409, "invalid_transition")


def test_a_matched_need_can_be_closed(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, status=NeedStatus.MATCHED)
    assert staff.post(f"{detail(need)}close/").json()["status"] == "closed"


def test_closing_a_draft_is_409_not_a_leak(api, staff, draft):
    """A closed need is public; a draft that was never published is deleted, not closed."""
    assert_error(staff.post(f"{detail(draft)}close/"), 409, "invalid_transition")
    draft.refresh_from_db()
    assert draft.status == NeedStatus.DRAFT
    assert_error(api().get(detail(draft)), 404, "not_found")


def test_actions_only_take_post(staff, draft):
    assert_error(staff.get(f"{detail(draft)}publish/"), 405, "method_not_allowed")


def test_history_records_the_token_user(api, tree):
    """django-simple-history's middleware sees no user under token auth; services set it."""
    user = f.CommunityStaffFactory(community=tree.pozijie_community).user
    client = api(user)
    need_id = client.post(NEEDS, payload(tree.pozijie_community), format="json").json()["id"]
    need = ServiceNeed.objects.get(pk=need_id)
    created = need.history.first()
    assert created.history_type == "+"
    assert created.history_user == user

    client.post(f"{NEEDS}{need_id}/publish/")
    published = need.history.first()
    assert published.history_type == "~"
    assert published.status == "published"
    assert published.history_user == user
    assert need.history.count() == 2


def test_a_missing_need_is_404_in_the_error_format(staff):
    assert_error(staff.get(f"{NEEDS}999999/"), 404, "not_found")
    assert_error(staff.post(f"{NEEDS}999999/publish/"), 404, "not_found")


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def catalogue(tree):
    """Published needs across both districts, one draft, one closed."""
    f.community_at("430103001010", name="白沙社区")  # 430103001 starts like 先锋街道 430103010

    def need(community, title, category, groups, budget, start=date(2026, 3, 1), **kw):
        return f.ServiceNeedFactory(
            community=community,
            title=title,
            category=f.category(category),
            target_groups=groups,
            budget=Decimal(budget),
            period_start=start,
            period_end=start + timedelta(days=200),
            **kw,
        )

    baisha = f.community_at("430103001010")
    return {
        "meals": need(
            tree.pozijie_community, "坡子街老年助餐", "elderly_meals", ["elderly"], "80000"
        ),
        "visits": need(
            tree.chengnanlu_community,
            "城南路上门探访",
            "elderly_home_visits",
            ["disabled", "elderly"],
            "30000",
            start=date(2025, 4, 1),
        ),
        "care": need(
            tree.pozijie_community, "坡子街养老综合", "elderly_care", ["elderly"], "120000"
        ),
        "counselling": need(
            tree.wangyuehu_community, "望月湖心理咨询", "counselling", ["youth"], "150000"
        ),
        "after_school": need(
            tree.xianfeng_community, "先锋四点半课堂", "after_school", ["children"], "50000"
        ),
        "baisha": need(baisha, "白沙垃圾分类", "waste_sorting", ["all_residents"], "20000"),
        "closed": need(
            tree.pozijie_community,
            "坡子街文体活动",
            "culture_sports",
            ["all_residents"],
            "10000",
            status=NeedStatus.CLOSED,
        ),
        "draft": need(
            tree.pozijie_community,
            "坡子街助餐草稿",
            "elderly_meals",
            ["elderly"],
            "60000",
            draft=True,
        ),
    }


def listed(client, **params) -> set[str]:
    response = client.get(NEEDS, params)
    assert response.status_code == 200, response.content[:300]
    return {row["title"] for row in response.json()["results"]}


PUBLIC = {
    "坡子街老年助餐",
    "城南路上门探访",
    "坡子街养老综合",
    "望月湖心理咨询",
    "先锋四点半课堂",
    "白沙垃圾分类",
    "坡子街文体活动",
}


def test_anonymous_lists_every_public_need_and_no_draft(api, catalogue):
    assert listed(api()) == PUBLIC


def test_a_parent_category_matches_its_children(api, catalogue):
    assert listed(api(), category="elderly_care") == {
        "坡子街老年助餐",
        "城南路上门探访",
        "坡子街养老综合",
    }
    # A child category matches only itself, not its parent or siblings.
    assert listed(api(), category="elderly_meals") == {"坡子街老年助餐"}


def test_an_unknown_category_filter_is_a_400(api, catalogue):
    assert_error(api().get(NEEDS, {"category": "nope"}), 400, "invalid", "category")


def test_target_group(api, catalogue):
    assert listed(api(), target_group="disabled") == {"城南路上门探访"}
    # A need with two groups is listed once under a filter that matches one of them.
    rows = api().get(NEEDS, {"target_group": "elderly"}).json()
    titles = [row["title"] for row in rows["results"]]
    assert sorted(titles) == sorted({"坡子街老年助餐", "城南路上门探访", "坡子街养老综合"})
    assert rows["count"] == 3


def test_status(api, staff, catalogue):
    assert listed(api(), status="closed") == {"坡子街文体活动"}
    assert listed(api(), status="published") == PUBLIC - {"坡子街文体活动"}
    assert listed(api(), status="draft") == set()
    assert listed(staff, status="draft") == {"坡子街助餐草稿"}


def test_community(api, tree, catalogue):
    assert listed(api(), community=tree.pozijie_community.id) == {
        "坡子街老年助餐",
        "坡子街养老综合",
        "坡子街文体活动",
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("430100000000", PUBLIC),
        ("430103000000", PUBLIC - {"望月湖心理咨询"}),
        ("430104000000", {"望月湖心理咨询"}),
        ("430103002000", {"坡子街老年助餐", "坡子街养老综合", "坡子街文体活动"}),
        # 先锋街道: its prefix 430103010 must not catch 白沙社区 430103001010.
        ("430103010000", {"先锋四点半课堂"}),
        ("430103001000", {"白沙垃圾分类"}),
        ("430103004001", {"城南路上门探访"}),
        ("430105000000", set()),
    ],
)
def test_within_district_street_and_community(api, catalogue, code, expected):
    assert listed(api(), within=code) == expected


@pytest.mark.parametrize("code", ["4301", "abc", "4301030000001", "43010300000０", "' OR 1=1 --"])
def test_an_invalid_within_code_is_an_empty_list(api, catalogue, code):
    response = api().get(NEEDS, {"within": code})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_budget_range_is_inclusive(api, catalogue):
    assert listed(api(), budget_min="50000", budget_max="100000") == {
        "坡子街老年助餐",
        "先锋四点半课堂",
    }
    assert listed(api(), budget_min="150000") == {"望月湖心理咨询"}
    assert listed(api(), budget_max="10000") == {"坡子街文体活动"}
    assert_error(api().get(NEEDS, {"budget_min": "lots"}), 400, "invalid", "budget_min")


def test_year(api, catalogue):
    assert listed(api(), year=2025) == {"城南路上门探访"}
    assert listed(api(), year=2026) == PUBLIC - {"城南路上门探访"}
    assert listed(api(), year=1999) == set()


def test_filters_combine(api, catalogue):
    assert listed(api(), category="elderly_care", within="430103002000", budget_max="100000") == {
        "坡子街老年助餐"
    }


def test_ordering_by_budget(api, catalogue):
    rows = api().get(NEEDS, {"ordering": "-budget"}).json()["results"]
    budgets = [Decimal(row["budget"]) for row in rows]
    assert budgets == sorted(budgets, reverse=True)
    assert rows[0]["budget"] == "150000.00"
    rows = api().get(NEEDS, {"ordering": "budget"}).json()["results"]
    assert rows[0]["budget"] == "10000.00"


def test_chinese_text_search_matches_description_and_ranks_titles_first(api, tree):
    now = timezone.now()
    in_title = f.ServiceNeedFactory(
        community=tree.chengnanlu_community,
        title="居家养老上门服务",
        description="每周两次上门。",
        published_at=now - timedelta(days=30),
    )
    in_description = f.ServiceNeedFactory(
        community=tree.pozijie_community,
        title="独居老人关爱",
        description="本项目属于居家养老服务体系，面向独居老人。",
        published_at=now,  # newer: first by default ordering
    )
    f.ServiceNeedFactory(
        community=tree.pozijie_community,
        title="四点半课堂",
        description="儿童",
        published_at=now - timedelta(days=60),
    )

    assert ids(api().get(NEEDS))[0] == in_description.id
    found = ids(api().get(NEEDS, {"q": "居家养老"}))
    assert found == [in_title.id, in_description.id]
    # Only the description mentions it: still found.
    assert ids(api().get(NEEDS, {"q": "体系"})) == [in_description.id]
    # Every term must match somewhere; the community name is searched too.
    assert ids(api().get(NEEDS, {"q": "居家养老 坡子街"})) == [in_description.id]
    assert ids(api().get(NEEDS, {"q": "火星"})) == []


# --- paging ---------------------------------------------------------------------------------


def bulk_needs(community, n):
    category = f.category("elderly_meals")
    now = timezone.now()
    ServiceNeed.objects.bulk_create(
        ServiceNeed(
            community=community,
            title=f"助餐需求{i:03d}",
            category=category,
            budget=Decimal(1000 + i),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            status=NeedStatus.PUBLISHED,
            published_at=now - timedelta(minutes=i),
        )
        for i in range(n)
    )


def test_paging_shape_and_links(api, tree):
    bulk_needs(tree.pozijie_community, 5)
    first = api().get(NEEDS, {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]

    last = api().get(NEEDS, {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert last["previous"] is not None

    seen = [
        row["id"]
        for p in (1, 2, 3)
        for row in api().get(NEEDS, {"page_size": 2, "page": p}).json()["results"]
    ]
    assert len(seen) == len(set(seen)) == 5

    assert_error(api().get(NEEDS, {"page": 9}), 404, "not_found")


def test_page_size_is_capped_at_200(api, tree):
    bulk_needs(tree.pozijie_community, 205)
    body = api().get(NEEDS, {"page_size": 1000}).json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert body["next"] is not None
    assert len(api().get(NEEDS).json()["results"]) == 20  # the default page size
