"""`/api/v1/fairs/`: the matchmaking fair through the REST contract — holding a fair,
registering, signing and converting intention projects, the statistics, and who sees what."""

from decimal import Decimal

import pytest

from projects.choices import Procurement, ProjectStatus
from projects.models import FairRegistration, Intention
from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db

FAIRS = "/api/v1/fairs/"


def fair_payload(**overrides) -> dict:
    data = {
        "name": "2026年长沙市社区服务供需对接会",
        "year": 2026,
        "held_on": "2026-05-20",
        "venue": "长沙市民之家",
        "region": "430100000000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def fair(as_role):
    response = as_role("city").post(FAIRS, fair_payload(), format="json")
    assert response.status_code == 201, response.content[:300]
    return response.json()


def url(fair, tail=""):
    return f"{FAIRS}{fair['id']}/{tail}"


@pytest.fixture
def signed_up(fair, as_role, tree, org):
    """坡子街社区 and the 天心区 org registered by their own people."""
    staff = as_role("staff_here")
    response = staff.post(url(fair, "registrations/"), {"community": tree.pozijie_community.id})
    assert response.status_code == 201, response.content[:300]
    response = as_role("member_here").post(url(fair, "registrations/"), {"org": org.id})
    assert response.status_code == 201, response.content[:300]
    return fair


def sign(client, fair, tree, org, **overrides):
    data = {
        "community": tree.pozijie_community.id,
        "org": org.id,
        "title": "坡子街长者助餐",
        "amount": "80000.00",
        "category": "elderly_meals",
    }
    data.update(overrides)
    return client.post(url(fair, "intentions/"), data, format="json")


# --- fairs ----------------------------------------------------------------------------------


def test_an_official_holds_a_fair_and_everyone_reads_it(fair, as_role):
    assert fair["region"] == "430100000000" and fair["region_name"]
    for role in ("anonymous", "staff_here", "member_other"):
        listing = as_role(role).get(FAIRS).json()
        assert [row["id"] for row in listing["results"]] == [fair["id"]]
        assert as_role(role).get(url(fair)).json()["name"] == fair["name"]


@pytest.mark.parametrize("role", ["staff_here", "member_here", "official_in"])
def test_only_officials_over_the_region_hold_a_fair(as_role, role):
    """A district official cannot hold a city fair; staff and members hold none."""
    assert_error(as_role(role).post(FAIRS, fair_payload(), format="json"), 403)


def test_anonymous_cannot_hold_a_fair(as_role):
    assert_error(as_role("anonymous").post(FAIRS, fair_payload(), format="json"), 401)


@pytest.mark.parametrize(
    ("field", "value"),
    [("region", "999999999999"), ("held_on", "2026-13-01"), ("year", 1800), ("name", "")],
)
def test_bad_fair_input_names_the_field(as_role, field, value):
    response = as_role("city").post(FAIRS, fair_payload(**{field: value}), format="json")
    assert_error(response, 400, field=field)


def test_fairs_filter_by_year_and_region(as_role, tree):
    city = as_role("city")
    city.post(FAIRS, fair_payload(), format="json")
    city.post(FAIRS, fair_payload(name="天心区对接会", region="430103000000", year=2025))
    names = lambda **p: {row["name"] for row in city.get(FAIRS, p).json()["results"]}  # noqa: E731
    assert names(year=2025) == {"天心区对接会"}
    assert names(within="430103000000") == {"天心区对接会"}
    assert len(names()) == 2


# --- registrations --------------------------------------------------------------------------


def test_registering_twice_is_a_no_op(fair, as_role, tree):
    staff = as_role("staff_here")
    first = staff.post(url(fair, "registrations/"), {"community": tree.pozijie_community.id})
    again = staff.post(url(fair, "registrations/"), {"community": tree.pozijie_community.id})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert FairRegistration.objects.filter(fair_id=fair["id"]).count() == 1
    row = first.json()
    assert row["kind"] == "community" and row["name"] == "坡子街社区"


def test_officials_register_streets_and_anyone_in_their_region(fair, as_role, tree, org):
    official = as_role("official_in")
    street = official.post(url(fair, "registrations/"), {"street": tree.pozijie.code})
    assert street.status_code == 201 and street.json()["street"] == tree.pozijie.code
    other = official.post(url(fair, "registrations/"), {"community": tree.chengnanlu_community.id})
    assert other.status_code == 201
    assert official.post(url(fair, "registrations/"), {"org": org.id}).status_code == 201
    kinds = lambda kind: as_role("anonymous").get(url(fair, "registrations/"), {"kind": kind})  # noqa: E731
    assert kinds("street").json()["count"] == 1
    assert kinds("community").json()["count"] == 1
    assert kinds("org").json()["count"] == 1


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("staff_other", "community_here", 403),  # another community's staff
        ("member_other", "org_here", 403),  # another org's member
        ("official_out", "community_here", 403),  # an official of 岳麓区
        ("staff_here", "street", 403),  # only officials register streets
        ("anonymous", "community_here", 401),
    ],
)
def test_nobody_registers_someone_else(fair, as_role, tree, org, role, target, status):
    body = {
        "community_here": {"community": tree.pozijie_community.id},
        "org_here": {"org": org.id},
        "street": {"street": tree.pozijie.code},
    }[target]
    assert_error(as_role(role).post(url(fair, "registrations/"), body), status)
    assert not FairRegistration.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"community": 1, "org": 1}, {"street": "430103000000"}, {"community": 999999}],
)
def test_a_registration_names_exactly_one_real_participant(fair, as_role, tree, org, body):
    if body.get("community") == 1:
        body = {"community": tree.pozijie_community.id, "org": org.id}
    response = as_role("city").post(url(fair, "registrations/"), body, format="json")
    body = assert_error(response, 400)
    assert body["fields"]
    assert not FairRegistration.objects.exists()


