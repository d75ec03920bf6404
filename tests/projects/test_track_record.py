"""An organization's track record on the platform: what completed projects feed the matching
engine's strength (selectors.track_records → matchmaking.adapters.org_rows).

The blend (selectors.py): 70 % the acceptance score, 30 % the supervisors' mean rating mapped
from 1–5 onto 0–100; a project without a visit counts its acceptance alone.
"""

import pytest

from matchmaking.adapters import org_rows
from projects import services
from projects.choices import ProjectStatus as S
from projects.models import Project
from projects.selectors import track_records
from tests import factories as f

from .story import accept, advance, draft, final_report, make_cast, visit, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def blend(score, *ratings):
    supervised = (sum(ratings) / len(ratings) - 1) / 4 * 100
    return round(0.7 * score + 0.3 * supervised, 2)


def completed(cast, *, score, ratings):
    """A project run to completion with one supervision visit per rating."""
    project = advance(cast, draft(cast), S.IN_PROGRESS)
    for rating in ratings:
        visit(cast, project, rating=rating)
    final_report(cast, project)
    accept(cast, project, score=score)
    return project


def scores(org):
    (row,) = org_rows([org.id])
    return row.acceptance_scores


def test_a_completed_project_counts_its_score_and_visits(cast):
    completed(cast, score=90, ratings=[4, 5])
    expected = blend(90, 4, 5)  # 0.7 × 90 + 0.3 × 87.5 = 89.25
    assert expected == 89.25
    assert track_records([cast.org.id]) == {cast.org.id: (89.25,)}
    assert scores(cast.org) == (89.25,)


def test_the_extremes_of_the_blend(cast):
    completed(cast, score=100, ratings=[5])
    completed(cast, score=0, ratings=[1])
    completed(cast, score=60, ratings=[1, 5, 3])
    assert scores(cast.org) == (100.0, 0.0, 57.0)  # in the order they were completed


def test_a_rectified_project_counts_its_final_pass(cast):
    project = advance(cast, draft(cast), S.ACCEPTANCE)  # one visit rated 4
    accept(cast, project, "fail", score=40)
    visit(cast, project, rating=2)
    final_report(cast, project)
    accept(cast, project, score=80)
    assert scores(cast.org) == (blend(80, 4, 2),)


def test_failed_and_cancelled_projects_do_not_count(cast):
    # Failed at acceptance, twice (with an acceptance score stored on the project).
    failed = advance(cast, draft(cast), S.ACCEPTANCE)
    accept(cast, failed, "fail", score=30)
    final_report(cast, failed)
    accept(cast, failed, "fail", score=35)
    assert Project.objects.get(pk=failed.pk).acceptance_score == 35
    # Cancelled while running, and still running.
    cancelled = walk(cast, S.IN_PROGRESS)
    services.project_cancel(actor=cast.official, project=cancelled, reason="机构违约")
    walk(cast, S.RECTIFICATION)
    walk(cast, S.IN_PROGRESS)
    assert track_records([cast.org.id]) == {}
    assert scores(cast.org) == ()
    # One completed project then counts alone.
    completed(cast, score=88, ratings=[4])
    assert scores(cast.org) == (blend(88, 4),)


def test_records_belong_to_the_awarded_org_only(cast):
    completed(cast, score=90, ratings=[5])
    newcomer = f.SocialOrgFactory()
    rows = {row.id: row.acceptance_scores for row in org_rows([cast.org.id, cast.rival.id])}
    assert rows == {cast.org.id: (blend(90, 5),), cast.rival.id: ()}
    assert track_records([cast.rival.id, newcomer.id]) == {}


def test_a_project_without_a_visit_counts_its_acceptance_alone(cast):
    """Only reachable outside the services (acceptance needs a visit): an imported history."""
    bid = f.BidFactory(org=cast.org, project__community=cast.community)
    Project.objects.filter(pk=bid.project_id).update(
        status=S.COMPLETED, awarded_bid=bid, contract_amount=bid.amount, acceptance_score=77
    )
    assert scores(cast.org) == (77.0,)
