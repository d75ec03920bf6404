"""Knox tokens expire (TOKEN_TTL) unless used (AUTO_REFRESH), and django-axes locks a username
from one address on the login page as on the API, until the cool-off has passed.

Already covered in tests/api/test_auth.py and not repeated here: logout revokes the token used
(and only that one), the API lockout after AXES_FAILURE_LIMIT failures answers 429 in the error
format, the lock is keyed on username + IP, a success resets the count, a token whose expiry
is past is refused. There is no "log out everywhere" endpoint (knox's LogoutAllView is not
routed); `test_no_logout_all_route` pins that down, so adding one means adding its test.

Time is moved by patching `django.utils.timezone.now` (what knox compares expiries with); no
freezegun in the environment.
"""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
ME = "/api/v1/me/"
PASSWORD = "correct-horse-battery"  # UserFactory's password
TTL = settings.REST_KNOX["TOKEN_TTL"]
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def clock(monkeypatch):
    """`clock(delta)` moves the time knox (and everything reading timezone.now) sees."""
    real = timezone.now
    offset = [timedelta(0)]
    monkeypatch.setattr(timezone, "now", lambda: real() + offset[0])

    def advance(delta: timedelta) -> None:
        offset[0] += delta

    return advance


def token_for(user) -> str:
    response = APIClient().post(
        LOGIN, {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(token: str, **extra) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(ME, **extra).status_code


def test_settings_are_the_documented_ones():
    assert settings.REST_KNOX["TOKEN_TTL"] == timedelta(days=7)
    assert settings.REST_KNOX["AUTO_REFRESH"] is True
    assert LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME  # a lock ends by itself


def test_an_unused_token_expires_after_the_ttl(staff_user, clock):
    token = token_for(staff_user)
    clock(TTL - timedelta(minutes=5))
    assert me(token) == 200  # still valid (and this use refreshes it)…
    clock(TTL + timedelta(minutes=1))
    assert me(token) == 401  # …but a week without use ends it
    assert not AuthToken.objects.filter(user=staff_user).exists()  # knox deletes it


def test_auto_refresh_pushes_the_expiry_on_with_each_use(staff_user, clock):
    token = token_for(staff_user)
    first = AuthToken.objects.get(user=staff_user).expiry
    for _ in range(3):  # three weeks of regular use: never more than 6 days apart
        clock(timedelta(days=6))
        assert me(token) == 200
    refreshed = AuthToken.objects.get(user=staff_user).expiry
    assert refreshed - first >= timedelta(days=17)
    assert refreshed > timezone.now() + TTL - timedelta(minutes=1)


def test_logout_revokes_even_before_expiry(staff_user):
    token = token_for(staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert me(token) == 401
    assert not AuthToken.objects.filter(user=staff_user).exists()


def test_no_logout_all_route():
    for name in ("api:logoutall", "api:logout-all", "api:logout_all"):
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_tokens_are_stored_hashed(staff_user):
    token = token_for(staff_user)
    row = AuthToken.objects.get(user=staff_user)
    assert token not in row.digest and row.token_key == token[: len(row.token_key)]
    assert len(row.digest) >= 64


# --- django-axes on the login page -------------------------------------------------------------


def page_login(client, username, password=PASSWORD, ip="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_locks_after_the_failure_limit(staff_user):
    client = Client()
    for _ in range(LIMIT - 1):
        response = page_login(client, staff_user.username, "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = page_login(client, staff_user.username, "wrong")
    assert locked.status_code in (403, 429), locked.status_code
    # Even the right password is refused from this address while the lock lasts.
    refused = page_login(client, staff_user.username)
    assert refused.status_code in (403, 429)
    assert not signed_in(client)


def test_login_page_lock_is_per_address_and_per_username(staff_user, org_member):
    for _ in range(LIMIT):
        page_login(Client(), staff_user.username, "wrong")
    assert page_login(Client(), staff_user.username).status_code in (403, 429)
    other_ip = Client()
    assert page_login(other_ip, staff_user.username, ip="10.9.8.7").status_code == 302
    assert signed_in(other_ip)
    other_user = Client()
    assert page_login(other_user, org_member.username).status_code == 302
    assert signed_in(other_user)


def test_failures_on_the_page_and_the_api_add_up(staff_user):
    """Both doors count against the same username + IP: 3 on the page, 2 on the API."""
    for _ in range(3):
        page_login(Client(), staff_user.username, "wrong")
    api = APIClient()
    for _ in range(LIMIT - 3):
        api.post(LOGIN, {"username": staff_user.username, "password": "x"}, format="json")
    response = api.post(LOGIN, {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert page_login(Client(), staff_user.username).status_code in (403, 429)


@override_settings(AXES_COOLOFF_TIME=timedelta(seconds=1))
def test_the_lock_ends_after_the_cool_off(staff_user):
    client = Client()
    for _ in range(LIMIT):
        page_login(client, staff_user.username, "wrong")
    assert page_login(client, staff_user.username).status_code in (403, 429)
    api = APIClient()
    body = {"username": staff_user.username, "password": PASSWORD}
    assert api.post(LOGIN, body, format="json").status_code == 429
    time.sleep(1.2)  # the cache entry (and the DB handler's window) end with the cool-off
    assert page_login(client, staff_user.username).status_code == 302
    assert signed_in(client)
    assert api.post(LOGIN, body, format="json").status_code == 200