def test_participants_outside_the_fairs_region_are_refused(as_role, tree):
    fair = as_role("city").post(
        FAIRS, fair_payload(name="天心区对接会", region="430103000000"), format="json"
    )
    fair = fair.json()
    response = as_role("city").post(
        url(fair, "registrations/"), {"community": tree.wangyuehu_community.id}
    )
    assert_error(response, 400, field="community")


def test_registrations_of_an_unknown_fair_are_404(as_role, tree):
    assert_error(as_role("city").get(f"{FAIRS}999999/registrations/"), 404)
    response = as_role("city").post(
        f"{FAIRS}999999/registrations/", {"community": tree.pozijie_community.id}
    )
    assert_error(response, 404)


# --- intentions -----------------------------------------------------------------------------


def test_either_party_signs_and_both_see_it(signed_up, as_role, tree, org):
    response = sign(as_role("member_here"), signed_up, tree, org)
    assert response.status_code == 201, response.content[:300]
    row = response.json()
    assert row["amount"] == "80000.00" and row["project"] is None
    assert row["community_name"] == "坡子街社区" and row["org_name"] == org.name
    for role in ("staff_here", "member_here", "official_in", "city"):
        listing = as_role(role).get(url(signed_up, "intentions/")).json()
        assert [r["id"] for r in listing["results"]] == [row["id"]], role
        detail = as_role(role).get(url(signed_up, f"intentions/{row['id']}/"))
        assert detail.status_code == 200


@pytest.mark.parametrize("role", ["staff_other", "member_other", "official_out"])
def test_outsiders_do_not_see_intentions(signed_up, as_role, tree, org, role):
    intention = sign(as_role("staff_here"), signed_up, tree, org).json()
    assert as_role(role).get(url(signed_up, "intentions/")).json()["count"] == 0
    assert_error(as_role(role).get(url(signed_up, f"intentions/{intention['id']}/")), 404)
    assert_error(as_role(role).post(url(signed_up, f"intentions/{intention['id']}/convert/")), 404)


def test_anonymous_reads_no_intentions(signed_up, as_role):
    assert_error(as_role("anonymous").get(url(signed_up, "intentions/")), 401)


def test_signing_needs_both_parties_registered(fair, as_role, tree, org):
    as_role("staff_here").post(
        url(fair, "registrations/"), {"community": tree.pozijie_community.id}
    )
    response = sign(as_role("staff_here"), fair, tree, org)
    assert_error(response, 400, field="org")
    assert not Intention.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"title": ""}, "title"),
        ({"community": 999999}, "community"),
        ({"category": None}, "category"),
        ({"category": "no_such_code"}, "category"),
    ],
)
def test_bad_intentions_name_the_field(signed_up, as_role, tree, org, overrides, field):
    response = sign(as_role("staff_here"), signed_up, tree, org, **overrides)
    assert_error(response, 400, field=field)
    assert not Intention.objects.exists()


