"""`celery beat` and a worker, both real: beat enqueues `projects.close_due_bidding` on its
schedule (shortened to every 2 seconds by SANSHE_TEST_BEAT_EVERY, config.settings.test) and the
worker closes the bidding of a project whose deadline has passed. The beat uses the settings'
database scheduler (django-celery-beat), which loads CELERY_BEAT_SCHEDULE into the database.
"""

import pytest
from django_celery_beat.models import PeriodicTask

from projects.choices import ProjectStatus
from projects.models import Project
from tests.projects.story import draft, expire, make_cast, publish

from .conftest import needs_services, wait_for

pytestmark = [*needs_services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_beat_closes_due_bidding_through_the_worker(
    tree, staff_user, district_official, org, org_member, start_worker, start_beat
):
    cast = make_cast(
        tree,
        staff_user=staff_user,
        district_official=district_official,
        org=org,
        org_member=org_member,
    )
    due = expire(publish(cast, draft(cast, title="已到投标截止时间的项目")))
    open_ = publish(cast, draft(cast, title="仍在投标期的项目"))

    worker = start_worker()
    beat = start_beat(SANSHE_TEST_BEAT_EVERY="2")

    def status(project):
        return Project.objects.values_list("status", flat=True).get(pk=project.pk)

    # Nobody bid: the bidding fails, by nobody in particular (the beat).
    wait_for(
        lambda: status(due) == ProjectStatus.FAILED,
        timeout=90,
        every=0.5,
        what="the beat and the worker to close the due bidding",
        processes=[worker, beat],
    )
    assert status(open_) == ProjectStatus.PUBLISHED
    assert Project.objects.get(pk=due.pk).transitions.get(action="fail_bidding").by is None
    assert PeriodicTask.objects.get(name="close-due-bidding").interval.every == 2
    assert "projects.close_due_bidding" in worker.output()
