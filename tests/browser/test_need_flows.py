"""A community worker posts, edits, publishes, closes and deletes needs through the pages."""

from datetime import date

import pytest
from django.urls import reverse

from communities.choices import NeedStatus
from communities.models import Community, ServiceNeed
from tests import factories as f

from .conftest import field_errors, flashes, form_errors, titles

pytestmark = pytest.mark.django_db


def create_url(community) -> str:
    return reverse("communities:need-create", args=[community.pk])


def edit_url(need) -> str:
    return reverse("communities:need-edit", args=[need.pk])


def action_url(need, action: str) -> str:
    """Built from the detail URL so unknown actions can be requested too (and 404)."""
    return f"{reverse('communities:need-detail', args=[need.pk])}{action}/"


def community_url(community) -> str:
    return reverse("communities:community-detail", args=[community.pk])


@pytest.fixture
def staff(login, staff_user):
    return login(staff_user)


@pytest.fixture
def other_staff(tree):
    """Staff of 城南路社区: the same district, another community."""
    return f.CommunityStaffFactory(community=tree.chengnanlu_community).user


# --- the create page ------------------------------------------------------------------------


def test_create_page_is_for_staff_of_that_community(staff, tree, client):
    response = staff.get(create_url(tree.pozijie_community))
    assert response.status_code == 200
    assert response.context["community"] == tree.pozijie_community
    page = response.content.decode()
    assert 'name="publish"' in page and 'name="draft"' in page

    assert staff.get(create_url(tree.chengnanlu_community)).status_code == 403
    assert staff.get(reverse("communities:need-create", args=[999_999])).status_code == 404

    anonymous = client.get(create_url(tree.pozijie_community))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert "next=" in anonymous["Location"]


def test_post_of_another_community_is_refused(staff, tree, need_data):
    response = staff.post(create_url(tree.chengnanlu_community), {**need_data, "publish": "1"})
    assert response.status_code == 403
    assert not ServiceNeed.objects.exists()


def test_publish_now(staff, staff_user, tree, need_data):
    response = staff.post(
        create_url(tree.pozijie_community), {**need_data, "publish": "1"}, follow=True
    )
    need = ServiceNeed.objects.get()
    assert response.redirect_chain == [(need.get_absolute_url(), 302)]
    assert response.context["need"] == need
    assert flashes(response) == ["需求已发布。"]
    assert need.status == NeedStatus.PUBLISHED
    assert need.published_at is not None
    assert need.community == tree.pozijie_community
    assert need.created_by == staff_user
    assert list(need.target_groups.values_list("code", flat=True)) == ["elderly"]
    assert need.period_end == date(2026, 12, 31)


def test_save_draft(staff, tree, need_data, client):
    response = staff.post(
        create_url(tree.pozijie_community), {**need_data, "draft": "1"}, follow=True
    )
    need = ServiceNeed.objects.get()
    assert response.redirect_chain == [(need.get_absolute_url(), 302)]
    assert flashes(response) == ["需求已保存为草稿，准备好后请发布。"]
    assert need.status == NeedStatus.DRAFT
    assert need.published_at is None
    # A draft is not public.
    assert client.get(need.get_absolute_url()).status_code == 404


def test_history_records_the_staff_member(staff, staff_user, tree, need_data):
    staff.post(create_url(tree.pozijie_community), {**need_data, "publish": "1"})
    need = ServiceNeed.objects.get()
    records = list(need.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]  # created, then published
    assert {r.history_user for r in records} == {staff_user}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"budget": "0"}, "budget", "预算必须大于零。"),
        ({"budget": "-100"}, "budget", "预算必须大于零。"),
        ({"period_end": "2026-02-28"}, "period_end", "服务结束日期不能早于开始日期。"),
        ({"title": ""}, "title", "该字段是必填项。"),
        ({"category": "999999"}, "category", None),
        ({"category": "not-a-number"}, "category", None),
    ],
    ids=["budget-zero", "budget-negative", "period-reversed", "no-title", "unknown", "garbage"],
)
def test_invalid_input_is_shown_at_the_field(staff, tree, need_data, changes, field, message):
    response = staff.post(
        create_url(tree.pozijie_community), {**need_data, **changes, "publish": "1"}
    )
    errors = field_errors(response, field)
    if message is None:
        assert errors and "选择一个有效的选项" in errors[0]
    else:
        assert errors == [message]
    assert form_errors(response) == []  # no duplicate (constraint) message at the top
    assert not ServiceNeed.objects.exists()
    # What was typed stays in the form.
    assert response.context["form"]["description"].value() == need_data["description"]


