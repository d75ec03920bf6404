"""Residents' decisions in the browser: staff record them, the result is computed and shown."""

import pytest
from django.urls import reverse

from projects.models import ResidentDecision
from tests import factories as f

pytestmark = pytest.mark.django_db


def meeting(**counts):
    data = {
        "subject": "使用惠民资金购买居家养老服务",
        "amount": "120000.00",
        "meeting_date": "2026-03-15",
        "representatives_total": 10,
        "attendees": 6,
        "votes_for": 4,
        "votes_against": 1,
        "abstentions": 1,
        "minutes": "居民代表讨论了助餐点的选址和服务时间。",
    }
    return {**data, **counts}


def test_staff_record_a_passed_decision(tree, staff_user, login):
    community = tree.pozijie_community
    client = login(staff_user)
    url = reverse("projects:decision-create", args=[community.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, meeting(), follow=True)
    decision = ResidentDecision.objects.get()
    assert (decision.valid, decision.passed, decision.recorded_by) == (True, True, staff_user)
    assert "使用惠民资金购买居家养老服务" in response.content.decode()


@pytest.mark.parametrize(
    ("counts", "valid", "passed"),
    [
        ({"attendees": 5, "votes_for": 4, "votes_against": 1, "abstentions": 0}, False, False),
        ({"attendees": 6, "votes_for": 3, "votes_against": 2, "abstentions": 1}, True, False),
        ({"attendees": 6, "votes_for": 4, "votes_against": 2, "abstentions": 0}, True, True),
    ],
    ids=["half-attend-not-valid", "half-for-not-passed", "passed"],
)
def test_the_result_follows_the_counts(tree, staff_user, login, counts, valid, passed):
    url = reverse("projects:decision-create", args=[tree.pozijie_community.pk])
    login(staff_user).post(url, meeting(**counts))
    decision = ResidentDecision.objects.get()
    assert (decision.valid, decision.passed) == (valid, passed)


def test_impossible_counts_are_refused_at_the_field(tree, staff_user, login):
    url = reverse("projects:decision-create", args=[tree.pozijie_community.pk])
    too_many = login(staff_user).post(url, meeting(attendees=11))
    assert too_many.status_code == 200 and "attendees" in too_many.context["form"].errors
    votes = login(staff_user).post(url, meeting(votes_for=6, votes_against=1))
    assert "votes_for" in votes.context["form"].errors
    assert not ResidentDecision.objects.exists()


def test_who_sees_and_records_decisions(tree, staff_user, district_official, org_member, login):
    community = tree.pozijie_community
    f.ResidentDecisionFactory(community=community, subject="坡子街决策")
    listing = reverse("projects:decision-list", args=[community.pk])
    create = reverse("projects:decision-create", args=[community.pk])
    assert "坡子街决策" in login(staff_user).get(listing).content.decode()
    assert "坡子街决策" in login(district_official).get(listing).content.decode()
    assert login(district_official).get(create).status_code == 403
    assert login(org_member).get(listing).status_code == 404
    other_staff = f.CommunityStaffFactory(community=tree.wangyuehu_community).user
    assert login(other_staff).get(listing).status_code == 404
    assert login(other_staff).get(create).status_code == 403


def test_anonymous_is_sent_to_sign_in(tree, client):
    create = reverse("projects:decision-create", args=[tree.pozijie_community.pk])
    response = client.get(create)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert (
        client.get(reverse("projects:decision-list", args=[tree.pozijie_community.pk])).status_code
        == 404
    )
