"""API.md: 403 for a signed-in caller who may see the object but not take the action — whatever
body they send. The role is asked before the body is read (config.api.RolesBeforeBodyMixin);
callers with the role still get a 400 naming the field for a bad body."""

import pytest
from django.utils import timezone

from tests import factories as f
from tests.api.conftest import assert_error


@pytest.fixture
def published(tree):
    return f.ProjectFactory(
        community=tree.pozijie_community, status="published", published_at=timezone.now()
    )


@pytest.mark.parametrize(
    ("action", "outsider", "insider", "field"),
    [
        ("award", "staff_other", "staff_here", "bid"),
        ("award", "member_here", "official_in", "bid"),
        ("assign", "staff_here", None, None),
        ("accept", "official_out", None, None),
        ("cancel", "member_here", None, None),
        ("reviews", "official_in", None, None),
        ("supervisions", "staff_here", None, None),
        ("progress-reports", "member_other", None, None),
        ("submit-final-report", "city", None, None),
        ("designate-demonstration", "staff_here", None, None),
    ],
)
def test_project_actions_ask_the_role_before_the_body(
    as_role, published, action, outsider, insider, field
):
    url = f"/api/v1/projects/{published.pk}/{action}/"
    for body in ({}, {"bid": "x", "reason": 7, "scores": "?", "citation": ""}):
        body_of = assert_error(as_role(outsider).post(url, body, format="json"), 403)
        assert body_of["code"] == "permission_denied"
    if insider:
        assert_error(as_role(insider).post(url, {}, format="json"), 400, "invalid", field)


def test_needs_offers_and_orgs_refuse_outsiders_before_reading_the_patch(as_role, tree, org):
    need = f.ServiceNeedFactory(community=tree.pozijie_community)
    offer = f.ServiceOfferingFactory(org=org)
    bad = {"budget": "not money", "title": "", "name": ""}
    for url, outsider in (
        (f"/api/v1/needs/{need.pk}/", "staff_other"),
        (f"/api/v1/offers/{offer.pk}/", "member_other"),
        (f"/api/v1/orgs/{org.pk}/", "official_in"),
    ):
        assert_error(as_role(outsider).patch(url, bad, format="json"), 403, "permission_denied")
    assert_error(
        as_role("staff_here").patch(f"/api/v1/needs/{need.pk}/", bad, format="json"),
        400,
        "invalid",
        "budget",
    )
    assert_error(as_role("staff_other").delete(f"/api/v1/needs/{need.pk}/"), 403)
    # Officials may read an organization's workers, only its members add one.
    workers = f"/api/v1/orgs/{org.pk}/workers/"
    assert as_role("official_in").get(workers).status_code == 200
    assert_error(as_role("official_in").post(workers, {}, format="json"), 403)
    assert_error(as_role("member_here").post(workers, {}, format="json"), 400, "invalid")
