"""Fixtures of the REST API tests: token clients and one user per role around the `tree`.

`api(user)` returns an `APIClient` that sends a real knox token (`Authorization: Token …`),
so authentication goes through the same code a WeChat mini-program or a script uses;
`api()` is anonymous. The roles of the permission matrix are built around 坡子街社区
(天心区) and the 天心区 org of `tests/conftest.py`:

    staff_here    staff of 坡子街社区            staff_other   staff of 城南路社区 (also 天心区)
    member_here   member of the 天心区 org       member_other  member of a verified 岳麓区 org
    official_in   official of 天心区              official_out  official of 岳麓区
    city          official of 长沙市              anonymous     no token
"""

from types import SimpleNamespace

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories as f

ERROR_KEYS = {"code", "message", "fields"}


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    """The response is `status` with the contract's error body (and names `field`)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["fields"], dict), body
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert field in body["fields"], body
        assert all(isinstance(m, str) and m for m in body["fields"][field]), body
    return body


def token_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api():
    """`api(user)` → an APIClient authenticated with a fresh knox token; `api()` anonymous."""
    return token_client


@pytest.fixture
def other_org(tree):
    """A verified org registered in 岳麓区."""
    return f.SocialOrgFactory(name="长沙市岳麓区同心社会工作服务中心", region=tree.yuelu)


@pytest.fixture
def pending_org(tree, org_member):
    """An unverified org in 天心区 that `org_member` has registered (so is a member of)."""
    pending = f.SocialOrgFactory(
        name="长沙市天心区新芽社会工作服务中心", region=tree.tianxin, unverified=True
    )
    f.OrgMemberFactory(org=pending, user=org_member)
    return pending


@pytest.fixture
def roles(
    tree, staff_user, org_member, other_org, district_official, city_official
) -> SimpleNamespace:
    return SimpleNamespace(
        anonymous=None,
        staff_here=staff_user,
        staff_other=f.CommunityStaffFactory(
            community=tree.chengnanlu_community, user__display_name="城南路刘专干"
        ).user,
        member_here=org_member,
        member_other=f.OrgMemberFactory(org=other_org, user__display_name="岳麓周社工").user,
        official_in=district_official,
        official_out=f.OfficialFactory(region=tree.yuelu, user__display_name="岳麓区孙科长").user,
        city=city_official,
    )


@pytest.fixture
def as_role(roles, api):
    """`as_role("official_in")` → a token client of that role (anonymous for "anonymous")."""
    return lambda name: api(getattr(roles, name))
