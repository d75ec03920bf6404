"""The matchmaking fair's pages (供需对接会) through the browser side: the public list, page and
participants; holding a fair; registering with one tap; the matching proposal and its
prefilled signing form; converting an intention into a project; who sees what; query counts;
and the English pages."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from projects.choices import Procurement, ProjectStatus
from projects.models import Fair, FairRegistration, Intention, Project
from projects.services import fair_create, intention_sign, registration_add
from tests import factories as f

pytestmark = pytest.mark.django_db

FAIR_NAME = "2026年长沙市社区服务供需对接会"
INTENTION_TITLE = "坡子街长者助餐意向"


def url(name, fair=None, *args):
    return reverse(f"matchmaking:{name}", args=[fair.pk, *args] if fair is not None else args)


def html(response) -> str:
    return response.content.decode()


def form_errors(response) -> dict:
    return response.context["form"].errors


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def fair(tree, city_official):
    return fair_create(
        actor=city_official,
        name=FAIR_NAME,
        year=2026,
        held_on=date(2026, 5, 20),
        venue="长沙市民之家",
        region=tree.city,
    )


@pytest.fixture
def signed_up(fair, tree, org, staff_user, org_member):
    """The fair with 坡子街社区 and the agency registered by their own people."""
    registration_add(actor=staff_user, fair=fair, community=tree.pozijie_community)
    registration_add(actor=org_member, fair=fair, org=org)
    return fair


@pytest.fixture
def need(tree):
    return f.ServiceNeedFactory(
        community=tree.pozijie_community, title="老年助餐服务", budget=Decimal("66000.00")
    )


@pytest.fixture
def offer(org):
    return f.ServiceOfferingFactory(org=org, title="社区长者饭堂运营")


@pytest.fixture
def pair(signed_up, need, offer):
    return f.MatchSuggestionFactory(need=need, offering=offer, score=0.81)


@pytest.fixture
def intention(signed_up, tree, org, staff_user, need):
    return intention_sign(
        actor=staff_user,
        fair=signed_up,
        community=tree.pozijie_community,
        org=org,
        need=need,
        title=INTENTION_TITLE,
        amount=Decimal("60000.00"),
    )


@pytest.fixture
def other_staff(tree):
    """Staff of 城南路社区 (天心区), which did not take part."""
    return f.CommunityStaffFactory(community=tree.chengnanlu_community).user


@pytest.fixture
def other_member(db):
    """A member of another organization."""
    return f.OrgMemberFactory(org=f.SocialOrgFactory(name="长沙市岳麓区明德社会工作服务中心")).user


def stats_of(response) -> dict[str, str]:
    """The six figures of `<dl id="fair-stats">`, by their (default-language) labels' order."""
    block = re.search(r'<dl class="stats" id="fair-stats">(.*?)</dl>', html(response), re.S)
    assert block, "the figures are missing"
    values = [unescape(v).strip() for v in re.findall(r"<dd>(.*?)</dd>", block.group(1), re.S)]
    keys = ["streets", "communities", "orgs", "resources", "intentions", "amount"]
    assert len(values) == len(keys)
    return dict(zip(keys, values, strict=True))


def options(response, field: str) -> dict[str, str]:
    """value → label of a rendered <select name=field> (empty option left out)."""
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, f"no select {field}"
    found = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
    return {value: unescape(label) for value, label in found if value}


def selected(response, field: str) -> str | None:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html(response), re.S)
    assert select, f"no select {field}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*\sselected[^>]*>', select.group(1))
    return chosen.group(1) if chosen else None


# --- anonymous visitors ---------------------------------------------------------------------


