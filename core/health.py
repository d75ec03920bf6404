"""`/healthz`: is this application server able to serve? For load balancers and monitoring.

Each check is cheap and bounded: one trivial query, one short-lived cache key, one broker
connection with a short timeout, one temporary file in MEDIA_ROOT. 200
`{"status": "ok", "checks": {...}}` when every check passes, 503 with each failing check's
error otherwise. No login, never cached, outside the language prefixes (docs/deploy.md).
"""

import logging
import os
import tempfile
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Seconds a broker connection may take before the broker counts as down.
BROKER_TIMEOUT = 2.0
CACHE_KEY_TTL = 10  # seconds


class CheckFailed(Exception):
    """A check ran but found the service not working (as opposed to an exception from it)."""


def check_database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if not row or row[0] != 1:
        raise CheckFailed(f"SELECT 1 returned {row!r}")
    return "ok"


def check_cache() -> str:
    cache = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, CACHE_KEY_TTL)
    try:
        read = cache.get(key)
    finally:
        cache.delete(key)
    if read != value:
        raise CheckFailed("a value written to the cache could not be read back")
    return "ok"


def check_broker() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        # No broker configured: tasks run eagerly inside the web process (make run / make test).
        return "eager"
    from kombu import Connection

    options = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT}
    with Connection(url, connect_timeout=BROKER_TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(
            max_retries=0, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT
        )
    return "ok"


def check_media() -> str:
    """MEDIA_ROOT (where the reports are written) accepts a new file."""
    location = getattr(default_storage, "location", None)
    if not location:
        return "skipped"  # not a file system storage
    os.makedirs(location, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=location, prefix=".healthz-"):
        pass
    return "ok"


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "media": check_media,
}


def run_checks() -> tuple[bool, dict]:
    healthy = True
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            status = check()
        except Exception as exc:  # every failure is reported, whatever raised it
            healthy = False
            error = str(exc) or type(exc).__name__
            results[name] = {"status": "error", "error": f"{type(exc).__name__}: {error}"}
            logger.warning("healthz: %s check failed: %s", name, results[name]["error"])
        else:
            results[name] = {"status": status}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return healthy, results


@never_cache
@require_safe
def healthz(request):
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
