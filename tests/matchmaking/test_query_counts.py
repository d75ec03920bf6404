"""List endpoints and pages of matching do not issue more queries as rows grow."""

import pytest
from django.urls import reverse

from matchmaking import services
from tests import factories as f
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def _suggestions(tree, org, n):
    for _ in range(n):
        need = f.ServiceNeedFactory(community=tree.pozijie_community)
        f.MatchSuggestionFactory(need=need, offering=f.ServiceOfferingFactory(org=org))


def _conversations(tree, org, staff, n):
    for _ in range(n):
        need = f.ServiceNeedFactory(community=tree.pozijie_community)
        conversation = services.conversation_open(actor=staff, need=need, org=org)
        services.message_post(actor=staff, conversation=conversation, body="您好")


@pytest.mark.parametrize("rows", [3, 30])
def test_suggestion_list(tree, org, org_member, staff_user, rows, django_assert_max_num_queries):
    _suggestions(tree, org, rows)
    for user in (org_member, staff_user):
        client = token_client(user)
        with django_assert_max_num_queries(8):
            body = client.get("/api/v1/suggestions/?page_size=100").json()
        assert body["count"] == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_conversation_list(
    tree, org, org_member, staff_user, login, rows, django_assert_max_num_queries
):
    _conversations(tree, org, staff_user, rows)
    client = token_client(org_member)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/conversations/?page_size=100").json()
    assert body["count"] == rows and all(row["unread"] == 1 for row in body["results"])
    page = login(staff_user)
    with django_assert_max_num_queries(12):
        assert page.get(reverse("matchmaking:conversation-list")).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_run_list(tree, district_official, login, rows, django_assert_max_num_queries):
    f.MatchRunFactory.create_batch(rows, scope=tree.tianxin)
    with django_assert_max_num_queries(8):
        body = token_client(district_official).get("/api/v1/match-runs/?page_size=100").json()
    assert body["count"] == rows
    page = login(district_official)
    with django_assert_max_num_queries(12):
        assert page.get(reverse("matchmaking:run-list")).status_code == 200
