"""`/healthz`: 200 when database, cache, broker and media all answer; 503 naming what failed."""

import os
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/healthz"
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def get(**headers):
    return Client().get(URL, **headers)


def test_all_checks_pass_without_login(settings):
    settings.CELERY_BROKER_URL = ""
    response = get()
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "eager",  # no broker configured: tasks run in process
        "media": "ok",
    }


def test_never_cached_and_outside_the_language_prefixes():
    response = get()
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert Client().get("/en/healthz").status_code == 404


def test_leaves_no_cache_key_and_no_file_behind(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert get().status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_database_failure_is_503():
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("server closed")
    ):
        response = get()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "status": "error",
        "error": "OperationalError: server closed",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["cache"]["status"] == "ok"


def test_cache_failure_is_503():
    with mock.patch.object(caches["default"], "set", side_effect=ConnectionError("refused")):
        response = get()
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["status"] == "error"
    assert "refused" in checks["cache"]["error"]
    assert checks["database"]["status"] == "ok"


def test_unreachable_redis_cache_is_503(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        }
    }
    response = get()
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "error"


def test_a_cache_that_forgets_is_503(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = get()
    assert response.status_code == 503
    assert "read back" in response.json()["checks"]["cache"]["error"]


def test_unreachable_broker_is_503(settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    response = get()
    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["status"] == "error"
    assert "127.0.0.1:1" in broker["error"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_reachable_broker_is_ok(settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    response = get()
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_unwritable_media_is_503(settings, tmp_path):
    target = tmp_path / "media"
    target.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = target
    response = get()
    assert response.status_code == 503
    assert response.json()["checks"]["media"]["status"] == "error"


def test_head_works_and_post_is_refused():
    assert Client().head(URL).status_code == 200
    assert Client().post(URL).status_code == 405
