"""Who may do what, endpoint by endpoint, written out as one table to check against the rules.

The rules (API.md, DESIGN.md "Jurisdiction"):
- anyone may read what is published (published needs/offers, verified orgs, published money);
- drafts and unverified orgs are visible to their owners (staff of the community, members of
  the org) and to officials whose region contains them; to anyone else they do not exist: 404;
- a write by an anonymous client is 401 (before any lookup);
- a write to a visible object by someone who may not write it is 403 `permission_denied`;
- writers: needs — staff of the need's community; orgs, workers, offers — members of the org;
  verifying an org and creating money — officials over its region.

The subjects all sit in 天心区: needs of 坡子街社区, offers/workers of the verified 天心区 org,
an unverified 天心区 org registered by the same member, a 天心区 community fund draft of
坡子街社区 and a published 天心区 government budget. Roles (see tests/api/conftest.py):

    anon  anonymous                        staff  staff of 坡子街社区
    s_oth staff of 城南路社区 (天心区)        memb   member of the org (and of the unverified org)
    m_oth member of a 岳麓区 org             o_in   official of 天心区
    o_out official of 岳麓区                 city   official of 长沙市
"""

from itertools import count
from types import SimpleNamespace

import pytest

from orgs import uscc
from tests import factories as f

from .conftest import ERROR_KEYS

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "staff_here",
    "staff_other",
    "member_here",
    "member_other",
    "official_in",
    "official_out",
    "city",
)

# fmt: off
#                                    anon staff s_oth memb m_oth o_in o_out city
MATRIX = {
    "needs list":                    (200, 200, 200, 200, 200, 200, 200, 200),
    "needs retrieve draft":          (404, 200, 404, 404, 404, 200, 404, 200),
    "needs retrieve published":      (200, 200, 200, 200, 200, 200, 200, 200),
    "needs create":                  (401, 201, 403, 403, 403, 403, 403, 403),
    "needs patch draft":             (401, 200, 404, 404, 404, 403, 404, 403),
    "needs patch published":         (401, 200, 403, 403, 403, 403, 403, 403),
    "needs delete draft":            (401, 204, 404, 404, 404, 403, 404, 403),
    "needs publish draft":           (401, 200, 404, 404, 404, 403, 404, 403),
    "needs close published":         (401, 200, 403, 403, 403, 403, 403, 403),
    "orgs list":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "orgs retrieve verified":        (200, 200, 200, 200, 200, 200, 200, 200),
    "orgs retrieve unverified":      (404, 404, 404, 200, 404, 200, 404, 200),
    "orgs create":                   (401, 201, 201, 201, 201, 201, 201, 201),
    "orgs patch verified":           (401, 403, 403, 200, 403, 403, 403, 403),
    "orgs patch unverified":         (401, 404, 404, 200, 404, 403, 404, 403),
    "orgs verify unverified":        (401, 404, 404, 403, 404, 200, 404, 200),
    "workers list":                  (401, 403, 403, 200, 403, 200, 403, 200),
    "workers create":                (401, 403, 403, 201, 403, 403, 403, 403),
    "offers list":                   (200, 200, 200, 200, 200, 200, 200, 200),
    "offers retrieve draft":         (404, 404, 404, 200, 404, 200, 404, 200),
    "offers retrieve published":     (200, 200, 200, 200, 200, 200, 200, 200),
    "offers create":                 (401, 403, 403, 201, 403, 403, 403, 403),
    "offers patch draft":            (401, 404, 404, 200, 404, 403, 404, 403),
    "offers patch published":        (401, 403, 403, 200, 403, 403, 403, 403),
    "offers publish draft":          (401, 404, 404, 200, 404, 403, 404, 403),
    "offers close published":        (401, 403, 403, 200, 403, 403, 403, 403),
    "resources list":                (200, 200, 200, 200, 200, 200, 200, 200),
    "resources retrieve draft":      (404, 200, 404, 404, 404, 200, 404, 200),
    "resources retrieve published":  (200, 200, 200, 200, 200, 200, 200, 200),
    "resources create":              (401, 403, 403, 403, 403, 201, 403, 201),
}
# fmt: on

_unique = count(1)


def _new_uscc() -> str:
    return uscc.make("52", "430103", f"PM{next(_unique):06d}")