def test_anonymous_reads_the_list_the_figures_and_the_participants(client, intention, tree, org):
    fair = intention.fair
    f.FundingResourceFactory(fair=fair, amount=Decimal("300000.00"))
    f.FundingResourceFactory(fair=fair, amount=Decimal("1000.00"), status="draft")

    listing = client.get(url("fair-list"))
    assert listing.status_code == 200
    assert FAIR_NAME in html(listing)
    assert url("fair-create") not in html(listing)

    page = client.get(url("fair-detail", fair))
    assert page.status_code == 200
    assert FAIR_NAME in html(page) and "长沙市民之家" in html(page)
    assert stats_of(page) == {
        "streets": "1",
        "communities": "1",
        "orgs": "1",
        "resources": "¥300,000",
        "intentions": "1",
        "amount": "¥60,000",
    }
    # No actions, no proposal and no intentions for an anonymous visitor; a sign-in link.
    assert 'id="fair-actions"' not in html(page)
    assert url("fair-proposal", fair) not in html(page)
    assert reverse("login") in html(page)

    participants = client.get(url("fair-participants", fair))
    assert participants.status_code == 200
    assert tree.pozijie_community.name in html(participants) and org.name in html(participants)

    for response in (listing, page, participants):
        assert INTENTION_TITLE not in html(response)


def test_anonymous_is_sent_to_sign_in_for_the_parties_pages(client, intention, tree, org):
    fair = intention.fair
    for name in ("fair-proposal", "fair-intentions", "fair-sign", "fair-register"):
        response = client.get(url(name, fair))
        assert login_redirect(response), name
    assert login_redirect(client.get(url("fair-create")))
    posts = [
        (url("fair-register", fair), {"community": tree.chengnanlu_community.pk}),
        (
            url("fair-sign", fair),
            {"community": tree.pozijie_community.pk, "org": org.pk, "amount": "1000"},
        ),
        (url("fair-convert", fair, intention.pk), {}),
    ]
    for path, data in posts:
        assert login_redirect(client.post(path, data)), path
    assert FairRegistration.objects.filter(fair=fair).count() == 2
    assert Intention.objects.count() == 1
    intention.refresh_from_db()
    assert intention.project is None


# --- holding a fair -------------------------------------------------------------------------


def test_an_official_holds_a_fair_through_the_form(tree, city_official, login):
    client = login(city_official)
    assert url("fair-create") in html(client.get(url("fair-list")))
    form = client.get(url("fair-create"))
    assert form.status_code == 200
    assert tree.city.code in options(form, "region")

    response = client.post(
        url("fair-create"),
        {
            "name": "2026年长沙市第二届对接会",
            "year": "2026",
            "held_on": "2026-09-10",
            "venue": "长沙国际会展中心",
            "region": tree.city.code,
        },
    )
    fair = Fair.objects.get()
    assert response.status_code == 302 and response.url == url("fair-detail", fair)
    assert (fair.name, fair.held_on, fair.region, fair.created_by) == (
        "2026年长沙市第二届对接会",
        date(2026, 9, 10),
        tree.city,
        city_official,
    )
    page = client.get(response.url)
    assert "2026年长沙市第二届对接会" in html(page)
    assert messages_of(page)


def test_a_bad_fair_form_shows_its_errors_and_stores_nothing(
    tree, city_official, district_official, login
):
    data = {"name": "", "year": "2026", "held_on": "2026-09-10", "region": tree.city.code}
    response = login(city_official).post(url("fair-create"), data)
    assert response.status_code == 200
    assert "name" in form_errors(response)

    # A district official is not offered the city, and a forged city is refused.
    district = login(district_official)
    form = district.get(url("fair-create"))
    offered = options(form, "region")
    assert tree.tianxin.code in offered and tree.pozijie.code in offered
    assert tree.city.code not in offered and tree.yuelu.code not in offered
    for region in (tree.city, tree.yuelu):
        response = district.post(
            url("fair-create"), {**data, "name": "越权对接会", "region": region.code}
        )
        assert response.status_code == 200
        assert "region" in form_errors(response)
    assert not Fair.objects.exists()


def test_staff_and_members_cannot_hold_a_fair(tree, staff_user, org_member, login):
    data = {"name": "对接会", "year": "2026", "held_on": "2026-09-10", "region": tree.city.code}
    for user in (staff_user, org_member):
        client = login(user)
        assert client.get(url("fair-create")).status_code == 403
        assert client.post(url("fair-create"), data).status_code == 403
        assert url("fair-create") not in html(client.get(url("fair-list")))
    assert not Fair.objects.exists()


