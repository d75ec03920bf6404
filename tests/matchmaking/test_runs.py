"""Batch runs, suggestions and on-demand matches through the API, the pages and the command.

The engine itself is tested in tests/matchmaking/engine/; here it runs for real on small data.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from matchmaking import services
from matchmaking.choices import RunStatus, SuggestionStatus
from matchmaking.models import MatchRun, MatchSuggestion
from tests import factories as f
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db

TIANXIN = "430103000000"


@pytest.fixture
def world(tree, org):
    """Two 天心区 needs, offers from two orgs serving 天心区, one 岳麓区 offer and need."""
    other = f.SocialOrgFactory(name="天心区康乐养老服务中心", region=tree.tianxin, grade="4A")
    meals = f.category("elderly_meals")
    return {
        "need": f.ServiceNeedFactory(
            community=tree.pozijie_community,
            title="独居老人助餐服务",
            description="为社区独居老人提供午餐配送和助餐点服务",
            category=meals,
            budget="80000.00",
        ),
        "need2": f.ServiceNeedFactory(
            community=tree.chengnanlu_community,
            title="老年人助餐点运营",
            category=meals,
            budget="60000.00",
        ),
        "yuelu_need": f.ServiceNeedFactory(community=tree.wangyuehu_community, category=meals),
        "offer": f.ServiceOfferingFactory(
            org=org, title="长者助餐配送服务", category=meals, capacity=1
        ),
        "offer2": f.ServiceOfferingFactory(
            org=other, title="社区老年餐桌运营", category=meals, capacity=1
        ),
        "yuelu_offer": f.ServiceOfferingFactory(
            org=f.SocialOrgFactory(region=tree.yuelu),
            category=meals,
            service_area=[f.YUELU],
        ),
        "other_org": other,
    }


def start_run(client, code, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/match-runs/", {"within": code}, format="json")
    return response


def test_official_runs_a_batch_and_the_suggestions_are_stored(
    world, district_official, django_capture_on_commit_callbacks
):
    response = start_run(
        token_client(district_official), TIANXIN, django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.DONE, run.error
    assert run.progress == 100
    assert run.stats["needs"] == 2 and run.stats["offers"] == 2
    stored = MatchSuggestion.objects.filter(run=run)
    assert {s.need_id for s in stored} == {world["need"].id, world["need2"].id}
    # The 岳麓区 offer does not cover 天心区; the 岳麓区 need is outside the scope.
    assert not stored.filter(offering=world["yuelu_offer"]).exists()
    assert not stored.filter(need=world["yuelu_need"]).exists()
    # Capacity 1 each: the two needs are proposed to different organizations.
    proposed = stored.filter(proposed=True)
    assert proposed.count() == 2
    assert len({s.org_id for s in proposed}) == 2
    for suggestion in stored:
        assert 0 <= suggestion.score <= 1 and suggestion.reasons
        assert abs(sum(suggestion.breakdown.values()) - suggestion.score) < 1e-3


def test_running_twice_gives_the_same_result_and_keeps_marks(
    world, district_official, staff_user, django_capture_on_commit_callbacks
):
    client = token_client(district_official)
    start_run(client, TIANXIN, django_capture_on_commit_callbacks)

    def snapshot():
        return sorted(
            MatchSuggestion.objects.values_list(
                "need_id", "offering_id", "rank", "score", "proposed"
            )
        )

    first = snapshot()
    marked = MatchSuggestion.objects.get(need=world["need"], offering=world["offer"])
    services.suggestion_mark(actor=staff_user, suggestion=marked, status="interested")
    start_run(client, TIANXIN, django_capture_on_commit_callbacks)
    assert snapshot() == first
    again = MatchSuggestion.objects.get(need=world["need"], offering=world["offer"])
    assert again.status == SuggestionStatus.INTERESTED
    assert MatchRun.objects.filter(status=RunStatus.DONE).count() == 2


def test_a_failed_run_records_why_and_keeps_the_previous_suggestions(
    world, district_official, django_capture_on_commit_callbacks, monkeypatch
):
    client = token_client(district_official)
    start_run(client, TIANXIN, django_capture_on_commit_callbacks)
    before = sorted(MatchSuggestion.objects.values_list("need_id", "offering_id"))

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services, "run_matching", broken)
    response = start_run(client, TIANXIN, django_capture_on_commit_callbacks)
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.FAILED
    assert "engine exploded" in run.error
    assert sorted(MatchSuggestion.objects.values_list("need_id", "offering_id")) == before
    detail = client.get(f"/api/v1/match-runs/{run.id}/").json()
    assert detail["status"] == "failed" and "engine exploded" in detail["error"]


def test_executing_a_finished_run_again_changes_nothing(
    world, district_official, django_capture_on_commit_callbacks
):
    response = start_run(
        token_client(district_official), TIANXIN, django_capture_on_commit_callbacks
    )
    run = MatchRun.objects.get(pk=response.json()["id"])
    finished = run.finished_at
    assert services.match_run_execute(run.pk).finished_at == finished


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("district_official", TIANXIN, 202),
        ("district_official", "430104000000", 403),
        ("city_official", "430100000000", 202),
        ("staff_user", TIANXIN, 403),
        ("org_member", TIANXIN, 403),
        (None, TIANXIN, 401),
    ],
)
def test_who_may_start_a_run(request, world, who, code, status, django_capture_on_commit_callbacks):
    user = request.getfixturevalue(who) if who else None
    response = start_run(token_client(user), code, django_capture_on_commit_callbacks)
    assert response.status_code == status, response.content
    if status != 202:
        assert_error(response, status)


def test_runs_are_listed_within_jurisdiction_only(world, tree, district_official):
    inside = f.MatchRunFactory(scope=tree.tianxin)
    outside = f.MatchRunFactory(scope=tree.yuelu)
    ids = {
        r["id"]
        for r in token_client(district_official).get("/api/v1/match-runs/").json()["results"]
    }
    assert inside.id in ids and outside.id not in ids
    assert (
        token_client(district_official).get(f"/api/v1/match-runs/{outside.id}/").status_code == 404
    )


def test_an_org_never_sees_another_orgs_suggestions(world, org_member, staff_user):
    mine = f.MatchSuggestionFactory(need=world["need"], offering=world["offer"])
    theirs = f.MatchSuggestionFactory(need=world["need"], offering=world["offer2"], rank=2)
    member_ids = {
        s["id"] for s in token_client(org_member).get("/api/v1/suggestions/").json()["results"]
    }
    assert member_ids == {mine.id}
    assert token_client(org_member).get(f"/api/v1/suggestions/{theirs.id}/").status_code == 404
    staff_ids = {
        s["id"] for s in token_client(staff_user).get("/api/v1/suggestions/").json()["results"]
    }
    assert staff_ids == {mine.id, theirs.id}
    assert token_client(None).get("/api/v1/suggestions/").status_code == 401


def test_either_party_marks_a_suggestion(world, org_member, staff_user, district_official):
    suggestion = f.MatchSuggestionFactory(need=world["need"], offering=world["offer"])
    url = f"/api/v1/suggestions/{suggestion.id}/"
    response = token_client(org_member).patch(url, {"status": "interested"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "interested"
    response = token_client(staff_user).patch(url, {"status": "dismissed"}, format="json")
    assert response.json()["status"] == "dismissed"
    assert_error(
        token_client(staff_user).patch(url, {"status": "maybe"}, format="json"), 400, field="status"
    )
    # The official sees it but is not a party to it.
    assert_error(token_client(district_official).patch(url, {"status": "new"}, format="json"), 403)


def test_need_matches_rank_offers_with_reasons_and_list_funding(world, tree):
    fund = f.FundingResourceFactory(
        provider_type="community_fund",
        community=tree.pozijie_community,
        region=tree.pozijie_community.region,
        amount="200000.00",
        year=world["need"].period_start.year,
        status="published",
    )
    response = token_client(None).get(f"/api/v1/needs/{world['need'].id}/matches/")
    assert response.status_code == 200, response.content
    body = response.json()
    offers = [row["offer"] for row in body["results"]]
    assert set(offers) == {world["offer"].id, world["offer2"].id}
    scores = [row["score"] for row in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert all(row["reasons"] and row["breakdown"] for row in body["results"])
    assert [r["id"] for r in body["resources"]] == [fund.id]
    assert_error(token_client(None).get(f"/api/v1/needs/{world['need'].id}/matches/?k=0"), 400)


def test_matches_of_a_draft_are_hidden_like_the_draft(world, tree, staff_user):
    draft = f.ServiceNeedFactory(community=tree.pozijie_community, draft=True)
    assert token_client(None).get(f"/api/v1/needs/{draft.id}/matches/").status_code == 404
    assert token_client(staff_user).get(f"/api/v1/needs/{draft.id}/matches/").status_code == 200


def test_offer_matches_rank_public_needs_in_the_service_area(world):
    response = token_client(None).get(f"/api/v1/offers/{world['offer'].id}/matches/")
    assert response.status_code == 200
    needs = {row["need"] for row in response.json()["results"]}
    assert needs == {world["need"].id, world["need2"].id}


def test_match_command_runs_in_the_foreground(world):
    out = StringIO()
    call_command("match", within=TIANXIN, stdout=out)
    assert "done" in out.getvalue()
    assert MatchSuggestion.objects.filter(proposed=True).count() == 2


def test_match_command_rejects_a_bad_code(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="12-digit"):
        call_command("match", within="4301")


def test_pages(world, login, staff_user, org_member, district_official, org):
    need_page = login(staff_user).get(reverse("matchmaking:need-matches", args=[world["need"].id]))
    assert need_page.status_code == 200
    assert world["offer"].title in need_page.content.decode()
    mark = reverse("matchmaking:mark-match", args=[world["need"].id, world["offer"].id])
    login(staff_user).post(mark, {"status": "interested"})
    assert MatchSuggestion.objects.get(need=world["need"], offering=world["offer"]).status == (
        SuggestionStatus.INTERESTED
    )
    # Another org's member cannot mark a pair that is not theirs.
    stranger = f.OrgMemberFactory(org=f.SocialOrgFactory()).user
    assert login(stranger).post(mark, {"status": "dismissed"}).status_code == 403

    recommended = login(org_member).get(reverse("matchmaking:org-recommendations", args=[org.id]))
    assert recommended.status_code == 200
    assert world["need"].title in recommended.content.decode()
    assert (
        login(staff_user).get(reverse("matchmaking:org-recommendations", args=[org.id])).status_code
        == 403
    )

    runs = login(district_official).get(reverse("matchmaking:run-list"))
    assert runs.status_code == 200
    assert login(staff_user).get(reverse("matchmaking:run-list")).status_code == 403


def test_official_starts_a_run_from_the_page(
    world, login, district_official, tree, django_capture_on_commit_callbacks
):
    client = login(district_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matchmaking:run-list"), {"scope": tree.tianxin.code, "top_k": 5}
        )
    run = MatchRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.DONE
    detail = client.get(reverse("matchmaking:run-detail", args=[run.id]))
    assert world["need"].title in detail.content.decode()
    # A region outside the jurisdiction is not even offered.
    refused = client.post(reverse("matchmaking:run-list"), {"scope": tree.yuelu.code, "top_k": 5})
    assert refused.status_code == 200 and "scope" in refused.context["form"].errors


def test_nightly_job_rematches_the_city_once(world, settings, django_capture_on_commit_callbacks):
    from matchmaking.tasks import nightly_matching

    settings.PLATFORM_CITY_CODE = "430100000000"
    with django_capture_on_commit_callbacks(execute=True):
        run_id = nightly_matching()
    run = MatchRun.objects.get(pk=run_id)
    assert run.scope_id == "430100000000" and run.status == RunStatus.DONE
    assert run.created_by is None  # the system, not a person
    # Both districts of the city were matched, district by district.
    assert {s.need_id for s in MatchSuggestion.objects.all()} >= {
        world["need"].id,
        world["yuelu_need"].id,
    }
    # While a run is queued, the nightly job does not pile another on.
    f.MatchRunFactory(scope=run.scope, status=RunStatus.QUEUED)
    assert nightly_matching() is None


def test_every_proposal_is_a_stored_suggestion_and_offers_count_once(
    tree, org, city_official, django_capture_on_commit_callbacks
):
    meals = f.category("elderly_meals")
    for community in (tree.pozijie_community, tree.wangyuehu_community):
        f.ServiceNeedFactory.create_batch(3, community=community, category=meals)
    # One city-wide offer (counted once although it serves both districts), small ones per org.
    f.ServiceOfferingFactory(org=org, category=meals, capacity=2, service_area=[f.CITY])
    for _ in range(4):
        f.ServiceOfferingFactory(category=meals, capacity=1)
    response = start_run(
        token_client(city_official), "430100000000", django_capture_on_commit_callbacks
    )
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.DONE, run.error
    assert run.stats["offers"] == 5
    assert run.stats["proposed"] == MatchSuggestion.objects.filter(proposed=True).count()
    top_k = run.parameters["top_k"]
    assert all(s.rank <= top_k for s in MatchSuggestion.objects.filter(proposed=True))
