"""Who hears about what, and the two beat tasks of the lifecycle.

Notifications are written inside the services' transactions: a refused action notifies
nobody. The beat closes bidding at the deadline (as nobody in particular: by=None) and reminds
organizations of overdue progress reports, each safe to run as often as the beat likes.
"""

from decimal import Decimal

import pytest

from core.errors import DeadlinePassed
from projects import services, tasks
from projects.choices import NotificationKind as K
from projects.choices import Procurement
from projects.choices import ProjectStatus as S
from projects.models import FundingResource, LedgerEntry, Notification, Project
from projects.selectors import notifications_for, unread_count
from projects.services import remind_progress_reports
from tests import factories as f

from .story import (
    accept,
    advance,
    assert_money,
    assign,
    bid,
    draft,
    expire,
    final_report,
    make_cast,
    publish,
    report,
    review,
    travel,
    visit,
)

pytestmark = pytest.mark.django_db

D = Decimal
INTERVAL = 30  # settings.PROGRESS_REPORT_INTERVAL_DAYS


@pytest.fixture
def cast(tree, staff_user, district_official, org, org_member):
    return make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )


def inbox(user, kind=None, project=None) -> list[tuple[str, int | None]]:
    rows = Notification.objects.filter(user=user)
    if kind:
        rows = rows.filter(kind=kind)
    if project:
        rows = rows.filter(project=project)
    return sorted(rows.values_list("kind", "project_id"))


def recipients(kind, project) -> set:
    return set(
        Notification.objects.filter(kind=kind, project=project).values_list("user_id", flat=True)
    )


# --- who is told what ---------------------------------------------------------------------


def test_a_bid_tells_the_communitys_staff(tree, cast):
    colleague = f.CommunityStaffFactory(community=cast.community).user
    elsewhere = f.CommunityStaffFactory(community=tree.chengnanlu_community).user
    project = publish(cast, draft(cast))
    bid(cast, project)
    assert recipients(K.BID_RECEIVED, project) == {cast.staff.id, colleague.id}
    assert inbox(elsewhere) == []
    note = Notification.objects.get(user=cast.staff, kind=K.BID_RECEIVED)
    assert note.detail == cast.org.name
    assert project.title in note.text
    assert inbox(cast.member) == []  # the bidder is not told about its own bid


def test_a_refused_bid_tells_nobody(cast):
    project = publish(cast, draft(cast))
    expire(project)
    with pytest.raises(DeadlinePassed):
        bid(cast, project)
    assert not Notification.objects.filter(kind=K.BID_RECEIVED).exists()


def test_assigned_experts_are_told_once(cast):
    project = draft(cast)
    assign(cast, project)
    assign(cast, project)  # again: a no-op, no second message
    assert recipients(K.ASSIGNED, project) == {
        cast.reviewer.id,
        cast.reviewer2.id,
        cast.supervisor.id,
    }
    assert Notification.objects.filter(kind=K.ASSIGNED, project=project).count() == 3


def test_a_directed_project_tells_the_named_org_when_published(cast):
    project = draft(cast, procurement=Procurement.DIRECTED, directed_org=cast.org)
    assert inbox(cast.member) == []
    publish(cast, project)
    assert inbox(cast.member) == [(K.ASSIGNED, project.id)]
    assert inbox(cast.rival_member) == []


def test_closing_the_bidding_tells_staff_and_reviewers(cast):
    project = draft(cast)
    assign(cast, project)
    publish(cast, project)
    bid(cast, project)
    expire(project)
    services.project_close_bidding(actor=None, project=project)
    told = recipients(K.DEADLINE_PASSED, project)
    assert {cast.staff.id, cast.reviewer.id, cast.reviewer2.id} <= told
    assert cast.supervisor.id not in told
    assert cast.official.id not in told


def test_a_failed_bidding_tells_the_staff(cast):
    project = publish(cast, draft(cast))
    expire(project)
    services.project_close_bidding(actor=None, project=project)
    assert cast.staff.id in recipients(K.DEADLINE_PASSED, project)


def test_the_winner_and_the_others_are_told(cast):
    withdrawn = f.SocialOrgFactory()
    withdrawn_member = f.OrgMemberFactory(org=withdrawn).user
    colleague = f.OrgMemberFactory(org=cast.org).user
    project = draft(cast)
    assign(cast, project)
    publish(cast, project)
    won = bid(cast, project)
    bid(cast, project, org=cast.rival, amount="70000.00")
    gone = services.bid_submit(
        actor=withdrawn_member,
        project=project,
        org=withdrawn,
        amount=D("60000.00"),
        proposal="方案",
    )
    services.bid_withdraw(actor=withdrawn_member, bid=gone)
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    review(cast, project, won)
    services.project_award(actor=cast.staff, project=project, bid=won)
    assert recipients(K.AWARDED, project) == {cast.member.id, colleague.id}
    assert recipients(K.NOT_AWARDED, project) == {cast.rival_member.id}
    assert inbox(withdrawn_member, K.NOT_AWARDED) == []


