"""An organization's member posts, edits, publishes and closes service offerings."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering
from tests import factories as f

from .conftest import field_errors, flashes, form_errors, ids, titles

pytestmark = pytest.mark.django_db


def create_url(org) -> str:
    return reverse("orgs:offering-create", args=[org.pk])


def edit_url(offering) -> str:
    return reverse("orgs:offering-edit", args=[offering.pk])


def action_url(offering, action: str) -> str:
    """Built from the detail URL so unknown actions can be requested too (and 404)."""
    return f"{reverse('orgs:offering-detail', args=[offering.pk])}{action}/"


@pytest.fixture
def member(login, org_member):
    return login(org_member)


# --- creating -------------------------------------------------------------------------------


def test_create_page_for_own_org_only(member, org, other_org, client):
    page = member.get(create_url(org))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="publish"' in html and 'name="draft"' in html
    assert member.get(create_url(other_org)).status_code == 403
    anonymous = client.get(create_url(org))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    unverified = f.SocialOrgFactory(unverified=True, region=other_org.region)
    assert member.get(create_url(unverified)).status_code == 404


def test_publish_now(member, org, offering_data, tree):
    worker = f.SocialWorkerFactory(org=org, name="周社工")
    data = {**offering_data, "workers": ids([worker]), "publish": "1"}
    response = member.post(create_url(org), data, follow=True)
    offering = ServiceOffering.objects.get()
    assert response.redirect_chain == [(offering.get_absolute_url(), 302)]
    assert flashes(response) == ["服务供给已发布。"]
    assert offering.org == org
    assert offering.status == OfferingStatus.PUBLISHED and offering.published_at is not None
    assert (offering.capacity, offering.price_min, offering.price_max) == (
        3,
        Decimal("30000"),
        Decimal("80000"),
    )
    assert list(offering.service_area.all()) == [tree.tianxin]
    assert list(offering.workers.all()) == [worker]
    assert "周社工" in response.content.decode()


def test_save_draft(member, org, offering_data, client):
    response = member.post(create_url(org), {**offering_data, "draft": "1"}, follow=True)
    offering = ServiceOffering.objects.get()
    assert flashes(response) == ["服务供给已保存为草稿，准备好后请发布。"]
    assert offering.status == OfferingStatus.DRAFT and offering.published_at is None
    assert client.get(offering.get_absolute_url()).status_code == 404


def test_other_orgs_member_cannot_post(login, org, other_org, offering_data):
    outsider = f.OrgMemberFactory(org=other_org).user
    assert (
        login(outsider).post(create_url(org), {**offering_data, "publish": "1"}).status_code == 403
    )
    assert not ServiceOffering.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price_min": "90000", "price_max": "80000"}, "price_max", "最高价格不能低于最低价格。"),
        ({"capacity": "0"}, "capacity", "承接能力至少为 1 个项目。"),
        ({"service_area": []}, "service_area", "请至少选择一个地区。"),
        ({"price_min": "-1"}, "price_min", None),
        ({"title": ""}, "title", "该字段是必填项。"),
    ],
    ids=["prices-reversed", "capacity-zero", "no-area", "negative-price", "no-title"],
)
def test_invalid_input_is_shown_at_the_field(member, org, offering_data, changes, field, message):
    response = member.post(create_url(org), {**offering_data, **changes, "publish": "1"})
    errors = field_errors(response, field)
    assert errors == [message] if message else errors
    assert form_errors(response) == []
    assert not ServiceOffering.objects.exists()


def test_region_outside_the_city_is_rejected(member, org, offering_data, tree):
    zhuzhou = f.region("430200000000", "株洲市")
    data = {**offering_data, "service_area": ids([tree.tianxin, zhuzhou]), "publish": "1"}
    [error] = field_errors(member.post(create_url(org), data), "service_area")
    assert "430200000000" in error
    # A community is below the levels an org picks from, too.
    community = tree.pozijie_community.region
    data = {**offering_data, "service_area": ids([community]), "publish": "1"}
    assert field_errors(member.post(create_url(org), data), "service_area")
    assert not ServiceOffering.objects.exists()


def test_workers_of_another_org_cannot_be_named(member, org, other_org, offering_data):
    ours = f.SocialWorkerFactory(org=org, name="本机构社工")
    theirs = f.SocialWorkerFactory(org=other_org, name="别家社工")
    page = member.get(create_url(org)).content.decode()
    assert "本机构社工" in page and "别家社工" not in page
    data = {**offering_data, "workers": ids([ours, theirs]), "publish": "1"}
    [error] = field_errors(member.post(create_url(org), data), "workers")
    assert str(theirs.pk) in error
    assert not ServiceOffering.objects.exists()


# --- editing and the actions ----------------------------------------------------------------


def form_data(response) -> dict:
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {name: ("" if value is None else value) for name, value in data.items()}


@pytest.mark.parametrize("status", [OfferingStatus.DRAFT, OfferingStatus.PUBLISHED])
def test_edit(member, org, tree, status):
    offering = f.ServiceOfferingFactory(org=org, status=status, title="旧名称")
    page = member.get(edit_url(offering))
    assert page.status_code == 200
    data = form_data(page)
    assert data["title"] == "旧名称"
    data.update(title="新名称", price_max="90000", service_area=ids([tree.tianxin, tree.yuelu]))
    response = member.post(edit_url(offering), data, follow=True)
    assert response.redirect_chain == [(offering.get_absolute_url(), 302)]
    assert flashes(response) == ["修改已保存。"]
    offering.refresh_from_db()
    assert (offering.title, offering.price_max, offering.status) == (
        "新名称",
        Decimal("90000"),
        status,
    )
    assert set(offering.service_area.all()) == {tree.tianxin, tree.yuelu}


def test_edit_with_reversed_prices(member, org):
    offering = f.ServiceOfferingFactory(org=org)
    data = {**form_data(member.get(edit_url(offering))), "price_min": "99000"}
    assert field_errors(member.post(edit_url(offering), data), "price_max") == [
        "最高价格不能低于最低价格。"
    ]
    offering.refresh_from_db()
    assert offering.price_min == Decimal("30000")


def test_edit_refused_to_others(login, org, other_org, district_official):
    published = f.ServiceOfferingFactory(org=org)
    draft = f.ServiceOfferingFactory(org=org, draft=True)
    outsider = login(f.OrgMemberFactory(org=other_org).user)
    assert outsider.get(edit_url(published)).status_code == 403
    assert outsider.get(edit_url(draft)).status_code == 404
    # The official over the org sees its draft but does not write it.
    assert login(district_official).get(edit_url(draft)).status_code == 403


def test_publish_and_close(member, org):
    offering = f.ServiceOfferingFactory(org=org, draft=True)
    response = member.post(action_url(offering, "publish"), follow=True)
    assert response.redirect_chain == [(offering.get_absolute_url(), 302)]
    assert flashes(response) == ["服务供给已发布。"]
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.PUBLISHED and offering.published_at is not None

    response = member.post(action_url(offering, "close"), follow=True)
    assert flashes(response) == ["服务供给已关闭。"]
    offering.refresh_from_db()
    assert offering.status == OfferingStatus.CLOSED
    page = response.content.decode()
    assert edit_url(offering) not in page
    assert action_url(offering, "close") not in page

    # Closing twice is a message, not an error page.
    again = member.post(action_url(offering, "close"), follow=True)
    [message] = again.context["messages"]
    assert message.level_tag == "error"


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (OfferingStatus.DRAFT, {"edit", "publish", "close"}),
        (OfferingStatus.PUBLISHED, {"edit", "close"}),
        (OfferingStatus.CLOSED, set()),
    ],
)
def test_the_offering_page_offers_the_allowed_actions_only(member, org, status, buttons, client):
    offering = f.ServiceOfferingFactory(org=org, status=status)
    page = member.get(offering.get_absolute_url()).content.decode()
    offered = {"edit"} if edit_url(offering) in page else set()
    offered |= {a for a in ("publish", "close") if action_url(offering, a) in page}
    assert offered == buttons
    for action in offered - {"edit"}:
        twin = f.ServiceOfferingFactory(org=org, status=status)
        [message] = member.post(action_url(twin, action), follow=True).context["messages"]
        assert message.level_tag == "success", (action, str(message))
    if status != OfferingStatus.DRAFT:
        public = client.get(offering.get_absolute_url()).content.decode()
        assert edit_url(offering) not in public
        assert action_url(offering, "close") not in public


def test_actions_are_post_only_and_known(member, org, login, other_org):
    offering = f.ServiceOfferingFactory(org=org, draft=True)
    assert member.get(action_url(offering, "publish")).status_code == 405
    assert member.post(action_url(offering, "delete")).status_code == 404
    outsider = login(f.OrgMemberFactory(org=other_org).user)
    assert outsider.post(action_url(offering, "publish")).status_code == 404
    published = f.ServiceOfferingFactory(org=org)
    assert outsider.post(action_url(published, "close")).status_code == 403
    offering.refresh_from_db()
    published.refresh_from_db()
    assert (offering.status, published.status) == (OfferingStatus.DRAFT, OfferingStatus.PUBLISHED)


def test_a_closed_offering_cannot_be_edited(member, org):
    offering = f.ServiceOfferingFactory(org=org, status=OfferingStatus.CLOSED, title="已关闭")
    page = member.get(edit_url(offering))
    assert page.status_code == 200
    response = member.post(edit_url(offering), {**form_data(page), "title": "改名"})
    assert form_errors(response) == ["已关闭的服务供给不能修改。"]
    offering.refresh_from_db()
    assert offering.title == "已关闭"


def test_offering_list_shows_the_members_drafts(member, org, other_org, client):
    f.ServiceOfferingFactory(org=org, title="阳光助餐")
    f.ServiceOfferingFactory(org=org, title="阳光草稿", draft=True)
    f.ServiceOfferingFactory(org=org, title="阳光往期", status=OfferingStatus.CLOSED)
    f.ServiceOfferingFactory(org=other_org, title="同心助浴")
    url = reverse("orgs:offering-list")
    mine = {"org": org.pk, "status": ""}
    assert titles(member.get(url, mine), "offerings") == {"阳光助餐", "阳光草稿", "阳光往期"}
    assert titles(member.get(url, {"org": org.pk, "status": "draft"}), "offerings") == {"阳光草稿"}
    assert titles(member.get(url, {"org": org.pk}), "offerings") == {"阳光助餐"}
    assert titles(client.get(url, mine), "offerings") == {"阳光助餐", "阳光往期"}
    # The org page lists drafts to its members only.
    assert "阳光草稿" in member.get(reverse("orgs:org-detail", args=[org.pk])).content.decode()
    assert "阳光草稿" not in client.get(reverse("orgs:org-detail", args=[org.pk])).content.decode()
