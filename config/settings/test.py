"""Test settings: fast hashing, no throttling surprises; database as DATABASE_URL says."""

import os

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"

# Integration tests only (tests/integration): a worker started with SANSHE_TEST_RUN_PAUSE
# lingers that many seconds in each match run, long enough to be killed mid-run; one started
# with SANSHE_TEST_VISIBILITY_TIMEOUT takes up a dead worker's tasks after that many seconds
# (and looks for them every second); a beat started with SANSHE_TEST_BEAT_EVERY closes due
# bidding every that many seconds. None of these is read outside these test settings.
MATCHING_TEST_PAUSE = float(os.environ.get("SANSHE_TEST_RUN_PAUSE") or 0)
if os.environ.get("SANSHE_TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["SANSHE_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
if os.environ.get("SANSHE_TEST_BEAT_EVERY"):
    CELERY_BEAT_SCHEDULE = {
        **CELERY_BEAT_SCHEDULE,
        "close-due-bidding": {
            "task": "projects.close_due_bidding",
            "schedule": float(os.environ["SANSHE_TEST_BEAT_EVERY"]),
        },
    }

# One process: the local-memory cache is shared by everything a test runs, so the public
# answer cache is exercised by the whole suite (it must never serve a stale answer).
PUBLIC_CACHE = True
