"""A shared cache of what anonymous visitors read through the API, never stale after a write.

Most API traffic is anonymous reading of public lists and details (信息公开): the same first
page of needs, the same project, asked for by many visitors. Building each answer costs
10–30 ms of queries and serializing; sending a cached one costs a Redis round trip. Entries are
validated, not expired: every entry carries the *data version* it was built at, and any write
to a table that public answers are built from moves the version on, so the next read rebuilds.

Writes are seen where they happen, at the database cursor (`track_writes`, installed on every
connection), so no save path can forget to invalidate: `save()`, `QuerySet.update()`,
`bulk_create()`, raw SQL and the Celery worker's writes all count. The version moves when the
writing transaction commits, and the connection is marked dirty at once so that a read later
in the same thread (a test, an eager task) never sees its own write missing — even when the
transaction is never committed, as in a test.

The version lives in the cache, so the cache must be shared by every process (Redis):
`settings.PUBLIC_CACHE` is on by default only then.

Only answers that are the same for everyone are cached: anonymous GETs of public resources
(`PublicCacheMixin`) and data that does not depend on the viewer once they may see the object
(`cached_data`). An entry also expires after `TTL` seconds, a bound on staleness for writes
that bypass Django (psql, a restore without a restart of Redis).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.utils import translation

log = logging.getLogger(__name__)

VERSION_KEY = "public-data:version"
TTL = 300

# Tables whose writes cannot change a public answer: sessions, logins, tokens, task results,
# private conversations, notifications, and the progress counters of runs and reports.
_QUIET_TABLES = re.compile(
    r"^(django_session|django_admin_log|django_celery_\w+|axes_\w+|knox_authtoken"
    r"|matchmaking_(conversation|message|report|matchrun)|projects_notification)$"
)
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_DIRTY = "_public_cache_dirty"


# Signing in stamps `last_login`, which no public answer shows; counted, every sign-in in the
# city would empty the cache.
_SIGN_IN = re.compile(r'^\s*UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE\b')


def _changes_public_data(sql: str) -> bool:
    match = _WRITE.match(sql)
    return bool(match) and not _QUIET_TABLES.match(match.group(1)) and not _SIGN_IN.match(sql)


def _version() -> int:
    """The current data version, created (from the clock, so never reused) when missing."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump() -> None:
    """Move the data version on: every cached public answer is out of date from now."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing (evicted, flushed): start again from the clock
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # the cache is down: entries expire within TTL, readers fall through
        log.warning("public cache: could not move the data version on", exc_info=True)


def _committed(connection) -> None:
    setattr(connection, _DIRTY, False)
    bump()


class _WriteTracker:
    """A cursor execute wrapper: note a write to a public table, bump when it commits."""

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and _changes_public_data(sql):
            connection = context["connection"]
            if not connection.in_atomic_block:
                bump()  # autocommit: committed already
                return result
            setattr(connection, _DIRTY, True)
            callback = self._on_commit_of(connection)
            if not any(func is callback for _, func, _ in connection.run_on_commit):
                connection.on_commit(callback)
        return result

    def _on_commit_of(self, connection) -> Callable[[], None]:
        # One bound callback per connection, so that "already registered" is an identity test.
        callback = getattr(connection, "_public_cache_on_commit", None)
        if callback is None:
            callback = lambda: _committed(connection)  # noqa: E731
            connection._public_cache_on_commit = callback
        return callback


track_writes = _WriteTracker()


def install(connection, **kwargs) -> None:
    """`connection_created` receiver: watch this connection's writes (once)."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


def _settle_own_writes() -> None:
    """A read after this thread's own uncommitted write must not be served an older answer."""
    for connection in connections.all(initialized_only=True):
        if getattr(connection, _DIRTY, False):
            setattr(connection, _DIRTY, False)
            bump()


def _lookup(key: str) -> tuple[int, Any]:
    """(current version, the entry if it was built at that version, else None): one round trip."""
    _settle_own_writes()
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = _version()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return version, entry[1]
    return version, None


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"public:{digest}"


def cached_data(name: str, build: Callable[[], Any], *parts: str) -> Any:
    """`build()`'s result, shared by every caller until the data changes.

    For data that is the same for every viewer allowed to ask (the caller checks that first);
    `parts` name what it depends on besides the data (an id, a parameter); the active
    language is part of the key, since the data may carry translated labels.
    """
    if not settings.PUBLIC_CACHE:
        return build()
    key = _key("data", name, translation.get_language() or "", *parts)
    try:
        version, value = _lookup(key)
    except Exception:
        log.warning("public cache unavailable; building %s directly", name, exc_info=True)
        return build()
    if value is None:
        value = build()
        _store(key, version, value)
    return value


def _store(key: str, version: int, value: Any) -> None:
    try:
        cache.set(key, (version, value), timeout=TTL)
    except Exception:
        log.warning("public cache: could not store an entry", exc_info=True)


def _cacheable(request) -> bool:
    return (
        settings.PUBLIC_CACHE
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and getattr(request, "accepted_renderer", None) is not None
        and request.accepted_renderer.format == "json"
    )


def _response_key(request) -> str:
    return _key(
        "response",
        translation.get_language() or "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    )


class PublicCacheMixin:
    """`list` and `retrieve` of an API view, served from the shared cache to anonymous callers.

    Authentication, permissions and throttles still run on every request; only building the
    answer is skipped. Signed-in users see answers scoped to them and are never served from
    (or stored into) the shared cache.
    """

    def list(self, request, *args, **kwargs):
        return self.from_cache(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.from_cache(super().retrieve, request, *args, **kwargs)

    def from_cache(self, build, request, *args, **kwargs):
        if not _cacheable(request):
            return build(request, *args, **kwargs)
        key = _response_key(request)
        try:
            version, entry = _lookup(key)
        except Exception:
            log.warning("public cache unavailable; answering directly", exc_info=True)
            return build(request, *args, **kwargs)
        if entry is not None:
            content_type, content = entry
            return HttpResponse(content, content_type=content_type)
        response = build(request, *args, **kwargs)
        if response.status_code == 200:
            response.add_post_render_callback(
                lambda rendered: _store(key, version, (rendered["Content-Type"], rendered.content))
            )
        return response
