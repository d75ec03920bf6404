"""Demonstration projects (示范项目): who may designate and withdraw, on which projects, what the
history shows, and the public list."""

import pytest

from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from projects.choices import ProjectStatus
from projects.models import Project
from projects.rankings import demonstration_projects
from projects.services.demonstration import (
    project_designate_demonstration,
    project_withdraw_demonstration,
)
from tests import factories as f

S = ProjectStatus
CITATION = "助餐服务覆盖全社区独居老人，居民满意度 98%。"
REASON = "复查发现服务记录不实"


@pytest.fixture
def completed(tree):
    return f.ProjectFactory(
        community=tree.pozijie_community, status=S.COMPLETED, acceptance_score=92
    )


def designate(actor, project, citation=CITATION):
    return project_designate_demonstration(actor=actor, project=project, citation=citation)


def withdraw(actor, project, reason=REASON):
    return project_withdraw_demonstration(actor=actor, project=project, reason=reason)


def test_an_official_over_the_community_designates_with_a_citation(completed, district_official):
    project = designate(district_official, completed, f"  {CITATION}\n")
    assert completed.demonstration is True  # the caller's instance is brought up to date
    stored = Project.objects.get(pk=completed.pk)
    assert stored.demonstration is True
    assert stored.demonstration_citation == CITATION
    assert stored.demonstration_by == district_official
    assert stored.demonstration_at is not None
    assert stored.status == S.COMPLETED
    assert project.demonstration_citation == CITATION


def test_history_shows_designation_and_withdrawal(completed, district_official, city_official):
    designate(district_official, completed)
    withdraw(city_official, completed, REASON)
    log = list(
        completed.transitions.values_list("action", "from_status", "to_status", "by", "note")
    )
    assert log == [
        ("designate_demonstration", S.COMPLETED, S.COMPLETED, district_official.pk, CITATION),
        (
            "withdraw_demonstration",
            S.COMPLETED,
            S.COMPLETED,
            city_official.pk,
            "复查发现服务记录不实",
        ),
    ]
    stored = Project.objects.get(pk=completed.pk)
    assert (stored.demonstration, stored.demonstration_citation) == (False, "")
    assert (stored.demonstration_at, stored.demonstration_by) == (None, None)
    # The field history keeps the citation that was withdrawn, and who changed it.
    versions = list(stored.history.order_by("history_date", "history_id"))
    assert [(v.demonstration, v.demonstration_citation) for v in versions[-2:]] == [
        (True, CITATION),
        (False, ""),
    ]
    assert versions[-1].history_user == city_official


def test_designate_again_after_withdrawal(completed, district_official):
    designate(district_official, completed)
    withdraw(district_official, completed)
    designate(district_official, completed, "整改后复评为示范")
    assert Project.objects.get(pk=completed.pk).demonstration_citation == "整改后复评为示范"
    assert completed.transitions.count() == 3


@pytest.mark.parametrize("who", ["staff_user", "org_member", "official_out", "reviewer"])
def test_others_may_not_designate_or_withdraw(request, completed, district_official, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        designate(user, completed)
    designate(district_official, completed)
    with pytest.raises(NotAllowed):
        withdraw(user, completed)
    assert Project.objects.get(pk=completed.pk).demonstration is True
    assert completed.transitions.count() == 1


def test_an_official_of_another_street_is_refused(tree, completed):
    neighbour = f.OfficialFactory(region=tree.chengnanlu).user  # 城南路街道, same district
    with pytest.raises(NotAllowed):
        designate(neighbour, completed)
    street = f.OfficialFactory(region=tree.pozijie).user
    assert designate(street, completed).demonstration is True


@pytest.mark.parametrize(
    "status",
    [S.DRAFT, S.PUBLISHED, S.AWARDED, S.IN_PROGRESS, S.ACCEPTANCE, S.FAILED, S.CANCELLED],
)
def test_only_a_completed_project(tree, district_official, status):
    project = f.ProjectFactory(community=tree.pozijie_community, status=status)
    with pytest.raises(InvalidTransition) as error:
        designate(district_official, project)
    assert error.value.code == "not_completed"
    with pytest.raises(InvalidTransition) as error:
        withdraw(district_official, project)
    assert error.value.code == "not_completed"
    assert not project.transitions.exists()


def test_the_state_is_read_under_the_lock(completed, district_official):
    """A stale instance (another request completed the designation meanwhile) is refused."""
    stale = Project.objects.get(pk=completed.pk)
    designate(district_official, completed)
    with pytest.raises(InvalidTransition) as error:
        designate(district_official, stale)
    assert error.value.code == "already_demonstration"
    assert completed.transitions.count() == 1


def test_withdrawing_a_project_that_is_not_one(completed, district_official):
    with pytest.raises(InvalidTransition) as error:
        withdraw(district_official, completed)
    assert error.value.code == "not_demonstration"


@pytest.mark.parametrize("text", ["", "   \n", None])
def test_citation_and_reason_are_required(completed, district_official, text):
    with pytest.raises(ValidationFailed) as error:
        designate(district_official, completed, text)
    assert "citation" in error.value.fields
    designate(district_official, completed)
    with pytest.raises(ValidationFailed) as error:
        withdraw(district_official, completed, text)
    assert "reason" in error.value.fields
    assert Project.objects.get(pk=completed.pk).demonstration is True


def test_public_list_by_year_and_category(tree, district_official, org):
    meals = f.category("elderly_meals")
    care = meals.parent  # 居家养老
    mediation = f.category("neighbour_mediation")
    community = tree.pozijie_community

    def done(year, category, designated=True):
        project = f.ProjectFactory(
            community=community, status=S.COMPLETED, year=year, category=category
        )
        if designated:
            designate(district_official, project)
        return project

    old = done(2025, meals)
    first = done(2026, care)
    second = done(2026, mediation)
    latest = done(2026, meals)
    done(2026, meals, designated=False)
    withdrawn = done(2026, meals)
    withdraw(district_official, withdrawn)
    assert list(demonstration_projects()) == [latest, second, first, old]
    assert list(demonstration_projects(year=2026)) == [latest, second, first]
    assert list(demonstration_projects(category=care)) == [latest, first, old]
    assert list(demonstration_projects(year=2026, category=care.pk)) == [latest, first]
    assert list(demonstration_projects(category=mediation)) == [second]
    rows = {p.pk: p.category_root_id for p in demonstration_projects()}
    assert rows == {
        latest.pk: care.pk,
        second.pk: mediation.parent_id,
        first.pk: care.pk,
        old.pk: care.pk,
    }


def test_public_list_reads_in_one_query(tree, district_official, django_assert_num_queries):
    for _ in range(3):
        project = f.ProjectFactory(community=tree.pozijie_community, status=S.COMPLETED)
        project.awarded_bid = f.BidFactory(project=project, status="awarded")
        project.save()
        designate(district_official, project)
    with django_assert_num_queries(1):
        names = [
            (p.community.region.name, p.category.root.name, p.awarded_bid.org.name)
            for p in demonstration_projects()
        ]
    assert len(names) == 3
