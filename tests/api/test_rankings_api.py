"""`GET rankings/`, `GET demonstration-projects/` and the actions
`POST projects/{id}/designate-demonstration/` / `withdraw-demonstration/` of the REST API.

The data set is the one of tests/projects/test_rankings_views.py (its header has the figures).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import public_cache
from projects.models import Project
from projects.rankings import rankings
from projects.services import project_designate_demonstration
from tests import factories as f
from tests.api.conftest import assert_error
from tests.projects.test_rankings_views import S, finished

RANKINGS = "/api/v1/rankings/"
DEMONSTRATION = "/api/v1/demonstration-projects/"
ROW_KEYS = {
    "rank",
    "unit",
    "code",
    "name",
    "completed",
    "failed",
    "acceptance_mean",
    "rating_mean",
    "beneficiaries",
    "on_time_rate",
    "service_power",
}


def at(project, action):
    return f"/api/v1/projects/{project.pk}/{action}/"


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:500]
    return response.json()


@pytest.fixture
def data(tree, org):
    other = f.SocialOrgFactory(name="长沙市同心社会工作服务中心", region=tree.tianxin)
    p1 = finished(tree.pozijie_community, org, score=90, visits=[4, 5], served=[100])
    p2 = finished(tree.pozijie_community, other, score=70)
    p3 = finished(tree.chengnanlu_community, other, score=80, visits=[3], served=[40])
    finished(tree.chengnanlu_community, status=S.FAILED)
    old = finished(tree.wangyuehu_community, org, score=60, year=2025)
    return {"a": org, "b": other, "p1": p1, "p2": p2, "p3": p3, "old": old}


# --- rankings ---------------------------------------------------------------------------------


def test_anonymous_clients_read_the_ranking_of_organizations(api, data):
    body = ok(api().get(RANKINGS, {"year": 2026, "level": "org"}))
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first, second = body["results"]
    assert set(first) == ROW_KEYS
    assert first == {
        "rank": 1,
        "unit": data["a"].pk,
        "code": None,
        "name": "长沙市天心区阳光社会工作服务中心",
        "completed": 1,
        "failed": 0,
        "acceptance_mean": "90.00",
        "rating_mean": "4.50",
        "beneficiaries": 100,
        "on_time_rate": "1.0000",
        "service_power": "77.50",
    }
    assert (second["unit"], second["service_power"], second["acceptance_mean"]) == (
        data["b"].pk,
        "68.00",
        "75.00",
    )


def test_regions_have_codes_and_no_service_power(api, data):
    streets = ok(api().get(RANKINGS, {"year": 2026, "level": "street"}))["results"]
    assert [(r["rank"], r["unit"], r["code"], r["name"]) for r in streets] == [
        (1, "430103002000", "430103002000", "坡子街街道"),
        (2, "430103004000", "430103004000", "城南路街道"),
    ]
    assert all(r["service_power"] is None for r in streets)
    communities = ok(api().get(RANKINGS, {"year": 2026}))["results"]  # community by default
    # The API gives what the ranking gives, row for row.
    expected = rankings(year=2026, level="community")
    assert [{**row, "service_power": None} for row in expected] == communities


def test_defaults_within_and_pages(api, data):
    # Without a year: the latest year with a finished project (2026). An empty parameter is
    # one not given (as a form's blank select sends it).
    assert ok(api().get(RANKINGS))["count"] == 2
    assert ok(api().get(RANKINGS, {"year": "", "level": "", "within": ""}))["count"] == 2
    yuelu = ok(api().get(RANKINGS, {"year": 2025, "level": "district", "within": "430104000000"}))
    assert [r["name"] for r in yuelu["results"]] == ["岳麓区"]
    assert ok(api().get(RANKINGS, {"year": 2026, "within": "430104000000"}))["count"] == 0
    page = ok(api().get(RANKINGS, {"year": 2026, "page_size": 1, "page": 2}))
    assert page["count"] == 2 and page["previous"] and page["next"] is None
    assert page["results"][0]["rank"] == 2  # ranks run on across pages


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "1999"}, "year"),
        ({"year": "1e3"}, "year"),
        ({"level": "province"}, "level"),
        ({"level": "ORG"}, "level"),
        ({"within": "4301"}, "within"),
        ({"within": "43010300000\x00"}, "within"),
        ({"within": "999999999999"}, "within"),  # well formed, but no such region
    ],
)
def test_bad_parameters_are_400_naming_the_field(api, tree, params, field):
    assert_error(api().get(RANKINGS, params), 400, "invalid", field)


def test_ranking_queries_do_not_grow(api, data, tree):
    client = api()
    params = {"year": 2026, "level": "org", "within": "430103000000"}
    client.get(RANKINGS, params)
    public_cache.bump()  # measure building the answer, not the shared cache's copy
    with CaptureQueriesContext(connection) as small:
        assert ok(client.get(RANKINGS, params))["count"] == 2
    for i in range(8):
        community = f.community_at(f"43010300400{i + 2}")
        org = f.SocialOrgFactory(region=tree.tianxin)
        finished(community, org, score=60 + i, visits=[3, 4], served=[5, 6])
        finished(community, status=S.FAILED)
    with CaptureQueriesContext(connection) as large:
        assert ok(client.get(RANKINGS, params))["count"] == 10
    assert len(large.captured_queries) == len(small.captured_queries)


# --- designating and withdrawing --------------------------------------------------------------

CITATION = {"citation": "助餐服务覆盖全社区独居老人，可在全市推广。"}
REASON = {"reason": "复查发现服务记录不实"}


def test_an_official_designates_and_withdraws(api, data, district_official):
    official = api(district_official)
    project = data["p1"]
    assert ok(official.get(f"/api/v1/projects/{project.pk}/"))["actions"] == [
        "designate-demonstration"
    ]
    body = ok(official.post(at(project, "designate-demonstration"), CITATION, format="json"))
    assert body["id"] == project.pk
    assert body["demonstration"] is True
    assert body["demonstration_citation"] == CITATION["citation"]
    assert body["demonstration_at"]
    assert body["actions"] == ["withdraw-demonstration"]
    history = ok(official.get(f"/api/v1/projects/{project.pk}/history/"))["results"]
    assert (history[-1]["action"], history[-1]["note"]) == (
        "designate_demonstration",
        CITATION["citation"],
    )

    body = ok(official.post(at(project, "withdraw-demonstration"), REASON, format="json"))
    assert (body["demonstration"], body["demonstration_citation"]) == (False, "")
    assert body["actions"] == ["designate-demonstration"]


def test_conflicts_are_409_with_the_services_codes(api, data, district_official):
    official = api(district_official)
    project = data["p1"]
    assert_error(
        official.post(at(project, "withdraw-demonstration"), REASON, format="json"),
        409,
        "not_demonstration",
    )
    ok(official.post(at(project, "designate-demonstration"), CITATION, format="json"))
    assert_error(
        official.post(at(project, "designate-demonstration"), CITATION, format="json"),
        409,
        "already_demonstration",
    )
    running = finished(project.community, data["a"], status=S.IN_PROGRESS)
    assert_error(
        official.post(at(running, "designate-demonstration"), CITATION, format="json"),
        409,
        "not_completed",
    )


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("designate-demonstration", {}, "citation"),
        ("designate-demonstration", {"citation": "   "}, "citation"),
        ("designate-demonstration", {"citation": "长" * 2001}, "citation"),
        ("designate-demonstration", {"citation": ["a"]}, "citation"),
        ("withdraw-demonstration", {"reason": ""}, "reason"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(api, data, district_official, action, body, field):
    project = data["p1"]
    if action == "withdraw-demonstration":
        project_designate_demonstration(actor=district_official, project=project, citation="示范")
    response = api(district_official).post(at(project, action), body, format="json")
    assert_error(response, 400, "invalid", field)


def test_who_may_designate(api, data, tree, staff_user, org_member):
    project = data["p1"]
    outsider = f.OfficialFactory(region=tree.yuelu).user
    assert_error(
        api().post(at(project, "designate-demonstration"), CITATION, format="json"),
        401,
        "not_authenticated",
    )
    for user in (staff_user, org_member, outsider):
        response = api(user).post(at(project, "designate-demonstration"), CITATION, format="json")
        assert_error(response, 403, "permission_denied")
        assert ok(api(user).get(f"/api/v1/projects/{project.pk}/"))["actions"] == []
    # A draft is not even visible to an official elsewhere: 404.
    draft = f.ProjectFactory(community=tree.pozijie_community)
    response = api(outsider).post(at(draft, "designate-demonstration"), CITATION, format="json")
    assert_error(response, 404, "not_found")
    assert not Project.objects.filter(demonstration=True).exists()


# --- the public list --------------------------------------------------------------------------


@pytest.fixture
def shown(data, district_official, city_official):
    Project.objects.filter(pk=data["p3"].pk).update(category=f.category("legal_aid"))
    data["p3"].refresh_from_db()
    for key, citation in (("p1", "助餐全覆盖"), ("p3", "调解零积案")):
        project_designate_demonstration(
            actor=district_official, project=data[key], citation=citation
        )
    project_designate_demonstration(actor=city_official, project=data["old"], citation="往年示范")
    return data


def test_anonymous_clients_list_demonstration_projects(api, shown):
    body = ok(api().get(DEMONSTRATION))
    assert body["count"] == 3
    rows = body["results"]
    assert [r["id"] for r in rows] == [shown["p3"].pk, shown["p1"].pk, shown["old"].pk]
    p1 = rows[1]
    assert p1 == {
        "id": shown["p1"].pk,
        "code": shown["p1"].code,
        "title": shown["p1"].title,
        "year": 2026,
        "category": "elderly_meals",
        "category_name": f.category("elderly_meals").label,
        "category_root": "elderly_care",
        "community": shown["p1"].community_id,
        "community_name": "坡子街社区",
        "region": "430103002001",
        "awarded_org": shown["a"].pk,
        "awarded_org_name": "长沙市天心区阳光社会工作服务中心",
        "contract_amount": "75000.00",
        "acceptance_score": 90,
        "closed_at": p1["closed_at"],
        "citation": "助餐全覆盖",
        "designated_at": p1["designated_at"],
    }
    assert p1["closed_at"] and p1["designated_at"]


def test_demonstration_filters(api, shown):
    def ids(**params):
        return [r["id"] for r in ok(api().get(DEMONSTRATION, params))["results"]]

    assert ids(year=2025) == [shown["old"].pk]
    assert ids(category="elderly_care") == [shown["p1"].pk, shown["old"].pk]
    assert ids(category="mediation", year=2026) == [shown["p3"].pk]
    assert ids(year=2024) == []
    assert_error(api().get(DEMONSTRATION, {"category": "nope"}), 400, "invalid", "category")
    assert_error(api().get(DEMONSTRATION, {"year": "x"}), 400, "invalid", "year")


def test_demonstration_list_queries_do_not_grow(api, shown, tree, district_official):
    client = api()
    client.get(DEMONSTRATION)
    public_cache.bump()  # measure building the answer, not the shared cache's copy
    with CaptureQueriesContext(connection) as small:
        assert ok(client.get(DEMONSTRATION))["count"] == 3
    for i in range(6):
        community = f.community_at(f"43010300400{i + 2}")
        org = f.SocialOrgFactory(region=tree.tianxin)
        project = finished(community, org, score=80 + i)
        project_designate_demonstration(actor=district_official, project=project, citation="示范")
    with CaptureQueriesContext(connection) as large:
        assert ok(client.get(DEMONSTRATION))["count"] == 9
    assert len(large.captured_queries) == len(small.captured_queries)
