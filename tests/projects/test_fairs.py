"""The matchmaking fair's core: who creates and registers, signing intentions, converting them
into directed project drafts, and the statistics table."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from projects.choices import Procurement, ProjectStatus, ResourceStatus
from projects.fairs import fair_stats
from projects.models import FairRegistration, Intention
from projects.services import (
    fair_create,
    intention_convert,
    intention_sign,
    registration_add,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def sign(**kwargs):
    """Sign with a service category unless a need or an offering gives one."""
    if not (kwargs.get("need") or kwargs.get("offer")):
        kwargs.setdefault("category", f.category("elderly_meals"))
    return intention_sign(**kwargs)


@pytest.fixture
def fair(tree, city_official):
    return fair_create(
        actor=city_official,
        name="2026年长沙市社区服务供需对接会",
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
    return f.ServiceNeedFactory(community=tree.pozijie_community, title="老年助餐服务")


@pytest.fixture
def offer(org):
    return f.ServiceOfferingFactory(
        org=org, title="社区长者饭堂运营", category=f.category("elderly_meals")
    )


# --- creating a fair ------------------------------------------------------------------------


def test_officials_of_the_region_or_above_create_a_fair(tree, city_official, district_official):
    fair = fair_create(
        actor=city_official,
        name="天心区对接会",
        year=2026,
        held_on=date(2026, 6, 1),
        region=tree.tianxin,
    )
    assert fair.region == tree.tianxin and fair.created_by == city_official
    assert fair_create(
        actor=district_official,
        name="天心区对接会二",
        year=2026,
        held_on=date(2026, 6, 2),
        region=tree.tianxin,
    ).pk


def test_a_district_official_cannot_create_a_city_fair(tree, district_official, staff_user):
    for actor in (district_official, staff_user):
        with pytest.raises(NotAllowed):
            fair_create(
                actor=actor, name="市对接会", year=2026, held_on=date(2026, 5, 20), region=tree.city
            )


def test_a_fair_without_a_name_is_a_validation_error(tree, city_official):
    with pytest.raises(ValidationFailed) as exc:
        fair_create(
            actor=city_official, name="", year=2026, held_on=date(2026, 5, 20), region=tree.city
        )
    assert "name" in exc.value.fields


# --- registrations --------------------------------------------------------------------------


def test_staff_register_their_community_and_twice_is_a_no_op(fair, tree, staff_user):
    first = registration_add(actor=staff_user, fair=fair, community=tree.pozijie_community)
    again = registration_add(actor=staff_user, fair=fair, community=tree.pozijie_community)
    assert again.pk == first.pk
    assert first.registered_by == staff_user
    assert FairRegistration.objects.filter(fair=fair).count() == 1


def test_staff_cannot_register_another_community(fair, tree, staff_user):
    with pytest.raises(NotAllowed):
        registration_add(actor=staff_user, fair=fair, community=tree.chengnanlu_community)


def test_org_members_register_their_org_only(fair, org, org_member, staff_user):
    assert registration_add(actor=org_member, fair=fair, org=org).org == org
    other = f.SocialOrgFactory()
    with pytest.raises(NotAllowed):
        registration_add(actor=org_member, fair=fair, org=other)
    with pytest.raises(NotAllowed):
        registration_add(actor=staff_user, fair=fair, org=org)


def test_officials_register_anyone_within_their_region(fair, tree, org, district_official):
    registration_add(actor=district_official, fair=fair, street=tree.pozijie)
    registration_add(actor=district_official, fair=fair, community=tree.chengnanlu_community)
    registration_add(actor=district_official, fair=fair, org=org)
    assert FairRegistration.objects.filter(fair=fair).count() == 3
    with pytest.raises(NotAllowed):
        registration_add(actor=district_official, fair=fair, street=tree.wangyuehu)
    with pytest.raises(NotAllowed):
        registration_add(actor=district_official, fair=fair, community=tree.wangyuehu_community)


def test_a_registration_names_exactly_one_participant(fair, tree, city_official, org):
    with pytest.raises(ValidationFailed):
        registration_add(actor=city_official, fair=fair)
    with pytest.raises(ValidationFailed) as exc:
        registration_add(actor=city_official, fair=fair, community=tree.pozijie_community, org=org)
    assert set(exc.value.fields) == {"community", "org"}


def test_a_street_registration_must_be_a_street(fair, tree, city_official):
    with pytest.raises(ValidationFailed) as exc:
        registration_add(actor=city_official, fair=fair, street=tree.tianxin)
    assert "street" in exc.value.fields


def test_a_participant_outside_the_fair_region_is_refused(tree, district_official, city_official):
    fair = fair_create(
        actor=city_official,
        name="岳麓区对接会",
        year=2026,
        held_on=date(2026, 6, 1),
        region=tree.yuelu,
    )
    with pytest.raises(ValidationFailed) as exc:
        registration_add(actor=city_official, fair=fair, community=tree.pozijie_community)
    assert "community" in exc.value.fields


# --- signing --------------------------------------------------------------------------------


def test_sign_an_intention_with_need_and_offer(signed_up, tree, org, staff_user, need, offer):
    intention = sign(
        actor=staff_user,
        fair=signed_up,
        community=tree.pozijie_community,
        org=org,
        amount="60000",
        need=need,
        offer=offer,
    )
    assert intention.title == "老年助餐服务"  # the need's title by default
    assert intention.amount == Decimal("60000.00")
    assert intention.signed_by == staff_user and intention.signed_at is not None
    assert intention.project is None


def test_the_org_member_and_an_official_may_sign_but_not_a_stranger(
    signed_up, tree, org, org_member, district_official, supervisor
):
    args = {"fair": signed_up, "community": tree.pozijie_community, "org": org, "amount": 1000}
    sign(actor=org_member, title="助餐", **args)
    sign(actor=district_official, title="助餐二", **args)
    with pytest.raises(NotAllowed):
        sign(actor=supervisor, title="助餐三", **args)
    assert Intention.objects.count() == 2


def test_both_parties_must_be_registered(fair, tree, org, staff_user, district_official):
    args = {"fair": fair, "community": tree.pozijie_community, "org": org, "amount": 1000}
    with pytest.raises(ValidationFailed) as exc:
        sign(actor=staff_user, title="助餐", **args)
    assert set(exc.value.fields) == {"community", "org"}
    # The community's street registering does not register the community itself.
    registration_add(actor=district_official, fair=fair, street=tree.pozijie)
    registration_add(actor=district_official, fair=fair, org=org)
    with pytest.raises(ValidationFailed) as exc:
        sign(actor=staff_user, title="助餐", **args)
    assert set(exc.value.fields) == {"community"}


@pytest.mark.parametrize("amount", [0, "-5", "abc", None, "NaN"])
def test_the_amount_must_be_positive(signed_up, tree, org, staff_user, amount):
    with pytest.raises(ValidationFailed) as exc:
        sign(
            actor=staff_user,
            fair=signed_up,
            community=tree.pozijie_community,
            org=org,
            amount=amount,
            title="助餐",
        )
    assert set(exc.value.fields) == {"amount"}


def test_need_and_offer_must_belong_to_the_parties(signed_up, tree, org, staff_user):
    foreign_need = f.ServiceNeedFactory(community=tree.chengnanlu_community)
    foreign_offer = f.ServiceOfferingFactory()
    with pytest.raises(ValidationFailed) as exc:
        sign(
            actor=staff_user,
            fair=signed_up,
            community=tree.pozijie_community,
            org=org,
            amount=1000,
            need=foreign_need,
            offer=foreign_offer,
        )
    assert set(exc.value.fields) == {"need", "offer"}


def test_a_title_is_needed_when_there_is_no_need_nor_offer(signed_up, tree, org, staff_user):
    with pytest.raises(ValidationFailed) as exc:
        sign(actor=staff_user, fair=signed_up, community=tree.pozijie_community, org=org, amount=1)
    assert set(exc.value.fields) == {"title"}


def test_a_category_is_needed_when_there_is_no_need_nor_offer(signed_up, tree, org, staff_user):
    """The intention becomes a project, and a project has a service category."""
    with pytest.raises(ValidationFailed) as exc:
        intention_sign(
            actor=staff_user,
            fair=signed_up,
            community=tree.pozijie_community,
            org=org,
            amount=1,
            title="助餐",
        )
    assert set(exc.value.fields) == {"category"}
    intention = sign(
        actor=staff_user,
        fair=signed_up,
        community=tree.pozijie_community,
        org=org,
        amount=1,
        title="助餐",
    )
    assert intention.category.code == "elderly_meals"
    project = intention_convert(actor=staff_user, intention=intention)
    assert project.category.code == "elderly_meals"


# --- converting -----------------------------------------------------------------------------


def test_convert_makes_a_directed_draft_once(signed_up, tree, org, staff_user, need, offer):
    intention = sign(
        actor=staff_user,
        fair=signed_up,
        community=tree.pozijie_community,
        org=org,
        amount="75000.50",
        title="长者助餐意向",
        need=need,
        offer=offer,
    )
    project = intention_convert(actor=staff_user, intention=intention)
    assert project.status == ProjectStatus.DRAFT
    assert project.procurement == Procurement.DIRECTED
    assert project.directed_org == org
    assert project.budget == Decimal("75000.50")
    assert project.title == "长者助餐意向"
    assert project.need == need and project.category == need.category
    assert project.community == tree.pozijie_community
    intention.refresh_from_db()
    assert intention.project == project
    assert project.intention.fair == signed_up  # the link back to the fair
    with pytest.raises(InvalidTransition) as exc:
        intention_convert(actor=staff_user, intention=intention)
    assert exc.value.code == "already_converted"


def test_convert_takes_the_category_from_the_offer(signed_up, tree, org, staff_user):
    offer = f.ServiceOfferingFactory(org=org, category=f.category("elderly_meals"))
    intention = sign(
        actor=staff_user,
        fair=signed_up,
        community=tree.pozijie_community,
        org=org,
        amount=5000,
        offer=offer,
    )
    project = intention_convert(actor=staff_user, intention=intention)
    assert project.category == offer.category and project.title == offer.title


def test_only_community_staff_convert(signed_up, tree, org, org_member, staff_user, need):
    intention = sign(
        actor=org_member,
        fair=signed_up,
        community=tree.pozijie_community,
        org=org,
        amount=5000,
        need=need,
    )
    with pytest.raises(NotAllowed):
        intention_convert(actor=org_member, intention=intention)
    intention.refresh_from_db()
    assert intention.project is None


# --- statistics -----------------------------------------------------------------------------


def test_stats_on_a_small_fair(fair, tree, org, city_official, staff_user):
    other_org = f.SocialOrgFactory()
    # Streets: 坡子街 directly and through its community (once), 城南路 through its community,
    # 望月湖 directly; 先锋 not at all.
    registration_add(actor=city_official, fair=fair, street=tree.pozijie)
    registration_add(actor=city_official, fair=fair, street=tree.wangyuehu)
    registration_add(actor=city_official, fair=fair, community=tree.pozijie_community)
    registration_add(actor=city_official, fair=fair, community=tree.chengnanlu_community)
    registration_add(actor=city_official, fair=fair, org=org)
    registration_add(actor=city_official, fair=fair, org=other_org)
    registration_add(actor=city_official, fair=fair, org=org)  # no-op
    f.FundingResourceFactory(fair=fair, amount=Decimal("300000.00"))
    f.FundingResourceFactory(fair=fair, amount=Decimal("200000.00"), status=ResourceStatus.CLOSED)
    f.FundingResourceFactory(fair=fair, amount=Decimal("999.00"), status=ResourceStatus.DRAFT)
    f.FundingResourceFactory(amount=Decimal("777.00"))  # not for this fair
    for amount in ("10000.00", "25000.50"):
        sign(
            actor=staff_user,
            fair=fair,
            community=tree.pozijie_community,
            org=org,
            amount=amount,
            title="助餐",
        )
    f.IntentionFactory(amount=Decimal("1.00"))  # another fair

    stats = fair_stats(fair)

    assert stats.streets == 3
    assert stats.communities == 2
    assert stats.orgs == 2
    assert stats.resources_amount == Decimal("500000.00")
    assert stats.intentions == 2
    assert stats.intentions_amount == Decimal("35000.50")


def test_stats_of_an_empty_fair_are_zero(fair, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        stats = fair_stats(fair)
    assert (stats.streets, stats.communities, stats.orgs, stats.intentions) == (0, 0, 0, 0)
    assert stats.resources_amount == Decimal("0.00") == stats.intentions_amount


def test_stats_at_the_scale_of_the_2018_fair(django_assert_max_num_queries):
    """96 streets, 614 communities, 161 organizations, 26 million yuan, 782 intentions — the
    figures of the 2018 fair, read back in two queries. Rows are bulk-made here; the import
    and `fairs/{id}/stats/` acceptance test comes with those features."""
    from communities.models import Community, Region
    from orgs.models import SocialOrg
    from projects.models import Fair, FundingResource

    district = f.region(f.TIANXIN)
    fair = Fair.objects.create(
        name="2018年长沙市供需对接会", year=2018, held_on=date(2018, 6, 1), region=f.region(f.CITY)
    )
    streets = Region.objects.bulk_create(
        Region(code=f"430103{s:03d}000", name=f"街道{s}", level="street", parent=district)
        for s in range(101, 197)
    )
    places = Region.objects.bulk_create(
        Region(
            code=f"{streets[i % 96].code[:9]}{i // 96 + 1:03d}",
            name=f"社区{i}",
            level="community",
            parent=streets[i % 96],
        )
        for i in range(614)
    )
    communities = Community.objects.bulk_create(
        Community(region=place, name=place.name) for place in places
    )
    orgs = SocialOrg.objects.bulk_create(
        SocialOrg(
            name=f"机构{i}", uscc=f"52430103MJ{i:08d}", org_type="social_service", region=district
        )
        for i in range(161)
    )
    FairRegistration.objects.bulk_create(
        [FairRegistration(fair=fair, community=c) for c in communities]
        + [FairRegistration(fair=fair, org=o) for o in orgs]
        + [FairRegistration(fair=fair, street=s) for s in streets[:10]]  # also via communities
    )
    FundingResource.objects.bulk_create(
        FundingResource(
            name=f"资源{i}",
            provider_type="government",
            provider_name="长沙市民政局",
            year=2018,
            amount=Decimal("1000000.00"),
            region=district,
            status=ResourceStatus.PUBLISHED,
            fair=fair,
        )
        for i in range(26)
    )
    Intention.objects.bulk_create(
        Intention(
            fair=fair,
            community=communities[i % 614],
            org=orgs[i % 161],
            title=f"意向{i}",
            amount=Decimal("12345.67"),
            signed_at=fair.created_at,
        )
        for i in range(782)
    )

    with django_assert_max_num_queries(2):
        stats = fair_stats(fair)

    assert (stats.streets, stats.communities, stats.orgs) == (96, 614, 161)
    assert stats.resources_amount == Decimal("26000000.00")
    assert stats.intentions == 782
    assert stats.intentions_amount == Decimal("12345.67") * 782