# --- registering ----------------------------------------------------------------------------


def test_staff_register_their_community_with_one_tap_and_twice_is_harmless(
    fair, tree, staff_user, login
):
    client = login(staff_user)
    page = html(client.get(url("fair-detail", fair)))
    community = tree.pozijie_community
    assert f'name="community" value="{community.pk}"' in page
    assert f"{url('fair-register', fair)}" in page

    for _ in range(2):
        response = client.post(url("fair-register", fair), {"community": community.pk})
        assert response.status_code == 302 and response.url == url("fair-detail", fair)
    registration = FairRegistration.objects.get(fair=fair)
    assert (registration.community, registration.registered_by) == (community, staff_user)
    # Registered: the one-tap button is gone.
    page = html(client.get(url("fair-detail", fair)))
    assert f'name="community" value="{community.pk}"' not in page


def test_org_members_register_their_org_with_one_tap(fair, org, org_member, login):
    client = login(org_member)
    assert f'name="org" value="{org.pk}"' in html(client.get(url("fair-detail", fair)))
    for _ in range(2):
        response = client.post(url("fair-register", fair), {"org": org.pk})
        assert response.status_code == 302
    registration = FairRegistration.objects.get(fair=fair)
    assert (registration.org, registration.registered_by) == (org, org_member)


def test_no_one_tap_button_for_a_community_outside_the_fairs_region(tree, district_official, login):
    """A 天心区 fair: 望月湖社区 (岳麓区) cannot register, so its staff get no button that fails."""
    fair = fair_create(
        actor=district_official,
        name="2026年天心区对接会",
        year=2026,
        held_on=date(2026, 6, 1),
        region=tree.tianxin,
    )
    staff = f.CommunityStaffFactory(community=tree.wangyuehu_community).user
    client = login(staff)
    page = html(client.get(url("fair-detail", fair)))
    assert f'name="community" value="{tree.wangyuehu_community.pk}"' not in page
    response = client.post(url("fair-register", fair), {"community": tree.wangyuehu_community.pk})
    assert response.status_code in (200, 403)
    assert not FairRegistration.objects.exists()


def test_staff_cannot_register_another_community_or_an_org(fair, tree, org, staff_user, login):
    client = login(staff_user)
    for data in (
        {"community": tree.chengnanlu_community.pk},
        {"community": tree.wangyuehu_community.pk},
        {"org": org.pk},
        {"street": tree.pozijie.code},
        {},
    ):
        response = client.post(url("fair-register", fair), data)
        assert response.status_code in (200, 403), data
        if response.status_code == 200:
            assert form_errors(response), data
    assert not FairRegistration.objects.exists()


def test_officials_see_the_register_form_with_their_region(
    fair, tree, org, district_official, login
):
    client = login(district_official)
    detail = html(client.get(url("fair-detail", fair)))
    assert url("fair-register", fair) in detail

    form = client.get(url("fair-register", fair))
    assert form.status_code == 200
    streets = options(form, "street")
    assert {tree.pozijie.code, tree.chengnanlu.code, tree.xianfeng.code} <= set(streets)
    assert tree.wangyuehu.code not in streets
    communities = options(form, "community")
    assert str(tree.pozijie_community.pk) in communities
    assert str(tree.wangyuehu_community.pk) not in communities
    assert options(form, "org") == {str(org.pk): org.name}

    for data in ({"street": tree.pozijie.code}, {"community": tree.chengnanlu_community.pk}):
        assert client.post(url("fair-register", fair), data).status_code == 302
    # Two at once is refused on the form.
    response = client.post(
        url("fair-register", fair), {"street": tree.chengnanlu.code, "org": org.pk}
    )
    assert response.status_code == 200 and form_errors(response)
    assert FairRegistration.objects.filter(fair=fair).count() == 2
    assert client.get(url("fair-detail", fair)).status_code == 200
    stats = stats_of(client.get(url("fair-detail", fair)))
    assert (stats["streets"], stats["communities"], stats["orgs"]) == ("2", "1", "0")


