"""Token login, `/me/` and logout (API.md "Auth"), and django-axes' lockout through the API."""

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"
PASSWORD = "correct-horse-battery"  # UserFactory's password


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, format="json", **extra)


def with_token(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_login_returns_a_token_that_authenticates(staff_user):
    response = login(APIClient(), staff_user.username)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"token", "expiry", "user"}
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    # Tokens do not expire under REST_KNOX (TOKEN_TTL None); a set expiry must parse.
    assert body["expiry"] is None or parse_datetime(body["expiry"]) is not None
    assert body["user"] == {
        "id": staff_user.id,
        "username": staff_user.username,
        "display_name": "社区张专干",
    }
    assert "password" not in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.last_login is not None  # user_logged_in was sent

    me = with_token(body["token"]).get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == staff_user.username


def test_me_without_a_token_is_401():
    assert_error(APIClient().get(ME), 401)
    assert_error(with_token("not-a-real-token").get(ME), 401)


def test_me_lists_every_role_in_the_contract_shape(
    api, tree, staff_user, org, reviewer, supervisor
):
    """One user holding every kind of role sees each as API.md spells it."""
    user = staff_user
    f.OfficialFactory(user=user, region=tree.tianxin)
    f.OrgMemberFactory(user=user, org=org)
    f.ExpertFactory(user=user, role="reviewer")
    f.ExpertFactory(user=user, role="supervisor")

    body = api(user).get(ME).json()
    assert body["id"] == user.id
    assert body["phone"] == user.phone  # the user's own phone number, to the user
    roles = body["roles"]
    assert {"role": "community_staff", "community": tree.pozijie_community.id} in roles
    assert {"role": "official", "region": "430103000000"} in roles
    assert {"role": "org_member", "org": org.id} in roles
    assert {"role": "reviewer"} in roles
    assert {"role": "supervisor"} in roles
    assert len(roles) == 5


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("district_official", [{"role": "official", "region": "430103000000"}]),
        ("city_official", [{"role": "official", "region": "430100000000"}]),
        ("reviewer", [{"role": "reviewer"}]),
        ("supervisor", [{"role": "supervisor"}]),
    ],
)
def test_me_roles_per_user(api, request, fixture, expected):
    user = request.getfixturevalue(fixture)
    assert api(user).get(ME).json()["roles"] == expected


def test_org_member_role_names_the_org(api, org, org_member):
    assert api(org_member).get(ME).json()["roles"] == [{"role": "org_member", "org": org.id}]


def test_a_user_without_roles_has_an_empty_list(api, db):
    assert api(f.UserFactory()).get(ME).json()["roles"] == []


def test_wrong_password_is_401_with_the_error_body(staff_user):
    body = assert_error(login(APIClient(), staff_user.username, "wrong-password"), 401)
    assert body["code"] == "authentication_failed"
    assert "token" not in body


def test_unknown_user_is_the_same_401(db):
    assert_error(login(APIClient(), "nobody-here"), 401, "authentication_failed")


def test_inactive_user_cannot_log_in(staff_user):
    staff_user.is_active = False
    staff_user.save()
    assert_error(login(APIClient(), staff_user.username), 401)


@pytest.mark.parametrize(
    ("payload", "missing"),
    [
        ({}, {"username", "password"}),
        ({"username": "someone"}, {"password"}),
        ({"password": "secret"}, {"username"}),
    ],
)
def test_missing_fields_are_400_naming_them(db, payload, missing):
    response = APIClient().post(LOGIN, payload, format="json")
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == missing


def test_logout_revokes_the_token(staff_user):
    token = login(APIClient(), staff_user.username).json()["token"]
    client = with_token(token)
    assert client.get(ME).status_code == 200

    assert client.post(LOGOUT).status_code == 204
    assert_error(client.get(ME), 401)
    # The revoked token cannot log out again either.
    assert_error(client.post(LOGOUT), 401)


def test_logout_revokes_only_that_token(staff_user):
    first = with_token(login(APIClient(), staff_user.username).json()["token"])
    second = with_token(login(APIClient(), staff_user.username).json()["token"])
    assert first.post(LOGOUT).status_code == 204
    assert first.get(ME).status_code == 401
    assert second.get(ME).status_code == 200


def test_anonymous_logout_is_401(db):
    assert_error(APIClient().post(LOGOUT), 401)


def test_lockout_after_five_failures_is_a_429_in_the_error_format(staff_user):
    """django-axes locks username + IP after 5 failures (AXES_FAILURE_LIMIT).

    The 5th failure trips the lock; from then on even the right password is refused with a
    429 `throttled` in the contract's error body (not axes' plain-text page), never a 500.
    """
    client = APIClient()
    for _ in range(4):
        assert_error(login(client, staff_user.username, "wrong"), 401, "authentication_failed")
    locked = assert_error(login(client, staff_user.username, "wrong"), 429, "throttled")
    assert locked["message"]

    sixth = login(client, staff_user.username, "wrong")
    assert_error(sixth, 429, "throttled")
    assert sixth["Content-Type"].startswith("application/json")
    assert int(sixth["Retry-After"]) > 0

    # The right password does not get through while the lock lasts.
    assert_error(login(client, staff_user.username), 429, "throttled")


def test_lockout_is_keyed_on_username_and_ip(staff_user, org_member):
    client = APIClient()
    for _ in range(5):
        login(client, staff_user.username, "wrong")
    assert login(client, staff_user.username).status_code == 429
    # Another user from the same address, and the same user from another address, get in.
    assert login(client, org_member.username).status_code == 200
    assert login(client, staff_user.username, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_success_resets_the_failure_count(staff_user):
    client = APIClient()
    for _ in range(4):
        login(client, staff_user.username, "wrong")
    assert login(client, staff_user.username).status_code == 200
    for _ in range(4):
        assert login(client, staff_user.username, "wrong").status_code == 401


def test_tokens_expire_and_expired_ones_are_refused(db, staff_user):
    from datetime import timedelta

    from django.utils import timezone
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    staff_user.set_password("pw-123456")
    staff_user.save()
    client = APIClient()
    data = client.post(
        "/api/v1/auth/login/", {"username": staff_user.username, "password": "pw-123456"}
    ).json()
    assert data["expiry"] is not None
    AuthToken.objects.filter(user=staff_user).update(expiry=timezone.now() - timedelta(seconds=1))
    client.credentials(HTTP_AUTHORIZATION=f"Token {data['token']}")
    assert client.get("/api/v1/me/").status_code == 401
