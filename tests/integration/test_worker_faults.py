"""A worker dies in the middle of a match run (SIGKILL), and the run still ends cleanly.

The worker lingers SANSHE_TEST_RUN_PAUSE seconds after marking the run `running` and before
computing anything (config.settings.test), which gives the test time to kill it there. What is
shown:

* a pool process killed (the OOM killer's way): with late acks and
  `task_reject_on_worker_lost` the task goes straight back to the queue, a fresh pool process
  runs it again, and the run is done once: the scope's suggestions are exactly those of a clean
  run, none twice;
* killed twice: the third delivery marks the run failed with its reason instead of trying for
  ever, and the previous suggestions stay as they were;
* the whole worker killed (the machine died): the message stays unacknowledged in Redis, and
  another worker takes it up after the visibility timeout (shortened here) and finishes the run.

Until a run is done, the scope's suggestions are the previous run's, whole: the swap happens in
one transaction at the end.
"""

import os
import signal

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from matchmaking.choices import RunStatus
from matchmaking.models import MatchSuggestion
from matchmaking.services import WORKER_LOST_NOTE, match_run_execute, match_run_start
from tests import factories as f

from .conftest import needs_services, wait_for

pytestmark = [*needs_services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TIANXIN = "430103000000"


@pytest.fixture
def scope():
    """Three needs and three offers of one category in 天心区, and a clean run's suggestions."""
    meals = f.category("elderly_meals")
    for n in range(3):
        f.ServiceNeedFactory(title=f"社区老年助餐服务{n}", category=meals)
        f.ServiceOfferingFactory(title=f"长者助餐配送{n}", category=meals)
    region = f.region(TIANXIN)
    clean = match_run_execute(match_run_start(actor=None, scope=region, enqueue=False).pk)
    assert clean.status == RunStatus.DONE
    assert len(pairs(clean)) > 1
    return region, clean, pairs(clean)


def pairs(run=None) -> set[tuple[int, int]]:
    rows = MatchSuggestion.objects.all()
    if run is not None:
        rows = rows.filter(run=run)
    return set(rows.values_list("need_id", "offering_id"))


def assert_suggestions_are_whole(run) -> None:
    """Every suggestion is `run`'s, and there are as many as pairs (none twice)."""
    assert MatchSuggestion.objects.exclude(run=run).count() == 0
    assert MatchSuggestion.objects.count() == len(pairs(run))


def state(run) -> tuple[str, str]:
    run.refresh_from_db()
    return run.status, run.error


def test_a_killed_pool_process_is_replaced_and_the_run_done_once(scope, start_worker):
    region, clean, clean_pairs = scope
    worker = start_worker(pool="prefork", SANSHE_TEST_RUN_PAUSE="3")
    run = match_run_start(actor=None, scope=region)  # queued once the (auto)commit is done

    wait_for(
        lambda: state(run)[0] == RunStatus.RUNNING,
        timeout=60,
        what="the run to start",
        processes=[worker],
    )
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)
    # Nothing half written: the clean run's suggestions, all of them.
    assert pairs() == clean_pairs
    assert_suggestions_are_whole(clean)

    # Redelivered to a new pool process, which notes the lost worker while it runs again.
    wait_for(
        lambda: state(run) == (RunStatus.RUNNING, WORKER_LOST_NOTE),
        timeout=60,
        what="the run to start again",
        every=0.1,
        processes=[worker],
    )
    assert worker.children() and worker.children() != [child]
    wait_for(
        lambda: state(run)[0] == RunStatus.DONE,
        timeout=60,
        what="the run to finish",
        processes=[worker],
    )

    assert run.error == "" and run.progress == 100
    assert pairs(run) == clean_pairs
    assert_suggestions_are_whole(run)
    assert "WorkerLostError" in worker.output()


def test_a_run_whose_worker_is_lost_twice_fails_with_its_reason(scope, start_worker):
    region, clean, clean_pairs = scope
    worker = start_worker(pool="prefork", SANSHE_TEST_RUN_PAUSE="30")
    run = match_run_start(actor=None, scope=region)

    for expected_error in ("", WORKER_LOST_NOTE):
        wait_for(
            lambda error=expected_error: state(run) == (RunStatus.RUNNING, error),
            timeout=60,
            what=f"the run to be running ({expected_error!r})",
            every=0.1,
            processes=[worker],
        )
        (child,) = worker.children()
        os.kill(child, signal.SIGKILL)

    wait_for(
        lambda: state(run)[0] == RunStatus.FAILED,
        timeout=60,
        what="the run to fail",
        processes=[worker],
    )
    # The worker writes the reason in the site's language (Chinese by default).
    with translation.override(settings.LANGUAGE_CODE):
        lost_twice = gettext("The worker was lost twice while running this batch; not retried.")
    assert run.error == lost_twice
    assert run.finished_at is not None
    # The previous suggestions are untouched.
    assert pairs() == clean_pairs
    assert_suggestions_are_whole(clean)


def test_a_killed_worker_s_run_is_taken_up_by_another_worker(scope, start_worker):
    region, clean, clean_pairs = scope
    # Redis gives an unacknowledged message to another consumer after the visibility timeout
    # (35 minutes in production; 2 seconds here).
    first = start_worker(SANSHE_TEST_RUN_PAUSE="60")
    run = match_run_start(actor=None, scope=region)
    wait_for(
        lambda: state(run)[0] == RunStatus.RUNNING,
        timeout=60,
        what="the run to start",
        processes=[first],
    )

    first.kill()  # the whole worker, as when its machine dies
    assert state(run) == (RunStatus.RUNNING, "")
    assert pairs() == clean_pairs
    assert_suggestions_are_whole(clean)

    second = start_worker(SANSHE_TEST_VISIBILITY_TIMEOUT="2")
    wait_for(
        lambda: state(run)[0] == RunStatus.DONE,
        timeout=60,
        what="the run to finish",
        processes=[second],
    )
    assert run.error == ""
    assert pairs(run) == clean_pairs
    assert_suggestions_are_whole(run)