# --- editing --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [NeedStatus.DRAFT, NeedStatus.PUBLISHED])
def test_edit_own_need(staff, tree, status):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, status=status, title="旧标题")
    page = staff.get(edit_url(need))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["title"].value() == "旧标题"
    assert form["period_start"].value() == need.period_start
    assert 'value="2026-03-01"' in page.content.decode()  # <input type="date"> needs ISO dates

    data = {name: form[name].value() for name in form.fields}
    data.update(title="新标题", budget="75000", target_groups=[], period_start="2026-04-01")
    response = staff.post(edit_url(need), data, follow=True)
    assert response.redirect_chain == [(need.get_absolute_url(), 302)]
    assert flashes(response) == ["修改已保存。"]
    need.refresh_from_db()
    assert (need.title, str(need.budget), need.status) == ("新标题", "75000.00", status)
    assert need.period_start == date(2026, 4, 1)
    assert not need.target_groups.exists()


def test_edit_with_invalid_input_keeps_the_need(staff, tree, need_data):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, title="原标题")
    response = staff.post(edit_url(need), {**need_data, "period_start": "2027-01-01"})
    assert field_errors(response, "period_end") == ["服务结束日期不能早于开始日期。"]
    need.refresh_from_db()
    assert need.title == "原标题"


def test_a_closed_need_cannot_be_edited(staff, tree, need_data):
    need = f.ServiceNeedFactory(
        community=tree.pozijie_community, status=NeedStatus.CLOSED, title="已关闭需求"
    )
    response = staff.post(edit_url(need), need_data)
    assert form_errors(response) == ["该需求当前状态为“已关闭”，不能再修改。"]
    need.refresh_from_db()
    assert need.title == "已关闭需求"
    # Its page offers no edit button.
    detail = staff.get(need.get_absolute_url()).content.decode()
    assert edit_url(need) not in detail


def test_edit_page_of_another_community(staff, tree):
    published = f.ServiceNeedFactory(community=tree.chengnanlu_community)
    draft = f.ServiceNeedFactory(community=tree.chengnanlu_community, draft=True)
    assert staff.get(edit_url(published)).status_code == 403
    assert staff.get(edit_url(draft)).status_code == 404


# --- publish / close / delete ---------------------------------------------------------------


def test_publish_a_draft(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    response = staff.post(action_url(need, "publish"), follow=True)
    assert response.redirect_chain == [(need.get_absolute_url(), 302)]
    assert flashes(response) == ["需求已发布。"]
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED and need.published_at is not None


def test_publish_twice_is_a_message_not_an_error(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community)
    response = staff.post(action_url(need, "publish"), follow=True)
    assert response.status_code == 200
    [message] = response.context["messages"]
    assert message.level_tag == "error"


def test_close_a_published_need(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community)
    response = staff.post(action_url(need, "close"), follow=True)
    assert flashes(response) == ["需求已关闭。"]
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED


def test_delete_a_draft(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    response = staff.post(action_url(need, "delete"), follow=True)
    assert response.redirect_chain == [(community_url(tree.pozijie_community), 302)]
    assert flashes(response) == ["草稿已删除。"]
    assert not ServiceNeed.objects.filter(pk=need.pk).exists()


def test_a_published_need_cannot_be_deleted(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community)
    response = staff.post(action_url(need, "delete"), follow=True)
    assert response.redirect_chain == [(need.get_absolute_url(), 302)]
    [message] = response.context["messages"]
    assert (message.level_tag, str(message)) == ("error", "只能删除草稿；已发布的需求请改为关闭。")
    assert str(message) in response.content.decode()
    assert ServiceNeed.objects.filter(pk=need.pk, status=NeedStatus.PUBLISHED).exists()


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (NeedStatus.DRAFT, {"edit", "publish", "delete"}),
        (NeedStatus.PUBLISHED, {"edit", "close"}),
        (NeedStatus.MATCHED, {"close"}),
        (NeedStatus.CLOSED, set()),
    ],
)
def test_the_need_page_offers_the_allowed_actions_only(staff, tree, status, buttons):
    """Every button offered works: none leads to an error message."""
    need = f.ServiceNeedFactory(community=tree.pozijie_community, status=status)
    page = staff.get(need.get_absolute_url()).content.decode()
    offered = {"edit"} if edit_url(need) in page else set()
    offered |= {a for a in ("publish", "close", "delete") if action_url(need, a) in page}
    assert offered == buttons
    for action in offered - {"edit"}:
        twin = f.ServiceNeedFactory(community=tree.pozijie_community, status=status)
        [message] = staff.post(action_url(twin, action), follow=True).context["messages"]
        assert message.level_tag == "success", (action, str(message))


def test_the_need_page_offers_no_actions_to_others(client, login, other_staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community)
    for visitor in (client, login(other_staff)):
        page = visitor.get(need.get_absolute_url()).content.decode()
        assert edit_url(need) not in page
        assert action_url(need, "close") not in page


def test_action_url_is_post_only_and_knows_its_actions(staff, tree):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    assert staff.get(action_url(need, "publish")).status_code == 405
    assert staff.post(action_url(need, "archive")).status_code == 404
    need.refresh_from_db()
    assert need.status == NeedStatus.DRAFT


