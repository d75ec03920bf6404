"""Every admin page of every registered model opens for a superuser.

`FACTORIES` maps each model to a way of making one row. A model of our apps registered in the
admin without an entry here fails `test_every_model_of_our_apps_has_a_factory`.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from communities.models import (
    Community,
    CommunityStaff,
    Official,
    Region,
    ServiceCategory,
    ServiceNeed,
    TargetGroup,
)
from matchmaking.models import Conversation, MatchRun, MatchSuggestion, Message, Report
from orgs.models import OrgMember, ServiceOffering, SocialOrg, SocialWorker
from projects.models import (
    Acceptance,
    Assignment,
    Bid,
    Expert,
    Fair,
    FairRegistration,
    FundingResource,
    Intention,
    LedgerEntry,
    Notification,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
    ResidentDecision,
    Review,
    SupervisionVisit,
)
from tests import factories as f

OUR_APPS = {"accounts", "communities", "orgs", "projects", "matchmaking"}

FACTORIES = {
    User: f.UserFactory,
    Region: f.RegionFactory,
    Community: f.CommunityFactory,
    ServiceCategory: f.ServiceCategoryFactory,
    TargetGroup: f.TargetGroupFactory,
    CommunityStaff: f.CommunityStaffFactory,
    Official: f.OfficialFactory,
    ServiceNeed: f.ServiceNeedFactory,
    SocialOrg: f.SocialOrgFactory,
    SocialWorker: f.SocialWorkerFactory,
    OrgMember: f.OrgMemberFactory,
    ServiceOffering: f.ServiceOfferingFactory,
    FundingResource: f.FundingResourceFactory,
    Expert: f.ExpertFactory,
    LedgerEntry: f.LedgerEntryFactory,
    ResidentDecision: f.ResidentDecisionFactory,
    MatchRun: f.MatchRunFactory,
    Report: f.ReportFactory,
    MatchSuggestion: f.MatchSuggestionFactory,
    Conversation: f.ConversationFactory,
    Message: f.MessageFactory,
    Project: f.ProjectFactory,
    ProjectFunding: f.ProjectFundingFactory,
    ProjectTransition: f.ProjectTransitionFactory,
    Assignment: f.AssignmentFactory,
    Bid: f.BidFactory,
    Review: f.ReviewFactory,
    SupervisionVisit: f.SupervisionVisitFactory,
    ProgressReport: f.ProgressReportFactory,
    Acceptance: f.AcceptanceFactory,
    Notification: f.NotificationFactory,
    Fair: f.FairFactory,
    FairRegistration: f.FairRegistrationFactory,
    Intention: f.IntentionFactory,
    # Third-party models whose rows are easy to make.
    Group: lambda: Group.objects.create(name="社区工作者"),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _id(model) -> str:
    return model._meta.label


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_our_apps_has_a_factory():
    ours = {model for model in REGISTERED if model._meta.app_label in OUR_APPS}
    missing = sorted(_id(model) for model in ours - set(FACTORIES))
    assert not missing, f"add a factory to tests/test_admin.py FACTORIES for: {missing}"
    assert len(ours) >= 14


def test_every_model_of_our_apps_is_registered():
    """DESIGN.md: every model registered (django-simple-history's shadow models aside)."""
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert model in admin.site._registry, f"{_id(model)} is not in the admin"


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(FACTORIES, key=_id), ids=_id)
def test_factory_rows_pass_model_validation(model):
    """What the factories make is what the admin's forms would accept."""
    obj = FACTORIES[model]()
    obj.full_clean()  # field validators (USCC, phone, region codes), constraints, uniqueness


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=_id)
def test_changelist_and_search(admin_client, model):
    if model in FACTORIES:
        FACTORIES[model]()
    response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    if model in FACTORIES:
        assert response.context["cl"].result_count >= 1
    searched = admin_client.get(_url(model, "changelist"), {"q": "test"})
    assert searched.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=_id)
def test_add_page(admin_client, admin_user, model):
    request = RequestFactory().get("/")
    request.user = admin_user
    may_add = admin.site._registry[model].has_add_permission(request)
    response = admin_client.get(_url(model, "add"))
    assert response.status_code == (200 if may_add else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(FACTORIES, key=_id), ids=_id)
def test_change_and_history_pages(admin_client, model):
    obj = FACTORIES[model]()
    change = admin_client.get(_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert change.context["original"] == obj
    history = admin_client.get(_url(model, "history", obj.pk))
    assert history.status_code == 200
    model_admin = admin.site._registry[model]
    if isinstance(model_admin, SimpleHistoryAdmin):
        record = obj.history.latest()
        assert record in history.context["page_obj"].object_list
        detail = admin_client.get(_url(model, "simple_history", obj.pk, record.history_id))
        assert detail.status_code == 200


@pytest.mark.django_db
def test_changelist_filters_work(admin_client):
    """Every list filter of our admins accepts its own choices (a broken lookup is a 500)."""
    f.ServiceNeedFactory()
    f.ServiceOfferingFactory()
    f.FundingResourceFactory()
    for model in (ServiceNeed, ServiceOffering, SocialOrg, FundingResource, Community, Official):
        response = admin_client.get(_url(model, "changelist"))
        assert response.status_code == 200
        for spec in response.context["cl"].filter_specs:
            for choice in spec.choices(response.context["cl"]):
                query = choice["query_string"]
                assert admin_client.get(_url(model, "changelist") + query).status_code == 200


@pytest.mark.django_db
def test_non_staff_cannot_open_the_admin(login, staff_user):
    response = login(staff_user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