def _need_payload(s):
    return {
        "community": s.community.id,
        "title": "坡子街独居老人助餐服务",
        "category": "elderly_meals",
        "target_groups": ["elderly"],
        "beneficiaries": 80,
        "description": "为辖区独居老人提供午餐配送。",
        "budget": "80000.00",
        "period_start": "2026-03-01",
        "period_end": "2026-12-31",
    }


def _org_payload(s):
    return {
        "name": f"长沙市天心区测试社会工作服务中心{next(_unique)}",
        "uscc": _new_uscc(),
        "org_type": "social_service",
        "region": "430103000000",
        "contact_name": "王主任",
        "contact_phone": "13800001111",
    }


def _offer_payload(s):
    return {
        "org": s.org.id,
        "title": "老年助餐配送",
        "category": "elderly_meals",
        "target_groups": ["elderly"],
        "service_area": ["430103000000"],
        "capacity": 2,
        "price_min": "30000.00",
        "price_max": "80000.00",
    }


def _resource_payload(s):
    return {
        "name": "2026年天心区养老服务补充资金",
        "provider_type": "government",
        "provider_name": "天心区民政局",
        "year": 2026,
        "amount": "300000.00",
        "region": "430103000000",
        "categories": ["elderly_care"],
    }


def _worker_payload(s):
    return {
        "name": "周晓",
        "certificate_level": "senior",
        "certificate_no": f"SG-MATRIX-{next(_unique)}",
    }


V1 = "/api/v1"
# case → (method, url from the subjects, body from the subjects or None)
REQUESTS = {
    "needs list": ("get", lambda s: f"{V1}/needs/", None),
    "needs retrieve draft": ("get", lambda s: f"{V1}/needs/{s.need_draft.id}/", None),
    "needs retrieve published": ("get", lambda s: f"{V1}/needs/{s.need_pub.id}/", None),
    "needs create": ("post", lambda s: f"{V1}/needs/", _need_payload),
    "needs patch draft": (
        "patch",
        lambda s: f"{V1}/needs/{s.need_draft.id}/",
        lambda s: {"title": "改过的标题"},
    ),
    "needs patch published": (
        "patch",
        lambda s: f"{V1}/needs/{s.need_pub.id}/",
        lambda s: {"beneficiaries": 99},
    ),
    "needs delete draft": ("delete", lambda s: f"{V1}/needs/{s.need_draft.id}/", None),
    "needs publish draft": ("post", lambda s: f"{V1}/needs/{s.need_draft.id}/publish/", None),
    "needs close published": ("post", lambda s: f"{V1}/needs/{s.need_pub.id}/close/", None),
    "orgs list": ("get", lambda s: f"{V1}/orgs/", None),
    "orgs retrieve verified": ("get", lambda s: f"{V1}/orgs/{s.org.id}/", None),
    "orgs retrieve unverified": ("get", lambda s: f"{V1}/orgs/{s.pending.id}/", None),
    "orgs create": ("post", lambda s: f"{V1}/orgs/", _org_payload),
    "orgs patch verified": (
        "patch",
        lambda s: f"{V1}/orgs/{s.org.id}/",
        lambda s: {"description": "更新简介"},
    ),
    "orgs patch unverified": (
        "patch",
        lambda s: f"{V1}/orgs/{s.pending.id}/",
        lambda s: {"description": "更新简介"},
    ),
    "orgs verify unverified": ("post", lambda s: f"{V1}/orgs/{s.pending.id}/verify/", None),
    "workers list": ("get", lambda s: f"{V1}/orgs/{s.org.id}/workers/", None),
    "workers create": ("post", lambda s: f"{V1}/orgs/{s.org.id}/workers/", _worker_payload),
    "offers list": ("get", lambda s: f"{V1}/offers/", None),
    "offers retrieve draft": ("get", lambda s: f"{V1}/offers/{s.offer_draft.id}/", None),
    "offers retrieve published": ("get", lambda s: f"{V1}/offers/{s.offer_pub.id}/", None),
    "offers create": ("post", lambda s: f"{V1}/offers/", _offer_payload),
    "offers patch draft": (
        "patch",
        lambda s: f"{V1}/offers/{s.offer_draft.id}/",
        lambda s: {"capacity": 3},
    ),
    "offers patch published": (
        "patch",
        lambda s: f"{V1}/offers/{s.offer_pub.id}/",
        lambda s: {"capacity": 3},
    ),
    "offers publish draft": ("post", lambda s: f"{V1}/offers/{s.offer_draft.id}/publish/", None),
    "offers close published": ("post", lambda s: f"{V1}/offers/{s.offer_pub.id}/close/", None),
    "resources list": ("get", lambda s: f"{V1}/resources/", None),
    "resources retrieve draft": ("get", lambda s: f"{V1}/resources/{s.fund_draft.id}/", None),
    "resources retrieve published": ("get", lambda s: f"{V1}/resources/{s.budget_pub.id}/", None),
    "resources create": ("post", lambda s: f"{V1}/resources/", _resource_payload),
}