def test_actions_of_another_communitys_staff(login, other_staff, tree):
    published = f.ServiceNeedFactory(community=tree.pozijie_community)
    draft = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    intruder = login(other_staff)
    for action in ("publish", "close", "delete"):
        assert intruder.post(action_url(published, action)).status_code == 403
        assert intruder.post(action_url(draft, action)).status_code == 404
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == (NeedStatus.PUBLISHED, NeedStatus.DRAFT)


def test_anonymous_actions_change_nothing(client, tree):
    published = f.ServiceNeedFactory(community=tree.pozijie_community)
    assert client.post(action_url(published, "close")).status_code == 403
    published.refresh_from_db()
    assert published.status == NeedStatus.PUBLISHED


# --- the community page ---------------------------------------------------------------------


@pytest.fixture
def community_needs(tree):
    home = tree.pozijie_community
    return {
        "published": f.ServiceNeedFactory(community=home, title="坡子街助餐"),
        "closed": f.ServiceNeedFactory(
            community=home, title="坡子街助浴", status=NeedStatus.CLOSED
        ),
        "draft": f.ServiceNeedFactory(community=home, title="坡子街调解草稿", draft=True),
        "elsewhere": f.ServiceNeedFactory(community=tree.chengnanlu_community, title="城南路助餐"),
    }


def test_staff_see_drafts_and_status_tabs(staff, tree, community_needs):
    url = community_url(tree.pozijie_community)
    response = staff.get(url)
    assert titles(response, "needs") == {"坡子街助餐", "坡子街助浴", "坡子街调解草稿"}
    page = response.content.decode()
    assert 'href="?status=draft"' in page
    assert create_url(tree.pozijie_community) in page
    assert reverse("communities:community-edit", args=[tree.pozijie_community.pk]) in page

    assert titles(staff.get(url, {"status": "draft"}), "needs") == {"坡子街调解草稿"}
    assert titles(staff.get(url, {"status": "closed"}), "needs") == {"坡子街助浴"}
    # An unknown status is ignored, not an error.
    assert len(titles(staff.get(url, {"status": "bogus"}), "needs")) == 3


def test_others_see_public_needs_only(client, login, other_staff, tree, community_needs):
    url = community_url(tree.pozijie_community)
    for visitor in (client, login(other_staff)):
        response = visitor.get(url)
        assert titles(response, "needs") == {"坡子街助餐", "坡子街助浴"}
        page = response.content.decode()
        assert "坡子街调解草稿" not in page
        assert 'href="?status=draft"' not in page
        assert create_url(tree.pozijie_community) not in page
        assert titles(visitor.get(url, {"status": "draft"}), "needs") == set()


# --- the community profile ------------------------------------------------------------------


def profile_url(community) -> str:
    return reverse("communities:community-edit", args=[community.pk])


def profile_data(community, **changes) -> dict:
    data = {
        "address": community.address,
        "households": community.households,
        "residents": community.residents,
        "elderly": community.elderly,
        "disabled": community.disabled,
        "staff_total": community.staff_total,
        "staff_certified": community.staff_certified,
        "representatives_total": community.representatives_total,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"residents": "100", "elderly": "101"}, "elderly", "不能超过常住人口数。"),
        (
            {"residents": "100", "elderly": "10", "disabled": "150"},
            "disabled",
            "不能超过常住人口数。",
        ),
        (
            {"staff_total": "3", "staff_certified": "4"},
            "staff_certified",
            "不能超过社区工作者人数。",
        ),
    ],
    ids=["elderly", "disabled", "certified"],
)
def test_profile_rules_are_shown_at_the_field(staff, tree, changes, field, message):
    community = tree.pozijie_community
    response = staff.post(profile_url(community), profile_data(community, **changes))
    assert field_errors(response, field) == [message]
    assert form_errors(response) == []
    community.refresh_from_db()
    assert community.residents == 3600


def test_profile_saves(staff, staff_user, tree):
    community = tree.pozijie_community
    assert staff.get(profile_url(community)).status_code == 200
    response = staff.post(
        profile_url(community),
        profile_data(community, residents="4000", elderly="900", staff_certified="6"),
        follow=True,
    )
    assert response.redirect_chain == [(community_url(community), 302)]
    assert flashes(response) == ["社区信息已保存。"]
    community = Community.objects.get(pk=community.pk)
    assert (community.residents, community.elderly, community.staff_certified) == (4000, 900, 6)
    assert "4,000" in response.content.decode()


def test_profile_is_for_its_staff_only(login, other_staff, tree, client):
    community = tree.pozijie_community
    assert login(other_staff).get(profile_url(community)).status_code == 403
    intruder = login(other_staff).post(profile_url(community), profile_data(community, residents=1))
    assert intruder.status_code == 403
    # Anonymous: refused (403 today; a redirect to the login page would serve better).
    assert client.get(profile_url(community)).status_code in (302, 403)
    community.refresh_from_db()
    assert community.residents == 3600
