"""The open-procurement story through the services, end to end, with the money checked."""

from decimal import Decimal

import pytest

from projects.choices import ProjectStatus as S
from projects.models import FundingResource

from .story import advance, draft, make_cast


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def test_open_project_runs_to_completion_and_pays_the_contract(cast):
    project = advance(cast, draft(cast), S.COMPLETED)
    assert project.status == S.COMPLETED
    assert project.contract_amount == Decimal("75000.00")
    resource = FundingResource.objects.get(pk=cast.resource.pk)
    # 80,000 committed, 5,000 released at the award, 75,000 paid out.
    assert resource.committed == Decimal("75000.00")
    assert resource.disbursed == Decimal("75000.00")
    assert [t.to_status for t in project.transitions.all()] == [
        "draft",
        "published",
        "reviewing",
        "awarded",
        "in_progress",
        "acceptance",
        "completed",
    ]