def test_starting_tells_the_org_a_report_is_due(cast):
    project = advance(cast, draft(cast), S.AWARDED)
    assert inbox(cast.member, K.REPORT_DUE) == []
    services.project_start(actor=cast.staff, project=project)
    assert recipients(K.REPORT_DUE, project) == {cast.member.id}


def test_acceptance_due_tells_the_officials_over_the_community(tree, cast, city_official):
    street = f.OfficialFactory(region=tree.pozijie).user
    yuelu = f.OfficialFactory(region=tree.yuelu).user
    other_street = f.OfficialFactory(region=tree.chengnanlu).user
    project = advance(cast, draft(cast), S.IN_PROGRESS)
    visit(cast, project)
    assert recipients(K.ACCEPTANCE_DUE, project) == set()
    final_report(cast, project)
    assert recipients(K.ACCEPTANCE_DUE, project) == {cast.official.id, city_official.id, street.id}
    assert inbox(yuelu) == inbox(other_street) == []


def test_acceptance_and_cancellation_reach_the_org(cast):
    project = advance(cast, draft(cast), S.COMPLETED)
    assert recipients(K.ACCEPTED, project) == {cast.member.id}
    other = publish(cast, draft(cast))
    bid(cast, other)
    bid(cast, other, org=cast.rival, amount="70000.00")
    services.project_cancel(actor=cast.staff, project=other, reason="需求变更")
    assert recipients(K.CANCELLED, other) == {cast.member.id, cast.rival_member.id}


# --- reading them -------------------------------------------------------------------------


def test_mark_one_or_all_read(cast):
    project = draft(cast)
    f.NotificationFactory(user=cast.staff, project=project, kind=K.BID_RECEIVED)
    first = f.NotificationFactory(user=cast.staff, project=project, kind=K.BID_RECEIVED)
    f.NotificationFactory(user=cast.staff, project=project, kind=K.DEADLINE_PASSED)
    theirs = f.NotificationFactory(user=cast.member, project=project)
    assert unread_count(cast.staff) == 3
    assert services.notification_mark_read(actor=cast.staff, notification=first) == 1
    assert unread_count(cast.staff) == 2
    # Marking it again, or someone else's, changes nothing.
    assert services.notification_mark_read(actor=cast.staff, notification=first) == 0
    assert services.notification_mark_read(actor=cast.staff, notification=theirs) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert services.notification_mark_read(actor=cast.staff) == 2
    assert unread_count(cast.staff) == 0
    assert unread_count(cast.member) == 1
    assert all(n.read_at is not None for n in notifications_for(cast.staff))


# --- the beat: closing due bidding --------------------------------------------------------


def test_close_due_bidding_closes_only_due_projects_with_either_outcome(cast):
    with_bids = publish(cast, draft(cast, title="有投标的项目"))
    assign(cast, with_bids)
    bid(cast, with_bids)
    without = publish(cast, draft(cast, title="无人投标的项目"))
    not_due = publish(cast, draft(cast, title="未到期的项目"))
    bid(cast, not_due)
    idle_draft = draft(cast, title="草稿")
    expire(with_bids)
    expire(without)
    ledger = LedgerEntry.objects.count()

    assert tasks.close_due_bidding.apply().get() == {"reviewing": 1, "failed": 1}

    status = dict(Project.objects.values_list("pk", "status"))
    assert status[with_bids.pk] == S.REVIEWING
    assert status[without.pk] == S.FAILED
    assert status[not_due.pk] == S.PUBLISHED
    assert status[idle_draft.pk] == S.DRAFT
    # The failed one gave its money back; the others still hold theirs.
    assert LedgerEntry.objects.count() == ledger + 1
    assert FundingResource.objects.get(pk=cast.resource.pk).committed == D("160000.00")
    # Closed by the beat: nobody in particular.
    for project, action in ((with_bids, "close_bidding"), (without, "fail_bidding")):
        step = Project.objects.get(pk=project.pk).transitions.get(action=action)
        assert step.by is None
    assert cast.reviewer.id in recipients(K.DEADLINE_PASSED, with_bids)
    assert_money()