# --- the matching proposal ------------------------------------------------------------------


def test_the_proposal_shows_the_pair_to_both_parties_only(
    pair, staff_user, org_member, other_staff, other_member, login
):
    fair = pair.need.community.fair_registrations.get().fair
    # A pair with an unregistered organization is no part of the fair's proposal.
    stranger = f.MatchSuggestionFactory(
        need=pair.need, offering=f.ServiceOfferingFactory(title="未报名机构的服务")
    )
    for user in (staff_user, org_member):
        response = login(user).get(url("fair-proposal", fair))
        assert response.status_code == 200
        assert [p.pk for p in response.context["pairs"]] == [pair.pk]
        assert "老年助餐服务" in html(response) and "社区长者饭堂运营" in html(response)
        assert stranger.offering.title not in html(response)
        # The fair's own page previews it.
        assert "社区长者饭堂运营" in html(login(user).get(url("fair-detail", fair)))
    for user in (other_staff, other_member):
        response = login(user).get(url("fair-proposal", fair))
        assert response.status_code == 200
        assert list(response.context["pairs"]) == []
        assert "社区长者饭堂运营" not in html(response)


def test_the_pairs_sign_link_prefills_the_form(pair, tree, org, staff_user, login):
    fair = FairRegistration.objects.get(org=org).fair
    client = login(staff_user)
    proposal = html(client.get(url("fair-proposal", fair)))
    link = re.search(rf'href="({re.escape(url("fair-sign", fair))}\?[^"]+)"', proposal)
    assert link, "no sign link on the pair"
    form = client.get(unescape(link.group(1)))
    assert form.status_code == 200
    assert selected(form, "community") == str(tree.pozijie_community.pk)
    assert selected(form, "org") == str(org.pk)
    assert selected(form, "need") == str(pair.need.pk)
    assert selected(form, "offer") == str(pair.offering.pk)
    amount = re.search(r'<input[^>]*name="amount"[^>]*>', html(form)).group(0)
    assert re.search(r'value="66000(\.00)?"', amount), amount


# --- signing --------------------------------------------------------------------------------


def test_signing_through_the_form_creates_the_intention(
    signed_up, tree, org, need, offer, staff_user, login
):
    client = login(staff_user)
    data = {
        "community": tree.pozijie_community.pk,
        "org": org.pk,
        "need": need.pk,
        "offer": offer.pk,
        "amount": "65000.50",
    }
    response = client.post(url("fair-sign", signed_up), data)
    assert response.status_code == 302 and response.url == url("fair-intentions", signed_up)
    intention = Intention.objects.get()
    assert (intention.community, intention.org, intention.need, intention.offer) == (
        tree.pozijie_community,
        org,
        need,
        offer,
    )
    assert intention.amount == Decimal("65000.50")
    assert intention.title == need.title and intention.category == need.category
    assert intention.signed_by == staff_user
    listing = client.get(response.url)
    assert need.title in html(listing) and messages_of(listing)


def test_the_org_member_signs_too(signed_up, tree, org, org_member, login):
    response = login(org_member).post(
        url("fair-sign", signed_up),
        {
            "community": tree.pozijie_community.pk,
            "org": org.pk,
            "title": "长者饭堂",
            "category": f.category("elderly_meals").pk,
            "amount": "30000",
        },
    )
    assert response.status_code == 302
    assert Intention.objects.get().signed_by == org_member