def test_a_need_gives_the_title(signed_up, as_role, tree, org):
    need = f.ServiceNeedFactory(community=tree.pozijie_community, title="老年助餐服务")
    response = sign(
        as_role("staff_here"), signed_up, tree, org, title="", need=need.id, category=None
    )
    assert response.status_code == 201 and response.json()["title"] == "老年助餐服务"
    assert response.json()["category"] == need.category.code


def test_converting_makes_a_directed_draft_linked_to_the_fair(signed_up, as_role, tree, org):
    intention = sign(as_role("member_here"), signed_up, tree, org).json()
    convert = url(signed_up, f"intentions/{intention['id']}/convert/")
    assert_error(as_role("member_here").post(convert), 403)  # the draft is the community's
    response = as_role("staff_here").post(convert)
    assert response.status_code == 201, response.content[:300]
    project = response.json()
    assert project["status"] == ProjectStatus.DRAFT
    assert project["procurement"] == Procurement.DIRECTED
    assert project["directed_org"] == org.id
    assert Decimal(project["budget"]) == Decimal("80000.00")
    assert project["intention"] == intention["id"] and project["fair"] == signed_up["id"]
    again = as_role("staff_here").get(f"/api/v1/projects/{project['id']}/").json()
    assert again["fair"] == signed_up["id"]
    row = as_role("staff_here").get(url(signed_up, f"intentions/{intention['id']}/")).json()
    assert row["project"] == project["id"] and row["project_code"] == project["code"]
    assert_error(as_role("staff_here").post(convert), 409, code="already_converted")
    converted = as_role("city").get(url(signed_up, "intentions/"), {"converted": "true"})
    assert converted.json()["count"] == 1


# --- statistics and resources ---------------------------------------------------------------


def test_stats_are_public_and_count_what_the_fair_did(signed_up, as_role, tree, org):
    official = as_role("official_in")
    official.post(url(signed_up, "registrations/"), {"street": tree.chengnanlu.code})
    sign(as_role("staff_here"), signed_up, tree, org, amount="12345.67")
    sign(as_role("staff_here"), signed_up, tree, org, title="第二个", amount="100.00")
    response = as_role("city").post(
        "/api/v1/resources/",
        {
            "name": "对接会发布资金",
            "provider_type": "charity",
            "provider_name": "长沙市慈善总会",
            "year": 2026,
            "amount": "3000000.00",
            "region": "430100000000",
            "fair": signed_up["id"],
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["fair"] == signed_up["id"]
    f.FundingResourceFactory(amount=Decimal("999"))  # not published at the fair
    stats = as_role("anonymous").get(url(signed_up, "stats/"))
    assert stats.status_code == 200
    assert stats.json() == {
        "streets": 2,  # 坡子街 through its community, 城南路 directly
        "communities": 1,
        "orgs": 1,
        "resources_amount": "3000000.00",
        "intentions": 2,
        "intentions_amount": "12445.67",
    }
    listed = as_role("anonymous").get("/api/v1/resources/", {"fair": signed_up["id"]}).json()
    assert [row["name"] for row in listed["results"]] == ["对接会发布资金"]


def test_a_resource_outside_the_fairs_region_cannot_be_published_at_it(as_role, tree):
    fair = as_role("city").post(
        FAIRS, fair_payload(name="天心区对接会", region="430103000000"), format="json"
    )
    response = as_role("city").post(
        "/api/v1/resources/",
        {
            "name": "岳麓区资金",
            "provider_type": "government",
            "provider_name": "岳麓区民政局",
            "year": 2026,
            "amount": "1000.00",
            "region": "430104000000",
            "fair": fair.json()["id"],
        },
        format="json",
    )
    assert_error(response, 400, field="fair")


def test_listing_queries_do_not_grow_with_rows(fair, as_role, tree, django_assert_max_num_queries):
    from projects.models import Fair

    fair_row = Fair.objects.get(pk=fair["id"])
    for community in f.CommunityFactory.create_batch(15):
        FairRegistration.objects.create(fair=fair_row, community=community)
    client = as_role("city")
    with django_assert_max_num_queries(8):
        assert client.get(url(fair, "registrations/")).json()["count"] == 15
    with django_assert_max_num_queries(8):
        assert client.get(url(fair, "intentions/")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url(fair, "stats/")).json()["communities"] == 15
