"""Residents' decisions (居民民主决策) on the community fund.

The Organic Law of Urban Residents' Committees: a meeting is valid when MORE than half of the
residents' representatives attend, and a decision passes with MORE than half of those present.
The database computes `valid` and `passed` from the counts; the edges are exactly half.
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import NotAllowed, ValidationFailed
from projects import services
from projects.models import ResidentDecision
from tests import factories as f
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/decisions/"


def record(actor, community, *, reps, attend, votes_for, against=0, abstain=0, **extra):
    return services.decision_record(
        actor=actor,
        community=community,
        subject="使用社区惠民资金购买居家养老服务",
        amount=Decimal("120000.00"),
        meeting_date=date(2026, 3, 15),
        representatives_total=reps,
        attendees=attend,
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstain,
        **extra,
    )


def payload(where, **overrides) -> dict:
    """A valid POST body for community `where`: 30 of 45 attend, 25 for."""
    data = {
        "community": where.id,
        "subject": "使用社区惠民资金购买助餐服务",
        "amount": "80000.00",
        "meeting_date": "2026-04-10",
        "representatives_total": 45,
        "attendees": 30,
        "votes_for": 25,
        "votes_against": 3,
        "abstentions": 2,
        "minutes": "居民代表会议记录。",
    }
    data.update(overrides)
    return data


EDGES = [
    # (representatives, attendees, votes for, valid, passed)
    pytest.param(10, 5, 5, False, False, id="exactly-half-attend-is-not-valid"),
    pytest.param(10, 6, 4, True, True, id="more-than-half-attend-is-valid"),
    pytest.param(10, 6, 3, True, False, id="exactly-half-of-present-for-does-not-pass"),
    pytest.param(10, 6, 6, True, True, id="unanimous"),
    pytest.param(11, 6, 4, True, True, id="odd-6-of-11-attend-4-of-6-for"),
    pytest.param(11, 5, 5, False, False, id="odd-5-of-11-attend-is-not-valid"),
    pytest.param(11, 7, 3, True, False, id="odd-3-of-7-for-fails"),
    pytest.param(11, 7, 4, True, True, id="odd-4-of-7-for-passes"),
    pytest.param(1, 1, 1, True, True, id="one-representative"),
    pytest.param(1, 0, 0, False, False, id="nobody-came"),
    pytest.param(45, 23, 12, True, True, id="factory-size-barely"),
]


@pytest.mark.parametrize(("reps", "attend", "votes_for", "valid", "passed"), EDGES)
def test_the_rule_at_its_edges_through_the_service(
    tree, staff_user, reps, attend, votes_for, valid, passed
):
    decision = record(
        staff_user, tree.pozijie_community, reps=reps, attend=attend, votes_for=votes_for
    )
    assert (decision.valid, decision.passed) == (valid, passed)
    stored = ResidentDecision.objects.get(pk=decision.pk)
    assert (stored.valid, stored.passed) == (valid, passed)
    assert stored.recorded_by == staff_user


@pytest.mark.parametrize(("reps", "attend", "votes_for", "valid", "passed"), EDGES)
def test_the_rule_at_its_edges_through_the_api(
    api, tree, staff_user, reps, attend, votes_for, valid, passed
):
    data = payload(
        tree.pozijie_community,
        representatives_total=reps,
        attendees=attend,
        votes_for=votes_for,
        votes_against=0,
        abstentions=0,
    )
    response = api(staff_user).post(DECISIONS, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["valid"], body["passed"]) == (valid, passed)
    assert ResidentDecision.objects.get(pk=body["id"]).passed is passed


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_database_computes_the_rule_for_any_counts(tree, staff_user, data):
    reps = data.draw(st.integers(min_value=1, max_value=80), label="representatives")
    attend = data.draw(st.integers(min_value=0, max_value=reps), label="attendees")
    votes_for = data.draw(st.integers(min_value=0, max_value=attend), label="for")
    against = data.draw(st.integers(min_value=0, max_value=attend - votes_for), label="against")
    decision = record(
        staff_user,
        tree.pozijie_community,
        reps=reps,
        attend=attend,
        votes_for=votes_for,
        against=against,
        abstain=attend - votes_for - against,
    )
    valid = 2 * attend > reps
    assert decision.valid is valid
    assert decision.passed is (valid and 2 * votes_for > attend)


def test_valid_and_passed_sent_by_the_client_are_ignored(api, tree, staff_user):
    data = payload(
        tree.pozijie_community,
        representatives_total=10,
        attendees=5,
        votes_for=5,
        votes_against=0,
        abstentions=0,
        valid=True,
        passed=True,
    )
    response = api(staff_user).post(DECISIONS, data, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["valid"], response.json()["passed"]) == (False, False)
    stored = ResidentDecision.objects.get()
    assert (stored.valid, stored.passed) == (False, False)


def test_the_service_refuses_to_be_told_the_result(tree, staff_user):
    with pytest.raises(ValidationFailed):
        record(staff_user, tree.pozijie_community, reps=10, attend=5, votes_for=5, passed=True)
    assert not ResidentDecision.objects.exists()


# --- invalid counts ------------------------------------------------------------------------


def test_more_attendees_than_representatives_is_a_400_naming_attendees(api, tree, staff_user):
    data = payload(tree.pozijie_community, representatives_total=10, attendees=11, votes_for=6)
    assert_error(api(staff_user).post(DECISIONS, data, format="json"), 400, "invalid", "attendees")
    assert not ResidentDecision.objects.exists()


@pytest.mark.parametrize(
    ("votes_for", "against", "abstain"),
    [(7, 0, 0), (4, 2, 1), (0, 0, 7)],
    ids=["for-alone", "for-against-abstain", "abstentions-alone"],
)
def test_more_votes_than_attendees_is_a_400_naming_votes_for(
    api, tree, staff_user, votes_for, against, abstain
):
    data = payload(
        tree.pozijie_community,
        representatives_total=10,
        attendees=6,
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstain,
    )
    assert_error(api(staff_user).post(DECISIONS, data, format="json"), 400, "invalid", "votes_for")
    assert not ResidentDecision.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("representatives_total", -1),
        ("attendees", "many"),
        ("votes_for", None),
        ("amount", "0"),
        ("amount", "-100.00"),
        ("meeting_date", "2026-13-01"),
        ("community", 10**9),
    ],
)
def test_invalid_fields_are_named(api, tree, staff_user, field, value):
    data = payload(tree.pozijie_community, **{field: value})
    assert_error(api(staff_user).post(DECISIONS, data, format="json"), 400, "invalid", field)


def test_no_representatives_is_a_400(api, tree, staff_user):
    data = payload(
        tree.pozijie_community,
        representatives_total=0,
        attendees=0,
        votes_for=0,
        votes_against=0,
        abstentions=0,
    )
    assert_error(api(staff_user).post(DECISIONS, data, format="json"), 400, "invalid")


@pytest.mark.parametrize("big", [2**31 - 1, 2**30, 1_000_001])
def test_absurd_counts_are_a_400_not_a_500(api, tree, staff_user, big):
    """`attendees * 2` and the vote sum are integer arithmetic in PostgreSQL's generated
    columns and check constraints: counts near 2**31 overflowed there into a 500."""
    data = payload(
        tree.pozijie_community,
        representatives_total=big,
        attendees=big,
        votes_for=big,
        votes_against=0,
        abstentions=0,
    )
    body = assert_error(api(staff_user).post(DECISIONS, data, format="json"), 400, "invalid")
    assert "representatives_total" in body["fields"]
    assert not ResidentDecision.objects.exists()


def test_a_large_but_plausible_meeting_is_fine(tree, staff_user):
    decision = record(
        staff_user, tree.pozijie_community, reps=1_000_000, attend=500_001, votes_for=250_001
    )
    assert (decision.valid, decision.passed) == (True, True)


# --- who may record ------------------------------------------------------------------------


def test_staff_of_the_community_record_it(api, tree, staff_user):
    response = api(staff_user).post(DECISIONS, payload(tree.pozijie_community), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["community"] == tree.pozijie_community.id
    assert (body["valid"], body["passed"]) == (True, True)
    assert body["amount"] == "80000.00"
    assert ResidentDecision.objects.get(pk=body["id"]).recorded_by == staff_user


def test_staff_of_another_community_get_403(api, tree, staff_other):
    response = api(staff_other).post(DECISIONS, payload(tree.pozijie_community), format="json")
    assert_error(response, 403, "permission_denied")
    assert not ResidentDecision.objects.exists()


def test_anonymous_get_401(api, tree):
    response = api().post(DECISIONS, payload(tree.pozijie_community), format="json")
    assert_error(response, 401, "not_authenticated")
    assert_error(api().get(DECISIONS), 401, "not_authenticated")


@pytest.mark.parametrize("who", ["district_official", "city_official", "org_member"])
def test_officials_and_org_members_get_403(api, request, tree, who):
    user = request.getfixturevalue(who)
    response = api(user).post(DECISIONS, payload(tree.pozijie_community), format="json")
    assert_error(response, 403, "permission_denied")
    assert not ResidentDecision.objects.exists()


def test_the_service_checks_the_recorder_too(tree, staff_other, district_official):
    for user in (staff_other, district_official):
        with pytest.raises(NotAllowed):
            record(user, tree.pozijie_community, reps=10, attend=6, votes_for=4)
    assert not ResidentDecision.objects.exists()


# --- who may read --------------------------------------------------------------------------


@pytest.fixture
def pozijie_decision(tree):
    return f.ResidentDecisionFactory(community=tree.pozijie_community, subject="坡子街助餐")


def listed(client, **params) -> set[str]:
    response = client.get(DECISIONS, params)
    assert response.status_code == 200, response.content[:300]
    return {row["subject"] for row in response.json()["results"]}


@pytest.mark.parametrize("who", ["staff_user", "district_official", "city_official"])
def test_the_community_and_officials_over_it_see_it(api, request, pozijie_decision, who):
    client = api(request.getfixturevalue(who))
    assert listed(client) == {"坡子街助餐"}
    response = client.get(f"{DECISIONS}{pozijie_decision.id}/")
    assert response.status_code == 200
    assert response.json()["subject"] == "坡子街助餐"


@pytest.mark.parametrize("who", ["staff_other", "official_out", "org_member"])
def test_others_do_not_see_it(api, request, pozijie_decision, who):
    client = api(request.getfixturevalue(who))
    assert listed(client) == set()
    assert_error(client.get(f"{DECISIONS}{pozijie_decision.id}/"), 404, "not_found")


def test_a_superuser_sees_everything(api, admin_user, pozijie_decision):
    assert listed(api(admin_user)) == {"坡子街助餐"}


def test_filters(api, tree, city_official):
    f.ResidentDecisionFactory(community=tree.pozijie_community, subject="坡子街2026通过")
    f.ResidentDecisionFactory(
        community=tree.pozijie_community,
        subject="坡子街2026未通过",
        attendees=30,
        votes_for=15,
        votes_against=10,
        abstentions=5,
    )
    f.ResidentDecisionFactory(
        community=tree.pozijie_community, subject="坡子街2025通过", meeting_date=date(2025, 6, 1)
    )
    f.ResidentDecisionFactory(community=tree.wangyuehu_community, subject="望月湖2026通过")
    client = api(city_official)
    everything = {"坡子街2026通过", "坡子街2026未通过", "坡子街2025通过", "望月湖2026通过"}
    assert listed(client) == everything
    assert listed(client, community=tree.pozijie_community.id) == everything - {"望月湖2026通过"}
    assert listed(client, community=tree.wangyuehu_community.id) == {"望月湖2026通过"}
    assert listed(client, passed="true") == everything - {"坡子街2026未通过"}
    assert listed(client, passed="false") == {"坡子街2026未通过"}
    assert listed(client, year=2025) == {"坡子街2025通过"}
    assert listed(client, year=2026, passed="true", community=tree.pozijie_community.id) == {
        "坡子街2026通过"
    }


def test_filters_stay_inside_what_the_caller_sees(api, tree, staff_user):
    f.ResidentDecisionFactory(community=tree.pozijie_community, subject="坡子街")
    f.ResidentDecisionFactory(community=tree.chengnanlu_community, subject="城南路")
    client = api(staff_user)
    assert listed(client, community=tree.chengnanlu_community.id) == set()
    assert listed(client, passed="true") == {"坡子街"}


def test_newest_meeting_first(api, tree, staff_user):
    for day in (1, 20, 10):
        f.ResidentDecisionFactory(
            community=tree.pozijie_community, subject=f"3月{day}日", meeting_date=date(2026, 3, day)
        )
    rows = api(staff_user).get(DECISIONS).json()["results"]
    assert [row["subject"] for row in rows] == ["3月20日", "3月10日", "3月1日"]