def test_a_bad_signature_shows_the_field_error_and_stores_nothing(
    signed_up, tree, org, need, staff_user, city_official, login
):
    client = login(staff_user)
    base = {"community": tree.pozijie_community.pk, "org": org.pk, "need": need.pk}
    response = client.post(url("fair-sign", signed_up), base)
    assert response.status_code == 200 and "amount" in form_errors(response)
    for amount in ("0", "-5", "abc"):
        response = client.post(url("fair-sign", signed_up), {**base, "amount": amount})
        assert response.status_code == 200 and "amount" in form_errors(response), amount

    # An organization that did not register is no choice (nor for an official).
    unregistered = f.SocialOrgFactory(name="长沙市未报名社会工作服务中心")
    f.OrgMemberFactory(org=unregistered)
    for user in (staff_user, city_official):
        response = login(user).post(
            url("fair-sign", signed_up), {**base, "org": unregistered.pk, "amount": "1000"}
        )
        assert response.status_code == 200 and "org" in form_errors(response)
        assert unregistered.name not in options(response, "org").values()
    # Nor a community that did not register.
    response = login(city_official).post(
        url("fair-sign", signed_up),
        {"community": tree.chengnanlu_community.pk, "org": org.pk, "amount": "1000"},
    )
    assert response.status_code == 200 and "community" in form_errors(response)
    assert not Intention.objects.exists()


SIGN_FORM_QUERIES = 100
SIGN_POST_QUERIES = 100


def test_signing_is_quick_on_a_phone(
    pair, tree, org, staff_user, login, django_assert_max_num_queries
):
    fair = FairRegistration.objects.get(org=org).fair
    # More registrations, needs and offerings must not make the form slower.
    for _ in range(5):
        community = f.CommunityFactory()
        FairRegistration.objects.create(fair=fair, community=community)
        f.ServiceNeedFactory(community=community)
        other = f.SocialOrgFactory()
        FairRegistration.objects.create(fair=fair, org=other)
        f.ServiceOfferingFactory(org=other)
    client = login(staff_user)
    query = (
        f"?community={tree.pozijie_community.pk}&org={org.pk}"
        f"&need={pair.need.pk}&offer={pair.offering.pk}"
    )
    with django_assert_max_num_queries(SIGN_FORM_QUERIES):
        form = client.get(url("fair-sign", fair) + query)
    assert form.status_code == 200
    data = {
        "community": tree.pozijie_community.pk,
        "org": org.pk,
        "need": pair.need.pk,
        "offer": pair.offering.pk,
        "amount": "66000.00",
    }
    with django_assert_max_num_queries(SIGN_POST_QUERIES):
        response = client.post(url("fair-sign", fair), data)
    assert response.status_code == 302
    assert Intention.objects.count() == 1


# --- converting -----------------------------------------------------------------------------


def test_the_communitys_staff_convert_an_intention_into_a_project(
    intention, org, staff_user, login
):
    fair = intention.fair
    client = login(staff_user)
    listing = html(client.get(url("fair-intentions", fair)))
    assert url("fair-convert", fair, intention.pk) in listing

    response = client.post(url("fair-convert", fair, intention.pk))
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert (project.procurement, project.directed_org, project.status) == (
        Procurement.DIRECTED,
        org,
        ProjectStatus.DRAFT,
    )
    assert project.budget == Decimal("60000.00") and project.title == INTENTION_TITLE
    page = client.get(response.url)
    assert page.status_code == 200
    block = re.search(r'<dd id="from-fair">(.*?)</dd>', html(page), re.S)
    assert block and FAIR_NAME in block.group(1)
    assert url("fair-detail", fair) in block.group(1)
    assert messages_of(page)

    listing = html(client.get(url("fair-intentions", fair)))
    assert reverse("projects:project-detail", args=[project.pk]) in listing
    assert url("fair-convert", fair, intention.pk) not in listing

    # Converting again: an error message on the intentions page, and no second project.
    again = client.post(url("fair-convert", fair, intention.pk), follow=True)
    assert again.redirect_chain == [(url("fair-intentions", fair), 302)]
    [message] = list(again.context["messages"])
    assert message.level_tag == "error" and str(message)
    assert 'class="msg-error"' in html(again)
    assert Project.objects.count() == 1


