"""The dashboard from Django's cache (Redis in production), invalidated by the data itself.

The key holds the scope, the year, the active language (the dict carries translated names and
sentences) and a *data version*: a fingerprint of the tables the dashboard reads, taken by one
query that only reads index ends, so it costs the same on 100 rows as on 10 million:

- MAX(id) of every table the dashboard reads catches every insert, bulk_create included;
- MAX(history_id) of the django-simple-history tables catches every save() and delete() of
  needs, offerings, projects, resources and organizations (each writes a history row);
- MAX(id) of the project transition log and of the ledger catches every project move and
  money move (services write one entry per move, even when they update funding lines in place);
- the small reference tables (communities, social workers, regions, categories) are read in
  full: COUNT(*) and MAX(updated_at) where they have it.

No signal and no explicit invalidation call: the next request after a write misses and
recomputes; entries of old versions are never read again and expire after
settings.DASHBOARD_CACHE_SECONDS, which also bounds how stale the time-dependent overdue lists
and, see docs/dashboard.md, a queryset .update() that bypasses save() may get.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Subquery, Value
from django.utils.translation import get_language

from communities.models import Community, Region, ServiceCategory, ServiceNeed
from core import regions
from orgs.models import ServiceOffering, SocialOrg, SocialWorker
from projects.models import (
    Bid,
    FundingResource,
    LedgerEntry,
    ProgressReport,
    Project,
    ProjectFunding,
    ProjectTransition,
)

from .figures import dashboard
from .scope import check_year

KEY_PREFIX = "dashboard:v1"

# Inserts: the highest primary key (an index end).
INSERTED = (
    ServiceNeed,
    ServiceOffering,
    ServiceOffering.service_area.through,
    Project,
    ProjectFunding,
    ProjectTransition,
    FundingResource,
    LedgerEntry,
    Bid,
    ProgressReport,
    SocialOrg,
)
# Saves and deletes: the highest history row (simple_history writes one for each).
HISTORIZED = (ServiceNeed, ServiceOffering, Project, FundingResource, SocialOrg)
# Small tables read whole (hundreds to a few thousand rows in a city).
SMALL = (Community, SocialWorker, Region, ServiceCategory)


def _scalar(model, aggregate):
    """A scalar subquery: one aggregate over a whole table (no GROUP BY)."""
    return Subquery(
        model.objects.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(value=aggregate)
        .values("value")
    )


def _name(model) -> str:
    return model._meta.label_lower.replace(".", "_")


def _fingerprint_columns() -> dict:
    columns = {}
    for model in INSERTED:
        columns[f"{_name(model)}_id"] = _scalar(model, Max("pk"))
    for model in HISTORIZED:
        history = model.history.model
        columns[f"{_name(history)}_id"] = _scalar(history, Max("history_id"))
    for model in SMALL:
        columns[f"{_name(model)}_n"] = _scalar(model, Count("pk"))
        stamp = "updated_at" if hasattr(model, "updated_at") else "pk"
        columns[f"{_name(model)}_max"] = _scalar(model, Max(stamp))
    return columns


_SCOPE = "scope-placeholder"
_COMPILED: dict[str, tuple[str, list]] = {}  # fingerprint query by database vendor


def _fingerprint_query() -> tuple[str, list, int]:
    """The fingerprint query as SQL, compiled once per process: Django takes ~10 ms to build
    its twenty-odd subqueries, the database ~2 ms to answer them, and a warm dashboard is
    nothing but this query and a cache read. Returns (sql, params, index of the scope)."""
    vendor = connection.vendor
    if vendor not in _COMPILED:
        columns = _fingerprint_columns()
        query = Region.objects.filter(pk=_SCOPE).annotate(**columns).values_list(*columns).query
        sql, params = query.sql_with_params()
        _COMPILED[vendor] = (sql, list(params))
    sql, params = _COMPILED[vendor]
    return sql, params, params.index(_SCOPE)


def data_version(within: str) -> str:
    """A short hash of the fingerprint of the dashboard's tables, read in one query.

    The subqueries ride on the scope's own Region row, so an unknown scope yields "" (and the
    dashboard then refuses it with a ValidationFailed).
    """
    sql, params, scope = _fingerprint_query()
    params = [*params[:scope], within, *params[scope + 1 :]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return ""
    return hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest()


def cache_key(within: str, year: int, version: str) -> str:
    """Where the dashboard of a scope and year, in the active language, is cached for the
    data version `version` (see data_version)."""
    language = get_language() or settings.LANGUAGE_CODE
    return f"{KEY_PREFIX}:{within}:{year}:{language}:{version}"


def dashboard_cached(within: str, year: int) -> dict:
    """dashboard(within=, year=) through the cache: one query while the data is unchanged."""
    check_year(year)
    version = data_version(within) if regions.is_valid_code(within) else ""
    if not version:
        return dashboard(within=within, year=year)  # refuses the scope (ValidationFailed)
    key = cache_key(within, year, version)
    data = cache.get(key)
    if data is None:
        data = dashboard(within=within, year=year)
        cache.set(key, data, settings.DASHBOARD_CACHE_SECONDS)
    return data