def test_every_case_has_a_request_and_a_full_row():
    assert set(REQUESTS) == set(MATRIX)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.fixture
def subjects(tree, roles, org, pending_org):
    home = tree.pozijie_community
    f.SocialWorkerFactory(org=org, name="李明")
    return SimpleNamespace(
        community=home,
        org=org,
        pending=pending_org,
        need_draft=f.ServiceNeedFactory(community=home, title="坡子街助餐草稿", draft=True),
        need_pub=f.ServiceNeedFactory(community=home, title="坡子街康复训练"),
        offer_draft=f.ServiceOfferingFactory(org=org, title="阳光助餐草稿", draft=True),
        offer_pub=f.ServiceOfferingFactory(org=org, title="阳光上门探访"),
        fund_draft=f.FundingResourceFactory(
            community_fund=True, community=home, status="draft", year=2026
        ),
        budget_pub=f.FundingResourceFactory(name="2026年天心区政府购买服务资金"),
    )


CASES = [
    pytest.param(case, role, expected, id=f"{case}-{role}")
    for case, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("case", "role", "expected"), CASES)
def test_matrix(as_role, subjects, case, role, expected):
    method, url, payload = REQUESTS[case]
    client = as_role(role)
    kwargs = {"format": "json"} if method in ("post", "patch") else {}
    body = payload(subjects) if payload else None
    response = getattr(client, method)(url(subjects), body, **kwargs)

    assert response.status_code == expected, (case, role, response.content[:400])
    if expected >= 400:
        error = response.json()
        assert set(error) == ERROR_KEYS
        assert error["message"]
        assert (
            error["code"]
            == {
                401: "not_authenticated",
                403: "permission_denied",
                404: "not_found",
            }[expected]
        )
    elif expected == 204:
        assert response.content == b""
    else:
        data = response.json()
        if "list" in case:
            assert set(data) >= {"count", "next", "previous", "results"}
        else:
            assert "id" in data


# --- lists agree with details ---------------------------------------------------------------

# Which hidden subject (draft / unverified) each list shows: exactly the roles whose detail
# GET of it is a 200 in MATRIX.
HIDDEN_IN_LISTS = {
    "needs": ("need_draft", "needs retrieve draft"),
    "orgs": ("pending", "orgs retrieve unverified"),
    "offers": ("offer_draft", "offers retrieve draft"),
    "resources": ("fund_draft", "resources retrieve draft"),
}


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_hidden_rows_to_exactly_those_who_may_open_them(as_role, subjects, role):
    client = as_role(role)
    for collection, (attr, detail_case) in HIDDEN_IN_LISTS.items():
        # Status filters default to nothing in the API: every visible row is listed.
        ids = {row["id"] for row in client.get(f"{V1}/{collection}/").json()["results"]}
        hidden = getattr(subjects, attr)
        sees = MATRIX[detail_case][ROLES.index(role)] == 200
        assert (hidden.id in ids) is sees, (collection, role)


def test_the_matrix_writes_really_happened(api, roles, subjects):
    """Spot-check that a 2xx of the table changed the database, and a 4xx did not."""
    title = subjects.need_draft.title
    assert (
        api(roles.official_in)
        .patch(f"{V1}/needs/{subjects.need_draft.id}/", {"title": "官员改的"}, format="json")
        .status_code
        == 403
    )
    subjects.need_draft.refresh_from_db()
    assert subjects.need_draft.title == title

    response = api(roles.official_in).post(f"{V1}/orgs/{subjects.pending.id}/verify/")
    assert response.status_code == 200
    assert response.json()["verified"] is True
    subjects.pending.refresh_from_db()
    assert subjects.pending.verified and subjects.pending.verified_by == roles.official_in
    assert subjects.pending.verified_at is not None
