"""A batch run through Redis and a real Celery worker process, against PostgreSQL.

Runs when CELERY_BROKER_URL and a PostgreSQL DATABASE_URL are set (CI's integration step);
on the embedded default the eager path is covered by tests/matchmaking/test_runs.py.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from matchmaking.choices import RunStatus
from matchmaking.models import MatchRun, MatchSuggestion
from tests import factories as f

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL") or connection.vendor != "postgresql",
        reason="needs CELERY_BROKER_URL (Redis) and DATABASE_URL on PostgreSQL",
    ),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    """A `celery worker` subprocess on a queue of its own, pointed at the test database."""
    queue = f"it-{uuid.uuid4().hex[:8]}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_QUEUE": queue,
    }
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
        [str(celery), "-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        celery_app.conf.task_default_queue = previous_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.django_db(transaction=True)
def test_batch_run_through_a_real_worker(worker):
    from rest_framework.test import APIClient

    need = f.ServiceNeedFactory(title="社区老年助餐服务", category=f.category("elderly_meals"))
    offering = f.ServiceOfferingFactory(title="长者助餐配送", category=f.category("elderly_meals"))
    official = f.OfficialFactory(region=f.region("430103000000"))
    client = APIClient()
    client.force_authenticate(official.user)

    response = client.post("/api/v1/match-runs/", {"within": "430103000000"}, format="json")
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]

    deadline = time.monotonic() + 90
    run = MatchRun.objects.get(pk=run_id)
    while run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{worker.stdout.read()}")
        time.sleep(0.5)
        run.refresh_from_db()

    assert run.status == RunStatus.DONE, (run.status, run.error)
    assert run.stats["needs"] == 1 and run.stats["suggestions"] >= 1
    suggestion = MatchSuggestion.objects.get(need=need, offering=offering)
    assert suggestion.proposed and 0 < suggestion.score <= 1
    assert suggestion.reasons
