"""Error bodies outside the viewsets, moves that PATCH refuses, and the write throttle."""

import json

import pytest
from django.test import override_settings
from rest_framework.settings import api_settings

from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def test_unknown_api_route_answers_with_the_error_body(api):
    response = api().get("/api/v1/no-such-collection/")
    assert_error(response, 404, "not_found")


def test_unknown_page_is_an_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_patch_cannot_move_an_offering_to_another_org(api, org, org_member, other_org):
    offering = f.ServiceOfferingFactory(org=org)
    response = api(org_member).patch(
        f"/api/v1/offers/{offering.id}/", {"org": other_org.id}, format="json"
    )
    assert_error(response, 400, "invalid", field="org")
    offering.refresh_from_db()
    assert offering.org_id == org.id


def test_writes_are_throttled_per_user_but_reads_are_not(api, org, org_member, monkeypatch):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "write": "2/min"}
    monkeypatch.setattr("rest_framework.throttling.SimpleRateThrottle.THROTTLE_RATES", rates)
    client = api(org_member)
    offering = f.ServiceOfferingFactory(org=org)
    url = f"/api/v1/offers/{offering.id}/"
    for _ in range(2):
        assert client.patch(url, {"title": "新标题"}, format="json").status_code == 200
    assert_error(client.patch(url, {"title": "再改"}, format="json"), 429, "throttled")
    # Reads go on.
    assert client.get(url).status_code == 200
    assert client.get("/api/v1/offers/").status_code == 200


@override_settings(DEBUG=False)
def test_server_errors_under_the_api_use_the_error_body(api, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("communities.api.views.RegionViewSet.list", explode)
    client = api()
    client.raise_request_exception = False
    response = client.get("/api/v1/regions/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_a_lone_surrogate_echoed_in_an_error_is_escaped_not_a_500(api, district_official):
    """DRF's invalid-choice message repeats the input; UTF-8 cannot encode "\\ud800"."""
    body = {"name": "x", "provider_type": "\ud800", "provider_name": "y", "year": 2026,
            "amount": "10.00", "region": "430103000000"}  # fmt: skip
    response = api(district_official).post(
        "/api/v1/resources/", json.dumps(body), content_type="application/json"
    )
    assert_error(response, 400, field="provider_type")
    assert b"\\ud800" in response.content


def test_api_json_is_utf8_not_escaped(api, tree):
    response = api().get("/api/v1/regions/430103000000/")
    assert "天心区".encode() in response.content
