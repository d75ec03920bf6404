"""`GET /api/v1/ping/`: the load test's ceiling endpoint (config/ping.py).

No `django_db` mark on purpose: pytest-django refuses any database access here, so these tests
also prove the endpoint (middleware included) never touches the database.
"""

from rest_framework.test import APIClient


def test_ping_answers_anyone():
    response = APIClient().get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_ping_ignores_a_bad_token():
    # No authentication runs, so even a garbage token cannot turn the probe into a 401.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/ping/")
    assert (response.status_code, response.json()) == (200, {"ok": True})
