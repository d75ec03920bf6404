"""Redis goes away and comes back while a worker runs. Never the machine's shared Redis: the
broker here is a throwaway `redis-server` (no persistence) that the test kills and starts again
on the same port.

What happens, as shown below:

* while Redis is down the worker stays up and keeps reconnecting (broker_connection_retry);
* queuing a task while Redis is down retries briefly (Celery's publish retry policy: 3 retries
  within about a second) and then raises `kombu.exceptions.OperationalError` to the caller.
  `match_run_start` catches it after its transaction committed: the API still answers 202, with
  the run `failed` and the reason ("The task queue is unavailable ..."), so no run is left
  `queued` with no task behind it;
* once Redis is back, the worker reconnects on its own and a task queued after the restart runs.

Redis here keeps nothing on disk, so what was queued but not yet taken is lost with it; runs
and reports left `queued` or `running` that way are failed by the `fail-stalled-runs` beat job
(tests/matchmaking/test_stalled_runs.py).
"""

import time
from contextlib import contextmanager

import pytest
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from matchmaking.choices import RunStatus
from matchmaking.models import MatchRun
from matchmaking.services import match_run_start
from matchmaking.tasks import run_match
from tests import factories as f

from .conftest import needs_services, wait_for

pytestmark = [*needs_services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TIANXIN = "430103000000"


@contextmanager
def broker(url):
    """Point this process's Celery app at another broker (its connection pools follow)."""
    previous = celery_app.conf.broker_url, celery_app.conf.broker_write_url

    def switch(to):
        celery_app.conf.broker_url, celery_app.conf.broker_write_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch((url, url))
    try:
        yield
    finally:
        switch(previous)


def run_through(worker, region) -> MatchRun:
    run = match_run_start(actor=None, scope=region)
    wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, status=RunStatus.DONE).exists(),
        timeout=60,
        what=f"run {run.pk} to be done",
        processes=[worker],
    )
    return run


def test_the_worker_survives_a_redis_restart(throwaway_redis, start_worker):
    from rest_framework.test import APIClient

    meals = f.category("elderly_meals")
    f.ServiceNeedFactory(title="社区老年助餐服务", category=meals)
    f.ServiceOfferingFactory(title="长者助餐配送", category=meals)
    region = f.region(TIANXIN)
    client = APIClient()
    client.force_authenticate(f.OfficialFactory(region=region).user)

    worker = start_worker(broker=throwaway_redis.url)
    with broker(throwaway_redis.url):
        run_through(worker, region)

        throwaway_redis.kill()
        # Queuing now: a clear error after a short retry, not a hang.
        started = time.monotonic()
        with pytest.raises(OperationalError):
            run_match.delay(0)
        assert time.monotonic() - started < 30
        # Through the API: the run exists, failed with its reason.
        response = client.post("/api/v1/match-runs/", {"within": TIANXIN}, format="json")
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["status"] == RunStatus.FAILED
        lost = MatchRun.objects.get(pk=body["id"])
        assert lost.status == RunStatus.FAILED and lost.finished_at is not None
        assert "queue is unavailable" in lost.error or "任务队列" in lost.error, lost.error

        # The worker stays up, trying to reconnect.
        wait_for(
            lambda: "Cannot connect to redis" in worker.output(),
            timeout=30,
            what="the worker to notice",
            processes=[worker],
        )
        assert worker.alive

        throwaway_redis.start()
        wait_for(
            lambda: worker.output().count("Connected to redis://") >= 2,
            timeout=60,
            what="the worker to reconnect",
            processes=[worker],
        )
        after = run_through(worker, region)

    assert MatchRun.objects.get(pk=after.pk).stats["suggestions"] >= 1
