"""A database lost during a request: a clean 503 and nothing half-written.

The failure is injected where a real outage would surface — at the database cursor, through
`connection.execute_wrapper` — halfway through `projects.services.project_create`: the project
row is inserted, then the funding lines' INSERT fails. The service's transaction rolls the
project back and `core.middleware.DatabaseUnavailableMiddleware` answers 503, through the API
(DRF re-raises what its exception handler does not know) and through a page.
"""

import logging
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import FundingResource, Project, ProjectFunding, ProjectTransition
from tests import factories as f
from tests.api.conftest import assert_error, token_client
from tests.projects.story import make_cast

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


@contextmanager
def database_drops_on(sql_fragment: str, error=OperationalError):
    """Every statement containing `sql_fragment` fails as if the server had gone away."""
    failed = []

    def wrapper(execute, sql, params, many, context):
        if sql_fragment in sql:
            failed.append(sql)
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed


def nothing_written(cast) -> None:
    assert Project.objects.count() == 0
    assert ProjectFunding.objects.count() == 0
    assert ProjectTransition.objects.count() == 0
    resource = FundingResource.objects.get(pk=cast.resource.pk)
    assert resource.committed == cast.resource.committed


def api_body(cast) -> dict:
    return {
        "title": "坡子街社区老年助餐服务项目",
        "community": cast.community.id,
        "category": "elderly_meals",
        "year": 2026,
        "budget": "80000.00",
        "procurement": "open",
        "funding": [{"resource": cast.resource.id, "amount": "80000.00"}],
    }


def page_body(cast) -> dict:
    return {
        "title": "坡子街社区助餐服务项目",
        "category": str(f.category("elderly_meals").pk),
        "description": "为辖区独居老人每日配送午餐。",
        "beneficiaries": "80",
        "year": "2026",
        "budget": "60000.00",
        "period_start": "2026-04-01",
        "period_end": "2026-12-31",
        "procurement": "open",
        "resource_0": str(cast.resource.pk),
        "amount_0": "60000.00",
    }


def test_api_write_that_loses_the_database_is_503_and_leaves_nothing(cast, caplog):
    client = token_client(cast.staff)
    with (
        caplog.at_level(logging.ERROR, logger="core.middleware"),
        database_drops_on('INSERT INTO "projects_projectfunding"') as failed,
    ):
        response = client.post(PROJECTS, api_body(cast), format="json")
    assert failed, "the failure was not reached: the test proves nothing"
    body = assert_error(response, 503, "service_unavailable")
    assert body["fields"] == {}
    assert response["Retry-After"]
    nothing_written(cast)
    assert any(
        "database unavailable during POST /api/v1/projects/" in r.message for r in caplog.records
    )

    # The database is back: the same request goes through.
    response = client.post(PROJECTS, api_body(cast), format="json")
    assert response.status_code == 201, response.content
    project = Project.objects.get()
    assert [(line.resource_id, line.amount) for line in project.funding.all()] == [
        (cast.resource.id, Decimal("80000.00"))
    ]


def test_page_write_that_loses_the_database_is_503_and_leaves_nothing(cast, login):
    client = login(cast.staff)
    create = reverse("projects:project-create", args=[cast.community.pk])
    with database_drops_on('INSERT INTO "projects_projectfunding"') as failed:
        response = client.post(create, page_body(cast))
    assert failed
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "服务暂时不可用" in page and "temporarily unavailable" in page
    nothing_written(cast)


def test_api_read_that_loses_the_database_is_503(cast):
    with database_drops_on('FROM "projects_project"'):
        response = APIClient().get(PROJECTS)
    assert_error(response, 503, "service_unavailable")


def test_page_read_with_a_closed_connection_is_503(cast, login):
    client = login(cast.staff)
    with database_drops_on('FROM "projects_project"', error=InterfaceError):
        response = client.get(reverse("projects:project-list"))
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_api_message_follows_the_language(cast):
    with database_drops_on('FROM "projects_project"'):
        response = APIClient().get(PROJECTS, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(response, 503, "service_unavailable")
    assert body["message"] == "The service is temporarily unavailable. Please try again shortly."


def test_other_errors_stay_500(cast):
    """Only a lost database is a 503; a bug is still a 500 (and is not disguised)."""

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    with connection.execute_wrapper(boom):
        response = Client(raise_request_exception=False).get(PROJECTS)
    assert response.status_code == 500
