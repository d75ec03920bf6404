"""A batch run through Redis and a real Celery worker process, against PostgreSQL.

Runs when CELERY_BROKER_URL and a PostgreSQL DATABASE_URL are set (CI's integration step);
on the embedded default the eager path is covered by tests/matchmaking/test_runs.py. The
worker fixture lives in conftest.py.
"""

import pytest

from matchmaking.choices import RunStatus
from matchmaking.models import MatchRun, MatchSuggestion
from tests import factories as f

from .conftest import needs_services, wait_for

pytestmark = needs_services


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batch_run_through_a_real_worker(start_worker):
    from rest_framework.test import APIClient

    worker = start_worker()
    need = f.ServiceNeedFactory(title="社区老年助餐服务", category=f.category("elderly_meals"))
    offering = f.ServiceOfferingFactory(title="长者助餐配送", category=f.category("elderly_meals"))
    official = f.OfficialFactory(region=f.region("430103000000"))
    client = APIClient()
    client.force_authenticate(official.user)

    response = client.post("/api/v1/match-runs/", {"within": "430103000000"}, format="json")
    assert response.status_code == 202, response.content
    run = MatchRun.objects.get(pk=response.json()["id"])

    def finished():
        run.refresh_from_db()
        return run.status not in (RunStatus.QUEUED, RunStatus.RUNNING)

    wait_for(finished, timeout=90, what="the run to finish", every=0.5, processes=[worker])
    assert run.status == RunStatus.DONE, (run.status, run.error)
    assert run.stats["needs"] == 1 and run.stats["suggestions"] >= 1
    suggestion = MatchSuggestion.objects.get(need=need, offering=offering)
    assert suggestion.proposed and 0 < suggestion.score <= 1
    assert suggestion.reasons
