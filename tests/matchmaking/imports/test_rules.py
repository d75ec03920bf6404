"""The import writes in bulk, so it restates the models' constraints as row rules; this keeps
the two lists in step: a constraint added to a model must be handled by its import too."""

import pytest

from communities.models import Community, Region, ServiceNeed
from matchmaking.imports.kinds import communities, needs, offerings, orgs, regions, resources
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.models import FundingResource


@pytest.mark.parametrize(
    ("module", "models"),
    [
        (regions, [Region]),
        (communities, [Community]),
        (orgs, [SocialOrg, SocialWorker]),
        (needs, [ServiceNeed]),
        (offerings, [ServiceOffering]),
        (resources, [FundingResource]),
    ],
)
def test_every_constraint_is_checked_row_by_row(module, models):
    declared = {c.name for model in models for c in model._meta.constraints}
    assert declared == module.CONSTRAINTS