def test_others_cannot_convert(intention, org_member, other_staff, other_member, login):
    fair = intention.fair
    assert login(org_member).post(url("fair-convert", fair, intention.pk)).status_code == 403
    for outsider in (other_staff, other_member):
        assert login(outsider).post(url("fair-convert", fair, intention.pk)).status_code == 404
    # Another fair's id in the path is no way round.
    elsewhere = f.FairFactory()
    assert login(org_member).post(url("fair-convert", elsewhere, intention.pk)).status_code == 404
    assert not Project.objects.exists()
    intention.refresh_from_db()
    assert intention.project is None


# --- the intentions list --------------------------------------------------------------------


def test_the_intention_list_filters_and_is_scoped(
    intention, tree, org, staff_user, org_member, other_staff, other_member, login
):
    fair = intention.fair
    second = intention_sign(
        actor=org_member,
        fair=fair,
        community=tree.pozijie_community,
        org=org,
        title="青少年课后托管",
        category=f.category("elderly_meals"),
        amount=Decimal("20000"),
    )
    client = login(staff_user)
    client.post(url("fair-convert", fair, intention.pk))

    def titles(user, **params):
        response = login(user).get(url("fair-intentions", fair), params)
        assert response.status_code == 200
        return [i.title for i in response.context["intentions"]]

    assert titles(staff_user) == [second.title, INTENTION_TITLE]
    assert titles(staff_user, converted="yes") == [INTENTION_TITLE]
    assert titles(staff_user, converted="no") == [second.title]
    assert titles(staff_user, q="托管") == [second.title]
    assert titles(staff_user, q="坡子街 助餐") == [INTENTION_TITLE]
    assert titles(staff_user, q=org.name[:6]) == [second.title, INTENTION_TITLE]
    assert titles(staff_user, q="不存在") == []
    assert titles(org_member, converted="no") == [second.title]
    for outsider in (other_staff, other_member):
        assert titles(outsider) == []
        page = html(login(outsider).get(url("fair-detail", fair)))
        assert INTENTION_TITLE not in page and second.title not in page


# --- participants ---------------------------------------------------------------------------


def _register(fair, count):
    for _ in range(count):
        FairRegistration.objects.create(fair=fair, community=f.CommunityFactory())
        FairRegistration.objects.create(fair=fair, org=f.SocialOrgFactory())


def test_the_participant_list_filters_by_kind_and_pages(
    signed_up, tree, city_official, client, django_assert_max_num_queries
):
    registration_add(actor=city_official, fair=signed_up, street=tree.chengnanlu)
    _register(signed_up, 55)  # 2 + 1 + 110 = 113 rows: three pages of 50

    def names(**params):
        response = client.get(url("fair-participants", signed_up), params)
        assert response.status_code == 200
        return response, list(response.context["registrations"])

    response, rows = names()
    assert len(rows) == 50 and response.context["paginator"].count == 113
    assert rows[0].community == tree.pozijie_community  # in the order they registered
    _, rows = names(page=3)
    assert len(rows) == 13
    _, rows = names(kind="street")
    assert [r.street for r in rows] == [tree.chengnanlu]
    response, rows = names(kind="community")
    assert len(rows) == 50 and all(r.community_id for r in rows)
    assert response.context["paginator"].count == 56
    assert 'href="?kind=community&amp;page=2"' in html(response)  # paging keeps the filter
    _, rows = names(kind="community", page=2)
    assert len(rows) == 6 and all(r.community_id for r in rows)
    _, rows = names(kind="org")
    assert len(rows) == 50 and all(r.org_id for r in rows)


def test_the_participant_lists_query_count_does_not_grow(
    fair, client, django_assert_max_num_queries
):
    """Three queries (the fair, the count, the page of rows), for 6 rows as for 66."""
    _register(fair, 3)
    pages = [{}, {"kind": "org"}]
    for params in pages:
        with django_assert_max_num_queries(3):
            assert client.get(url("fair-participants", fair), params).status_code == 200
    _register(fair, 30)
    for params in [*pages, {"page": 2}]:
        with django_assert_max_num_queries(3):
            response = client.get(url("fair-participants", fair), params)
        assert response.status_code == 200
    assert len(response.context["registrations"]) == 16


