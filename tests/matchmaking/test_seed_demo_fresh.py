"""`manage.py seed_demo` and the region loader on an empty database (test_seed_demo.py shares
one seeded database between its tests)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from communities.choices import RegionLevel
from communities.models import Community, Region, ServiceNeed
from communities.services import regions_load_city
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.models import Bid, LedgerEntry, Project, ProjectTransition

from .test_seed_demo import seed

# --- regions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_regions_load_city_is_idempotent_and_restores_official_names():
    assert regions_load_city() == 1 + 9 + 170
    Region.objects.filter(code="430103004000").update(name="改名街道")

    assert regions_load_city(city_code="430100000000") == 0
    assert Region.objects.count() == 180
    assert Region.objects.get(code="430103004000").name == "城南路街道"
    city = Region.objects.get(code="430100000000")
    assert (city.name, city.level, city.parent_id) == ("长沙市", RegionLevel.CITY, None)
    street = Region.objects.get(code="430121004000")
    assert (street.level, street.parent_id) == (RegionLevel.STREET, "430121000000")


@pytest.mark.django_db
def test_regions_load_city_rejects_a_code_that_is_not_a_city():
    with pytest.raises(ValueError, match="prefecture-city"):
        regions_load_city(city_code="430103000000")


# --- the seed -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_runs_on_an_empty_database_produce_the_same_data():
    def snapshot() -> dict:
        return {
            "communities": sorted(Community.objects.values_list("region_id", "name", "residents")),
            "orgs": sorted(SocialOrg.objects.values_list("uscc", "name", "contact_phone")),
            "workers": sorted(SocialWorker.objects.values_list("certificate_no", "name")),
            "needs": sorted(
                ServiceNeed.objects.values_list("community__region_id", "title", "budget")
            ),
            "offerings": sorted(
                ServiceOffering.objects.values_list("org__uscc", "title", "price_min")
            ),
            "projects": sorted(
                Project.objects.values_list(
                    "community__region_id", "year", "title", "status", "budget", "contract_amount"
                )
            ),
            "bids": sorted(
                Bid.objects.values_list("project__title", "org__uscc", "amount", "status")
            ),
            "transitions": sorted(
                ProjectTransition.objects.values_list(
                    "project__title", "action", "at", "by__username"
                )
            ),
            "ledger": sorted(
                LedgerEntry.objects.values_list(
                    "resource__name", "kind", "amount", "project__title"
                )
            ),
        }

    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            seed()
            snapshots.append(snapshot())
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]["needs"]) > 0
    assert len(snapshots[0]["projects"]) > 0


def test_a_negative_number_of_projects_is_refused():
    with pytest.raises(CommandError, match="--projects"):
        call_command("seed_demo", scale="small", projects=-1, stdout=StringIO())