def test_close_due_bidding_twice_does_nothing_the_second_time(cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    expire(project)
    first = tasks.close_due_bidding()
    counts = (
        Notification.objects.count(),
        LedgerEntry.objects.count(),
        Project.objects.get(pk=project.pk).transitions.count(),
    )
    second = tasks.close_due_bidding()
    assert first == {"reviewing": 1, "failed": 0}
    assert second == {"reviewing": 0, "failed": 0}
    assert (
        Notification.objects.count(),
        LedgerEntry.objects.count(),
        Project.objects.get(pk=project.pk).transitions.count(),
    ) == counts


def test_close_due_bidding_leaves_a_project_closed_by_hand(cast):
    project = publish(cast, draft(cast))
    bid(cast, project)
    expire(project)
    services.project_close_bidding(actor=cast.staff, project=project)
    assert tasks.close_due_bidding() == {"reviewing": 0, "failed": 0}
    closes = Project.objects.get(pk=project.pk).transitions.filter(action="close_bidding")
    assert closes.count() == 1


# --- the beat: progress-report reminders --------------------------------------------------


def reminders(project) -> int:
    """Report-due notifications about `project` beyond the one sent when it started (to the
    cast's one member)."""
    return Notification.objects.filter(kind=K.REPORT_DUE, project=project).count() - 1


def running(cast, **data):
    return advance(cast, draft(cast, **data), S.IN_PROGRESS)


def test_no_reminder_within_the_first_interval(cast):
    project = running(cast)
    travel(project, INTERVAL - 1)
    assert remind_progress_reports() == 0
    assert reminders(project) == 0


def test_a_silent_project_is_reminded_once_per_interval(cast):
    project = running(cast)
    colleague = f.OrgMemberFactory(org=cast.org).user  # joined after the start
    travel(project, INTERVAL + 1)
    assert remind_progress_reports() == 2  # both members of the organization
    assert recipients(K.REPORT_DUE, project) == {cast.member.id, colleague.id}
    assert reminders(project) == 2
    # The beat runs again the same day, and the next days: nothing more.
    assert tasks.remind_progress_reports.apply().get() == 0
    travel(project, INTERVAL - 1)
    assert remind_progress_reports() == 0
    assert reminders(project) == 2
    # Another whole interval without a report: reminded again.
    travel(project, 2)
    assert remind_progress_reports() == 2
    assert reminders(project) == 4


def test_a_project_that_reported_recently_is_not_reminded(cast):
    project = running(cast)
    travel(project, INTERVAL + 10)
    report(cast, project)  # today
    assert remind_progress_reports() == 0
    # A report long ago counts from its own date.
    travel(project, INTERVAL + 1)
    assert remind_progress_reports() == 1
    assert reminders(project) == 1


def test_only_running_projects_are_reminded(cast):
    done = advance(cast, draft(cast, title="已完成"), S.COMPLETED)
    fixing = advance(cast, draft(cast, title="整改中"), S.ACCEPTANCE)
    accept(cast, fixing, "fail", score=50)
    waiting = advance(cast, draft(cast, title="待验收"), S.ACCEPTANCE)
    for project in (done, fixing, waiting):
        travel(project, INTERVAL + 5)  # its start, reports and messages, all long ago
    assert remind_progress_reports() == 1
    assert reminders(fixing) == 1
    assert reminders(done) == reminders(waiting) == 0


def test_reminders_for_several_projects_in_one_run(cast):
    a = running(cast, title="甲")
    b = running(cast, title="乙")
    c = running(cast, title="丙")
    travel(a, INTERVAL + 1)
    travel(b, INTERVAL + 3)
    travel(c, 3)
    assert remind_progress_reports() == 2
    assert (reminders(a), reminders(b), reminders(c)) == (1, 1, 0)
    assert remind_progress_reports() == 0


def test_the_reminder_cutoff_is_the_interval(cast, settings):
    settings.PROGRESS_REPORT_INTERVAL_DAYS = 7
    project = running(cast)
    travel(project, 8)
    assert remind_progress_reports() == 1
    assert remind_progress_reports() == 0


def test_a_report_due_message_without_a_project_does_not_silence_the_reminders(cast):
    """A general "reports are due" message (no project) must not hide every project from the
    reminder: `NOT IN` over a list holding NULL matches nothing in SQL."""
    f.NotificationFactory(user=cast.member, kind=K.REPORT_DUE, project=None)
    project = running(cast)
    travel(project, INTERVAL + 1)
    assert remind_progress_reports() == 1
    assert reminders(project) == 1