def test_the_proposal_and_intention_lists_query_counts_do_not_grow(
    pair, tree, org, staff_user, org_member, login, django_assert_max_num_queries
):
    fair = FairRegistration.objects.get(org=org).fair

    def more(count):
        for _ in range(count):
            need = f.ServiceNeedFactory(community=tree.pozijie_community)
            f.MatchSuggestionFactory(need=need, offering=pair.offering)
            intention_sign(
                actor=staff_user,
                fair=fair,
                community=need.community,
                org=org,
                need=need,
                amount=Decimal("1000"),
            )

    # Measured: the same with 2 rows as with 27 (session, user, fair, roles, the rows, the
    # badge; the fair's page adds the figures, the one-tap buttons and both previews).
    bounds = {"fair-proposal": 10, "fair-intentions": 10, "fair-detail": 18}
    clients = [login(staff_user), login(org_member)]
    for count in (2, 25):
        more(count)
        for client in clients:
            for name, bound in bounds.items():
                with django_assert_max_num_queries(bound):
                    response = client.get(url(name, fair))
                assert response.status_code == 200
    for client in clients:
        response = client.get(url("fair-proposal", fair))
        assert len(response.context["pairs"]) == 28  # the fixture's pair and 27 more
        response = client.get(url("fair-intentions", fair))
        assert len(response.context["intentions"]) == 27


def test_the_fair_list_and_page_query_counts_do_not_grow(
    intention, client, staff_user, login, django_assert_max_num_queries
):
    fair = intention.fair
    for _ in range(25):
        f.FairFactory()
    _register(fair, 10)
    # The list: count, years, the page; the fair's page: the fair and its figures in two.
    with django_assert_max_num_queries(3):
        response = client.get(url("fair-list"))
    assert len(response.context["fairs"]) == 20
    with django_assert_max_num_queries(3):
        assert client.get(url("fair-detail", fair)).status_code == 200


# --- English --------------------------------------------------------------------------------


def test_the_pages_render_in_english(pair, intention, staff_user, client, login):
    fair = intention.fair
    anonymous = {
        "/en/fairs/": "Matchmaking fairs",
        f"/en/fairs/{fair.pk}/": "Intentions signed",
        f"/en/fairs/{fair.pk}/participants/": "Participants",
    }
    for path, text in anonymous.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en">' in html(response) and text in html(response), path
    signed_in = login(staff_user)
    pages = {
        f"/en/fairs/{fair.pk}/": "Whom to meet",
        f"/en/fairs/{fair.pk}/proposal/": "Matching proposal",
        f"/en/fairs/{fair.pk}/intentions/": "Intention projects",
        f"/en/fairs/{fair.pk}/sign/": "Sign an intention project",
        f"/en/fairs/{fair.pk}/register/": "Register participants",
    }
    for path, text in pages.items():
        response = signed_in.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en">' in html(response) and text in html(response), path
    # The pair's link stays English and prefills the amount there too.
    proposal = html(signed_in.get(f"/en/fairs/{fair.pk}/proposal/"))
    link = re.search(rf'href="(/en/fairs/{fair.pk}/sign/\?[^"]+)"', proposal)
    assert link, "no English sign link"
    form = signed_in.get(unescape(link.group(1)))
    amount = re.search(r'<input[^>]*name="amount"[^>]*>', html(form)).group(0)
    assert re.search(r'value="66000(\.00)?"', amount), amount
    # A redirect from an English page stays English.
    response = signed_in.post(f"/en/fairs/{fair.pk}/intentions/{intention.pk}/convert/")
    assert response.status_code == 302 and response.url.startswith("/en/projects/")
    assert 'id="from-fair"' in html(signed_in.get(response.url))


def test_someone_with_no_party_to_sign_for_cannot_open_the_form(signed_up, login):
    """A signed-in user with no community, organization or region gets a 403, not a form
    whose every submission the service would refuse."""
    nobody = f.UserFactory()
    assert login(nobody).get(url("fair-sign", signed_up)).status_code == 403
