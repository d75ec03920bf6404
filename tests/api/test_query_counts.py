"""List endpoints cost the same number of queries for 10 rows as for 200 (DESIGN.md).

Each case seeds 10 rows, counts the queries of one GET (`page_size=200`), seeds 190 more and
counts again: the two counts must be equal and under the endpoint's bound. Rows are bulk
inserted with their many-to-many links so every prefetch is exercised.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.choices import NeedStatus, RegionLevel
from communities.models import Community, Region, ServiceCategory, ServiceNeed, TargetGroup
from orgs import uscc
from orgs.choices import OfferingStatus, OrgType
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.choices import ProviderType, ResourceStatus
from projects.models import FundingResource
from tests import factories as f

pytestmark = pytest.mark.django_db


def seed_needs(tree, start, n):
    communities = [tree.pozijie_community, tree.chengnanlu_community, tree.wangyuehu_community]
    category = f.category("elderly_meals")
    groups = list(TargetGroup.objects.filter(code__in=["elderly", "disabled"]))
    now = timezone.now()
    needs = ServiceNeed.objects.bulk_create(
        ServiceNeed(
            community=communities[i % 3],
            title=f"需求{i}",
            category=category,
            budget=Decimal(10_000 + i),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            # Every fifth one a draft: the 天心区 official sees those in 天心区 too.
            status=NeedStatus.DRAFT if i % 5 == 0 else NeedStatus.PUBLISHED,
            published_at=None if i % 5 == 0 else now,
        )
        for i in range(start, start + n)
    )
    through = ServiceNeed.target_groups.through
    through.objects.bulk_create(
        through(serviceneed_id=need.id, targetgroup_id=group.id)
        for need in needs
        for group in groups
    )


def seed_offers(tree, start, n):
    orgs = [
        SocialOrg.objects.get_or_create(
            uscc=uscc.make("52", code[:6], f"QA{k:06d}"),
            defaults={
                "name": f"供给机构{k}",
                "org_type": OrgType.SOCIAL_SERVICE,
                "region_id": code,
                "verified": True,
            },
        )[0]
        for k, code in enumerate(["430103000000", "430104000000"])
    ]
    workers = [
        SocialWorker.objects.get_or_create(
            certificate_no=f"QC-{org.id}",
            defaults={"org": org, "name": "社工", "certificate_level": "senior"},
        )[0]
        for org in orgs
    ]
    category = f.category("elderly_meals")
    now = timezone.now()
    offers = ServiceOffering.objects.bulk_create(
        ServiceOffering(
            org=orgs[i % 2],
            title=f"服务{i}",
            category=category,
            capacity=2,
            price_min=Decimal(1000),
            price_max=Decimal(2000 + i),
            status=OfferingStatus.DRAFT if i % 5 == 0 else OfferingStatus.PUBLISHED,
            published_at=None if i % 5 == 0 else now,
        )
        for i in range(start, start + n)
    )
    areas = [tree.pozijie, tree.chengnanlu, tree.wangyuehu]
    group = f.target_group("elderly")
    model = ServiceOffering
    model.service_area.through.objects.bulk_create(
        model.service_area.through(serviceoffering_id=o.id, region_id=area.code)
        for o in offers
        for area in areas[: 1 + o.id % 3]
    )
    model.target_groups.through.objects.bulk_create(
        model.target_groups.through(serviceoffering_id=o.id, targetgroup_id=group.id)
        for o in offers
    )
    model.workers.through.objects.bulk_create(
        model.workers.through(
            serviceoffering_id=o.id, socialworker_id=workers[o.org_id == orgs[1].id].id
        )
        for o in offers
    )


def seed_orgs(tree, start, n):
    regions = ["430103000000", "430104000000", "430103002000"]
    orgs = SocialOrg.objects.bulk_create(
        SocialOrg(
            name=f"机构{i:04d}",
            uscc=uscc.make("52", regions[i % 3][:6], f"QG{i:06d}"),
            org_type=OrgType.SOCIAL_SERVICE,
            region_id=regions[i % 3],
            contact_name="联系人",
            contact_phone=f"138{i:08d}",
            verified=i % 4 != 0,  # some unverified: the official sees those in 天心区
        )
        for i in range(start, start + n)
    )
    SocialWorker.objects.bulk_create(
        SocialWorker(
            org=org, name="社工", certificate_level="assistant", certificate_no=f"QW{org.id}-{k}"
        )
        for org in orgs
        for k in range(org.id % 3)
    )


def seed_resources(tree, start, n):
    resources = FundingResource.objects.bulk_create(
        FundingResource(
            name=f"资金{i}",
            provider_type=ProviderType.GOVERNMENT,
            provider_name="民政局",
            year=2026,
            amount=Decimal(100_000 + i),
            region_id=["430103000000", "430104000000"][i % 2],
            status=ResourceStatus.DRAFT if i % 5 == 0 else ResourceStatus.PUBLISHED,
            published_at=None if i % 5 == 0 else timezone.now(),
        )
        for i in range(start, start + n)
    )
    categories = list(ServiceCategory.objects.filter(code__in=["elderly_care", "counselling"]))
    through = FundingResource.categories.through
    through.objects.bulk_create(
        through(fundingresource_id=r.id, servicecategory_id=c.id)
        for r in resources
        for c in categories
    )


def _community_regions(start, n) -> list[Region]:
    return Region.objects.bulk_create(
        Region(
            code=f"430103002{100 + i:03d}",
            name=f"测试社区{i}",
            level=RegionLevel.COMMUNITY,
            parent_id="430103002000",
        )
        for i in range(start, start + n)
    )


def seed_communities(tree, start, n):
    Community.objects.bulk_create(
        Community(region=region, name=region.name, residents=1000, households=300)
        for region in _community_regions(start, n)
    )


def seed_regions(tree, start, n):
    _community_regions(start, n)


def seed_categories(tree, start, n):
    parent = f.category("elderly_care")
    ServiceCategory.objects.bulk_create(
        ServiceCategory(code=f"extra_{i}", name=f"扩展{i}", name_en=f"Extra {i}", parent=parent)
        for i in range(start, start + n)
    )


# endpoint → (URL, seeder, bound for anonymous, bound for the 天心区 official). Measured on
# SQLite and PostgreSQL alike; the official pays for the token, their memberships (for the
# visibility filter) and, on orgs, the check of who may see contact phones.
ENDPOINTS = {
    "needs": ("/api/v1/needs/", seed_needs, 3, 8),
    "offers": ("/api/v1/offers/", seed_offers, 5, 10),
    "orgs": ("/api/v1/orgs/", seed_orgs, 2, 8),
    "resources": ("/api/v1/resources/", seed_resources, 3, 8),
    "communities": ("/api/v1/communities/", seed_communities, 2, 4),
    "regions": ("/api/v1/regions/", seed_regions, 2, 4),
    "categories": ("/api/v1/categories/", seed_categories, 1, 3),
    # The browser lists (20 a page) of the same rows, signed in by session; a signed-in
    # visitor also pays for the header's check whether to show the dashboard link.
    "browser needs": ("/needs/", seed_needs, 8, 13),
    "browser offers": ("/offers/", seed_offers, 9, 14),
}


@pytest.mark.parametrize("role", ["anonymous", "official"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_list_queries_do_not_grow_with_rows(
    api, login, client, tree, district_official, django_assert_max_num_queries, endpoint, role
):
    url, seed, anonymous_bound, official_bound = ENDPOINTS[endpoint]
    bound = anonymous_bound if role == "anonymous" else official_bound
    browser = not url.startswith("/api/")
    if browser:
        visitor = client if role == "anonymous" else login(district_official)
        params = {"status": ""}  # every public status, and drafts where the user may see them
    else:
        visitor = api(None if role == "anonymous" else district_official)
        params = {"page_size": 200}

    def measure(expected_at_least):
        with CaptureQueriesContext(connection) as queries:
            response = visitor.get(url, params)
        assert response.status_code == 200
        if not browser:
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            assert len(rows) >= expected_at_least
        return len(queries)

    seed(tree, 0, 10)
    few = measure(5)
    seed(tree, 10, 190)
    with django_assert_max_num_queries(bound):
        many = measure(100)
    assert many == few, f"{endpoint} as {role}: {few} queries for 10 rows, {many} for 200"
